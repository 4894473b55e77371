// Partner catalog read path under load: 1,000 series × 60 live episodes; the GraphQL query a
// partner app syncs with (`first: 50` series, each with `first: 20` episodes and their US price)
// against a hand-written raw-SQL endpoint returning the same JSON, in the same run, with autocannon.
// Both sides walk the cursors through the whole catalog — every request asks for the page after the
// one a previous response ended at, each lap starting at another offset — so no cache can answer.
// The GraphQL side includes authentication (partner API key) and rate limiting.
// Prints req/s, p50/p99, their ratios, and SQL statements per GraphQL request at two page sizes.
// Each side first serves --warmup seconds untimed, so both are measured with their code compiled.
//   node bench/catalog.mjs [--seconds 10] [--connections 10] [--rounds 1] [--warmup 5]
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { apiRequire, machine, startDatabase } from './lib.mjs';

const arg = (name, fallback) => (process.argv.includes(`--${name}`) ? Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) : fallback);
const SECONDS = arg('seconds', 10);
const CONNECTIONS = arg('connections', 10);
const ROUNDS = arg('rounds', 1);
const WARMUP = arg('warmup', 5);
const autocannon = apiRequire('autocannon');

// As deployed (NODE_ENV=production): graphql-js otherwise adds development-mode checks to every
// type test it makes while executing, which is a tenth of the catalog's CPU.
process.env.NODE_ENV = 'production';
const db = await startDatabase('catalog');
const { orm, seeded } = db;
const pool = db.pool();

// 1,000 series × 60 episodes, all live for the demo partner in the US at 0.49 USD.
const partnerId = (await pool.query(`select id from organization where kind = 'PARTNER' limit 1`)).rows[0].id;
const studioId = (await pool.query(`select id from organization where kind = 'STUDIO' limit 1`)).rows[0].id;
await pool.query(
  `insert into series (id, studio_id, title, synopsis, genres, original_language, audio_languages, subtitle_languages, maturity_ratings, filings, free_episode_count, created_at, updated_at)
   select gen_random_uuid(), $1, 'Series ' || g, 'A synopsis.', '{romance}', 'en', '{}', '{en}', '[{"territory":"US","rating":"TV-14"}]', '[]', 0, now(), now() from generate_series(1, 1000) g`,
  [studioId],
);
await pool.query(`insert into series_license (id, series_id, source_work_title, source_work_kind, licensor, license_kind, territories_included, territories_excluded, subtitle_languages, dub_languages, holdbacks, updated_at)
  select gen_random_uuid(), id, 'Novel of ' || title, 'NOVEL', 'Lotus Press', 'ADAPTATION', '{US}', '{}', '{}', '{}', '[]', now() from series where studio_id = $1`, [studioId]);
await pool.query(`insert into episode (id, series_id, number, title, synopsis, status, created_at, updated_at)
  select gen_random_uuid(), s.id, n, 'Episode ' || n, '', 'PUBLISHED', now(), now() from series s, generate_series(1, 60) n where s.studio_id = $1`, [studioId]);
const { app, url: appUrl } = await db.startApp();
// The API's publication follower re-evaluates every series the inserts above marked (none is
// released, so the gate makes nothing live). Once it is done, the live state is written directly:
// nothing marks these series again, so the follower leaves the rows alone.
await app.services.publication.drain(orm.em.fork(), { wait: true });
await pool.query(`insert into partner_episode_state (episode_id, partner_id, series_id, live_territories, prices, dark, content_key, episode_version, series_version, live_since, changed_at, evaluated_at)
  select e.id, $1, e.series_id, '{US}', '[{"territories": ["US"], "price": {"free": false, "coins": null, "currency": "USD", "amountMinor": 49, "amount": "0.49"}}]', '[]', 'k', e.material_version, s.material_version, now(), now(), now()
  from episode e join series s on s.id = e.series_id`, [partnerId]);
await pool.query('analyze');
const apiUrl = `${appUrl}/graphql`;

const PAGE = 50;
const EPISODES = 20;
const query = (first, episodes) =>
  `query Sync($after: String) { catalog(territory: "US", first: ${first}, after: $after) { nodes { id title synopsis maturityRating licensor sourceWork { title kind } episodes(first: ${episodes}) { nodes { id number title durationSeconds subtitleLanguages price { free coins currency amount } } } } pageInfo { hasNextPage endCursor } } }`;
const QUERY = query(PAGE, EPISODES);
const cursorOf = (seriesId) => Buffer.from(`c:${seriesId}`).toString('base64url');
const gid = (kind, id) => Buffer.from(`${kind}:${id}:US`).toString('base64url');

/** The baseline: the same page straight from SQL, shaped by hand. */
const raw = http.createServer(async (req, res) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  const cursor = JSON.parse(body).variables?.after;
  const afterId = cursor ? Buffer.from(cursor, 'base64url').toString('utf8').slice(2) : '00000000-0000-0000-0000-000000000000';
  const series = (await pool.query(
    `select s.id, s.title, s.synopsis, (select r->>'rating' from jsonb_array_elements(s.maturity_ratings) r where r->>'territory' = 'US' limit 1) as maturity_rating,
            l.licensor, l.source_work_title, l.source_work_kind
     from series s left join series_license l on l.series_id = s.id
     where exists (select 1 from partner_episode_state x where x.series_id = s.id and x.partner_id = $1 and x.live_territories @> '{US}') and s.id > $2
     order by s.id limit 51`,
    [partnerId, afterId],
  )).rows;
  const page = series.slice(0, 50);
  // Per series, its first 20 live episodes in number order, read from the episode index; their
  // subtitle languages read for the whole page at once (one subquery per episode costs PostgreSQL an
  // executor subplan each, a thousand a page), and the price found by one jsonpath call.
  const episodes = (await pool.query(
    `with ep as (
       select ep.* from unnest($2::uuid[]) as sv(id) cross join lateral (
         select e.id, e.series_id, e.number, e.title, jsonb_path_query_first(x.prices, '$[*] ? (@.territories[*] == "US").price') as price
         from episode e join partner_episode_state x on x.episode_id = e.id and x.partner_id = $1 and x.live_territories @> '{US}'
         where e.series_id = sv.id order by e.number limit 20) ep)
     select ep.*, coalesce(t.languages, '{}') as subtitle_languages
     from ep left join (select t.episode_id, array_agg(t.language order by t.language) as languages from subtitle_track t where t.episode_id in (select id from ep) group by t.episode_id) t on t.episode_id = ep.id
     order by ep.series_id, ep.number`,
    [partnerId, page.map((s) => s.id)],
  )).rows;
  const nodes = page.map((s) => ({
    id: gid('CatalogSeries', s.id),
    title: s.title,
    synopsis: s.synopsis,
    maturityRating: s.maturity_rating,
    licensor: s.licensor,
    sourceWork: { title: s.source_work_title, kind: s.source_work_kind },
    episodes: { nodes: episodes.filter((e) => e.series_id === s.id).map((e) => ({ id: gid('CatalogEpisode', e.id), number: e.number, title: e.title, durationSeconds: null, subtitleLanguages: e.subtitle_languages, price: { free: e.price.free, coins: e.price.coins, currency: e.price.currency, amount: e.price.amount } })) },
  }));
  const endCursor = page.length ? cursorOf(page[page.length - 1].id) : cursor ?? null;
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { catalog: { nodes, pageInfo: { hasNextPage: series.length > 50, endCursor } } } }));
});
await new Promise((resolve) => raw.listen(0, '127.0.0.1', resolve));
db.onStop(() => new Promise((resolve) => raw.close(resolve)));
const rawUrl = `http://127.0.0.1:${raw.address().port}/catalog`;

const headers = { 'content-type': 'application/json', authorization: `Bearer ${seeded.partnerApiKey}` };
const post = async (url, after, text = QUERY) => (await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query: text, variables: { after } }) })).json();

// Every series id in cursor order: laps start after one of them, so each lap's pages are new ones.
const seriesIds = (await pool.query(`select id from series where studio_id = $1 order by id`, [studioId])).rows.map((r) => r.id);

// The data must be identical on both sides: the first page, one from the middle, the last one.
let same = true;
for (const after of [null, cursorOf(seriesIds[487]), cursorOf(seriesIds[seriesIds.length - 20])]) {
  const a = JSON.stringify((await post(apiUrl, after)).data);
  const b = JSON.stringify((await post(rawUrl, after)).data);
  if (a === b) continue;
  same = false;
  let at = 0;
  while (at < a.length && a[at] === b[at]) at++;
  console.error(`The GraphQL and raw-SQL answers differ at character ${at}: …${a.slice(Math.max(0, at - 80), at + 80)}… vs …${b.slice(Math.max(0, at - 80), at + 80)}…`);
  process.exitCode = 1;
}

// Statements per request, counted on the ORM's connection and the rate limiter's pool alike.
let statements = 0;
const knex = orm.em.getConnection().getKnex();
const countStatement = () => statements++;
knex.on('query', countStatement);
const pgClient = apiRequire('pg').Client.prototype;
const originalQuery = pgClient.query;
let captured = null;
pgClient.query = function (...args) {
  statements++;
  const [text, values] = typeof args[0] === 'string' ? args : [args[0]?.text, args[0]?.values];
  if (captured && typeof text === 'string') captured.push({ text, values });
  return originalQuery.apply(this, args);
};
const statementsFor = async (text) => {
  await post(apiUrl, cursorOf(seriesIds[100]), text);
  statements = 0;
  if (captured) captured.length = 0;
  const answer = await post(apiUrl, cursorOf(seriesIds[300]), text);
  if (answer.errors) throw new Error(JSON.stringify(answer.errors));
  return statements;
};
// (knex runs its statements through pg's Client.query too: count each statement once.)
knex.removeListener('query', countStatement);
const small = await statementsFor(query(5, 2));
captured = [];
const large = await statementsFor(query(PAGE, EPISODES));
const graphqlStatements = captured;
captured = [];
await post(rawUrl, cursorOf(seriesIds[300]));
const rawStatements = captured.filter(({ text }) => !/explain/.test(text));
captured = null;
pgClient.query = originalQuery;

/** Milliseconds PostgreSQL spends planning and executing `statements` (EXPLAIN ANALYZE, best of 5). */
const databaseMs = async (statements) => {
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    let ms = 0;
    for (const { text, values } of statements) {
      if (!/^\s*(select|with)/i.test(text)) continue;
      const [plan] = (await pool.query(`explain (analyze, format json) ${text}`, values)).rows[0]['QUERY PLAN'];
      ms += plan['Planning Time'] + plan['Execution Time'];
    }
    best = Math.min(best, ms);
  }
  return best;
};

/**
 * PostgreSQL's own CPU per page, in ms: the CPU time (user + system, from /proc) of one backend
 * replaying each side's statements — the GraphQL side's with its key lookup and rate limit — over the
 * same 40 pages, the sides taking turns, median of 5 rounds. Unlike EXPLAIN ANALYZE it counts
 * writing the rows out. Null where /proc is not there.
 */
const backendCpuMs = async () => {
  const client = await db.client();
  const { pid } = (await client.query('select pg_backend_pid() as pid')).rows[0];
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return null;
  const ticksPerMs = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) / 1000;
  const cpuTicks = () => readFileSync(stat, 'utf8').split(') ')[1].split(' ').slice(11, 13).reduce((sum, t) => sum + Number(t), 0);
  // The GraphQL page statement carries its cursor's series id as a literal (MikroORM inlines parameters).
  const capturedAfter = `'${seriesIds[300]}'`;
  const [seriesStatement, episodesStatement] = rawStatements;
  const sides = {
    graphql: async (afterId) => {
      for (const { text, values } of graphqlStatements) await client.query(text.replaceAll(capturedAfter, `'${afterId}'`), values);
    },
    raw: async (afterId) => {
      const series = (await client.query(seriesStatement.text, [seriesStatement.values[0], afterId])).rows.slice(0, PAGE);
      await client.query(episodesStatement.text, [episodesStatement.values[0], series.map((r) => r.id)]);
    },
  };
  const pages = Array.from({ length: 40 }, (_, i) => seriesIds[(i * 23) % (seriesIds.length - PAGE)]);
  const rounds = { graphql: [], raw: [] };
  for (let round = 0; round < 5; round++) {
    for (const [side, run] of Object.entries(sides)) {
      const before = cpuTicks();
      for (const afterId of pages) await run(afterId);
      rounds[side].push((cpuTicks() - before) / ticksPerMs / pages.length);
    }
  }
  return { graphql: median(rounds.graphql), raw: median(rounds.raw) };
};

/**
 * Walks the catalog: each request asks for the page after the end of a page answered earlier, and
 * once a walk reaches the end, the next starts after another series. `CONNECTIONS` walks run at once.
 */
function walker() {
  let lap = 0;
  const start = () => {
    lap++;
    const at = (lap * 37) % seriesIds.length;
    return at === 0 ? null : cursorOf(seriesIds[at - 1]);
  };
  const ready = Array.from({ length: CONNECTIONS }, start);
  let pages = 0;
  return {
    request: {
      method: 'POST',
      headers,
      setupRequest(req) {
        const after = ready.length ? ready.shift() : start();
        return { ...req, body: JSON.stringify({ query: QUERY, variables: { after } }) };
      },
      onResponse(status, body) {
        pages++;
        const more = /"hasNextPage":true/.test(body);
        const end = /"endCursor":"([^"]+)"/.exec(body)?.[1];
        ready.push(more && end ? end : start());
      },
    },
    stats: () => ({ pages, laps: lap }),
  };
}

/** One side under load; with this process's CPU time per request (the API, or the raw endpoint, and the load generator). */
const load = async (url, duration = SECONDS) => {
  const walk = walker();
  const cpu0 = process.cpuUsage();
  const result = await new Promise((resolve, reject) => autocannon({ url, requests: [walk.request], connections: CONNECTIONS, duration }, (err, r) => (err ? reject(err) : resolve(r))));
  const cpu = process.cpuUsage(cpu0);
  return { ...result, walk: walk.stats(), cpuMs: (cpu.user + cpu.system) / 1000 / Math.max(1, walk.stats().pages) };
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const runs = [];
// `--only-graphql` (for profiling with node --cpu-prof) loads only the GraphQL side.
const ONLY_GRAPHQL = process.argv.includes('--only-graphql');
// `--profile <file>` writes a CPU profile (.cpuprofile) of the GraphQL load alone.
const PROFILE = process.argv.includes('--profile') ? process.argv[process.argv.indexOf('--profile') + 1] : null;
const profiled = async (run) => {
  if (!PROFILE) return run();
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  const result = await run();
  const { profile } = await session.post('Profiler.stop');
  (await import('node:fs')).writeFileSync(PROFILE, JSON.stringify(profile));
  session.disconnect();
  return result;
};
// Untimed: a server answers partners long after it starts, with its code optimized and its pools full;
// the first timed round otherwise pays V8's compilation of the GraphQL side's code (p99 twice the others).
if (WARMUP > 0 && !ONLY_GRAPHQL) await load(rawUrl, WARMUP);
if (WARMUP > 0) await load(apiUrl, WARMUP);
for (let round = 0; round < ROUNDS; round++) {
  const sql = ONLY_GRAPHQL ? { requests: { average: 1 }, latency: { p50: 0, p99: 1 }, errors: 0, non2xx: 0, walk: { pages: 0 }, cpuMs: 0 } : await load(rawUrl);
  const gql = await profiled(() => load(apiUrl));
  runs.push({ sql, gql, throughput: gql.requests.average / sql.requests.average, p99: gql.latency.p99 / Math.max(1, sql.latency.p99) });
}
const row = (name, r) => `  ${name.padEnd(22)} ${r.requests.average.toFixed(0).padStart(7)} req/s   p50 ${String(r.latency.p50).padStart(4)} ms   p99 ${String(r.latency.p99).padStart(4)} ms   errors ${r.errors + r.non2xx}   pages ${r.walk.pages}   CPU ${r.cpuMs.toFixed(1)} ms/request`;
console.log(`catalog benchmark (1,000 series × 60 live episodes; first: ${PAGE} with episodes(first: ${EPISODES}) and US prices, every request the next page of a cursor walk; ${CONNECTIONS} connections, ${SECONDS} s each, ${ROUNDS} round(s) after ${WARMUP} s of warm-up each)`);
console.log(`  machine: ${machine()}`);
for (const [i, r] of runs.entries()) {
  if (ROUNDS > 1) console.log(`  round ${i + 1}`);
  console.log(row('raw SQL endpoint', r.sql));
  console.log(row('GraphQL catalog', r.gql));
  console.log(`  GraphQL / raw SQL      ${r.throughput.toFixed(2)} of the throughput, p99 ×${r.p99.toFixed(2)}`);
}
if (ROUNDS > 1) console.log(`  median of ${ROUNDS} rounds: ${median(runs.map((r) => r.throughput)).toFixed(2)} of the throughput, p99 ×${median(runs.map((r) => r.p99)).toFixed(2)}`);
console.log(`  SQL statements per GraphQL request: ${small} at first: 5 × episodes(first: 2), ${large} at first: ${PAGE} × episodes(first: ${EPISODES}) (authentication and rate limit included)`);
console.log(`  answers identical: ${same}`);
console.log(`  database time per page (reads, EXPLAIN ANALYZE, best of 5): GraphQL ${(await databaseMs(graphqlStatements)).toFixed(1)} ms, raw ${(await databaseMs(rawStatements)).toFixed(1)} ms`);
const backend = await backendCpuMs();
if (backend) console.log(`  PostgreSQL CPU per page (its backend's, /proc; rows written out included; median of 5 rounds of 40 pages): GraphQL ${backend.graphql.toFixed(1)} ms, raw ${backend.raw.toFixed(1)} ms`);

await db.stop();
