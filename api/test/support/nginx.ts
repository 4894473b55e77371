import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Where Debian puts it; /usr/sbin is often missing from a non-root PATH. */
function nginxBinary(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), '/usr/sbin'];
  for (const dir of dirs) {
    try {
      accessSync(path.join(dir, 'nginx'), constants.X_OK);
      return path.join(dir, 'nginx');
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Why nginx cannot be started here, or undefined when it can. */
export function nginxUnavailable(): string | undefined {
  return nginxBinary() ? undefined : 'nginx is not installed; apt-get install -y nginx';
}

/** A port nothing listens on now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** An nginx on loopback balancing round-robin over `upstreams` (host:port), as in front of API replicas. */
export interface LoadBalancer {
  url: string;
  /** The error log so far (upstream failures, refused bodies). */
  errorLog(): string;
  stop(): Promise<void>;
}

/** The whole configuration: everything lives under `dir`, nothing is read from or written to /etc/nginx or /var. */
function configuration(dir: string, port: number, upstreams: string[]): string {
  return `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
${process.getuid?.() === 0 ? '# As root, nginx would run its worker as an unprivileged user that cannot enter this private folder.\nuser root;\n' : ''}
events {
  worker_connections 1024;
}

http {
  access_log off;
  client_body_temp_path ${dir}/client-body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;

  upstream api {
${upstreams.map((address) => `    server ${address} max_fails=1 fail_timeout=30s;`).join('\n')}
    keepalive 16;
  }

  server {
    listen 127.0.0.1:${port};
    # tus PATCH bodies are one chunk each; leave room above 8 MiB chunks.
    client_max_body_size 64m;

    location / {
      proxy_pass http://api;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # The port is kept so any absolute URL the API builds points back at this proxy.
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      # Upload chunks stream straight through instead of being spooled to disk first.
      proxy_request_buffering off;
      proxy_buffering off;
      proxy_read_timeout 300s;
      proxy_send_timeout 300s;
      # Which instance answered (after any retry on another), so tests can see the spread.
      add_header X-Upstream $upstream_addr always;
    }
  }
}
`;
}

/**
 * Starts `nginx -c <file> -p <prefix>` in the foreground on a free loopback port, as a child of the
 * test, and resolves once it answers. One more attempt on a fresh port covers a port taken between
 * choosing and binding it.
 */
export async function startLoadBalancer(upstreams: string[]): Promise<LoadBalancer> {
  try {
    return await boot(upstreams);
  } catch (error) {
    console.warn(`${(error as Error).message}\nTrying once more.`);
    return boot(upstreams);
  }
}

async function boot(upstreams: string[]): Promise<LoadBalancer> {
  const binary = nginxBinary();
  if (!binary) throw new Error(nginxUnavailable());
  const dir = mkdtempSync(path.join(tmpdir(), 'greenlight-nginx-'));
  for (const sub of ['client-body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(path.join(dir, sub));
  const port = await freePort();
  const conf = path.join(dir, 'nginx.conf');
  const errorFile = path.join(dir, 'error.log');
  writeFileSync(conf, configuration(dir, port, upstreams));
  // -e: the log for start-up errors, before the configuration names its own.
  const child: ChildProcess = spawn(binary, ['-e', errorFile, '-p', dir, '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const errorLog = () => (existsSync(errorFile) ? readFileSync(errorFile, 'utf8') : '') + stderr;
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        // SIGTERM is nginx's fast shutdown: open connections are closed, not drained.
        child.kill('SIGTERM');
      });
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) {
      const log = errorLog();
      await stop();
      throw new Error(`nginx exited with ${child.exitCode}:\n${log}`);
    }
    try {
      // Any answer will do (502 while upstreams start): nginx itself is listening.
      await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      return { url, errorLog, stop };
    } catch {
      if (Date.now() > deadline) {
        const log = errorLog();
        await stop();
        throw new Error(`nginx did not answer on ${url}:\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
