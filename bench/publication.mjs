// Publication at catalog scale: series × 60 episodes released ALL_AT_ONCE to 2 partners serving 10
// territories, every episode with media and an approval bound to its real material digest, built
// once through `drain` at 200 series and again after growing to 2,000. Prints figures (never
// asserts on time), with ratios against baselines taken in the same run:
//   - a tick with nothing marked or due (`drain`): time and SQL statements at both sizes;
//   - one price change (series default coin price, an SQL UPDATE: the trigger marks the series) →
//     time until the partner's GraphQL `node` shows the new price, with the follower of createApp;
//   - license windows of 100 series ending at one instant → time until none of them is live
//     anywhere and every EXPIRED event is in `catalog_event` (what `changes` reads);
//   - build (from nothing: rows and PUBLISHED events written) and rebuild (everything re-evaluated,
//     nothing changed) throughput in (episode, partner, territory) pairs per second.
// Only the first `--build` series are built from nothing through `drain` (a build writes every row and
// a PUBLISHED event per pair, about 1,000 pairs/s on a busy 2-core machine: 2.4 million pairs would
// take most of an hour); the others are written in SQL as a build leaves them, and a sample of them
// re-evaluated must produce no write and no event. Rebuilds re-evaluate `--rebuild` series at each size.
//   node bench/publication.mjs [--small 200] [--large 2000] [--build 50] [--rebuild 100] [--reps 30] [--expire 100]
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { repo, startDatabase } from './lib.mjs';

const arg = (name, fallback) => (process.argv.includes(`--${name}`) ? Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) : fallback);
const SMALL = arg('small', 200);
const LARGE = arg('large', 2000);
const REPS = arg('reps', 30);
const EXPIRE = arg('expire', 100);
const BUILD = arg('build', 50);
const REBUILD = arg('rebuild', 100);
const EPISODES = 60;
const TERRITORIES = ['US', 'CA', 'GB', 'AU', 'IE', 'NZ', 'DE', 'FR', 'ES', 'BR'];
const PARTNERS = 2;
const pairsPerSeries = EPISODES * PARTNERS * TERRITORIES.length;

const require = createRequire(path.join(repo, 'api', 'package.json'));
const dist = (p) => require(path.join(repo, 'api/dist/api/src', p));
const { PublicationService } = dist('modules/publishing/publication.service.js');
const { canonicalJson, loadReviewedSnapshots, reviewedDigest } = dist('modules/review/reviewed-material.js');

const startedAt = Date.now();
const load0 = loadavg()[0];
const db = await startDatabase('publication');
const { dataDir, logger, config, orm, seeded } = db;
const sql = await db.client();
const q = async (text, params = []) => (await sql.query(text, params)).rows;

// CPU of PostgreSQL (postmaster, live backends, reaped ones) and of this process, to say what limited a figure.
const TICK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
const statFields = (pid) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
};
const cpuOf = (pid, reaped = false) => {
  const f = statFields(pid);
  return f ? (Number(f[11]) + Number(f[12]) + (reaped ? Number(f[13]) + Number(f[14]) : 0)) / TICK : 0;
};
const postmaster = Number(readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
const pgCpu = () => cpuOf(postmaster, true) + readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(statFields(p)?.[1]) === postmaster).reduce((s, p) => s + cpuOf(p), 0);
const nodeCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
/** Wall time, this process's CPU and PostgreSQL's CPU over `work`. */
async function measured(work) {
  const before = { wall: performance.now(), node: nodeCpu(), pg: pgCpu() };
  const result = await work();
  return { result, wall: (performance.now() - before.wall) / 1000, node: nodeCpu() - before.node, pg: pgCpu() - before.pg };
}
const split = (m) => `wall ${m.wall.toFixed(1)} s; CPU: API code ${m.node.toFixed(1)} s, PostgreSQL ${m.pg.toFixed(1)} s`;

// Two partners serving the same 10 territories.
const studioId = (await q(`select id from organization where kind = 'STUDIO' limit 1`))[0].id;
const partnerA = (await q(`select id from organization where kind = 'PARTNER' limit 1`))[0].id;
const partnerB = (await q(`insert into organization (id, name, kind, created_at) values (gen_random_uuid(), 'Bench partner', 'PARTNER', now()) returning id`))[0].id;
await q(`insert into partner_profile (organization_id, territories, currency) values ($1, $2, 'USD')`, [partnerB, TERRITORIES]);
await q(`update partner_profile set territories = $2 where organization_id = $1`, [partnerA, TERRITORIES]);

/**
 * `count` more series, each with a license for the 10 territories (window ending in a year), a
 * default coin price, 60 episodes with media, a decided case approving all 10 territories bound to
 * the digest of the episode's real material, and ALL_AT_ONCE plans to both partners. Bulk SQL with
 * the triggers off for this session; one mark per series afterwards stands for what they would write.
 */
async function seed(count, from, { settled = false } = {}) {
  const digests = new Map();
  await q('begin');
  await q(`set local session_replication_role = replica`);
  const series = (await q(
    `insert into series (id, studio_id, title, synopsis, genres, original_language, audio_languages, subtitle_languages, maturity_ratings, filings, free_episode_count, default_coin_price, created_at, updated_at)
     select gen_random_uuid(), $1, 'Series ' || g, 'A synopsis of series ' || g || '.', '{romance,drama}', 'en', '{en}', '{en}', '[{"territory":"US","rating":"TV-14"}]', '[]', 3, 30, now(), now()
     from generate_series($2::int, $3::int) g returning id`,
    [studioId, from, from + count - 1],
  )).map((r) => r.id);
  await q(
    `insert into series_license (id, series_id, source_work_title, source_work_kind, licensor, license_kind, territories_included, territories_excluded, window_start, window_end, subtitle_languages, dub_languages, holdbacks, updated_at)
     select gen_random_uuid(), id, 'Novel of ' || title, 'NOVEL', 'Lotus Press', 'ADAPTATION', $2, '{}', now() - interval '30 days', now() + interval '365 days', '{}', '{}', '[]', now() from series where id = any($1)`,
    [series, TERRITORIES],
  );
  await q(
    `with e as (insert into episode (id, series_id, number, title, synopsis, status, duration_seconds, created_at, updated_at)
                select gen_random_uuid(), s, n, 'Episode ' || n, 'What happens in episode ' || n || '.', $2::episode_status, 90, now(), now() from unnest($1::uuid[]) s, generate_series(1, ${EPISODES}) n returning id)
     insert into media_revision (id, episode_id, sha256, size_bytes, storage_key, file_name, container, video_codec, duration_seconds, width, height, warnings, created_at)
     select gen_random_uuid(), e.id, h, 1000000, 'media/' || h || '.mp4', 'ep.mp4', 'mp4', 'h264', 90, 720, 1280, '[]', now() from e, lateral (select encode(sha256(convert_to(e.id::text, 'UTF8')), 'hex') h) x`,
    [series, settled ? 'PUBLISHED' : 'APPROVED'],
  );
  await q(`update episode set current_media_id = m.id from media_revision m where m.episode_id = episode.id and episode.series_id = any($1)`, [series]);
  // Committed, so the snapshots below (read on the ORM's connections) see the material.
  await q('commit');
  await q('begin');
  await q(`set local session_replication_role = replica`);
  // The approval: bound to the digest of the material as the publication service computes it.
  const em = orm.em.fork();
  for (let i = 0; i < series.length; i += 200) {
    const episodes = (await q(`select e.id, e.current_media_id, m.sha256 from episode e join media_revision m on m.id = e.current_media_id where e.series_id = any($1)`, [series.slice(i, i + 200)]));
    const snapshots = await loadReviewedSnapshots(em, episodes.map((e) => e.id));
    for (const e of episodes) digests.set(e.id, reviewedDigest(snapshots.get(e.id)));
    const bound = episodes.map((e) => ({ episode_id: e.id, media_revision_id: e.current_media_id, sha: e.sha256, hash: reviewedDigest(snapshots.get(e.id)), snapshot: snapshots.get(e.id) }));
    await q(
      `with c as (insert into review_case (id, episode_id, studio_id, media_revision_id, media_sha256, metadata_hash, metadata_snapshot, territories, status, ai_status, risk_score, verdicts, progress, submitted_at, screened_at, decided_at, sla_due_at)
                  select gen_random_uuid(), b.episode_id, $1, b.media_revision_id, b.sha, b.hash, b.snapshot, $3, 'DECIDED', 'COMPLETED', 5, '[]', '{}', now() - interval '2 days', now() - interval '2 days', now() - interval '1 day', now()
                  from jsonb_to_recordset($2::jsonb) as b(episode_id uuid, media_revision_id uuid, sha text, hash text, snapshot jsonb) returning id)
       insert into review_decision (id, review_case_id, territory, decision, actor_label, cited_rule_ids, created_at)
       select gen_random_uuid(), c.id, t, 'APPROVE', 'Lead Reviewer', '{}', now() - interval '1 day' from c, unnest($3::text[]) t`,
      [studioId, JSON.stringify(bound), TERRITORIES],
    );
  }
  await q(
    `insert into release_plan (id, series_id, partner_id, mode, starts_at, episodes_per_day, episode_times, updated_at)
     select gen_random_uuid(), s, p, 'ALL_AT_ONCE', now() - interval '1 day', null, '{}', now() from unnest($1::uuid[]) s, unnest($2::uuid[]) p`,
    [series, [partnerA, partnerB]],
  );
  if (settled) await settle(series, digests);
  else await q(`insert into publication_mark (series_id) select unnest($1::uuid[])`, [series]);
  await q('commit');
  await q('analyze');
  return series;
}

/**
 * What a build would leave for series identical (but for titles) to the built ones, written in SQL:
 * each (episode, partner) row copied from the built template episode with the same number, with
 * the content key computed as the service does, and the next boundary (the window's end) scheduled.
 * A sample re-evaluated afterwards must produce no event and no write, or the bench stops.
 */
let template = null;
async function settle(series, digests) {
  // As the service keys what a partner is shown: digest, number, cover, orientation, the license's licensor and source work.
  const shown = await q(`select e.id, e.number, s.title from episode e join series s on s.id = e.series_id where e.series_id = any($1)`, [series]);
  const contentKeys = JSON.stringify(
    shown.map((e) => ({ episode_id: e.id, content_key: createHash('sha256').update(canonicalJson([digests.get(e.id), e.number, null, 'VERTICAL', ['Lotus Press', `Novel of ${e.title}`, 'NOVEL', null, null]])).digest('hex') })),
  );
  await q(
    `insert into partner_episode_state (episode_id, partner_id, series_id, live_territories, prices, dark, content_key, episode_version, series_version, live_since, changed_at, evaluated_at)
     select e.id, x.partner_id, e.series_id, x.live_territories, x.prices, x.dark, k.content_key, x.episode_version, x.series_version, now(), now(), now()
     from episode e join jsonb_to_recordset($3::jsonb) k(episode_id uuid, content_key text) on k.episode_id = e.id
     join episode t on t.series_id = $2 and t.number = e.number join partner_episode_state x on x.episode_id = t.id
     where e.series_id = any($1)`,
    [series, template, contentKeys],
  );
  await q(`insert into publication_schedule (series_id, due_at, evaluated_at) select series_id, window_end, now() from series_license where series_id = any($1)`, [series]);
}

const publication = new PublicationService(() => undefined, logger);
const knex = orm.em.getConnection().getKnex();

/** `n` drains with nothing marked or due: median and p90 time, statements per tick. */
async function ticks(n = 50) {
  let statements = 0;
  const count = () => statements++;
  await publication.drain(orm.em.fork()); // warm
  const times = [];
  knex.on('query', count);
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = await publication.drain(orm.em.fork());
    times.push(performance.now() - t0);
    if (r.series) throw new Error(`a tick found ${r.series} series to evaluate: the catalog was not settled`);
  }
  knex.removeListener('query', count);
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(n / 2)], p90: times[Math.floor(n * 0.9)], statements: statements / n };
}

const liveRows = async (ids) => (await q(`select count(*)::int n from partner_episode_state where series_id = any($1) and live_territories <> '{}'`, [ids]))[0].n;
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

/** Re-evaluates a sample of settled series: nothing may change, or they are not what the gate produces. */
async function checkSettled(series) {
  const sample = series.filter((_, i) => i % Math.ceil(series.length / 10) === 0);
  const checkedAt = new Date();
  const check = await publication.evaluateNow(orm.em.fork(), sample);
  const written = (await q(`select count(*)::int n from partner_episode_state where series_id = any($1) and evaluated_at >= $2`, [sample, checkedAt]))[0].n;
  if (check.events !== 0 || written !== 0) throw new Error(`the settled series are not what the gate produces: ${check.events} events, ${written} rows rewritten`);
}

// ---- the small catalog: BUILD series built from nothing, the rest settled; ticks; a rebuild.
const phase = {};
let t = Date.now();
const built = await seed(BUILD, 1);
phase.seedBuilt = Date.now() - t;
const buildSmall = await measured(() => publication.drain(orm.em.fork()));
if ((await liveRows(built)) !== BUILD * EPISODES * PARTNERS) throw new Error('the build did not make every episode live for both partners');
template = built[0];
t = Date.now();
const settledSmall = await seed(SMALL - BUILD, BUILD + 1, { settled: true });
phase.seedSmall = Date.now() - t;
await checkSettled(settledSmall);
const small = [...built, ...settledSmall];
const tickSmall = await ticks();
const rebuildSmall = await measured(() => publication.evaluateNow(orm.em.fork(), small.slice(-REBUILD)));

// ---- grow to the large catalog the same way; ticks; a rebuild of as many series.
t = Date.now();
const more = await seed(LARGE - SMALL, SMALL + 1, { settled: true });
phase.seedLarge = Date.now() - t;
await checkSettled(more);
const all = [...small, ...more];
const liveLarge = await liveRows(all);
if (liveLarge !== all.length * EPISODES * PARTNERS) throw new Error(`expected ${all.length * EPISODES * PARTNERS} live (episode, partner) rows, found ${liveLarge}`);
const eventsBuilt = (await q(`select count(*)::int n from catalog_event where type = 'PUBLISHED'`))[0].n;
const tickLarge = await ticks();
const rebuildLarge = await measured(() => publication.evaluateNow(orm.em.fork(), more.slice(-REBUILD)));

// ---- the API with its follower, as in production.
const { url: appUrl } = await db.startApp();
const apiUrl = `${appUrl}/graphql`;
const gid = (id) => Buffer.from(`CatalogSeries:${id}:US`).toString('base64url');
const NODE = `query($id: ID!) { node(id: $id) { ... on CatalogSeries { episodes(first: 5) { nodes { number price { coins } } } } } }`;
async function coinsOf(seriesId) {
  const res = await fetch(apiUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${seeded.partnerApiKey}` }, body: JSON.stringify({ query: NODE, variables: { id: gid(seriesId) } }) });
  const json = await res.json();
  if (json.errors) throw new Error(JSON.stringify(json.errors));
  return json.data.node?.episodes.nodes.find((e) => e.number === 5)?.price.coins ?? null;
}
if ((await coinsOf(all[0])) !== 30) throw new Error('the partner does not see episode 5 of the first series at 30 coins');

// One price change at a time on a random series; the partner reads until it sees the new price.
const latencies = [];
const priceCpu = await measured(async () => {
  for (let i = 0; i < REPS; i++) {
    const seriesId = all[Math.floor(Math.random() * all.length)];
    const coins = 31 + i;
    const t0 = performance.now();
    await q(`update series set default_coin_price = $2, updated_at = now() where id = $1`, [seriesId, coins]);
    for (let polls = 0; ; polls++) {
      if ((await coinsOf(seriesId)) === coins) break;
      if (polls > 3000) throw new Error('the price change never reached the catalog');
      await new Promise((r) => setTimeout(r, 5));
    }
    latencies.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 100));
  }
});

// 100 license windows ending at the same instant.
const expiring = more.slice(0, EXPIRE);
const [{ end }] = await q(`update series_license set window_end = date_trunc('second', now()) + interval '20 seconds' where series_id = any($1) returning window_end as "end"`, [expiring]);
const instant = new Date(end).getTime();
const expectedExpired = EXPIRE * EPISODES * PARTNERS * TERRITORIES.length;
// The trigger marked them: the follower re-evaluates them (still live) and schedules them at the instant.
for (;;) {
  const [{ n }] = await q(`select count(*)::int n from publication_schedule where series_id = any($1) and due_at = $2`, [expiring, new Date(instant)]);
  if (n === EXPIRE) break;
  if (Date.now() > instant) throw new Error('the follower did not reschedule the series before their windows ended');
  await new Promise((r) => setTimeout(r, 50));
}
await new Promise((r) => setTimeout(r, Math.max(0, instant - Date.now())));
let withdrawnAt = null;
let expiredAt = null;
const expiryCpu = await measured(async () => {
  while (!expiredAt) {
    const now = Date.now();
    if (!withdrawnAt && (await liveRows(expiring)) === 0) withdrawnAt = now;
    if (withdrawnAt && (await q(`select count(*)::int n from catalog_event where type = 'EXPIRED' and series_id = any($1)`, [expiring]))[0].n === expectedExpired) expiredAt = now;
    if (now - instant > 120_000) throw new Error('the windows did not close within two minutes');
    await new Promise((r) => setTimeout(r, 50));
  }
});
const stillLive = await liveRows(more.slice(EXPIRE));

const load1 = loadavg()[0];
const rate = (m, series) => (series * pairsPerSeries) / m.wall;
const ms = (x) => `${x.toFixed(1)} ms`;
console.log(`publication benchmark: ${SMALL} and ${LARGE} series × ${EPISODES} episodes × ${PARTNERS} partners × ${TERRITORIES.length} territories (${(LARGE * pairsPerSeries).toLocaleString('en')} pairs at ${LARGE})`);
console.log(`  machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load average ${load0.toFixed(1)} at start, ${load1.toFixed(1)} at end; embedded PostgreSQL (fsync off)`);
console.log('');
console.log(`                                      ${String(SMALL).padStart(12)}  ${String(LARGE).padStart(12)}   ratio`);
console.log(`  tick, nothing due: p50             ${ms(tickSmall.p50).padStart(12)}  ${ms(tickLarge.p50).padStart(12)}   ${(tickLarge.p50 / tickSmall.p50).toFixed(2)}   (target ≤ 1.5)`);
console.log(`  tick, nothing due: p90             ${ms(tickSmall.p90).padStart(12)}  ${ms(tickLarge.p90).padStart(12)}   ${(tickLarge.p90 / tickSmall.p90).toFixed(2)}`);
console.log(`  tick: SQL statements               ${String(tickSmall.statements).padStart(12)}  ${String(tickLarge.statements).padStart(12)}   ${(tickLarge.statements / tickSmall.statements).toFixed(2)}`);
console.log(`  build from nothing, pairs/s        ${rate(buildSmall, BUILD).toFixed(0).padStart(12)}             –   (${BUILD} series; rows and PUBLISHED events written)`);
console.log(`  rebuild, nothing changed, pairs/s  ${rate(rebuildSmall, REBUILD).toFixed(0).padStart(12)}  ${rate(rebuildLarge, REBUILD).toFixed(0).padStart(12)}   ${(rate(rebuildLarge, REBUILD) / rate(rebuildSmall, REBUILD)).toFixed(2)}   (target ≥ 50,000/s; ${REBUILD} series re-evaluated at each size)`);
console.log('');
console.log(`  build of ${BUILD} series: ${split(buildSmall)}; ${eventsBuilt.toLocaleString('en')} PUBLISHED events; ${liveLarge.toLocaleString('en')} live (episode, partner) rows at ${LARGE} series`);
console.log(`  rebuild of ${REBUILD} series at ${SMALL}: ${split(rebuildSmall)}; at ${LARGE}: ${split(rebuildLarge)}`);
const perCpu = (m) => (REBUILD * pairsPerSeries) / m.node;
console.log(`  rebuild per second of API CPU: ${perCpu(rebuildSmall).toFixed(0)} and ${perCpu(rebuildLarge).toFixed(0)} pairs; this process got ${((100 * rebuildLarge.node) / rebuildLarge.wall).toFixed(0)}% of a core during the rebuild, PostgreSQL ${((100 * rebuildLarge.pg) / rebuildLarge.wall).toFixed(0)}%: the rest of the wall time went to other work on the machine`);
console.log(`  price change → partner's node() shows it, ${REPS} changes at ${LARGE} series: p50 ${ms(pct(latencies, 50))}, p99 ${ms(pct(latencies, 99))}, max ${ms(Math.max(...latencies))} (target p99 ≤ 2 s; each change is 57 × ${PARTNERS} × ${TERRITORIES.length} PRICE_CHANGED events)`);
console.log(`    during them: ${split(priceCpu)} (this process runs the API, the follower and the polling client)`);
console.log(`  ${EXPIRE} license windows ending at one instant: all withdrawn after ${((withdrawnAt - instant) / 1000).toFixed(2)} s, all ${expectedExpired.toLocaleString('en')} EXPIRED events in the feed after ${((expiredAt - instant) / 1000).toFixed(2)} s (follower polls every ${config.publishing.pollSeconds} s); other series still live: ${stillLive}`);
console.log(`    from the instant: ${split(expiryCpu)}`);
console.log(`  total run time ${((Date.now() - startedAt) / 1000).toFixed(0)} s, of it seeding ${((phase.seedBuilt + phase.seedSmall + phase.seedLarge) / 1000).toFixed(0)} s (bulk SQL: ${(LARGE * EPISODES).toLocaleString('en')} episodes with media and cases, ${(LARGE * EPISODES * TERRITORIES.length).toLocaleString('en')} decisions)`);

await db.stop();
