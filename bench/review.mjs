// Review pipeline throughput: 500 cases screened by the worker against an OpenAI-compatible server
// on loopback that answers every call after 200 ms. Prints cases/s next to the bound that
// concurrency and latency allow (concurrency ÷ (calls per case × latency)).
//   node bench/review.mjs [--cases 500] [--concurrency 8] [--latency 200] [--profile <dir>]
// The rate is measured from the first case a worker claims to the last case screened (database
// timestamps), so the worker's start-up (module loading, ORM, pg-boss) is not counted as screening
// time; the wall clock from the worker's spawn is printed beside it. `--profile <dir>` writes the
// worker's CPU profile (.cpuprofile) there.
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { machine, repo, signIn, startApi } from './lib.mjs';

const arg = (name, fallback) => (process.argv.includes(`--${name}`) ? Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) : fallback);
const CASES = arg('cases', 500);
const CONCURRENCY = arg('concurrency', 8);
const LATENCY = arg('latency', 200);
const PROFILE = process.argv.includes('--profile') ? path.resolve(process.argv[process.argv.indexOf('--profile') + 1]) : null;
const require = createRequire(path.join(repo, 'api', 'package.json'));

/** Just enough of the OpenAI API for the pipeline: clean answers after a fixed delay. */
function startFakeOpenAi() {
  let calls = 0;
  const server = http.createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    calls++;
    await new Promise((r) => setTimeout(r, LATENCY));
    const request = JSON.parse(body || '{}');
    if (req.url.endsWith('/moderations')) {
      const inputs = Array.isArray(request.input) ? request.input : [request.input];
      const results = inputs.map(() => ({ flagged: false, categories: {}, category_scores: { violence: 0.001, sexual: 0.001 }, category_applied_input_types: {} }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'modr', model: request.model, results }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({ id: 'chat', object: 'chat.completion', created: 0, model: request.model, choices: [{ index: 0, message: { role: 'assistant', content: '{"territories":[{"territory":"US","findings":[]}]}', refusal: null }, finish_reason: 'stop', logprobs: null }] }),
    );
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}/v1`, calls: () => calls, close: () => server.close() })));
}

const fake = await startFakeOpenAi();
const env = { OPENAI_API_KEY: 'sk-bench', OPENAI_BASE_URL: fake.url, REVIEW_MAX_KEYFRAMES: '0', REVIEW_CONCURRENCY: String(CONCURRENCY), AI_CALL_TIMEOUT_MS: '10000' };
const api = await startApi(env);
let worker;
try {
  const token = await signIn(api, 'editor@crimsonreel.test');
  const studioId = (await api.gql('{ viewer { memberships { organization { id } } } }', {}, token)).viewer.memberships[0].organization.id;
  const series = (await api.gql('mutation($s: ID!) { createSeries(studioId: $s, input: { title: "Review benchmark", originalLanguage: "en" }) { id } }', { s: studioId }, token)).createSeries;
  await api.gql('mutation($i: AddEpisodesInput!) { addEpisodes(input: $i) { id } }', { i: { seriesId: series.id, fromNumber: 1, toNumber: CASES } }, token);
  await api.gql('mutation($id: ID!, $i: LicenseInput!) { setLicense(seriesId: $id, input: $i) { id } }', { id: series.id, i: { sourceWorkTitle: 'Bench', sourceWorkKind: 'ORIGINAL', licensor: 'Bench', licenseKind: 'ORIGINAL', territoriesIncluded: ['WORLDWIDE'] } }, token);

  // One probed media revision, shared by every episode (revisions are rows; the bytes are content-addressed).
  const db = await api.client();
  const { execFileSync } = await import('node:child_process');
  const ffmpeg = require('@ffmpeg-installer/ffmpeg').path;
  const clip = path.join(api.dataDir, 'bench-review.mp4');
  execFileSync(ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=360x640:rate=24', '-t', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-y', clip]);
  const { createHash } = await import('node:crypto');
  const { readFileSync, mkdirSync, copyFileSync, statSync } = await import('node:fs');
  const sha = createHash('sha256').update(readFileSync(clip)).digest('hex');
  mkdirSync(path.join(api.dataDir, 'media', 'media'), { recursive: true });
  copyFileSync(clip, path.join(api.dataDir, 'media', 'media', `${sha}.mp4`));
  // Through the lifecycle's steps (the database refuses DRAFT → READY in one jump), as an upload would.
  for (const status of ['UPLOADING', 'PROCESSING']) await db.query(`update episode set status = '${status}' where series_id = $1`, [series.id]);
  await db.query(
    `with e as (select id from episode where series_id = $1),
          r as (insert into media_revision (id, episode_id, sha256, size_bytes, storage_key, file_name, container, video_codec, duration_seconds, width, height, warnings, created_at)
                select gen_random_uuid(), e.id, $2, $4, $3, 'bench.mp4', 'mp4', 'h264', 2, 360, 640, '[]', now() from e returning id, episode_id)
     update episode set current_media_id = r.id, status = 'READY', duration_seconds = 2 from r where episode.id = r.episode_id`,
    // The revision's size is the file's: screening refuses media whose stored bytes differ from the revision.
    [series.id, sha, `media/${sha}.mp4`, statSync(clip).size],
  );
  // Each revision's fingerprint as its upload's processing stored it (screening computes one only for
  // media that has none): two frames of random hashes, so the episodes are distinct pictures, as a
  // series' episodes are, rather than 500 copies of one clip matching one another.
  const { FINGERPRINT_ALGORITHM } = require(path.join(repo, 'api/dist/api/src/modules/fingerprints/fingerprint.service.js'));
  await db.query(`insert into media_fingerprint (media_revision_id, algorithm, frame_count) select current_media_id, $2, 2 from episode where series_id = $1`, [series.id, FINGERPRINT_ALGORITHM]);
  await db.query(
    `insert into fingerprint_frame (media_revision_id, at_ms, hash, mirrored_hash)
     select e.current_media_id, s * 1000, ((random() * 4294967295)::bigint << 32) | (random() * 4294967295)::bigint, ((random() * 4294967295)::bigint << 32) | (random() * 4294967295)::bigint
     from episode e cross join generate_series(0, 1) s where e.series_id = $1`,
    [series.id],
  );
  const { rows } = await db.query('select id from episode where series_id = $1 order by number', [series.id]);
  const ids = rows.map((r) => r.id);
  for (let i = 0; i < ids.length; i += 100) {
    await api.gql('mutation($i: SubmitForReviewInput!) { submitForReview(input: $i) { id } }', { i: { episodeIds: ids.slice(i, i + 100), territories: ['US'] } }, token);
  }

  const started = process.hrtime.bigint();
  worker = spawn(process.execPath, [...(PROFILE ? ['--cpu-prof', '--cpu-prof-dir', PROFILE] : []), path.join(repo, 'api/dist/api/src/cli/worker.js')], { env: { ...process.env, ...env, NODE_ENV: 'development', DATA_DIR: api.dataDir, EMBEDDED_PG_PORT: String(api.pgPort), LOG_LEVEL: 'warn' }, stdio: 'inherit' });
  for (;;) {
    const done = (await db.query(`select count(*)::int as n from review_case where episode_id = any($1::uuid[]) and status <> 'QUEUED' and status <> 'SCREENING'`, [ids])).rows[0].n;
    if (done >= CASES) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  // Steady state: from the first claim to the last assessment written, both on the database's clock.
  const span = (
    await db.query(
      `select extract(epoch from (select max(a.finished_at) from ai_assessment a join review_case c on c.id = a.review_case_id where c.episode_id = any($1::uuid[]))
                                 - (select min(screening_started_at) from review_case where episode_id = any($1::uuid[])))::float8 as seconds`,
      [ids],
    )
  ).rows[0];
  const seconds = span.seconds;
  const callsPerCase = fake.calls() / CASES;
  const bound = CONCURRENCY / ((callsPerCase * LATENCY) / 1000);
  const unavailable = (await db.query(`select count(*)::int as n from review_case where ai_status = 'AI_UNAVAILABLE'`)).rows[0].n;
  console.log(`review benchmark (${CASES} cases, ${LATENCY} ms per provider call, concurrency ${CONCURRENCY})`);
  console.log(`  machine: ${machine()}`);
  console.log(`  provider calls per case   ${callsPerCase.toFixed(2)}`);
  console.log(`  measured                  ${(CASES / seconds).toFixed(1).padStart(7)} cases/s   (${seconds.toFixed(1)} s from the first case claimed to the last screened)`);
  console.log(`  from the worker's spawn   ${(CASES / wallSeconds).toFixed(1).padStart(7)} cases/s   (${wallSeconds.toFixed(1)} s, start-up included)`);
  console.log(`  bound                     ${bound.toFixed(1).padStart(7)} cases/s   (= ${CONCURRENCY} ÷ (${callsPerCase.toFixed(2)} × ${LATENCY / 1000} s))`);
  console.log(`  measured / bound          ${((CASES / seconds) / bound).toFixed(2).padStart(7)}`);
  // Where a case's time goes (p50 over the cases, milliseconds): from its claim to its first provider
  // call being written (reads, checks, and any wait for a provider slot), the calls (first call
  // started to last answered, the writes before each call included), and from the last answer to the
  // assessment's statement (the copy check's wait and the record; the assessment's clock is its
  // transaction's start).
  const phases = (
    await db.query(
      `with c as (select extract(epoch from (select min((s.entry->>'startedAt')::timestamptz) from screening_call s where s.review_case_id = rc.id) - rc.screening_started_at) * 1000 as before,
                         extract(epoch from (select max(s.finished_at) from screening_call s where s.review_case_id = rc.id) - (select min((s.entry->>'startedAt')::timestamptz) from screening_call s where s.review_case_id = rc.id)) * 1000 as calls,
                         extract(epoch from a.finished_at - (select max(s.finished_at) from screening_call s where s.review_case_id = rc.id)) * 1000 as after
                    from review_case rc join ai_assessment a on a.review_case_id = rc.id where rc.episode_id = any($1::uuid[]))
       select percentile_cont(0.5) within group (order by before) as before, percentile_cont(0.5) within group (order by calls) as calls, percentile_cont(0.5) within group (order by after) as after from c`,
      [ids],
    )
  ).rows[0];
  console.log(`  per case (p50)            ${Math.round(phases.before)} ms claim to first call, ${Math.round(phases.calls)} ms calls, ${Math.round(phases.after)} ms last answer to assessment`);
  const why = (await db.query(`select ai_error, count(*)::int as n from review_case where ai_status = 'AI_UNAVAILABLE' group by 1 order by 2 desc limit 1`)).rows[0];
  console.log(`  AI unavailable            ${unavailable}${why ? ` (most often: ${why.ai_error})` : ''}`);
} finally {
  worker?.kill('SIGINT');
  if (worker) await new Promise((r) => worker.once('exit', r));
  await api.stop();
  fake.close();
}
