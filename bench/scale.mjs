// Scale-out on one machine: the partner catalog read path and a tus upload, straight to one API, then
// through nginx to one and to two API instances on the same database. Prints req/s, latency and
// upload MB/s side by side, with where the CPU went during each read run (API processes, PostgreSQL,
// nginx, the load generator), which is what decides whether a second instance helps on this machine.
//   node bench/scale.mjs [--seconds 10] [--connections 20] [--mib 128] [--rounds 3]
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes, createHash } from 'node:crypto';
import { closeSync, copyFileSync, createReadStream, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import * as tus from 'tus-js-client';
import { repo, signIn, startApi } from './lib.mjs';

const arg = (name, fallback) => (process.argv.includes(`--${name}`) ? Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) : fallback);
const SECONDS = arg('seconds', 10);
const CONNECTIONS = arg('connections', 20);
const UPLOAD_MIB = arg('mib', 128);
const ROUNDS = arg('rounds', 3);
const EPISODES = 20;
const CHUNK = 8 * 1024 * 1024;
const require = createRequire(path.join(repo, 'api', 'package.json'));
const pg = require('pg');
const NGINX = ['/usr/sbin/nginx', ...(process.env.PATH ?? '').split(':').map((d) => path.join(d, 'nginx'))].find((file) => {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
});
if (!NGINX) {
  console.log('scale benchmark skipped: nginx is not installed (apt-get install -y nginx)');
  process.exit(0);
}

// Shared counters and limits: the load would otherwise be refused with 429 within a second.
const unlimited = { PARTNER_RATE_LIMIT_PER_MINUTE: '100000000', USER_RATE_LIMIT_PER_MINUTE: '100000000', ANONYMOUS_RATE_LIMIT_PER_MINUTE: '100000000', UPLOAD_MAX_BYTES: String(4 * 1024 ** 3) };

const CATALOG = `query($t: String!) {
  catalog(territory: $t, first: 20) {
    nodes { id title licensor sourceWork { title author } episodes(first: 20) { nodes { id number title durationSeconds width height price { free coins currency amount } } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** nginx in the foreground with its own folder and configuration: round-robin over `upstreams`. */
async function startNginx(upstreams) {
  const dir = mkdtempSync(path.join(tmpdir(), 'greenlight-bench-nginx-'));
  const port = await freePort();
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(path.join(dir, sub));
  writeFileSync(
    path.join(dir, 'nginx.conf'),
    `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
${process.getuid?.() === 0 ? 'user root;' : ''}
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream api {
${upstreams.map((u) => `    server ${u};`).join('\n')}
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 64m;
    location / {
      proxy_pass http://api;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_request_buffering off;
    }
  }
}
`,
  );
  const child = spawn(NGINX, ['-e', path.join(dir, 'error.log'), '-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${readFileSync(path.join(dir, 'error.log'), 'utf8')}`);
    try {
      await fetch(`${url}/healthz`);
      break;
    } catch {
      if (i > 100) throw new Error('nginx did not answer');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  // The master only supervises; the worker does the proxying.
  const workers = readdirSync('/proc').filter((p) => /^\d+$/.test(p) && ppidOf(Number(p)) === child.pid).map(Number);
  return {
    url,
    pids: [child.pid, ...workers],
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const TICK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
function statFields(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}
const ppidOf = (pid) => Number(statFields(pid)?.[1]);
/** CPU seconds a process used (user + system), with its reaped children's when asked. */
function cpuSeconds(pid, withReapedChildren = false) {
  const f = statFields(pid);
  if (!f) return 0;
  // Fields 14–17 of /proc/<pid>/stat: utime, stime, cutime, cstime (index 11–14 after the name).
  const own = Number(f[11]) + Number(f[12]);
  return (own + (withReapedChildren ? Number(f[13]) + Number(f[14]) : 0)) / TICK;
}
/** PostgreSQL: the postmaster, its live backends, and backends that already exited. */
function postgresCpu(postmaster) {
  const children = readdirSync('/proc').filter((p) => /^\d+$/.test(p) && ppidOf(Number(p)) === postmaster);
  return cpuSeconds(postmaster, true) + children.reduce((sum, p) => sum + cpuSeconds(Number(p)), 0);
}

/** Busy and total jiffies of all cores together, from /proc/stat (idle and iowait count as not busy). */
function machineTicks() {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const n = values.map(Number);
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - n[3] - n[4], total };
}

async function readLoad(url, key, pids) {
  const request = { url: `${url}/graphql`, method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query: CATALOG, variables: { t: 'US' } }), connections: CONNECTIONS };
  await autocannon({ ...request, duration: 2 }); // warm-up: JIT, pools, keep-alive connections
  const before = { api: pids.api.map((p) => cpuSeconds(p)), nginx: pids.nginx.map((p) => cpuSeconds(p)), pg: postgresCpu(pids.postmaster), self: process.cpuUsage(), machine: machineTicks() };
  const result = await autocannon({ ...request, duration: SECONDS });
  const sum = (xs) => xs.reduce((a, b) => a + b, 0);
  const cpu = {
    api: sum(pids.api.map((p) => cpuSeconds(p))) - sum(before.api),
    nginx: sum(pids.nginx.map((p) => cpuSeconds(p))) - sum(before.nginx),
    pg: postgresCpu(pids.postmaster) - before.pg,
    load: (() => {
      const u = process.cpuUsage(before.self);
      return (u.user + u.system) / 1e6;
    })(),
  };
  const machine = machineTicks();
  const wall = result.duration;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    cpu,
    wall,
    ours: (cpu.api + cpu.nginx + cpu.pg + cpu.load) / (wall * cpus().length),
    busy: (machine.busy - before.machine.busy) / (machine.total - before.machine.total),
  };
}

async function upload(url, token, episodeId, file) {
  const size = statSync(file).size;
  const started = process.hrtime.bigint();
  await new Promise((resolve, reject) => {
    new tus.Upload(createReadStream(file), {
      endpoint: `${url}/uploads`,
      chunkSize: CHUNK,
      uploadSize: size,
      retryDelays: [0, 500],
      headers: { authorization: `Bearer ${token}` },
      // Random bytes are not a video: processing rejects them afterwards, outside what is measured.
      metadata: { episodeId, filename: 'bench.mp4', filetype: 'video/mp4' },
      onError: reject,
      onSuccess: resolve,
    }).start();
  });
  return size / 1e6 / (Number(process.hrtime.bigint() - started) / 1e9);
}

/** Processing (hashing, probing: it fails, the bytes are random) runs after the upload; let it finish before measuring again. */
async function settled(api, token, episodeId) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { episode } = await api.gql('query($id: ID!) { episode(id: $id) { uploads { status } } }', { id: episodeId }, token);
    if (!episode.uploads.some((u) => u.status === 'UPLOADING' || u.status === 'PROCESSING')) return;
    if (Date.now() > deadline) throw new Error('upload processing did not finish');
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A live series of EPISODES episodes for the demo partner in the US, through the real review flow. */
async function seedLiveSeries(api) {
  const owner = await signIn(api, 'owner@crimsonreel.test');
  const lead = await signIn(api, 'lead@greenlight.test');
  const key = readFileSync(path.join(api.dataDir, 'demo-partner-api-key'), 'utf8').trim();
  const partnerId = (await api.gql('{ viewer { organizations { id } } }', {}, key)).viewer.organizations[0].id;
  const studioId = (await api.gql('{ viewer { memberships { organization { id } } } }', {}, owner)).viewer.memberships[0].organization.id;
  const series = (await api.gql('mutation($s: ID!) { createSeries(studioId: $s, input: { title: "Scale benchmark", originalLanguage: "en" }) { id } }', { s: studioId }, owner)).createSeries;
  await api.gql('mutation($i: AddEpisodesInput!) { addEpisodes(input: $i) { id } }', { i: { seriesId: series.id, fromNumber: 1, toNumber: EPISODES + 3 * ROUNDS } }, owner);
  const day = 24 * 3600_000;
  const windowStart = new Date(Date.now() - day).toISOString();
  await api.gql('mutation($id: ID!, $i: LicenseInput!) { setLicense(seriesId: $id, input: $i) { id } }', { id: series.id, i: { sourceWorkTitle: 'Bench', sourceWorkKind: 'NOVEL', sourceWorkAuthor: 'A. Writer', licensor: 'Bench Press', licenseKind: 'ADAPTATION', territoriesIncluded: ['US', 'CA'], windowStart, windowEnd: new Date(Date.now() + 365 * day).toISOString() } }, owner);
  await api.gql('mutation($i: SetEpisodePricesInput!) { setEpisodePrices(input: $i) { episode { number } } }', { i: { seriesId: series.id, fromNumber: 1, toNumber: EPISODES, territory: 'US', currency: 'USD', amountMinor: 49 } }, owner);

  // One probed media revision per episode, sharing one clip's bytes (content-addressed), as review.mjs does.
  const db = new pg.Client({ connectionString: `postgresql://greenlight:greenlight@127.0.0.1:${api.pgPort}/greenlight` });
  await db.connect();
  const clip = path.join(api.dataDir, 'bench-scale.mp4');
  execFileSync(require('@ffmpeg-installer/ffmpeg').path, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=360x640:rate=24', '-t', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-y', clip]);
  const sha = createHash('sha256').update(readFileSync(clip)).digest('hex');
  mkdirSync(path.join(api.dataDir, 'media', 'media'), { recursive: true });
  copyFileSync(clip, path.join(api.dataDir, 'media', 'media', `${sha}.mp4`));
  // Through the lifecycle's steps (the database refuses DRAFT → READY in one jump), as an upload would.
  for (const status of ['UPLOADING', 'PROCESSING']) await db.query(`update episode set status = '${status}' where series_id = $1 and number <= $2`, [series.id, EPISODES]);
  await db.query(
    `with e as (select id from episode where series_id = $1 and number <= $4),
          r as (insert into media_revision (id, episode_id, sha256, size_bytes, storage_key, file_name, container, video_codec, duration_seconds, width, height, warnings, created_at)
                select gen_random_uuid(), e.id, $2, $5, $3, 'bench.mp4', 'mp4', 'h264', 2, 360, 640, '[]', now() from e returning id, episode_id)
     update episode set current_media_id = r.id, status = 'READY', duration_seconds = 2 from r where episode.id = r.episode_id`,
    [series.id, sha, `media/${sha}.mp4`, EPISODES, statSync(clip).size],
  );
  const { rows } = await db.query('select id from episode where series_id = $1 order by number', [series.id]);
  const ids = rows.map((r) => r.id);
  await api.gql('mutation($i: SubmitForReviewInput!) { submitForReview(input: $i) { id } }', { i: { episodeIds: ids.slice(0, EPISODES), territories: ['US'] } }, owner);

  // Screening runs in a worker process only while seeding, so it takes no CPU from the measurements.
  const worker = spawn(process.execPath, [path.join(repo, 'api/dist/api/src/cli/worker.js')], {
    env: { ...process.env, NODE_ENV: 'development', DATA_DIR: api.dataDir, EMBEDDED_PG_PORT: String(api.pgPort), LOG_LEVEL: 'warn', AI_PROVIDER: 'rules', REVIEW_MAX_KEYFRAMES: '0' },
    stdio: 'inherit',
  });
  try {
    const deadline = Date.now() + 180_000;
    for (;;) {
      const pending = (await db.query(`select count(*)::int as n from review_case where status in ('QUEUED', 'SCREENING')`)).rows[0].n;
      if (pending === 0) break;
      if (Date.now() > deadline) throw new Error('screening did not finish');
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    worker.kill('SIGINT');
    await new Promise((r) => worker.once('exit', r));
  }
  for (let i = 0; i < EPISODES; i++) {
    const claimed = (await api.gql('mutation($f: QueueFilterInput) { claimNextCase(filter: $f) { id version } }', { f: { studioId } }, lead)).claimNextCase;
    await api.gql('mutation($i: DecideCaseInput!) { decideCase(input: $i) { id } }', { i: { caseId: claimed.id, version: claimed.version, decisions: [{ territory: 'US', decision: 'APPROVE' }] } }, lead);
  }
  await api.gql('mutation($s: ID!, $p: ID!, $i: ReleasePlanInput!) { setReleasePlan(seriesId: $s, partnerId: $p, input: $i) { id } }', { s: series.id, p: partnerId, i: { mode: 'ALL_AT_ONCE', startsAt: windowStart } }, owner);
  await db.end();
  const live = (await api.gql(CATALOG, { t: 'US' }, key)).catalog.nodes;
  const episodes = live.reduce((n, s) => n + s.episodes.nodes.length, 0);
  if (episodes !== EPISODES) throw new Error(`expected ${EPISODES} live episodes, the catalog shows ${episodes}`);
  // The spare episodes (no media) take one upload each.
  return { key, owner, uploadEpisodes: ids.slice(EPISODES) };
}

const loadAtStart = loadavg();
const first = await startApi(unlimited);
const postmaster = Number(readFileSync(path.join(first.dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
const address = (api) => new URL(api.url).host;
let second;
const balancers = [];
const file = path.join(first.dataDir, `bench-${UPLOAD_MIB}.bin`);
try {
  const { key, owner, uploadEpisodes } = await seedLiveSeries(first);
  const fd = openSync(file, 'w');
  const block = randomBytes(1024 * 1024);
  for (let i = 0; i < UPLOAD_MIB; i++) writeSync(fd, block);
  closeSync(fd);
  const uploadTo = async (url) => {
    const episodeId = uploadEpisodes.shift();
    const mbPerSecond = await upload(url, owner, episodeId, file);
    await settled(first, owner, episodeId);
    return mbPerSecond;
  };

  second = await startApi({ ...unlimited, DATABASE_URL: `postgresql://greenlight:greenlight@127.0.0.1:${first.pgPort}/greenlight`, DATA_DIR: first.dataDir });
  balancers.push(await startNginx([address(first)]), await startNginx([address(first), address(second)]));
  const setups = [
    { name: 'one API, direct', url: first.url, pids: { api: [first.pid], nginx: [], postmaster } },
    { name: 'nginx → one API', url: balancers[0].url, pids: { api: [first.pid], nginx: balancers[0].pids, postmaster } },
    { name: 'nginx → two APIs', url: balancers[1].url, pids: { api: [first.pid, second.pid], nginx: balancers[1].pids, postmaster } },
  ];
  // Setups take turns, round after round, so a change in the machine's other work hits them alike.
  const runs = setups.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, setup] of setups.entries()) runs[i].push({ ...(await readLoad(setup.url, key, setup.pids)), upload: await uploadTo(setup.url) });
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const rows = setups.map((setup, i) => {
    const r = runs[i];
    return {
      name: setup.name,
      rps: median(r.map((x) => x.rps)),
      p50: median(r.map((x) => x.p50)),
      p99: median(r.map((x) => x.p99)),
      errors: r.reduce((n, x) => n + x.errors, 0),
      upload: median(r.map((x) => x.upload)),
      cpu: Object.fromEntries(['api', 'pg', 'nginx', 'load'].map((k) => [k, mean(r.map((x) => x.cpu[k]))])),
      wall: mean(r.map((x) => x.wall)),
      ours: mean(r.map((x) => x.ours)),
      busy: mean(r.map((x) => x.busy)),
    };
  });

  const cell = (v, w, d = 0) => (typeof v === 'number' ? v.toFixed(d) : v).padStart(w);
  console.log(`scale-out benchmark (${cpus().length} cores; partner catalog(territory: "US"), 1 series × ${EPISODES} episodes, autocannon ${CONNECTIONS} connections × ${SECONDS} s; tus ${UPLOAD_MIB} MiB in ${CHUNK / 1024 ** 2} MiB chunks)`);
  console.log(`  ${ROUNDS} interleaved rounds: medians of req/s, latency and MB/s; mean core-seconds of CPU per ${SECONDS} s read run; load average at the start ${loadAtStart.map((l) => l.toFixed(1)).join(' ')}`);
  console.log('                       req/s   p50 ms   p99 ms   errors   upload MB/s    API  PostgreSQL  nginx  load gen   ours  machine');
  for (const r of rows) {
    console.log(`  ${r.name.padEnd(18)} ${cell(r.rps, 7)} ${cell(r.p50, 8)} ${cell(r.p99, 8)} ${cell(r.errors, 8)} ${cell(r.upload, 13, 1)}   ${cell(r.cpu.api, 5, 1)} ${cell(r.cpu.pg, 11, 1)} ${cell(r.cpu.nginx, 6, 1)} ${cell(r.cpu.load, 9, 1)}   ${cell(`${Math.round(r.ours * 100)}%`, 4)} ${cell(`${Math.round(r.busy * 100)}%`, 8)}`);
  }
  const [, viaOne, viaTwo] = rows;
  const cores = (seconds, r) => (seconds / r.wall).toFixed(2);
  console.log(`  two APIs / one API through nginx: ${(viaTwo.rps / viaOne.rps).toFixed(2)}× req/s, ${(viaTwo.upload / viaOne.upload).toFixed(2)}× upload MB/s`);
  const requests = viaTwo.rps * viaTwo.wall;
  const perRequest = (seconds) => (seconds / requests) * 1000;
  const perApiCore = 1000 / perRequest(viaTwo.cpu.api);
  console.log(`  CPU per catalog request: API ${perRequest(viaTwo.cpu.api).toFixed(1)} ms, PostgreSQL ${perRequest(viaTwo.cpu.pg).toFixed(1)} ms, nginx ${perRequest(viaTwo.cpu.nginx).toFixed(2)} ms → about ${perApiCore.toFixed(0)} req/s per API core`);
  const pct = (x) => `${Math.round(x * 100)}%`;
  let limit;
  if (viaTwo.busy < 0.85) {
    limit = `the cores were not saturated (${pct(viaTwo.busy)} busy with two APIs): the limit lies elsewhere — PostgreSQL (${cores(viaTwo.cpu.pg, viaTwo)} cores), lock waits, or the ${CONNECTIONS} connections of the load generator.`;
  } else if (viaTwo.ours - viaOne.ours > 0.1 && viaTwo.rps > viaOne.rps * 1.1) {
    limit =
      `every core was busy in both runs (${pct(viaOne.busy)} and ${pct(viaTwo.busy)}), much of it other work on this machine (load average ${loadAtStart[0].toFixed(1)}). ` +
      `The second API process won a bigger share of the contended cores (this benchmark's processes: ${pct(viaOne.ours)} → ${pct(viaTwo.ours)} of the machine; the APIs ${cores(viaOne.cpu.api, viaOne)} → ${cores(viaTwo.cpu.api, viaTwo)} cores), which is where the gain came from. ` +
      `On an otherwise idle ${cpus().length}-core machine the APIs, PostgreSQL, nginx and the load generator share the same cores, so a second instance adds little there; instances on their own cores add about ${perApiCore.toFixed(0)} req/s per core.`;
  } else {
    const others = viaTwo.busy - viaTwo.ours > 0.2 ? `; this benchmark's processes used ${pct(viaTwo.ours)} of the machine, other work on it the rest (load average ${loadAtStart[0].toFixed(1)})` : '';
    limit =
      `every core was busy (${pct(viaOne.busy)} with one API, ${pct(viaTwo.busy)} with two${others}). The APIs got ${cores(viaOne.cpu.api, viaOne)} cores alone and ${cores(viaTwo.cpu.api, viaTwo)} together, PostgreSQL ${cores(viaTwo.cpu.pg, viaTwo)}: ` +
      `a second instance on the same cores can only take CPU from the first, the database, nginx and everything else running; instances on their own cores add about ${perApiCore.toFixed(0)} req/s per core.`;
  }
  console.log(`  what limited the gain: ${limit}`);
} finally {
  for (const balancer of balancers) await balancer.stop().catch(() => undefined);
  await second?.stop();
  await first.stop();
  rmSync(file, { force: true });
  if (second) rmSync(second.dataDir, { recursive: true, force: true });
  rmSync(first.dataDir, { recursive: true, force: true });
}
