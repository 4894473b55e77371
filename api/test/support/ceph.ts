import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { S3 } from '@aws-sdk/client-s3';

const run = promisify(execFile);

const BINARIES = ['monmaptool', 'ceph-mon', 'ceph-osd', 'ceph', 'radosgw', 'radosgw-admin'];

/** Why a Ceph gateway cannot be started here (a missing binary), or undefined when it can. */
export function cephUnavailable(): string | undefined {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const missing = BINARIES.filter(
    (name) =>
      !dirs.some((dir) => {
        try {
          accessSync(path.join(dir, name), constants.X_OK);
          return true;
        } catch {
          return false;
        }
      }),
  );
  return missing.length ? `Ceph is not installed (missing ${missing.join(', ')}); apt-get install -y ceph-mon ceph-osd radosgw ceph-common` : undefined;
}

/** A throwaway S3 endpoint: a single-node Ceph cluster (one monitor, one in-memory OSD, one RGW). */
export interface CephGateway {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  client: S3;
  /** Creates a bucket with a fresh name and returns the API settings that point at it. */
  bucketEnv(): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

/** A port nothing listens on now, unless one is given (for fixed firewall rules and the like). */
async function freePort(fixed?: string): Promise<number> {
  if (fixed) return Number(fixed);
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Boots the cluster in a temporary folder on random ports (CEPH_TEST_MON_PORT and CEPH_TEST_RGW_PORT
 * fix them). Data lives in the OSD's memory; `stop` ends the daemons and removes the folder.
 * One more attempt on fresh ports covers a port taken between choosing and binding it.
 */
export async function startCeph(): Promise<CephGateway> {
  try {
    return await bootCluster();
  } catch (error) {
    console.warn(`${(error as Error).message}\nTrying once more.`);
    return bootCluster();
  }
}

async function bootCluster(): Promise<CephGateway> {
  const dir = mkdtempSync(path.join(tmpdir(), 'greenlight-ceph-'));
  const monPort = await freePort(process.env.CEPH_TEST_MON_PORT);
  const rgwPort = await freePort(process.env.CEPH_TEST_RGW_PORT);
  const fsid = randomUUID();
  const conf = path.join(dir, 'ceph.conf');
  for (const sub of ['mon', 'osd', 'run', 'log', 'rgw']) mkdirSync(path.join(dir, sub));
  writeFileSync(
    conf,
    `[global]
fsid = ${fsid}
mon host = v1:127.0.0.1:${monPort}
mon initial members = a
# A test cluster on loopback: no cephx. Without "crc secure" clients wait minutes for authentication.
auth cluster required = none
auth service required = none
auth client required = none
ms mon client mode = crc secure
ms bind msgr2 = false
run dir = ${dir}/run
admin socket = ${dir}/run/$name.asok
log file = ${dir}/log/$name.log
# One OSD: pools of size one, placement across OSDs rather than hosts, few placement groups.
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon warn on pool no redundancy = false
mon data avail warn = 1
osd crush chooseleaf type = 0
osd pool default pg num = 8
osd pool default pgp num = 8
[mon.a]
mon data = ${dir}/mon
[osd.0]
osd data = ${dir}/osd
osd objectstore = memstore
memstore device bytes = ${4 * 1024 ** 3}
# Placed in the CRUSH map below instead: the OSD's own start-up commands can reach the monitor
# before it knows the cluster's fsid and are then refused ("wrong fsid"), which ends the OSD.
osd crush update on start = false
osd class update on start = false
[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:${rgwPort}
rgw data = ${dir}/rgw
`,
  );
  const daemons: ChildProcess[] = [];
  const daemon = (name: string, args: string[]) => {
    const out = openSync(path.join(dir, 'log', `${name}.out`), 'a');
    const child = spawn(name, ['-f', '-c', conf, ...args], { stdio: ['ignore', out, out] });
    daemons.push(child);
  };
  const ceph = (args: string[]) => run('ceph', ['-c', conf, '--connect-timeout', '20', ...args], { timeout: 30_000 });

  const stop = async () => {
    await Promise.all(
      [...daemons].reverse().map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            // The OSD takes about ten seconds to leave on SIGTERM; wait for it, but not forever.
            const force = setTimeout(() => child.kill('SIGKILL'), 20_000);
            child.once('exit', () => {
              clearTimeout(force);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await run('monmaptool', ['--create', '--fsid', fsid, '--addv', 'a', `[v1:127.0.0.1:${monPort}]`, path.join(dir, 'monmap')]);
    await run('ceph-mon', ['-c', conf, '--mkfs', '-i', 'a', '--monmap', path.join(dir, 'monmap')]);
    daemon('ceph-mon', ['-i', 'a']);
    const osdUuid = randomUUID();
    const { stdout: osdId } = await ceph(['osd', 'new', osdUuid]);
    await run('ceph-osd', ['-c', conf, '-i', osdId.trim(), '--mkfs', '--osd-uuid', osdUuid]);
    await ceph(['osd', 'crush', 'add', `osd.${osdId.trim()}`, '1', 'root=default']);
    daemon('ceph-osd', ['-i', osdId.trim()]);
    daemon('radosgw', ['-n', 'client.rgw']);
    const endpoint = `http://127.0.0.1:${rgwPort}`;
    await waitFor(endpoint, 90_000, () => daemons.find((d) => d.exitCode !== null));

    const accessKeyId = `greenlight${randomBytes(6).toString('hex')}`;
    const secretAccessKey = randomBytes(24).toString('base64url');
    await run('radosgw-admin', ['-c', conf, 'user', 'create', '--uid=greenlight-test', '--display-name=Greenlight tests', `--access-key=${accessKeyId}`, `--secret=${secretAccessKey}`], { timeout: 60_000 });
    const region = 'us-east-1';
    const client = new S3({
      endpoint,
      region,
      forcePathStyle: true,
      credentials: { accessKeyId, secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    // The first bucket creates the gateway's data pools (several seconds): do it now, not in a test.
    const bucketEnv = async () => {
      const bucket = `media-${randomBytes(5).toString('hex')}`;
      await client.createBucket({ Bucket: bucket });
      return { STORAGE: 's3', S3_BUCKET: bucket, S3_ENDPOINT: endpoint, S3_REGION: region, S3_ACCESS_KEY_ID: accessKeyId, S3_SECRET_ACCESS_KEY: secretAccessKey, S3_FORCE_PATH_STYLE: 'true' };
    };
    await bucketEnv();
    return { endpoint, region, accessKeyId, secretAccessKey, client, bucketEnv, stop };
  } catch (error) {
    const logs = ['ceph-mon.out', 'ceph-osd.out', 'radosgw.out', 'client.rgw.log']
      .map((name) => path.join(dir, 'log', name))
      .filter((file) => existsSync(file))
      .map((file) => `--- ${path.basename(file)}\n${readFileSync(file, 'utf8').split('\n').slice(-15).join('\n')}`)
      .join('\n');
    await stop();
    throw new Error(`The test Ceph cluster did not start: ${(error as Error).message}\n${logs}`);
  }
}

/** Polls the gateway until it answers HTTP, failing early if a daemon exits. */
async function waitFor(endpoint: string, timeoutMs: number, exited: () => ChildProcess | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const dead = exited();
    if (dead) throw new Error(`${dead.spawnargs[0]} exited with ${dead.exitCode}`);
    try {
      const res = await fetch(endpoint, { signal: AbortSignal.timeout(2000) });
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the gateway at ${endpoint} did not answer within ${timeoutMs / 1000} s`);
}
