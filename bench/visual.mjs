// The embedded image model as the worker runs it: through the worker-thread pool (ThreadedClassifier,
// piscina) with 1 and with --threads threads, frames per second per core (CPU time of the whole
// process, threads included) and per wall second. Baselines measured in the same run: the same model
// on the calling thread (what the pool's hop costs) and the pure-JavaScript CPU backend (what WASM
// buys). Also the seconds the model adds to screening one episode (sampling its keyframes with ffmpeg
// and scoring them; the text rules alone sample nothing). Build first (npm run build).
//   node bench/visual.mjs [--frames 16] [--threads 2] [--keyframes 8] [--seconds 90]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { repo } from './lib.mjs';

const arg = (name, fallback) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : fallback);
const require = createRequire(path.join(repo, 'api', 'package.json'));
const dist = (p) => path.join(repo, 'api', 'dist', 'api', 'src', p);
const { NsfwjsClassifier } = require(dist('modules/review/visual-classifier/nsfwjs-classifier.js'));
const { ThreadedClassifier } = require(dist('modules/review/visual-classifier/threaded-classifier.js'));
const ffmpeg = require('@ffmpeg-installer/ffmpeg').path;

/**
 * Scores `frames` JPEGs in this process, as `mode` says: `wasm` or `cpu` on the calling thread, or
 * `pool:N` through the worker's thread pool with N threads, N frames in flight. Prints JSON: load ms,
 * frames per wall second and per CPU second (process.cpuUsage counts every thread of the process).
 */
async function measure(mode, frames, files) {
  const threads = mode.startsWith('pool:') ? Number(mode.slice(5)) : 0;
  const classifier = threads ? new ThreadedClassifier({ threads }) : new NsfwjsClassifier(undefined, mode);
  const inFlight = Math.max(1, threads);
  const loadStart = performance.now();
  // Each thread loads its own model: as many first tasks as threads start them all.
  await Promise.all(Array.from({ length: inFlight }, () => classifier.ready()));
  const loadMs = performance.now() - loadStart;
  await Promise.all(Array.from({ length: inFlight }, () => classifier.classify(readFileSync(files[0])))); // warm
  const cpu = process.cpuUsage();
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      for (let i = next++; i < frames; i = next++) await classifier.classify(readFileSync(files[i % files.length]));
    }),
  );
  const wallS = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuS = (used.user + used.system) / 1e6;
  const rssMiB = process.memoryUsage().rss / 2 ** 20;
  await classifier.close?.();
  return { mode, frames, loadMs, perWallSecond: frames / wallS, perCoreSecond: frames / cpuS, rssMiB };
}

if (arg('child', null)) {
  const result = await measure(arg('child'), Number(arg('frames', 4)), JSON.parse(arg('files')));
  process.stdout.write(JSON.stringify(result));
  process.exit(0);
}

const FRAMES = Number(arg('frames', 16));
const THREADS = Number(arg('threads', 2));
const KEYFRAMES = Number(arg('keyframes', 8));
const SECONDS = Number(arg('seconds', 90));
const dir = mkdtempSync(path.join(tmpdir(), 'greenlight-bench-visual-'));
const episode = path.join(dir, 'episode.mp4');
execFileSync(ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', `testsrc2=size=720x1280:rate=24`, '-t', String(SECONDS), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-y', episode]);

// Seconds added per episode: sampling keyframes as the pipeline does, then scoring them.
const { sampleKeyframes } = require(dist('modules/review/keyframes.js'));
const sampleStart = performance.now();
const keyframes = await sampleKeyframes(episode, SECONDS, KEYFRAMES);
const sampleS = (performance.now() - sampleStart) / 1000;
const files = keyframes.map((k, i) => {
  const file = path.join(dir, `${i}.jpg`);
  require('node:fs').writeFileSync(file, k.jpeg);
  return file;
});

const run = (mode, frames) => {
  const out = spawnSync(process.execPath, [new URL(import.meta.url).pathname, '--child', mode, '--frames', String(frames), '--files', JSON.stringify(files)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const line = out.stdout.trim().split('\n').at(-1);
  if (out.status !== 0 || !line?.startsWith('{')) throw new Error(`${mode} run failed: ${out.stderr}`);
  return JSON.parse(line);
};
const load = (await import('node:os')).loadavg()[0];
const pool1 = run('pool:1', FRAMES);
const poolN = THREADS > 1 ? run(`pool:${THREADS}`, FRAMES) : undefined;
const calling = run('wasm', FRAMES);
const cpu = run('cpu', Math.max(2, Math.floor(FRAMES / 8)));
const scoreS = keyframes.length / pool1.perWallSecond;
const f = (n, d = 2) => n.toFixed(d);
const label = { 'pool:1': 'pool, 1 thread', [`pool:${THREADS}`]: `pool, ${THREADS} threads`, wasm: 'calling thread (WASM)', cpu: 'calling thread (CPU backend)' };
console.log(`load average ${f(load, 1)} on ${(await import('node:os')).cpus().length} cores at the start`);
console.log(`keyframes sampled from a ${SECONDS} s 720×1280 episode: ${keyframes.length} in ${f(sampleS)} s (ffmpeg)`);
for (const r of [pool1, poolN, calling, cpu].filter(Boolean)) console.log(`${label[r.mode].padEnd(29)}: model loaded in ${f(r.loadMs / 1000)} s; ${f(r.perCoreSecond)} frames/s per core (CPU time), ${f(r.perWallSecond)} frames/s wall, RSS ${f(r.rssMiB, 0)} MiB, ${r.frames} frames`);
console.log(`pool (1 thread) against the calling thread: ${f(pool1.perCoreSecond / calling.perCoreSecond)}× frames per core-second, ${f(pool1.perWallSecond / calling.perWallSecond)}× wall`);
if (poolN) console.log(`pool (${THREADS} threads) against 1 thread: ${f(poolN.perWallSecond / pool1.perWallSecond)}× frames per wall second, ${f(poolN.perCoreSecond / pool1.perCoreSecond)}× per core-second`);
console.log(`WASM through the pool against the CPU backend (baseline): ${f(pool1.perCoreSecond / cpu.perCoreSecond, 1)}× frames per core-second`);
console.log(`seconds added per episode: ${f(sampleS + scoreS)} s (${f(sampleS)} s sampling + ${f(scoreS)} s scoring ${keyframes.length} frames through the pool), plus ${f(pool1.loadMs / 1000)} s once per worker thread to load the model`);
rmSync(dir, { recursive: true, force: true });
