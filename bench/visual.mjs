// The embedded image model: frames per second per core on the TensorFlow.js WASM backend (one
// thread), against the pure-JavaScript CPU backend measured in the same run as the baseline, and the
// seconds the model adds to screening one episode (sampling its keyframes with ffmpeg and scoring
// them; the text rules alone sample nothing). Build first (npm run build).
//   node bench/visual.mjs [--frames 16] [--keyframes 8] [--seconds 90]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { repo } from './lib.mjs';

const arg = (name, fallback) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : fallback);
const require = createRequire(path.join(repo, 'api', 'package.json'));
const dist = (p) => path.join(repo, 'api', 'dist', 'api', 'src', p);
const { NsfwjsClassifier } = require(dist('modules/review/visual-classifier/nsfwjs-classifier.js'));
const ffmpeg = require('@ffmpeg-installer/ffmpeg').path;

/** Scores `frames` JPEGs on one backend in this process; prints JSON: load ms, frames per wall second and per CPU second. */
async function measure(backend, frames, files) {
  const classifier = new NsfwjsClassifier(undefined, backend);
  const loadStart = performance.now();
  await classifier.ready();
  const loadMs = performance.now() - loadStart;
  await classifier.classify(readFileSync(files[0])); // warm
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < frames; i++) await classifier.classify(readFileSync(files[i % files.length]));
  const wallS = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuS = (used.user + used.system) / 1e6;
  return { backend, frames, loadMs, perWallSecond: frames / wallS, perCoreSecond: frames / cpuS, rssMiB: process.memoryUsage().rss / 2 ** 20 };
}

if (arg('child', null)) {
  const result = await measure(arg('child'), Number(arg('frames', 4)), JSON.parse(arg('files')));
  process.stdout.write(JSON.stringify(result));
  process.exit(0);
}

const FRAMES = Number(arg('frames', 16));
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

const run = (backend, frames) => {
  const out = spawnSync(process.execPath, [new URL(import.meta.url).pathname, '--child', backend, '--frames', String(frames), '--files', JSON.stringify(files)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const line = out.stdout.trim().split('\n').at(-1);
  if (out.status !== 0 || !line?.startsWith('{')) throw new Error(`${backend} run failed: ${out.stderr}`);
  return JSON.parse(line);
};
const wasm = run('wasm', FRAMES);
const cpu = run('cpu', Math.max(2, Math.floor(FRAMES / 8)));
const scoreS = keyframes.length / wasm.perWallSecond;
const f = (n, d = 2) => n.toFixed(d);
console.log(`keyframes sampled from a ${SECONDS} s 720×1280 episode: ${keyframes.length} in ${f(sampleS)} s (ffmpeg)`);
for (const r of [wasm, cpu]) console.log(`${r.backend.padEnd(4)}: model loaded in ${f(r.loadMs / 1000)} s; ${f(r.perWallSecond)} frames/s wall, ${f(r.perCoreSecond)} frames/s per core (CPU time), RSS ${f(r.rssMiB, 0)} MiB, ${r.frames} frames`);
console.log(`WASM against the CPU backend (baseline): ${f(wasm.perCoreSecond / cpu.perCoreSecond, 1)}× frames per core-second`);
console.log(`seconds added per episode: ${f(sampleS + scoreS)} s (${f(sampleS)} s sampling + ${f(scoreS)} s scoring ${keyframes.length} frames), plus ${f(wasm.loadMs / 1000)} s once per worker process to load the model`);
