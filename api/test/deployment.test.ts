import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findRepoRoot } from '../src/config';

const root = findRepoRoot();

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  ports?: string[];
  deploy?: { replicas?: number };
  healthcheck?: { test?: string[]; disable?: boolean };
  restart?: string;
}

const composeText = readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
const compose = parse(composeText) as { services: Record<string, ComposeService>; volumes: Record<string, unknown> };
const { api, worker, web, nginx, postgres, minio } = compose.services as Record<string, ComposeService>;
const nginxConf = readFileSync(path.join(root, 'deploy', 'nginx.conf'), 'utf8');

/** The upstream an nginx `location` block passes to (`api`, `web` or a variable), by its path. */
function routeOf(location: string): string | undefined {
  const escaped = location.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const block = new RegExp(`location\\s+(?:=\\s*)?${escaped}\\s*\\{([^}]*)\\}`).exec(nginxConf)?.[1];
  return block && /proxy_pass\s+http:\/\/([$\w]+)/.exec(block)?.[1];
}

describe('docker-compose.yml', () => {
  it('parses, and every service it builds has a Dockerfile whose COPY sources exist', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'migrate', 'minio', 'minio-init', 'nginx', 'postgres', 'web', 'worker']);
    for (const [name, service] of Object.entries(compose.services)) {
      if (!service.build) continue;
      const context = path.join(root, service.build.context);
      const dockerfile = path.join(context, service.build.dockerfile);
      expect(existsSync(dockerfile), `${name}: ${dockerfile}`).toBe(true);
      const sources = readFileSync(dockerfile, 'utf8')
        .split('\n')
        .filter((line) => /^COPY (?!--from)/.test(line))
        .flatMap((line) => line.replace(/^COPY /, '').split(/\s+/).slice(0, -1));
      for (const source of sources) expect(existsSync(path.join(context, source)), `${name} copies ${source}`).toBe(true);
    }
  });

  it('every file it mounts from the repository exists (nginx configuration, MinIO set-up script)', () => {
    const mounted = Object.entries(compose.services).flatMap(([name, s]) => (s.volumes ?? []).filter((v) => v.startsWith('./')).map((v) => [name, v.split(':')[0]!] as const));
    expect(mounted.map(([, file]) => file).sort()).toEqual(['./deploy/minio-init.sh', './deploy/nginx.conf']);
    for (const [name, file] of mounted) expect(existsSync(path.join(root, file)), `${name} mounts ${file}`).toBe(true);
  });

  it('runs the API in production mode against the compose PostgreSQL, with secrets from the environment', () => {
    expect(api!.environment).toMatchObject({ NODE_ENV: 'production' });
    expect(String(api!.environment!.DATABASE_URL)).toContain('@postgres:5432/');
    expect(String(api!.environment!.APP_SECRET)).toMatch(/^\$\{APP_SECRET:\?/);
    for (const secret of ['S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY']) expect(String(api!.environment![secret])).toMatch(new RegExp(`^\\$\\{${secret}:\\?`));
    expect(String(postgres!.environment!.POSTGRES_PASSWORD)).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
    expect(String(minio!.environment!.MINIO_ROOT_PASSWORD)).toMatch(/^\$\{MINIO_ROOT_PASSWORD:\?/);
    expect(postgres!.volumes).toContain('postgres-data:/var/lib/postgresql/data');
    expect(minio!.volumes).toContain('minio-data:/data');
    expect(compose.volumes).toHaveProperty('postgres-data');
    expect(compose.volumes).toHaveProperty('minio-data');
    expect(web!.environment!.API_URL).toBe('http://api:4000/graphql');
  });

  it('runs two stateless API replicas on S3 storage in MinIO, reachable only through nginx', () => {
    expect(api!.deploy?.replicas).toBe(2);
    expect(api!.environment).toMatchObject({ STORAGE: 's3', S3_ENDPOINT: 'http://minio:9000', S3_FORCE_PATH_STYLE: 'true' });
    expect(api!.ports).toBeUndefined();
    expect(web!.ports).toBeUndefined();
    expect(nginx!.ports).toEqual(['${HTTP_PORT:-8080}:80']);
    expect(compose.services['minio-init']!.environment!.S3_BUCKET).toBe(api!.environment!.S3_BUCKET);
  });

  it('runs the worker from the API image with the same settings, after migrations and the bucket are in place', () => {
    expect(worker!.build).toEqual(api!.build);
    expect(worker!.command).toEqual(['node', 'api/dist/api/src/cli/worker.js']);
    expect(existsSync(path.join(root, 'api', 'src', 'cli', 'worker.ts'))).toBe(true);
    expect(worker!.environment).toEqual(api!.environment);
    expect(compose.services.migrate!.command).toEqual(['node', 'api/dist/api/src/cli/migrate.js']);
    expect(existsSync(path.join(root, 'api', 'src', 'cli', 'migrate.ts'))).toBe(true);
    for (const service of [api!, worker!]) {
      expect(service.depends_on).toMatchObject({
        postgres: { condition: 'service_healthy' },
        migrate: { condition: 'service_completed_successfully' },
        'minio-init': { condition: 'service_completed_successfully' },
      });
    }
  });

  it('health-checks and restarts every long-running service', () => {
    for (const name of ['postgres', 'minio', 'api', 'worker', 'web', 'nginx']) expect(compose.services[name]!.restart, name).toBe('unless-stopped');
    for (const name of ['postgres', 'minio', 'api', 'web', 'nginx']) expect(compose.services[name]!.healthcheck?.test, name).toBeDefined();
    expect(JSON.stringify(api!.healthcheck!.test)).toContain('/readyz');
  });

  it('.env.example names every variable the compose file needs', () => {
    const example = readFileSync(path.join(root, '.env.example'), 'utf8');
    const needed = [...composeText.matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]);
    for (const name of new Set(needed)) expect(example).toMatch(new RegExp(`^${name}=`, 'm'));
  });
});

describe('deploy/nginx.conf', () => {
  it('sends the API paths to the API replicas and everything else to the dashboard', () => {
    expect(routeOf('/graphql')).toBe('api');
    expect(routeOf('/healthz')).toBe('api');
    expect(routeOf('/readyz')).toBe('api');
    expect(routeOf('/playback/')).toBe('api');
    expect(routeOf('/')).toBe('web');
    // Uploads and media: bearer-token clients to the API, dashboard browsers (cookie) through the dashboard.
    expect(routeOf('/uploads')).toBe('$session_upstream');
    expect(routeOf('/media/')).toBe('$session_upstream');
    expect(nginxConf).toMatch(/map \$http_authorization \$session_upstream \{\s*""\s+web;\s*default\s+api;\s*\}/);
    expect(nginxConf).toMatch(/server api:4000 resolve;/);
    expect(nginxConf).toMatch(/server web:3000 resolve;/);
  });

  it('streams uploads without a body-size cap of its own and passes the client address on', () => {
    const uploads = /location \/uploads \{([^}]*)\}/.exec(nginxConf)![1]!;
    expect(uploads).toMatch(/proxy_request_buffering off;/);
    expect(uploads).toMatch(/client_max_body_size 0;/);
    expect(nginxConf).toMatch(/proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;/);
    expect(nginxConf).toMatch(/proxy_set_header Host \$http_host;/);
  });
});

describe('api/Dockerfile', () => {
  it('gives the unprivileged node user a data folder it can write', () => {
    const dockerfile = readFileSync(path.join(root, 'api', 'Dockerfile'), 'utf8');
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/DATA_DIR=\/app\/\.data/);
    expect(runtime).toMatch(/chown node:node \/app\/\.data/);
    expect(runtime.indexOf('chown node:node /app/.data')).toBeLessThan(runtime.indexOf('USER node'));
  });
});
