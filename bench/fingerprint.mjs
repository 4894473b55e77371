// Perceptual fingerprints: how long fingerprinting takes per minute of video, and how a lookup (one
// episode's frames against everything stored) scales from 10,000 to 1,000,000 stored frame
// fingerprints. The lookup is the one screening runs: window-index candidates (the same SQL), then the
// bit-by-bit comparison of each candidate. Every checked frame is probed as shown and mirrored (its
// mirrored hash), as screening does. Half the lookups are planted copies (a stored episode with bits
// flipped in every frame; every other one a mirrored copy, whose mirrored hashes are the near ones),
// which must be found; half are unrelated.
//   node bench/fingerprint.mjs [--lookups 200] [--small 10000] [--large 1000000]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { machine, repo, startApi } from './lib.mjs';

const arg = (name, fallback) => (process.argv.includes(`--${name}`) ? Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) : fallback);
const LOOKUPS = arg('lookups', 200);
const SMALL = arg('small', 10_000);
const LARGE = arg('large', 1_000_000);
const FRAMES_PER_EPISODE = 60; // a one-minute episode at one frame per second
const FLIPPED_BITS = 6; // a copy's frames differ in this many of 64 bits (re-encoded, cropped, watermarked: 0–7 seen)

const require = createRequire(path.join(repo, 'api', 'package.json'));
const pg = require('pg');
const dist = (p) => require(path.join(repo, 'api/dist/api/src/modules/fingerprints', p));
const { frameHashes } = dist('frame-hashes.js');
const { CANDIDATES_SQL, candidateParameters, pgArray } = dist('lookup.js');
const { compareFrames } = dist('content-matching.js');
const ffmpeg = require('@ffmpeg-installer/ffmpeg').path;

// 1. Fingerprinting time per minute of video (a 60 s, 720 × 1280 H.264 clip).
const dir = mkdtempSync(path.join(tmpdir(), 'greenlight-bench-fp-'));
const clip = path.join(dir, 'minute.mp4');
execFileSync(ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=720x1280:rate=30', '-t', '60', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-y', clip]);
const runs = [];
for (let i = 0; i < 3; i++) {
  const started = process.hrtime.bigint();
  const frames = await frameHashes(clip);
  runs.push(Number(process.hrtime.bigint() - started) / 1e9);
  if (frames.length < 55) throw new Error(`expected about 60 frames, got ${frames.length}`);
}
rmSync(dir, { recursive: true, force: true });
runs.sort((a, b) => a - b);
console.log(`fingerprinting: ${runs[1].toFixed(2)} s per minute of 720×1280 video (median of 3; ${(60 / runs[1]).toFixed(0)}× real time)`);

// 2. Lookups against synthetic stored fingerprints.
const api = await startApi();
const db = new pg.Client({ connectionString: `postgresql://greenlight:greenlight@127.0.0.1:${api.pgPort}/greenlight` });
await db.connect();
const studio = (await db.query(`select id from organization where kind = 'STUDIO' limit 1`)).rows[0].id;
const series = (await db.query(
  `insert into series (id, studio_id, title, synopsis, genres, original_language, audio_languages, subtitle_languages, maturity_ratings, filings, free_episode_count, created_at, updated_at)
   values (gen_random_uuid(), $1, 'Fingerprint load', '', '{}', 'en', '{}', '{}', '[]', '[]', 0, now(), now()) returning id`,
  [studio],
)).rows[0].id;
let episodes = 0;

/** Adds stored fingerprints until `total` frames are stored: one-minute episodes of random frame hashes. */
async function seedTo(total) {
  const target = Math.ceil(total / FRAMES_PER_EPISODE);
  const started = Date.now();
  while (episodes < target) {
    const batch = Math.min(2000, target - episodes);
    await db.query('begin');
    await db.query(`insert into episode (id, series_id, number, title, synopsis, status, created_at, updated_at) select gen_random_uuid(), $1, n, 'Episode ' || n, '', 'READY', now(), now() from generate_series($2::int, $3::int) n`, [series, episodes + 1, episodes + batch]);
    await db.query(
      `insert into media_revision (id, episode_id, sha256, size_bytes, storage_key, file_name, container, video_codec, duration_seconds, width, height, warnings, created_at)
       select gen_random_uuid(), e.id, md5(e.id::text) || md5(e.number::text), 1, 'media/x.mp4', 'x.mp4', 'mp4', 'h264', 60, 720, 1280, '[]', now() from episode e where e.series_id = $1 and e.number between $2 and $3`,
      [series, episodes + 1, episodes + batch],
    );
    await db.query(`update episode e set current_media_id = r.id from media_revision r where r.episode_id = e.id and e.series_id = $1 and e.number between $2 and $3`, [series, episodes + 1, episodes + batch]);
    await db.query(`insert into media_fingerprint (media_revision_id, algorithm, frame_count) select current_media_id, 'synthetic', $4 from episode where series_id = $1 and number between $2 and $3`, [series, episodes + 1, episodes + batch, FRAMES_PER_EPISODE]);
    await db.query(
      `insert into fingerprint_frame (media_revision_id, at_ms, hash)
       select e.current_media_id, s * 1000, ((random() * 4294967295)::bigint << 32) | (random() * 4294967295)::bigint
       from episode e cross join generate_series(0, $4 - 1) s where e.series_id = $1 and e.number between $2 and $3`,
      [series, episodes + 1, episodes + batch, FRAMES_PER_EPISODE],
    );
    await db.query('commit');
    episodes += batch;
  }
  await db.query('vacuum analyze fingerprint_frame');
  await db.query('analyze episode');
  const stored = (await db.query('select count(*)::int as n from fingerprint_frame')).rows[0].n;
  console.log(`  stored ${stored.toLocaleString('en')} frame fingerprints (${episodes.toLocaleString('en')} one-minute episodes) in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

const flip = (hash, bits) => {
  let h = BigInt.asUintN(64, hash);
  const chosen = new Set();
  while (chosen.size < bits) chosen.add(Math.floor(Math.random() * 64));
  for (const b of chosen) h ^= 1n << BigInt(b);
  return BigInt.asIntN(64, h);
};
const randomHash = () => BigInt.asIntN(64, (BigInt(Math.floor(Math.random() * 2 ** 32)) << 32n) | BigInt(Math.floor(Math.random() * 2 ** 32)));

async function lookups() {
  const latencies = [];
  let planted = 0;
  let found = 0;
  let mirroredFound = 0;
  let falseMatches = 0;
  for (let i = 0; i < LOOKUPS; i++) {
    let frames;
    let source = null;
    if (i % 2 === 0) {
      const picked = (await db.query(`select e.current_media_id as id from episode e where e.series_id = $1 and e.number = $2`, [series, 1 + Math.floor(Math.random() * episodes)])).rows[0].id;
      const rows = (await db.query(`select at_ms, hash::text as hash from fingerprint_frame where media_revision_id = $1 order by at_ms`, [picked])).rows;
      // Every other planted copy is mirrored: as shown it looks unrelated, its mirrored hashes are near the stored ones.
      const mirrored = i % 4 === 2;
      frames = rows.map((r) => (mirrored ? { atMs: r.at_ms, hash: randomHash(), mirroredHash: flip(BigInt(r.hash), FLIPPED_BITS) } : { atMs: r.at_ms, hash: flip(BigInt(r.hash), FLIPPED_BITS), mirroredHash: randomHash() }));
      source = { id: picked, mirrored };
      planted++;
    } else {
      frames = Array.from({ length: FRAMES_PER_EPISODE }, (_, s) => ({ atMs: s * 1000, hash: randomHash(), mirroredHash: randomHash() }));
    }
    const started = process.hrtime.bigint();
    // The lookup as screening runs it: candidates through the band indexes, then compare each.
    let sql = CANDIDATES_SQL;
    let n = 0;
    sql = sql.replace(/\?/g, () => `$${++n}`);
    const params = [...candidateParameters(frames), 50, '00000000-0000-0000-0000-000000000000', 50];
    if (process.argv.includes('--explain') && i < 2) console.log((await db.query(`explain analyze ${sql}`, params)).rows.map((r) => r['QUERY PLAN']).join('\n'));
    const candidates = (await db.query(sql, params)).rows.map((r) => r.id);
    const stored = candidates.length ? (await db.query(`select media_revision_id::text as id, at_ms, hash::text as hash from fingerprint_frame where media_revision_id = any($1::uuid[]) order by media_revision_id, at_ms`, [pgArray(candidates)])).rows : [];
    const compared = candidates.map((id) => ({ id, match: compareFrames(frames, stored.filter((r) => r.id === id).map((r) => ({ atMs: r.at_ms, hash: BigInt(r.hash) }))) })).filter((c) => c.match);
    latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
    const hit = source && compared.find((c) => c.id === source.id);
    if (hit && hit.match.mirrored === source.mirrored) {
      found++;
      if (source.mirrored) mirroredFound++;
    }
    falseMatches += compared.filter((c) => c.id !== source?.id).length;
  }
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  return { p50: pct(50), p99: pct(99), recall: found / planted, mirroredFound, falseMatches };
}

console.log(machine());
console.log(`lookups (${LOOKUPS}, each a ${FRAMES_PER_EPISODE}-frame episode probed as shown and mirrored; half are copies with ${FLIPPED_BITS} of 64 bits flipped per frame, every other copy mirrored):`);
await seedTo(SMALL);
const small = await lookups();
console.log(`  ${SMALL.toLocaleString('en')} stored: p50 ${small.p50.toFixed(1)} ms, p99 ${small.p99.toFixed(1)} ms; copies found ${(small.recall * 100).toFixed(0)}% (mirrored ${small.mirroredFound}), false matches ${small.falseMatches}`);
await seedTo(LARGE);
const large = await lookups();
console.log(`  ${LARGE.toLocaleString('en')} stored: p50 ${large.p50.toFixed(1)} ms, p99 ${large.p99.toFixed(1)} ms; copies found ${(large.recall * 100).toFixed(0)}% (mirrored ${large.mirroredFound}), false matches ${large.falseMatches}`);
console.log(`ratio ${LARGE.toLocaleString('en')} / ${SMALL.toLocaleString('en')}: p50 ${(large.p50 / small.p50).toFixed(2)}, p99 ${(large.p99 / small.p99).toFixed(2)} (target ≤ 2)`);
await db.end();
await api.stop();
