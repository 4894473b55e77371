import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { licensedTracks, textsFor } from '../src/modules/catalog/localization';
import { globalId, parseGlobalId } from '../src/modules/publishing/global-id';
import { createLiveSeries, createPartner, startWithOperatorLead } from './support/publishing';
import { seededRandom } from './support/seeded-random';
import type { SignedInMember, TestServer } from './support/server';
import { EPISODE_FIELDS, episodeCursor, partnerRead, vttOf, type CatalogAnswer, type SeedSql, type ShownEpisode } from './support/catalog-episodes';

let server: TestServer;
let admin: SignedInMember;
let lead: SignedInMember;

beforeAll(async () => {
  ({ server, admin, lead } = await startWithOperatorLead({ PUBLICATION_POLL_SECONDS: '3600' }));
});
afterAll(async () => {
  await server?.stop();
});

const vtt = vttOf;
type Run = SeedSql;

/**
 * Rich material on a series before review: media shared by episodes 4-6, none on 7 (when asked),
 * subtitles in mixed languages and kinds on some episodes, localizations and dubs on some only.
 */
const rich = (tag: string, noMediaOn: number | null) => async (run: Run, seriesId: string) => {
  await run(`update episode e set current_media_id = (select current_media_id from episode where series_id = ? and number = 4) where series_id = ? and number in (5, 6)`, [seriesId, seriesId]);
  if (noMediaOn !== null) await run(`update episode set current_media_id = null where series_id = ? and number = ?`, [seriesId, noMediaOn]);
  const subs: Array<[string, string, number, number]> = [
    ['en', 'FORCED', 4, 0], ['de', 'SUBTITLES', 5, 0], ['es-MX', 'SUBTITLES', 6, 0], ['pt', 'CLOSED_CAPTIONS', 7, 0], ['es', 'FORCED', 3, 1], ['fr', 'CLOSED_CAPTIONS', 2, 1], ['zh-Hans', 'SUBTITLES', 8, 3],
  ];
  for (const [language, kind, mod, rem] of subs) {
    await run(
      `insert into subtitle_track (id, episode_id, language, kind, ai_generated, format, content, cues, cue_count, updated_at)
       select gen_random_uuid(), e.id, ?, ?, e.number % 2 = 0, 'WEBVTT', ?, '[]'::jsonb, 1, now() from episode e where e.series_id = ? and e.number % ? = ?`,
      [language, kind, vtt(`${tag} ${language}`), seriesId, mod, rem],
    );
  }
  const locs: Array<[string, number, number]> = [['es', 2, 0], ['es-MX', 3, 0], ['fr', 5, 0], ['es-419', 7, 1], ['zh-Hant', 4, 1]];
  for (const [language, mod, rem] of locs) {
    await run(
      `insert into localized_text (id, series_id, episode_id, language, title, synopsis, created_at, updated_at)
       select gen_random_uuid(), e.series_id, e.id, ?, ? || ' ' || ? || ' #' || e.number, 'syn ' || ? || ' ' || e.number, now(), now() from episode e where e.series_id = ? and e.number % ? = ?`,
      [language, tag, language, language, seriesId, mod, rem],
    );
  }
  const dubs: Array<[string, number, number]> = [['es', 2, 0], ['fr', 3, 0], ['de', 5, 0], ['es-MX', 4, 1]];
  for (const [language, mod, rem] of dubs) {
    await run(
      `insert into audio_track (id, episode_id, language, sha256, size_bytes, storage_key, file_name, container, audio_codec, duration_seconds, created_at)
       select gen_random_uuid(), e.id, ?, encode(sha256((e.id::text || ?)::bytea), 'hex'), 10, 'audio/x.m4a', 'dub.m4a', 'mp4', ?, 30 + e.number + ?, now() from episode e where e.series_id = ? and e.number % ? = ?`,
      [language, language, `aac-${language}`, language.length / 10, seriesId, mod, rem],
    );
  }
};

interface StoredEpisode {
  id: string;
  number: number;
  title: string;
  synopsis: string;
  duration_seconds: number | null;
  width: number | null;
  height: number | null;
  poster: boolean | null;
  subs: Array<{ id: string; language: string; kind: string; aiGenerated: boolean }>;
  locs: Array<{ language: string; title: string; synopsis: string }>;
  dubs: Array<{ id: string; language: string; codec: string; durationSeconds: number }>;
}

/** What a partner should be shown of each of a series' episodes, read straight from the tables as the old per-episode reader did. */
async function expectedOf(seriesId: string, language: string | null) {
  const [series] = (await server.orm.em.getConnection().execute(
    `select s.original_language, coalesce(l.subtitle_languages, '{}') as subs, coalesce(l.dub_languages, '{}') as dubs from series s left join series_license l on l.series_id = s.id where s.id = ?`,
    [seriesId],
  )) as Array<{ original_language: string; subs: string[]; dubs: string[] }>;
  const rows = (await server.orm.em.getConnection().execute(
    `select e.id, e.number, e.title, e.synopsis, m.duration_seconds, m.width, m.height, m.poster_key is not null as poster,
            coalesce((select json_agg(json_build_object('id', t.id, 'language', t.language, 'kind', t.kind, 'aiGenerated', t.ai_generated) order by t.language, t.kind) from subtitle_track t where t.episode_id = e.id), '[]') as subs,
            coalesce((select json_agg(json_build_object('language', t.language, 'title', t.title, 'synopsis', t.synopsis)) from localized_text t where t.episode_id = e.id), '[]') as locs,
            coalesce((select json_agg(json_build_object('id', a.id, 'language', a.language, 'codec', a.audio_codec, 'durationSeconds', a.duration_seconds) order by a.language) from audio_track a where a.episode_id = e.id), '[]') as dubs
     from episode e left join media_revision m on m.id = e.current_media_id where e.series_id = ? order by e.number`,
    [seriesId],
  )) as StoredEpisode[];
  return rows.map((e) => {
    const subs = licensedTracks(e.subs, series!.subs);
    const texts = textsFor({ language: series!.original_language, title: e.title, synopsis: e.synopsis }, e.locs, language);
    return {
      rowId: e.id,
      number: e.number,
      title: texts.title,
      synopsis: texts.synopsis,
      language: texts.language,
      durationSeconds: e.duration_seconds === null ? null : Math.round(Number(e.duration_seconds)),
      width: e.width ?? null,
      height: e.height ?? null,
      poster: Boolean(e.poster),
      subtitleLanguages: [...new Set(subs.map((t) => t.language))],
      subtitles: subs.map((t) => ({ id: t.id, language: t.language, kind: t.kind, aiGenerated: t.aiGenerated })),
      audioTracks: licensedTracks(e.dubs, series!.dubs).map((a) => ({ id: a.id, language: a.language, codec: a.codec, durationSeconds: a.durationSeconds })),
    };
  });
}
type Expected = Awaited<ReturnType<typeof expectedOf>>[number];

const FIELDS = EPISODE_FIELDS;

/** A shown episode in Expected's form: its row id from its global id, track ids from their signed URLs (which also name the episode). */
function asExpected(e: ShownEpisode): Expected {
  const rowId = parseGlobalId(e.id)!.id;
  const trackId = (url: string, kind: string) => {
    const m = new RegExp(`^/playback/([0-9a-f-]+)/${kind}-([0-9a-f-]+)`).exec(url);
    expect(m?.[1], `track url ${url} names episode ${rowId}`).toBe(rowId);
    return m![2]!;
  };
  if (e.posterUrl) expect(e.posterUrl.startsWith(`/playback/${rowId}/poster.jpg`)).toBe(true);
  return {
    rowId,
    number: e.number,
    title: e.title,
    synopsis: e.synopsis,
    language: e.language,
    durationSeconds: e.durationSeconds,
    width: e.width,
    height: e.height,
    poster: e.posterUrl !== null,
    subtitleLanguages: e.subtitleLanguages,
    subtitles: e.subtitles.map((t) => ({ id: trackId(t.url, 'subtitles'), language: t.language, kind: t.kind, aiGenerated: t.aiGenerated })),
    audioTracks: (e.audioTracks ?? []).map((a) => ({ id: trackId(a.url, 'audio'), language: a.language, codec: a.codec, durationSeconds: a.durationSeconds })),
  };
}

const gql = (query: string, variables: Record<string, unknown>, key: string) => partnerRead(server, query, variables, key);
const cursorOf = episodeCursor;

let world: { p: Awaited<ReturnType<typeof createPartner>>; other: Awaited<ReturnType<typeof createPartner>>; a: { seriesId: string; episodeIds: string[]; owner: SignedInMember }; b: { seriesId: string; episodeIds: string[] }; c: { seriesId: string; episodeIds: string[] } };

async function setUp() {
  if (world) return world;
  const p = await createPartner(server, admin, ['US', 'CA']);
  const other = await createPartner(server, admin, ['US']);
  const subtitles = [{ language: 'en', format: 'WEBVTT' as const, content: vtt('Hello') }, { language: 'es', format: 'WEBVTT' as const, content: vtt('Hola') }, { language: 'fr', format: 'WEBVTT' as const, content: vtt('Salut') }];
  const a = await createLiveSeries(server, lead, 23, p.organizationId, { territories: ['US', 'CA'], varied: true, subtitles, subtitleLanguages: ['en', 'es', 'fr', 'pt'], dubLanguages: ['es', 'fr'], before: rich('A', null) });
  const b = await createLiveSeries(server, lead, 6, p.organizationId, { territories: ['US'], varied: true, subtitles: [subtitles[1]!, subtitles[0]!], subtitleLanguages: ['es', 'zh'], dubLanguages: ['de', 'es'], before: rich('B', null) });
  const c = await createLiveSeries(server, lead, 5, other.organizationId, { territories: ['US'], varied: true, subtitles, subtitleLanguages: ['en', 'es', 'fr', 'de'], dubLanguages: ['es', 'fr', 'de'], before: rich('C', null) });
  world = { p, other, a, b, c };
  return world;
}

describe('catalog episode windows read per series', () => {
  it('the whole page, for each language, matches the tables episode by episode; other partners’ series are absent', async () => {
    const { p, a, b, c } = await setUp();
    for (const language of [null, 'es-MX', 'es', 'fr', 'es-AR', 'zh-Hant-TW', 'de']) {
      const data = await gql(`query($lang: String) { catalog(territory: "US", first: 3, language: $lang) { nodes { id episodes(first: 25) { nodes { ${FIELDS} } pageInfo { hasNextPage endCursor } } } } }`, { lang: language }, p.key);
      const bySeries = new Map((data.catalog.nodes as Array<{ id: string; episodes: { nodes: ShownEpisode[]; pageInfo: { hasNextPage: boolean } } }>).map((n) => [parseGlobalId(n.id)!.id, n.episodes]));
      expect([...bySeries.keys()].sort()).toEqual([a.seriesId, b.seriesId].sort());
      expect(bySeries.has(c.seriesId)).toBe(false);
      for (const s of [a, b]) {
        const expected = await expectedOf(s.seriesId, language);
        const shown = bySeries.get(s.seriesId)!;
        const shownNumbers = shown.nodes.map((e) => e.number);
        // Every live episode must be one in the table, with exactly its own material.
        expect(shown.nodes.map(asExpected), `language ${language}`).toEqual(expected.filter((e) => shownNumbers.includes(e.number)));
        expect(shown.pageInfo.hasNextPage).toBe(false);
      }
    }
    // Series A: which numbers are live (7 has no media): report them.
    const data = await gql(`{ catalog(territory: "US", first: 3) { nodes { id episodes(first: 25) { nodes { number durationSeconds } } } } }`, {}, p.key);
    const aShown = (data.catalog.nodes as Array<{ id: string; episodes: { nodes: Array<{ number: number }> } }>).find((n) => parseGlobalId(n.id)!.id === a.seriesId)!;
    console.log('series A live numbers', aShown.episodes.nodes.map((e) => e.number).join(','));
    expect(aShown.episodes.nodes.length).toBe(23);
  });

  it('random windows: on the page, beside another alias (per-series reader), in fragments, and by node, all agree with the tables', async () => {
    const { p, a, b } = await setUp();
    const seed = Number(process.env.CATALOG_WINDOW_SEED ?? Date.now() % 1_000_000);
    const random = seededRandom(seed);
    const langs = [null, 'es-MX', 'fr', 'es'];
    for (let round = 0; round < 14; round++) {
      const language = langs[Math.floor(random() * langs.length)]!;
      const expA = await expectedOf(a.seriesId, language);
      const expB = await expectedOf(b.seriesId, language);
      const exp = new Map([[a.seriesId, expA], [b.seriesId, expB]]);
      const n = 1 + Math.floor(random() * 8);
      const from = Math.floor(random() * 26);
      const after = from === 0 ? null : cursorOf(from);
      const want = (sid: string) => exp.get(sid)!.filter((e) => e.number > from).slice(0, n);
      const hasNext = (sid: string) => exp.get(sid)!.filter((e) => e.number > from).length > n;
      const tag = `seed ${seed} round ${round}: ${n} after ${from} in ${language}`;
      // Page path (uniform arguments, in a fragment).
      const page = await gql(
        `query($n: Int, $after: String, $lang: String) { catalog(territory: "US", language: $lang) { nodes { id ...S } } }
         fragment S on CatalogSeries { episodes(first: $n, after: $after) { nodes { ...E } pageInfo { hasNextPage endCursor } } }
         fragment E on CatalogEpisode { ${FIELDS} }`,
        { n, after, lang: language },
        p.key,
      );
      // Per-series path: two aliases, different windows; one without audioTracks.
      const two = await gql(
        `query($n: Int, $after: String, $lang: String) { catalog(territory: "US", language: $lang) { nodes { id
           head: episodes(first: 3) { nodes { ... on CatalogEpisode { ${FIELDS} } } }
           tail: episodes(first: $n, after: $after) { nodes { ${FIELDS} } pageInfo { hasNextPage } }
           noDubs: episodes(first: $n, after: $after) { nodes { id number subtitles { url } } } } } }`,
        { n, after, lang: language },
        p.key,
      );
      for (const node of page.catalog.nodes as Array<{ id: string; episodes: { nodes: ShownEpisode[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>) {
        const sid = parseGlobalId(node.id)!.id;
        expect(node.episodes.nodes.map(asExpected), tag).toEqual(want(sid));
        expect(node.episodes.pageInfo.hasNextPage, tag).toBe(hasNext(sid));
      }
      for (const node of two.catalog.nodes as unknown as Array<{ id: string; head: { nodes: ShownEpisode[] }; tail: { nodes: ShownEpisode[]; pageInfo: { hasNextPage: boolean } }; noDubs: { nodes: Array<{ id: string; number: number; subtitles: Array<{ url: string }> }> } }>) {
        const sid = parseGlobalId(node.id)!.id;
        expect(node.tail.nodes.map(asExpected), `${tag} (beside)`).toEqual(want(sid));
        expect(node.tail.pageInfo.hasNextPage, tag).toBe(hasNext(sid));
        expect(node.head.nodes.map(asExpected), `${tag} (head)`).toEqual(exp.get(sid)!.slice(0, 3));
        expect(node.noDubs.nodes.map((e) => [e.number, e.subtitles.length]), `${tag} (no dubs)`).toEqual(want(sid).map((e) => [e.number, e.subtitles.length]));
      }
      // By node, in the same language, in US and CA (series A only is live in CA).
      for (const e of want(a.seriesId).slice(0, 3)) {
        for (const t of ['US', 'CA']) {
          const one = await gql(`query($id: ID!, $lang: String) { node(id: $id, language: $lang) { ... on CatalogEpisode { ${FIELDS} } } }`, { id: globalId('CatalogEpisode', e.rowId, t), lang: language }, p.key);
          expect(asExpected(one.node as ShownEpisode), `${tag} node ${e.number} ${t}`).toEqual(e);
        }
      }
    }
  });

  it('node on every episode of both series, and other partners’ and studios’ ids answer null', async () => {
    const { p, other, a, b, c } = await setUp();
    for (const s of [a, b]) {
      const exp = await expectedOf(s.seriesId, 'es-MX');
      const page = await gql(`{ catalog(territory: "US", first: 3) { nodes { id episodes(first: 25) { nodes { number } } } } }`, {}, p.key);
      const live = new Set((page.catalog.nodes as Array<{ id: string; episodes: { nodes: Array<{ number: number }> } }>).find((n) => parseGlobalId(n.id)!.id === s.seriesId)!.episodes.nodes.map((e) => e.number));
      for (const e of exp) {
        const one = await gql(`query($id: ID!) { node(id: $id, language: "es-MX") { ... on CatalogEpisode { ${FIELDS} } } }`, { id: globalId('CatalogEpisode', e.rowId, 'US') }, p.key);
        if (live.has(e.number)) expect(asExpected(one.node as ShownEpisode), `node ${e.number}`).toEqual(e);
        else expect(one.node).toBeNull();
      }
    }
    for (const id of c.episodeIds) {
      const one = await gql(`query($id: ID!) { node(id: $id) { id } }`, { id: globalId('CatalogEpisode', id, 'US') }, p.key);
      expect(one.node).toBeNull();
    }
    // The other partner sees C, not A or B.
    for (const id of [...a.episodeIds.slice(0, 3), ...b.episodeIds.slice(0, 3)]) {
      const one = await gql(`query($id: ID!) { node(id: $id) { id } }`, { id: globalId('CatalogEpisode', id, 'US') }, other.key);
      expect(one.node).toBeNull();
    }
    const cExp = await expectedOf(c.seriesId, null);
    const oc = await gql(`{ catalog(territory: "US", first: 3) { nodes { id episodes(first: 25) { nodes { ${FIELDS} } } } } }`, {}, other.key);
    expect((oc.catalog.nodes as Array<{ id: string }>).map((n) => parseGlobalId(n.id)!.id)).toEqual([c.seriesId]);
    expect(oc.catalog.nodes[0]!.episodes.nodes.map(asExpected)).toEqual(cExp);
  });

  it('forged and past-the-end cursors, windows at the end, limits: no internal errors, empty or refused', async () => {
    const { p } = await setUp();
    const q = `query($n: Int, $after: String) { catalog(territory: "US") { nodes { id episodes(first: $n, after: $after) { nodes { number subtitles { url } audioTracks { url } } pageInfo { hasNextPage endCursor } } } } }`;
    const q2 = `query($n: Int, $after: String) { catalog(territory: "US") { nodes { id a: episodes(first: 1) { nodes { number } } episodes(first: $n, after: $after) { nodes { number subtitles { url } } pageInfo { hasNextPage endCursor } } } } }`;
    for (const [n, after] of [[1, cursorOf(22)], [5, cursorOf(23)], [5, cursorOf(24)], [100, cursorOf(2147483647)], [1, cursorOf(0)], [0, null], [100, cursorOf(21)]] as Array<[number, string | null]>) {
      for (const query of [q, q2]) {
        const res = (await server.gql(query as never, { n, after } as never, { token: p.key })) as { data?: CatalogAnswer; errors?: Array<{ extensions?: { code?: string } }> };
        expect(res.errors?.map((e) => e.extensions?.code) ?? [], `${n} after ${after}`).not.toContain('INTERNAL_SERVER_ERROR');
        if (!res.errors) {
          for (const node of res.data!.catalog.nodes) {
            for (const e of node.episodes.nodes) expect(e.number).toBeGreaterThan(after ? Number(Buffer.from(after, 'base64url').toString().slice(2)) : 0);
          }
        }
      }
    }
    for (const after of ['c:-1', 'c:2147483648', 'c:1|2', 'c:abc', 'x', 'YzoxMA', 'Yzo5OTk5OTk5OTk5']) {
      const res = (await server.gql(q as never, { n: 2, after: after.startsWith('c:') ? Buffer.from(after).toString('base64url') : after } as never, { token: p.key })) as { errors?: Array<{ extensions?: { code?: string } }> };
      expect(res.errors?.map((e) => e.extensions?.code) ?? [], after).not.toContain('INTERNAL_SERVER_ERROR');
    }
  });
});
