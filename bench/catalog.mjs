// Partner catalog read path under load: 1,000 series × 60 live episodes; the GraphQL query a
// partner app syncs with (`first: 50` series, each with `first: 20` episodes and their US price)
// against a hand-written raw-SQL endpoint returning the same JSON, in the same run, with autocannon.
// Prints req/s, p50/p99, their ratio, and SQL statements per GraphQL request.
//   node bench/catalog.mjs [--seconds 10] [--connections 10]
import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { repo } from './lib.mjs';

const arg = (name, fallback) => (process.argv.includes(`--${name}`) ? Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) : fallback);
const SECONDS = arg('seconds', 10);
const CONNECTIONS = arg('connections', 10);
const require = createRequire(path.join(repo, 'api', 'package.json'));
require('reflect-metadata');
const autocannon = require('autocannon');
const pg = require('pg');
const dist = (p) => require(path.join(repo, 'api/dist/api/src', p));
const { loadConfig } = dist('config.js');
const { createLogger } = dist('logger.js');
const { startEmbeddedPostgres } = dist('db/embedded-postgres.js');
const { openOrm, migrate } = dist('db/orm.js');
const { seedDemoData } = dist('seed/demo.js');
const { createApp } = dist('app.js');

const dataDir = mkdtempSync(path.join(tmpdir(), 'greenlight-bench-catalog-'));
const logger = createLogger('warn');
const db = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'postgres'), port: 56900 + Math.floor(Math.random() * 90), logger, settings: { fsync: 'off' } });
const config = loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir, DATABASE_URL: db.url, LOG_LEVEL: 'warn', PARTNER_RATE_LIMIT_PER_MINUTE: '10000000' });
const orm = await openOrm(db.url, { logger: () => {} });
await migrate(orm);
const seeded = await seedDemoData(orm.em.fork(), { appSecret: config.appSecret, dataDir });
const pool = new pg.Pool({ connectionString: db.url, max: 10 });

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
const app = await createApp({ orm, config, logger, databaseUrl: db.url });
await new Promise((resolve) => app.server.listen(0, '127.0.0.1', resolve));
// The API's publication follower re-evaluates every series the inserts above marked (none is
// released, so the gate makes nothing live). Once it is done, the live state is written directly:
// nothing marks these series again, so the follower leaves the rows alone.
await app.services.publication.drain(orm.em.fork(), { wait: true });
await pool.query(`insert into partner_episode_state (episode_id, partner_id, series_id, live_territories, prices, dark, content_key, episode_version, series_version, live_since, changed_at, evaluated_at)
  select e.id, $1, e.series_id, '{US}', '[{"territories": ["US"], "price": {"free": false, "coins": null, "currency": "USD", "amountMinor": 49, "amount": "0.49"}}]', '[]', 'k', e.material_version, s.material_version, now(), now(), now()
  from episode e join series s on s.id = e.series_id`, [partnerId]);
await pool.query('analyze');
const apiUrl = `http://127.0.0.1:${app.server.address().port}/graphql`;

const QUERY = `query Sync($after: String) { catalog(territory: "US", first: 50, after: $after) { nodes { id title synopsis maturityRating licensor sourceWork { title kind } episodes(first: 20) { nodes { id number title durationSeconds subtitleLanguages price { free coins currency amount } } } } pageInfo { hasNextPage endCursor } } }`;
const gid = (kind, id) => Buffer.from(`${kind}:${id}:US`).toString('base64url');

/** The baseline: the same page straight from SQL, shaped by hand. */
const raw = http.createServer(async (_req, res) => {
  const series = (await pool.query(
    `select s.id, s.title, s.synopsis, (select r->>'rating' from jsonb_array_elements(s.maturity_ratings) r where r->>'territory' = 'US' limit 1) as maturity_rating,
            l.licensor, l.source_work_title, l.source_work_kind
     from series s left join series_license l on l.series_id = s.id
     where exists (select 1 from partner_episode_state x where x.series_id = s.id and x.partner_id = $1 and x.live_territories @> '{US}')
     order by s.id limit 51`,
    [partnerId],
  )).rows;
  const page = series.slice(0, 50);
  const episodes = (await pool.query(
    `select * from (select e.id, e.series_id, e.number, e.title, (select g->'price' from jsonb_array_elements(x.prices) g where g->'territories' ? 'US' limit 1) as price, coalesce((select array_agg(t.language order by t.language) from subtitle_track t where t.episode_id = e.id), '{}') as subtitle_languages,
            row_number() over (partition by e.series_id order by e.number) as rn
       from episode e join partner_episode_state x on x.episode_id = e.id and x.partner_id = $1 and x.live_territories @> '{US}'
       where e.series_id = any($2::uuid[])) q where rn <= 20 order by series_id, number`,
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
  const endCursor = Buffer.from(`c:${page[page.length - 1].id}`).toString('base64url');
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { catalog: { nodes, pageInfo: { hasNextPage: series.length > 50, endCursor } } } }));
});
await new Promise((resolve) => raw.listen(0, '127.0.0.1', resolve));
const rawUrl = `http://127.0.0.1:${raw.address().port}/catalog`;

const request = { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${seeded.partnerApiKey}` }, body: JSON.stringify({ query: QUERY }) };
const viaApi = await (await fetch(apiUrl, request)).json();
const viaSql = await (await fetch(rawUrl, request)).json();
// The API also reports the query cost in `extensions`; the data must be identical.
const same = JSON.stringify(viaApi.data) === JSON.stringify(viaSql.data);
if (!same) {
  const a = JSON.stringify(viaApi.data);
  const b = JSON.stringify(viaSql.data);
  let at = 0;
  while (at < a.length && a[at] === b[at]) at++;
  console.error(`The GraphQL and raw-SQL answers differ at character ${at}: …${a.slice(Math.max(0, at - 80), at + 80)}… vs …${b.slice(Math.max(0, at - 80), at + 80)}…`);
  process.exitCode = 1;
}

let statements = 0;
const knex = orm.em.getConnection().getKnex();
const countStatement = () => statements++;
knex.on('query', countStatement);
await fetch(apiUrl, request).then((r) => r.json());
statements = 0;
await fetch(apiUrl, request).then((r) => r.json());
const perRequest = statements;
knex.removeListener('query', countStatement);

const load = (url) => new Promise((resolve, reject) => autocannon({ url, ...request, connections: CONNECTIONS, duration: SECONDS }, (err, result) => (err ? reject(err) : resolve(result))));
const sql = await load(rawUrl);
const gql = await load(apiUrl);
const row = (name, r) => `  ${name.padEnd(22)} ${r.requests.average.toFixed(0).padStart(7)} req/s   p50 ${String(r.latency.p50).padStart(4)} ms   p99 ${String(r.latency.p99).padStart(4)} ms   errors ${r.errors + r.non2xx}`;
console.log(`catalog benchmark (1,000 series × 60 live episodes; first: 50 with episodes(first: 20) and US prices; ${CONNECTIONS} connections, ${SECONDS} s each)`);
console.log(row('raw SQL endpoint', sql));
console.log(row('GraphQL catalog', gql));
console.log(`  GraphQL / raw SQL      ${(gql.requests.average / sql.requests.average).toFixed(2)} of the throughput, p99 ×${(gql.latency.p99 / Math.max(1, sql.latency.p99)).toFixed(2)}`);
console.log(`  SQL statements per GraphQL request: ${perRequest} (authentication and rate limit included; the same for any page size)`);
console.log(`  answers identical: ${same}`);

raw.close();
await app.stop();
await orm.close();
await pool.end();
await db.stop();
