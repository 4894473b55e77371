import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalId, parseGlobalId } from '../src/modules/publishing/global-id';
import { createLiveSeries, createPartner, startWithOperatorLead } from './support/publishing';
import { seededRandom } from './support/seeded-random';
import type { SignedInMember, TestServer } from './support/server';
import { EPISODE_FIELDS, episodeCursor, partnerRead, vttOf, type CatalogAnswer, type SeedSql, type ShownEpisode } from './support/catalog-episodes';

let server: TestServer;
let admin: SignedInMember;
let lead: SignedInMember;

beforeAll(async () => {
  ({ server, admin, lead } = await startWithOperatorLead());
});
afterAll(async () => {
  await server?.stop();
});

const vtt = vttOf;
type Run = SeedSql;
const sql = async <R>(text: string, params: unknown[] = []) => (await server.orm.em.getConnection().execute(text, params)) as R[];

/** Spanish texts on even episodes, a Spanish dub on multiples of 3. */
const extras = async (run: Run, seriesId: string) => {
  await run(
    `insert into localized_text (id, series_id, episode_id, language, title, synopsis, created_at, updated_at)
     select gen_random_uuid(), e.series_id, e.id, 'es', 'Episodio ' || e.number, 'es ' || e.number, now(), now() from episode e where e.series_id = ? and e.number % 2 = 0`,
    [seriesId],
  );
  await run(
    `insert into audio_track (id, episode_id, language, sha256, size_bytes, storage_key, file_name, container, audio_codec, duration_seconds, created_at)
     select gen_random_uuid(), e.id, 'es', encode(sha256(e.id::text::bytea), 'hex'), 10, 'audio/x.m4a', 'dub.m4a', 'mp4', 'aac', 40 + e.number, now() from episode e where e.series_id = ? and e.number % 3 = 0`,
    [seriesId],
  );
};

const FIELDS = EPISODE_FIELDS;
type Shown = ShownEpisode;
/** An episode without its signed URLs (they carry the expiry), with its tracks' ids. */
const plain = (e: Shown) => ({
  id: e.id,
  number: e.number,
  title: e.title,
  synopsis: e.synopsis,
  language: e.language,
  durationSeconds: e.durationSeconds,
  width: e.width,
  height: e.height,
  poster: e.posterUrl?.split('?')[0] ?? null,
  subtitleLanguages: e.subtitleLanguages,
  subtitles: e.subtitles.map((t) => ({ language: t.language, kind: t.kind, aiGenerated: t.aiGenerated, path: t.url.split('?')[0] })),
  audioTracks: (e.audioTracks ?? []).map((t) => ({ language: t.language, codec: t.codec, durationSeconds: t.durationSeconds, path: t.url.split('?')[0] })),
});

const PAGE = `query($n: Int, $after: String, $lang: String) { catalog(territory: "US", first: 5, language: $lang) { nodes { id episodes(first: $n, after: $after) { nodes { ${FIELDS} } pageInfo { hasNextPage } } } } }`;
const TWO = `query($n: Int, $after: String, $lang: String) { catalog(territory: "US", first: 5, language: $lang) { nodes { id h: episodes(first: 1) { nodes { number } } episodes(first: $n, after: $after) { nodes { ${FIELDS} } } } } }`;
const NODE = `query($id: ID!, $lang: String) { node(id: $id, language: $lang) { ... on CatalogEpisode { ${FIELDS} } } }`;
const cursorOf = episodeCursor;
const read = partnerRead;

/** Every episode of series `seriesId` that each reader shows, by number. */
async function allReaders(srv: TestServer, key: string, seriesId: string, language: string | null, n: number, after: number) {
  const pick = (data: CatalogAnswer) => data.catalog.nodes.find((s) => parseGlobalId(s.id)!.id === seriesId)?.episodes.nodes ?? [];
  const page = pick(await read(srv, PAGE, { n, after: after ? cursorOf(after) : null, lang: language }, key));
  const two = pick(await read(srv, TWO, { n, after: after ? cursorOf(after) : null, lang: language }, key));
  return { page, two };
}

describe('catalog episode windows under writes, gate withdrawals and a restart', () => {
  it('a studio adding and removing tracks, texts and dubs while a partner pages: a changed episode is withdrawn, never shown with unreviewed material or another episode’s', async () => {
    const p = await createPartner(server, admin, ['US']);
    const s = await createLiveSeries(server, lead, 12, p.organizationId, {
      territories: ['US'],
      varied: true,
      subtitles: [{ language: 'en', format: 'WEBVTT', content: vtt('Hello') }, { language: 'es', format: 'WEBVTT', content: vtt('Hola') }],
      subtitleLanguages: ['en', 'es', 'fr'],
      dubLanguages: ['es', 'fr'],
      before: extras,
    });
    const baseline = new Map<number, ReturnType<typeof plain>>();
    for (const e of (await allReaders(server, p.key, s.seriesId, 'es', 20, 0)).page) baseline.set(e.number, plain(e));
    expect(baseline.size).toBe(12);
    const ids = await sql<{ id: string; number: number }>(`select id, number from episode where series_id = ? order by number`, [s.seriesId]);
    const seed = Number(process.env.CATALOG_WINDOW_SEED ?? Date.now() % 1_000_000);
    const random = seededRandom(seed);
    const touched = new Set<number>();
    const briefly = new Set<number>();
    let writing = true;
    const writer = (async () => {
      for (let i = 0; i < 24; i++) {
        const ep = ids[Math.floor(random() * ids.length)]!;
        const op = i % 4;
        // Adding a track and removing it again restores the reviewed material, but a gate that saw the
        // track in between has lapsed the approval for good: such an episode may be back or withdrawn.
        if (op !== 0) touched.add(ep.number);
        else briefly.add(ep.number);
        if (op === 0) {
          const [t] = await sql<{ id: string }>(`insert into subtitle_track (id, episode_id, language, kind, ai_generated, format, content, cues, cue_count, updated_at) values (gen_random_uuid(), ?, 'fr', 'SUBTITLES', false, 'WEBVTT', ?, '[]', 1, now()) on conflict do nothing returning id`, [ep.id, vtt('EVIL')]);
          if (t) await sql(`delete from subtitle_track where id = ?`, [t.id]);
        } else if (op === 1) {
          await sql(`insert into localized_text (id, series_id, episode_id, language, title, synopsis, created_at, updated_at) values (gen_random_uuid(), ?, ?, 'es-MX', 'EVIL', 'EVIL', now(), now()) on conflict do nothing`, [s.seriesId, ep.id]);
        } else if (op === 2) {
          await sql(`insert into audio_track (id, episode_id, language, sha256, size_bytes, storage_key, file_name, container, audio_codec, duration_seconds, created_at) values (gen_random_uuid(), ?, 'fr', repeat('e', 64), 1, 'audio/evil.m4a', 'evil.m4a', 'mp4', 'evil', 1, now()) on conflict do nothing`, [ep.id]);
        } else {
          await sql(`delete from subtitle_track where episode_id = ? and language = 'en'`, [ep.id]);
        }
        await new Promise((r) => setTimeout(r, 40));
      }
      writing = false;
    })();
    let reads = 0;
    const check = (e: Shown, how: string) => {
      const want = baseline.get(e.number);
      expect(want, `${how}: ${e.number} is one of the series' episodes`).toBeDefined();
      expect(plain(e), `${how}: episode ${e.number} (seed ${seed})`).toEqual(want);
    };
    while (writing) {
      const n = 1 + Math.floor(random() * 6);
      const after = Math.floor(random() * 12);
      for (const language of ['es', 'es-MX']) {
        const { page, two } = await allReaders(server, p.key, s.seriesId, language, n, after);
        for (const e of page) check({ ...e }, `page ${language}`);
        for (const e of two) check(e, `alias ${language}`);
        reads++;
      }
      const ep = ids[Math.floor(random() * ids.length)]!;
      const one = await read(server, NODE, { id: globalId('CatalogEpisode', ep.id, 'US'), lang: 'es' }, p.key);
      if (one.node) check(one.node, 'node');
    }
    await writer;
    expect(reads).toBeGreaterThan(3);
    // Once the gate has seen the writes: touched episodes are gone from every reader, the untouched
    // ones are as before, and those changed and changed back are either.
    const deadline = Date.now() + 20_000;
    const settled = (numbers: number[]) => {
      const shown = new Set(numbers);
      return [...baseline.keys()].every((n) => (touched.has(n) ? !shown.has(n) : briefly.has(n) || shown.has(n))) && numbers.every((n) => baseline.has(n));
    };
    for (;;) {
      const { page, two } = await allReaders(server, p.key, s.seriesId, 'es', 20, 0);
      const numbers = page.map((e) => e.number);
      if (settled(numbers) || Date.now() > deadline) {
        const what = `touched ${[...touched].sort((a, b) => a - b)}, changed back ${[...briefly].sort((a, b) => a - b)}, shown ${numbers}`;
        expect(settled(numbers), what).toBe(true);
        expect(two.map((e) => e.number), what).toEqual(numbers);
        for (const e of [...page, ...two]) check(e, 'after');
        for (const row of ids) {
          const one = await read(server, NODE, { id: globalId('CatalogEpisode', row.id, 'US'), lang: 'es' }, p.key);
          if (numbers.includes(row.number)) check(one.node!, 'node after');
          else expect(one.node, `node ${row.number}`).toBeNull();
        }
        break;
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  });

  it('taken down, suspended studio, ended license window, archived series: withdrawn from the page, aliases and node', async () => {
    const p = await createPartner(server, admin, ['US']);
    const opts = { territories: ['US'], varied: true, subtitles: [{ language: 'en', format: 'WEBVTT' as const, content: vtt('Hi') }], subtitleLanguages: ['en'], dubLanguages: ['es'], before: extras };
    const down = await createLiveSeries(server, lead, 4, p.organizationId, opts);
    const suspended = await createLiveSeries(server, lead, 3, p.organizationId, opts);
    const ended = await createLiveSeries(server, lead, 3, p.organizationId, opts);
    const archived = await createLiveSeries(server, lead, 3, p.organizationId, opts);
    await sql(`update episode set status = 'TAKEN_DOWN' where series_id = ? and number = 2`, [down.seriesId]);
    await sql(`update organization set suspended_at = now() where id = ?`, [suspended.owner.organizationId]);
    await sql(`update series_license set window_end = now() - interval '1 second' where series_id = ?`, [ended.seriesId]);
    await sql(`update series set archived_at = now() where id = ?`, [archived.seriesId]);
    for (const language of [null, 'es']) {
      const { page, two } = await allReaders(server, p.key, down.seriesId, language, 5, 0);
      expect(page.map((e) => e.number)).toEqual([1, 3, 4]);
      expect(two.map((e) => e.number)).toEqual([1, 3, 4]);
      for (const gone of [suspended, ended, archived]) {
        const r = await allReaders(server, p.key, gone.seriesId, language, 5, 0);
        expect([r.page, r.two]).toEqual([[], []]);
      }
    }
    for (const [series, number] of [[down, 2], [suspended, 1], [ended, 1], [archived, 1], [suspended, 3]] as const) {
      const one = await read(server, NODE, { id: globalId('CatalogEpisode', series.episodeIds[number - 1]!, 'US'), lang: 'es' }, p.key);
      expect(one.node, `node ${number}`).toBeNull();
    }
  });

  it('another API process (a restart) answers the same for every reader', async () => {
    const p = await createPartner(server, admin, ['US']);
    const s = await createLiveSeries(server, lead, 9, p.organizationId, { territories: ['US'], varied: true, subtitles: [{ language: 'en', format: 'WEBVTT', content: vtt('Hi') }, { language: 'es', format: 'WEBVTT', content: vtt('Hola') }], subtitleLanguages: ['es'], dubLanguages: ['es'], before: extras });
    const before = await allReaders(server, p.key, s.seriesId, 'es', 4, 3);
    const twin = await server.twin();
    try {
      const after = await allReaders(twin, p.key, s.seriesId, 'es', 4, 3);
      expect(after.page.map(plain)).toEqual(before.page.map(plain));
      expect(after.two.map(plain)).toEqual(before.two.map(plain));
      expect(after.page.map((e) => e.number)).toEqual([4, 5, 6, 7]);
      for (const e of before.page) {
        const one = await read(twin, NODE, { id: e.id, lang: 'es' }, p.key);
        expect(plain(one.node!)).toEqual(plain(e));
      }
    } finally {
      await twin.stop();
    }
  });
});
