// Claim-next under load: 8 reviewers claiming concurrently from a queue of 10,000 and then
// 100,000 pending cases, in one run. Prints throughput and latency percentiles for both; with the
// queue-order index the head of the queue is read directly, so the figures should stay flat.
//   node bench/queue.mjs [--claims 2000] [--concurrency 8]
import path from 'node:path';
import { createRequire } from 'node:module';
import { repo, signIn, startApi } from './lib.mjs';

const arg = (name, fallback) => (process.argv.includes(`--${name}`) ? Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) : fallback);
const CLAIMS = arg('claims', 2000);
const CONCURRENCY = arg('concurrency', 8);
const require = createRequire(path.join(repo, 'api', 'package.json'));
const { loadReviewedSnapshots, reviewedDigest } = require(path.join(repo, 'api/dist/api/src/modules/review/reviewed-material.js'));

const api = await startApi({ GRAPHQL_USER_RATE_LIMIT_PER_MINUTE: '1000000', USER_RATE_LIMIT_PER_MINUTE: '1000000' });
const db = await api.client();

/** Adds `count` screened cases to the human queue (a series, its episodes and one shared revision). */
async function seed(count) {
  const studio = (await db.query(`select id from organization where kind = 'STUDIO' limit 1`)).rows[0].id;
  const series = (await db.query(
    `insert into series (id, studio_id, title, synopsis, genres, original_language, audio_languages, subtitle_languages, maturity_ratings, filings, free_episode_count, created_at, updated_at)
     values (gen_random_uuid(), $1, 'Queue load', '', '{}', 'en', '{}', '{}', '[]', '[]', 0, now(), now()) returning id`,
    [studio],
  )).rows[0].id;
  await db.query(`insert into episode (id, series_id, number, title, synopsis, status, created_at, updated_at) select gen_random_uuid(), $1, n, 'Episode ' || n, '', 'IN_REVIEW', now(), now() from generate_series(1, $2) n`, [series, count]);
  const revision = (await db.query(
    `insert into media_revision (id, episode_id, sha256, size_bytes, storage_key, file_name, container, video_codec, duration_seconds, width, height, warnings, created_at)
     select gen_random_uuid(), id, repeat('b', 64), 1, 'media/' || repeat('b', 64) || '.mp4', 'x.mp4', 'mp4', 'h264', 60, 720, 1280, '[]', now() from episode where series_id = $1 limit 1 returning id`,
    [series],
  )).rows[0].id;
  await db.query(`update episode set current_media_id = $1 where series_id = $2`, [revision, series]);
  // Each case bound to the digest of its episode's real material, as submission binds it: a case
  // that does not match lapses as soon as the API's publication follower evaluates the series.
  const em = { getConnection: () => ({ execute: async (sql, params) => (await db.query(sql.replace('?', '$1'), params)).rows }), getTransactionContext: () => undefined };
  const episodeIds = (await db.query(`select id from episode where series_id = $1 order by number`, [series])).rows.map((r) => r.id);
  for (let i = 0; i < episodeIds.length; i += 10_000) {
    const snapshots = await loadReviewedSnapshots(em, episodeIds.slice(i, i + 10_000));
    const bound = JSON.stringify([...snapshots].map(([episode_id, snapshot]) => ({ episode_id, hash: reviewedDigest(snapshot), snapshot })));
    await db.query(
      `insert into review_case (id, episode_id, studio_id, media_revision_id, media_sha256, metadata_hash, metadata_snapshot, territories, status, ai_status, risk_score, verdicts, progress, submitted_at, sla_due_at)
       select gen_random_uuid(), b.episode_id, $1, $2, repeat('b', 64), b.hash, b.snapshot, '{US}', 'PENDING_REVIEW', 'COMPLETED', (random() * 100)::int, '[]', '{}', now() - random() * interval '3 days', now() + random() * interval '2 days'
       from jsonb_to_recordset($3::jsonb) as b(episode_id uuid, hash text, snapshot jsonb)`,
      [studio, revision, bound],
    );
  }
  await db.query('analyze review_case');
  // The inserts marked the series for the publication follower: let it finish before measuring.
  while ((await db.query(`select count(*)::int as n from publication_mark`)).rows[0].n > 0) await new Promise((r) => setTimeout(r, 200));
  const lapsed = (await db.query(`select count(*)::int as n from review_case where invalidated_at is not null`)).rows[0].n;
  if (lapsed) throw new Error(`${lapsed} seeded cases lapsed: they are not bound to their material`);
}

async function measure(tokens) {
  const latencies = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, i) => {
      while (next < CLAIMS) {
        next++;
        const t0 = process.hrtime.bigint();
        const res = await fetch(`${api.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[i % tokens.length]}` },
          body: JSON.stringify({ query: 'mutation { claimNextCase { id } }' }),
        });
        const json = await res.json();
        if (!json.data?.claimNextCase) throw new Error(`claim failed: ${JSON.stringify(json)}`);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  return { perSecond: CLAIMS / seconds, p50: pct(50), p99: pct(99) };
}

try {
  const tokens = [await signIn(api, 'reviewer@greenlight.test'), await signIn(api, 'lead@greenlight.test')];
  await seed(10_000);
  const small = await measure(tokens);
  await seed(90_000);
  const pending = (await db.query(`select count(*)::int as n from review_case where status = 'PENDING_REVIEW' and claimed_by_id is null`)).rows[0].n;
  const large = await measure(tokens);
  console.log(`claim-next benchmark (${CLAIMS} claims per run, ${CONCURRENCY} concurrent claimers, over HTTP)`);
  console.log('                      10k pending    100k pending');
  console.log(`  claims/s            ${small.perSecond.toFixed(0).padStart(11)}    ${large.perSecond.toFixed(0).padStart(12)}`);
  console.log(`  p50 latency (ms)    ${small.p50.toFixed(1).padStart(11)}    ${large.p50.toFixed(1).padStart(12)}`);
  console.log(`  p99 latency (ms)    ${small.p99.toFixed(1).padStart(11)}    ${large.p99.toFixed(1).padStart(12)}`);
  console.log(`  ratio 100k/10k      throughput ${(large.perSecond / small.perSecond).toFixed(2)}, p99 ${(large.p99 / small.p99).toFixed(2)}   (unclaimed before the second run: ${pending})`);
} finally {
  await api.stop();
}
