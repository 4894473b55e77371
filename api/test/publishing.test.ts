import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/modules/membership/membership.entity';
import { createMediaStorage } from '../src/uploads/media-storage';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { eventually } from './support/media';
import { catalogOf as catalogFor, CATALOG, createLiveSeries, createPartner, resubmitAndApprove } from './support/publishing';
import { seedPendingCases } from './support/review';
import { seededRandom } from './support/seeded-random';
import { errorCode, TestServer, type SignedInMember } from './support/server';
import { WebhookReceiver } from './support/webhook-receiver';
import { graphql } from '../../schema/graphql';

let server: TestServer;
let admin: SignedInMember;
let lead: SignedInMember;
let receiver: WebhookReceiver;

beforeAll(async () => {
  // No timed polls: the statement-count test must see only its own request's SQL (writes are still followed).
  server = await TestServer.start({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', WEBHOOK_RETRY_LIMIT: '2', WEBHOOK_RETRY_DELAY_SECONDS: '1', REVIEW_FOUR_EYES: 'false', PUBLICATION_POLL_SECONDS: '3600' }, undefined, { runWorker: true });
  admin = await server.member(OrganizationKind.OPERATOR, Role.ADMIN);
  lead = await server.addMember(admin.organizationId, Role.LEAD);
  receiver = await new WebhookReceiver().start();
});
afterAll(async () => {
  await server?.stop();
  await receiver?.stop();
});

const partner = (territories = ['US', 'CA']) => createPartner(server, admin, territories);
const liveSeries = (n: number, partnerId: string) => createLiveSeries(server, lead, n, partnerId);
const catalogOf = (key: string, t: string, first = 20, eps = 20) => catalogFor(server, key, t, first, eps);

describe('the partner catalog', () => {
  it('shows live episodes with the territory’s price, licensor and source work; a territory the partner does not serve is FORBIDDEN', async () => {
    const p = await partner();
    const s = await liveSeries(2, p.organizationId);
    const us = await catalogOf(p.key, 'US');
    expect(us.errors).toBeUndefined();
    const series = us.data!.catalog.nodes.find((n) => n.title === 'Queue series' && n.licensor === 'Lotus Press')!;
    expect(series.sourceWork).toEqual({ title: 'The Heiress Returns', author: 'Mei Lan' });
    expect(series.episodes.nodes.map((e) => [e.number, e.price])).toEqual([
      [1, { free: false, coins: null, currency: 'USD', amount: '0.49' }],
      [2, { free: false, coins: null, currency: 'USD', amount: '0.49' }],
    ]);
    const ca = await catalogOf(p.key, 'CA');
    expect(ca.data!.catalog.nodes[0]!.episodes.nodes[0]!.price).toEqual({ free: false, coins: 60, currency: null, amount: null });
    const fr = await catalogOf(p.key, 'FR');
    expect(errorCode(fr)).toBe('FORBIDDEN');
    expect(fr.errors![0]!.message).toMatch(/serves US, CA/);
    // Another partner, not released to, sees nothing.
    const other = await partner();
    expect((await catalogOf(other.key, 'US')).data!.catalog.nodes).toEqual([]);
    expect(s.episodeIds).toHaveLength(2);
    // A studio user is not a partner.
    expect(errorCode(await server.gql(CATALOG, { t: 'US' }, { token: s.owner.token }))).toBe('FORBIDDEN');
  });

  it('a series’ episodes are the window each episodes field asks for, from variables too, also when two aliases ask for different ones', async () => {
    const p = await partner();
    const s = await liveSeries(3, p.organizationId);
    const ours = <T extends { id: string; licensor: string | null }>(nodes: T[]) => nodes.filter((n) => n.licensor === 'Lotus Press');
    const page = graphql('query($n: Int, $after: String) { catalog(territory: "US") { nodes { id licensor episodes(first: $n, after: $after) { nodes { number } pageInfo { hasNextPage endCursor } } } } }');
    const firstOne = await server.gql(page, { n: 1 }, { token: p.key });
    expect(firstOne.errors).toBeUndefined();
    const [series] = ours(firstOne.data!.catalog.nodes);
    expect(series!.episodes.nodes.map((e) => e.number)).toEqual([1]);
    expect(series!.episodes.pageInfo.hasNextPage).toBe(true);
    const after = series!.episodes.pageInfo.endCursor;
    const rest = await server.gql(page, { n: 5, after }, { token: p.key });
    expect(ours(rest.data!.catalog.nodes)[0]!.episodes.nodes.map((e) => e.number)).toEqual([2, 3]);
    expect(ours(rest.data!.catalog.nodes)[0]!.episodes.pageInfo.hasNextPage).toBe(false);
    const both = await server.gql(
      graphql('query($after: String) { catalog(territory: "US") { nodes { id licensor head: episodes(first: 1) { nodes { number } pageInfo { hasNextPage } } tail: episodes(first: 5, after: $after) { nodes { number } pageInfo { hasNextPage } } } } }'),
      { after },
      { token: p.key },
    );
    expect(both.errors).toBeUndefined();
    const [twice] = ours(both.data!.catalog.nodes);
    expect([twice!.head.nodes.map((e) => e.number), twice!.head.pageInfo.hasNextPage]).toEqual([[1], true]);
    expect([twice!.tail.nodes.map((e) => e.number), twice!.tail.pageInfo.hasNextPage]).toEqual([[2, 3], false]);
    // A window the field refuses is refused as before, naming its argument.
    const refused = await server.gql(page, { n: 101 }, { token: p.key });
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    expect(s.episodeIds).toHaveLength(3);
  });

  it('every episode shows its own media and subtitle tracks, on the page, in random windows, in two windows at once and by node (seeded)', async () => {
    const seed = Number(process.env.EPISODE_WINDOW_SEED ?? Date.now() % 1_000_000);
    const random = seededRandom(seed);
    const vtt = (text: string) => `WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n${text}\n`;
    const p = await partner(['US']);
    // 13 episodes, each with its own media (a poster on even numbers); English on every one, Spanish on even, French on multiples of 3.
    const s = await createLiveSeries(server, lead, 13, p.organizationId, {
      territories: ['US'],
      varied: true,
      subtitles: [{ language: 'en', format: 'WEBVTT', content: vtt('Hello') }, { language: 'es', format: 'WEBVTT', content: vtt('Hola') }, { language: 'fr', format: 'WEBVTT', content: vtt('Salut') }],
      subtitleLanguages: ['en', 'es', 'fr'],
    });
    // What each episode has, read straight from the tables.
    const stored = (await server.orm.em.getConnection().execute(
      `select e.number, m.duration_seconds, m.width, m.height, m.poster_key is not null as poster,
              array(select t.language from subtitle_track t where t.episode_id = e.id order by t.language) as languages
       from episode e join media_revision m on m.id = e.current_media_id where e.series_id = ? order by e.number`,
      [s.seriesId],
    )) as Array<{ number: number; duration_seconds: number; width: number; height: number; poster: boolean; languages: string[] }>;
    const expected = (number: number) => {
      const e = stored.find((r) => r.number === number)!;
      return { number, durationSeconds: Math.round(Number(e.duration_seconds)), width: e.width, height: e.height, poster: e.poster, subtitleLanguages: e.languages };
    };
    // The seeding varies what it should: a reader mixing episodes up would be seen.
    expect(new Set(stored.map((e) => e.width)).size).toBe(13);
    expect(new Set(stored.map((e) => e.languages.join())).size).toBe(4);
    type Shown = { id: string; number: number; durationSeconds: number | null; width: number | null; height: number | null; posterUrl: string | null; subtitleLanguages: string[]; subtitles: Array<{ language: string }> };
    const shown = (e: Shown) => {
      expect(e.subtitles.map((t) => t.language), `seed ${seed}`).toEqual(e.subtitleLanguages);
      return { number: e.number, durationSeconds: e.durationSeconds, width: e.width, height: e.height, poster: e.posterUrl !== null, subtitleLanguages: e.subtitleLanguages };
    };
    const FIELDS = 'id number durationSeconds width height posterUrl subtitleLanguages subtitles { language }';
    const window = graphql(`query($n: Int, $after: String) { catalog(territory: "US", first: 5) { nodes { episodes(first: $n, after: $after) { nodes { ${FIELDS} } pageInfo { endCursor } } } } }`);
    const two = graphql(`query($n: Int, $after: String) { catalog(territory: "US", first: 5) { nodes { head: episodes(first: 2) { nodes { ${FIELDS} } } tail: episodes(first: $n, after: $after) { nodes { ${FIELDS} } } } } }`);
    const node = graphql(`query($id: ID!) { node(id: $id) { ... on CatalogEpisode { ${FIELDS} } } }`);
    const all = await server.gql(window, { n: 20 }, { token: p.key });
    expect(all.errors, `seed ${seed}`).toBeUndefined();
    const episodes = all.data!.catalog.nodes[0]!.episodes.nodes as Shown[];
    expect(episodes.map(shown)).toEqual(stored.map((e) => expected(e.number)));
    for (let round = 0; round < 8; round++) {
      // A window of 1–6 episodes after a random one, read with the page and, beside another window, by itself.
      const n = 1 + Math.floor(random() * 6);
      const from = Math.floor(random() * 13);
      const after = from === 0 ? null : (await server.gql(window, { n: from }, { token: p.key })).data!.catalog.nodes[0]!.episodes.pageInfo.endCursor;
      const wanted = stored.filter((e) => e.number > from).slice(0, n).map((e) => expected(e.number));
      const withPage = await server.gql(window, { n, after }, { token: p.key });
      expect((withPage.data!.catalog.nodes[0]!.episodes.nodes as Shown[]).map(shown), `seed ${seed}, ${n} after ${from}`).toEqual(wanted);
      const beside = await server.gql(two, { n, after }, { token: p.key });
      expect(beside.errors, `seed ${seed}`).toBeUndefined();
      expect((beside.data!.catalog.nodes[0]!.tail.nodes as Shown[]).map(shown), `seed ${seed}, ${n} after ${from}, beside another window`).toEqual(wanted);
      expect((beside.data!.catalog.nodes[0]!.head.nodes as Shown[]).map(shown)).toEqual([expected(1), expected(2)]);
    }
    for (const e of episodes) {
      const one = await server.gql(node, { id: e.id }, { token: p.key });
      expect(shown(one.data!.node as Shown), `node ${e.number}`).toEqual(expected(e.number));
    }
  });

  it('the distribution view tells the studio, per partner, what is live and why not', async () => {
    const p = await partner();
    const s = await liveSeries(1, p.organizationId);
    const view = await server.gql(
      graphql('query($id: ID!) { series(id: $id) { distribution { partner { id } episodes { territory live reasons { code } } } } }'),
      { id: s.seriesId },
      { token: s.owner.token },
    );
    const row = view.data!.series.distribution.find((d) => d.partner.id === p.organizationId)!;
    expect(row.episodes.map((e) => [e.territory, e.live])).toEqual([['US', true], ['CA', true]]);
    await server.gql(graphql('mutation($s: ID!, $p: ID!, $i: ReleasePlanInput!) { setReleasePlan(seriesId: $s, partnerId: $p, input: $i) { id } }'), { s: s.seriesId, p: p.organizationId, i: { mode: 'ALL_AT_ONCE', startsAt: '2030-06-01T00:00:00Z' } }, { token: s.owner.token });
    const later = await server.gql(graphql('query($id: ID!) { series(id: $id) { distribution { partner { id } episodes { live reasons { code } } } } }'), { id: s.seriesId }, { token: s.owner.token });
    expect(later.errors).toBeUndefined();
    expect(later.data!.series.distribution.find((d) => d.partner.id === p.organizationId)!.episodes.map((e) => e.reasons.map((r) => r.code))).toEqual([['RELEASE_SCHEDULED'], ['RELEASE_SCHEDULED']]);
  });

  it('a release plan starts within 10 years ahead; a start that has passed is saved as the moment of saving, except the start daily drops count from', async () => {
    const p = await partner();
    const s = await liveSeries(1, p.organizationId);
    const SET = graphql('mutation($s: ID!, $p: ID!, $i: ReleasePlanInput!) { setReleasePlan(seriesId: $s, partnerId: $p, input: $i) { mode startsAt episodeTimes } }');
    const set = (i: { mode: 'ALL_AT_ONCE' | 'DROPS' | 'SCHEDULED'; startsAt: string; episodesPerDay?: number; episodeTimes?: Array<{ number: number; at: string }> }) => server.gql(SET, { s: s.seriesId, p: p.organizationId, i }, { token: s.owner.token });
    const inYears = (years: number, ms = 0) => {
      const d = new Date();
      d.setUTCFullYear(d.getUTCFullYear() + years);
      return new Date(d.getTime() + ms).toISOString();
    };

    const unreadable = await set({ mode: 'ALL_AT_ONCE', startsAt: '+275760-09-13T00:00:00.000Z' });
    expect(unreadable.errors![0]!.extensions.field).toBe('input.startsAt');
    expect(unreadable.errors![0]!.message).toMatch(/between the years 0001 and 9999/);
    for (const startsAt of ['9999-12-31T23:59:00Z', inYears(10, 60_000)]) {
      const refused = await set({ mode: 'ALL_AT_ONCE', startsAt });
      expect(errorCode(refused)).toBe('BAD_USER_INPUT');
      expect(refused.errors![0]!.extensions.field).toBe('input.startsAt');
      expect(refused.errors![0]!.message).toMatch(/^The start is more than 10 years ahead: the latest is \d{1,2} \w{3} \d{4}, \d{2}:\d{2} UTC\.$/);
    }
    const late = await set({ mode: 'SCHEDULED', startsAt: '2030-01-01T00:00:00Z', episodeTimes: [{ number: 1, at: '2030-01-01T00:00:00Z' }, { number: 2, at: '9999-12-31T23:59:00Z' }] });
    expect(late.errors![0]!.extensions.field).toBe('input.episodeTimes.1.at');
    expect(late.errors![0]!.message).toMatch(/Episode 2’s release time is more than 10 years ahead/);

    const within = inYears(10, -60_000);
    expect((await set({ mode: 'ALL_AT_ONCE', startsAt: within })).data!.setReleasePlan.startsAt).toBe(within);

    // A start that has passed is the moment of saving, as the confirmation said ("Goes live now").
    const before = Date.now();
    const past = (await set({ mode: 'ALL_AT_ONCE', startsAt: '0001-01-01T00:00:00Z', episodeTimes: [] })).data!.setReleasePlan;
    const saved = new Date(past.startsAt).getTime();
    expect(saved).toBeGreaterThanOrEqual(before - 1000);
    expect(saved).toBeLessThanOrEqual(Date.now() + 1000);

    // Daily drops count from their start: a recent past start is kept, one from long ago is refused.
    const lastWeek = new Date(Date.now() - 7 * 86_400_000).toISOString();
    expect((await set({ mode: 'DROPS', startsAt: lastWeek, episodesPerDay: 1 })).data!.setReleasePlan.startsAt).toBe(lastWeek);
    const ancient = await set({ mode: 'DROPS', startsAt: '0001-01-01T00:00:00Z', episodesPerDay: 1 });
    expect(ancient.errors![0]!.extensions.field).toBe('input.startsAt');
    expect(ancient.errors![0]!.message).toMatch(/at most 10 years back/);
  });

  it('releaseHorizon gives the bounds setReleasePlan holds a plan to, for forms to check before sending', async () => {
    const p = await partner();
    const s = await liveSeries(1, p.organizationId);
    const SET = graphql('mutation($s: ID!, $p: ID!, $i: ReleasePlanInput!) { setReleasePlan(seriesId: $s, partnerId: $p, input: $i) { startsAt } }');
    const set = (i: { mode: 'ALL_AT_ONCE' | 'DROPS'; startsAt: string; episodesPerDay?: number }) => server.gql(SET, { s: s.seriesId, p: p.organizationId, i }, { token: s.owner.token });
    const horizon = await server.gql(graphql('{ releaseHorizon { horizonYears latestStartsAt earliestDropsStartsAt } }'), {}, { token: s.owner.token });
    expect(horizon.errors).toBeUndefined();
    const { horizonYears, latestStartsAt, earliestDropsStartsAt } = horizon.data!.releaseHorizon;
    expect(horizonYears).toBe(10);
    const shift = (at: string, ms: number) => new Date(new Date(at).getTime() + ms).toISOString();
    // A minute inside each bound is saved; a minute (and more) past it is refused, naming the field.
    const inside = shift(latestStartsAt, -60_000);
    expect((await set({ mode: 'ALL_AT_ONCE', startsAt: inside })).data!.setReleasePlan.startsAt).toBe(inside);
    const ahead = await set({ mode: 'ALL_AT_ONCE', startsAt: shift(latestStartsAt, 60_000) });
    expect(ahead.errors![0]!.extensions.field).toBe('input.startsAt');
    const dropsInside = shift(earliestDropsStartsAt, 60_000);
    expect((await set({ mode: 'DROPS', startsAt: dropsInside, episodesPerDay: 1 })).data!.setReleasePlan.startsAt).toBe(dropsInside);
    const dropsBefore = await set({ mode: 'DROPS', startsAt: shift(earliestDropsStartsAt, -60_000), episodesPerDay: 1 });
    expect(dropsBefore.errors![0]!.extensions.field).toBe('input.startsAt');
  });

  it('node(id) returns a live series or episode; changes(since) is an ordered feed to resume from', async () => {
    const p = await partner();
    await liveSeries(1, p.organizationId);
    const us = await catalogOf(p.key, 'US');
    const series = us.data!.catalog.nodes[0]!;
    const node = await server.gql(graphql('query($id: ID!) { node(id: $id) { __typename ... on CatalogSeries { title } ... on CatalogEpisode { number } } }'), { id: series.episodes.nodes[0]!.id }, { token: p.key });
    expect(node.data!.node).toEqual({ __typename: 'CatalogEpisode', number: 1 });
    const feed = await server.gql(graphql('query { changes(first: 10) { nodes { type territory } pageInfo { endCursor } } }'), {}, { token: p.key });
    expect(feed.data!.changes.nodes).toEqual([{ type: 'PUBLISHED', territory: 'US' }, { type: 'PUBLISHED', territory: 'CA' }]);
    const resumed = await server.gql(graphql('query($a: String) { changes(after: $a) { nodes { type } } }'), { a: feed.data!.changes.pageInfo.endCursor }, { token: p.key });
    expect(resumed.data!.changes.nodes).toEqual([]);
  });

  it('filter.genres finds a series by any of its genres as written, in any letter case, quotes and backslashes included, and no other', async () => {
    const p = await partner();
    const quoted = await liveSeries(1, p.organizationId);
    const plain = await liveSeries(1, p.organizationId);
    // Genres as a studio may write them (quotes and backslashes are allowed in a genre).
    const setGenres = (series: { seriesId: string; owner: { token: string } }, genres: string[]) => server.gql(graphql('mutation($id: ID!, $i: SeriesInput!) { updateSeries(id: $id, input: $i) { id } }'), { id: series.seriesId, i: { genres } }, { token: series.owner.token });
    expect((await setGenres(quoted, ['Boss"s Bride', 'back\\slash'])).errors).toBeUndefined();
    expect((await setGenres(plain, ['Boss s Bride', 'backslash'])).errors).toBeUndefined();
    // Genres are reviewed material: both series go back through review.
    await resubmitAndApprove(server, lead, quoted.owner, quoted.episodeIds, ['US', 'CA']);
    await resubmitAndApprove(server, lead, plain.owner, plain.episodeIds, ['US', 'CA']);
    await eventually(() => catalogOf(p.key, 'US'), (r) => r.data?.catalog.nodes.length === 2, 'both series to be live again');
    const genresOf = async (genres: string[]) => {
      const res = await server.gql(graphql('query($f: CatalogFilterInput) { catalog(territory: "US", filter: $f) { nodes { genres } } }'), { f: { genres } }, { token: p.key });
      expect(res.errors).toBeUndefined();
      return res.data!.catalog.nodes.map((n) => n.genres);
    };
    expect(await genresOf([])).toHaveLength(2);
    expect(await genresOf(['Boss"s Bride'])).toEqual([['Boss"s Bride', 'back\\slash']]);
    expect(await genresOf(['back\\slash'])).toEqual([['Boss"s Bride', 'back\\slash']]);
    expect(await genresOf(['backslash'])).toEqual([['Boss s Bride', 'backslash']]);
    expect(await genresOf(['Bosss Bride'])).toEqual([]);
    // "Drama" and "drama" are one genre to a studio (a series cannot hold both), so to a partner too.
    expect(await genresOf(['BACKSLASH'])).toEqual([['Boss s Bride', 'backslash']]);
    expect(await genresOf(['boss"S bride'])).toEqual([['Boss"s Bride', 'back\\slash']]);
    // A filter names genres a series could hold: refused, naming the field, past that.
    const refusedField = async (genres: string[]) => {
      const res = await server.gql(graphql('query($f: CatalogFilterInput) { catalog(territory: "US", filter: $f) { nodes { id } } }'), { f: { genres } }, { token: p.key });
      expect(res.errors?.[0]?.extensions?.code, JSON.stringify(res.errors)).toBe('BAD_USER_INPUT');
      return res.errors![0]!.extensions!.field;
    };
    expect(await genresOf(Array.from({ length: 100 }, (_, i) => (i === 99 ? 'backslash' : `genre ${i}`)))).toEqual([['Boss s Bride', 'backslash']]);
    expect(await refusedField(Array.from({ length: 101 }, (_, i) => `genre ${i}`))).toBe('filter.genres');
    expect(await refusedField(['romance', 'x'.repeat(41)])).toBe('filter.genres.1');
    expect(await refusedField(['  '])).toBe('filter.genres.0');
    expect(await genresOf(['  backslash '])).toEqual([['Boss s Bride', 'backslash']]);
  });

  it('filter.genres, seeded and randomized: any mix of genres as studios may write them finds exactly the live series holding one of them, in any letter case', async () => {
    const seed = Number(process.env.GENRE_FILTER_SEED ?? Date.now() % 1_000_000);
    const random = seededRandom(seed);
    const pick = <T,>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
    // Text an array literal, a JSON string, a LIKE pattern or a regex would read differently from the genre itself.
    const pool = ['romance', 'Romance', 'rom"ance', 'back\\slash', '{braces}', 'a,b', 'NULL', 'null', "it's", '%', '_', '.*', '[x]', '\\"', 'café', '復讐', 'إنتقام', '😀 emoji', 'a b', '$1', ':x', '?'];
    const p = await partner(['US']);
    const series: Array<{ seriesId: string; genres: string[] }> = [];
    for (let i = 0; i < 5; i++) {
      // Written through the API as a studio would (a series holds no genre twice in any case).
      const genres = [...new Map(Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(pool)).map((g) => [g.toLowerCase(), g])).values()];
      const live = await createLiveSeries(server, lead, 1, p.organizationId, { territories: ['US'] });
      const set = await server.gql(graphql('mutation($id: ID!, $i: SeriesInput!) { updateSeries(id: $id, input: $i) { genres } }'), { id: live.seriesId, i: { genres } }, { token: live.owner.token });
      expect(set.data?.updateSeries.genres, `seed ${seed}: ${JSON.stringify(set.errors)}`).toEqual(genres);
      // Genres are reviewed material: the series goes back through review.
      await resubmitAndApprove(server, lead, live.owner, live.episodeIds, ['US']);
      series.push({ seriesId: live.seriesId, genres });
    }
    await eventually(() => catalogOf(p.key, 'US'), (r) => r.data?.catalog.nodes.length === series.length, 'every seeded series to be live');
    for (let round = 0; round < 40; round++) {
      // Names from the pool, sometimes padded with the spaces a filter trims, sometimes one no series holds.
      const filter = Array.from({ length: 1 + Math.floor(random() * 4) }, () => (random() < 0.15 ? `${pick(pool)}~` : random() < 0.2 ? ` ${pick(pool)} ` : pick(pool)));
      // "Romance" finds a series of "romance": a series holds a genre once in any case.
      const wanted = new Set(filter.map((g) => g.trim().toLowerCase()));
      const expected = series.filter((s) => s.genres.some((g) => wanted.has(g.toLowerCase()))).map((s) => s.genres);
      const res = await server.gql(graphql('query($f: CatalogFilterInput) { catalog(territory: "US", first: 50, filter: $f) { nodes { genres } } }'), { f: { genres: filter } }, { token: p.key });
      expect(res.errors, `seed ${seed}, filter ${JSON.stringify(filter)}`).toBeUndefined();
      const got = res.data!.catalog.nodes.map((n) => n.genres);
      expect(got.map((g) => JSON.stringify(g)).sort(), `seed ${seed}, filter ${JSON.stringify(filter)}`).toEqual(expected.map((g) => JSON.stringify(g)).sort());
    }
  });

  it('only the exact global id the API issued names a node: extra parts, an upper-case UUID or another base64 spelling are not found by node or playback', async () => {
    const p = await partner();
    await liveSeries(1, p.organizationId);
    const id = (await catalogOf(p.key, 'US')).data!.catalog.nodes[0]!.episodes.nodes[0]!.id;
    const [kind, uuid, territory] = Buffer.from(id, 'base64url').toString().split(':');
    const NODE = graphql('query ForgedNode($id: ID!) { node(id: $id) { __typename } }');
    const PLAY = graphql('query ForgedPlayback($id: ID!) { playback(episodeId: $id, territory: "US") { url } }');
    expect((await server.gql(NODE, { id }, { token: p.key })).data!.node).toEqual({ __typename: 'CatalogEpisode' });
    expect((await server.gql(PLAY, { id }, { token: p.key })).errors).toBeUndefined();
    const forged = [
      Buffer.from(`${kind}:${uuid}:${territory}:CA`).toString('base64url'),
      Buffer.from(`${kind}:${uuid!.toUpperCase()}:${territory}`).toString('base64url'),
      Buffer.from(`${kind}:${uuid}:${territory}`).toString('base64'),
      `${id}=`,
      Buffer.from(`CatalogSeries:${uuid}:${territory}`).toString('base64url'),
      // Two capital letters that are no territory: never issued, so not found, not a complaint about a `territory` argument node does not have.
      Buffer.from(`${kind}:${uuid}:XX`).toString('base64url'),
    ].filter((f) => f !== id);
    for (const f of forged) {
      const node = await server.gql(NODE, { id: f }, { token: p.key });
      expect(node.data?.node ?? null, f).toBeNull();
      expect(errorCode(node) ?? 'NOT_FOUND', f).toBe('NOT_FOUND');
      expect(errorCode(await server.gql(PLAY, { id: f }, { token: p.key })), f).toBe('NOT_FOUND');
    }
  });

  it('a price change is an event; a takedown removes the episode from catalog and node and sends a signed webhook', async () => {
    const p = await partner();
    const s = await liveSeries(2, p.organizationId);
    const endpoint = await server.gql(graphql('mutation($p: ID!, $u: String!) { createWebhookEndpoint(partnerId: $p, url: $u) { secret endpoint { id } } }'), { p: p.organizationId, u: receiver.url }, { token: p.token });
    const secret = endpoint.data!.createWebhookEndpoint.secret;
    expect(secret).toMatch(/^whsec_/);
    const before = (await catalogOf(p.key, 'US')).data!.catalog.nodes[0]!;
    const episodeNodeId = before.episodes.nodes[0]!.id;

    await server.gql(graphql('mutation($i: SetEpisodePricesInput!) { setEpisodePrices(input: $i) { episode { number } } }'), { i: { seriesId: s.seriesId, fromNumber: 2, toNumber: 2, territory: 'US', currency: 'USD', amountMinor: 99 } }, { token: s.owner.token });
    const takedown = await server.gql(graphql('mutation($id: ID!) { takeDownEpisode(episodeId: $id, reason: "Licensor dispute") { status } }'), { id: s.episodeIds[0] }, { token: lead.token });
    expect(takedown.errors).toBeUndefined();

    const after = (await catalogOf(p.key, 'US')).data!.catalog.nodes[0]!;
    expect(after.episodes.nodes.map((e) => [e.number, e.price.amount])).toEqual([[2, '0.99']]);
    expect((await server.gql(graphql('query($id: ID!) { node(id: $id) { id } }'), { id: episodeNodeId }, { token: p.key })).data!.node).toBeNull();
    const feed = await server.gql(graphql('{ changes(first: 50) { nodes { type territory data } } }'), {}, { token: p.key });
    expect(feed.data!.changes.nodes.map((n) => `${n.type}:${n.territory}:${n.data.episodeNumber}`).slice(4)).toEqual(['PRICE_CHANGED:US:2', 'TAKEN_DOWN:US:1', 'TAKEN_DOWN:CA:1']);

    const hooks = await eventually(async () => receiver.received.filter((r) => r.body.includes('episode.taken_down')), (r) => r.length >= 2, 'the takedown webhooks');
    const verified = new Webhook(secret).verify(hooks[0]!.body, hooks[0]!.headers) as { type: string; data: { territory: string; episodeNumber: number } };
    expect(verified.type).toBe('episode.taken_down');
    expect(verified.data.episodeNumber).toBe(1);
    expect(() => new Webhook(secret).verify(hooks[0]!.body.replace('taken_down', 'published'), hooks[0]!.headers)).toThrow();
    const log = await server.gql(graphql('query($e: ID!) { webhookDeliveries(endpointId: $e) { status attempts } }'), { e: endpoint.data!.createWebhookEndpoint.endpoint.id }, { token: p.token });
    expect(log.data!.webhookDeliveries.some((d) => d.status === 'SUCCEEDED' && d.attempts[0]!.statusCode === 204)).toBe(true);
  });

  it('a window end withdraws live episodes with EXPIRED', async () => {
    const p = await partner();
    const s = await liveSeries(1, p.organizationId);
    const { events } = await server.app.services.publication.evaluateNow(server.orm.em.fork(), [s.seriesId], new Date('2030-01-02T00:00:00Z'));
    expect(events).toBe(2);
    const feed = await server.gql(graphql('{ changes(first: 10) { nodes { type } } }'), {}, { token: p.key });
    expect(feed.data!.changes.nodes.map((n) => n.type)).toEqual(['PUBLISHED', 'PUBLISHED', 'EXPIRED', 'EXPIRED']);
  });

  it('a failing endpoint is retried with backoff and then disabled, with a visible reason', async () => {
    const failing = await new WebhookReceiver().start();
    failing.status = 500;
    try {
      const p = await partner();
      const endpoint = await server.gql(graphql('mutation($p: ID!, $u: String!) { createWebhookEndpoint(partnerId: $p, url: $u) { endpoint { id } } }'), { p: p.organizationId, u: failing.url }, { token: admin.token });
      await liveSeries(1, p.organizationId);
      const endpoints = await eventually(
        async () => (await server.gql(graphql('query($p: ID!) { webhookEndpoints(partnerId: $p) { enabled disabledReason } }'), { p: p.organizationId }, { token: p.token })).data!.webhookEndpoints,
        (e) => e[0]!.enabled === false,
        'the endpoint to be disabled',
        60_000,
      );
      expect(endpoints[0]!.disabledReason).toMatch(/failed every retry/);
      const log = await server.gql(graphql('query($e: ID!) { webhookDeliveries(endpointId: $e) { status attempts } }'), { e: endpoint.data!.createWebhookEndpoint.endpoint.id }, { token: p.token });
      const failed = log.data!.webhookDeliveries.find((d) => d.status === 'FAILED')!;
      expect(failed.attempts).toHaveLength(3);
      expect(failing.received.length).toBeGreaterThanOrEqual(3);
    } finally {
      await failing.stop();
    }
  }, 90_000);
});

describe('playback', () => {
  it('a signed URL plays with range requests; a tampered or expired one is 403', async () => {
    const p = await partner();
    const s = await liveSeries(1, p.organizationId);
    // The seeded revision has no bytes in storage; give it some so playback has something to serve.
    const storage = createMediaStorage(server.config);
    await storage.putBuffer(`media/${'a'.repeat(64)}.mp4`, Buffer.from('0123456789'.repeat(100)));
    const episodeId = (await catalogOf(p.key, 'US')).data!.catalog.nodes.find((n) => n.licensor === 'Lotus Press')!.episodes.nodes[0]!.id;
    const play = await server.gql(graphql('query($id: ID!) { playback(episodeId: $id, territory: "US") { url expiresAt } }'), { id: episodeId }, { token: p.key });
    const url = server.url + play.data!.playback.url;
    const ranged = await fetch(url, { headers: { range: 'bytes=10-19' } });
    expect(ranged.status).toBe(206);
    expect(await ranged.text()).toBe('0123456789');
    const suffix = await fetch(url, { headers: { range: 'bytes=-999999' } });
    expect([suffix.status, suffix.headers.get('content-range'), (await suffix.text()).length]).toEqual([206, 'bytes 0-999/1000', 1000]);
    const head = await fetch(url, { method: 'HEAD', headers: { range: 'bytes=-10' } });
    expect([head.status, head.headers.get('content-range'), head.headers.get('content-length')]).toEqual([206, 'bytes 990-999/1000', '10']);
    const stale = await fetch(url, { headers: { range: 'bytes=10-19', 'if-range': '"another-version"' } });
    expect([stale.status, (await stale.text()).length]).toEqual([200, 1000]);
    expect((await fetch(url.replace('territory=US', 'territory=CA'))).status).toBe(403);
    expect((await fetch(url.replace(/signature=[^&]+/, 'signature=forged'))).status).toBe(403);
    const expired = new URL(url);
    expired.searchParams.set('expires', String(Math.floor(Date.now() / 1000) - 10));
    expect((await fetch(expired)).status).toBe(403);
    expect(s.episodeIds).toHaveLength(1);
  });
});

describe('cost of a catalog page', () => {
  it('issues the same number of SQL statements for first: 10 as for first: 100', async () => {
    const p = await partner();
    // Many live series straight in the gate's table (the part the catalog reads).
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const conn = server.orm.em.getConnection();
    for (let i = 0; i < 3; i++) {
      const seeded = await seedPendingCases(server, owner.organizationId, 40, { verdict: 'CLEAR' });
      // Split the 40 episodes into 8 series of 5 so there are many series.
      await conn.execute(
        `with s as (insert into series (id, studio_id, title, synopsis, genres, original_language, audio_languages, subtitle_languages, maturity_ratings, filings, free_episode_count, created_at, updated_at)
                    select gen_random_uuid(), ?, 'Split ' || g, '', '{}', 'en', '{}', '{}', '[]', '[]', 0, now(), now() from generate_series(1, 8) g returning id),
              numbered as (select id, row_number() over () - 1 as k from s)
         update episode e set series_id = n.id, number = e.number from numbered n where e.series_id = ? and (e.number - 1) / 5 = n.k`,
        [owner.organizationId, seeded.seriesId],
      );
      // The gate has seen these writes (nothing is live); then its output is written directly, so
      // this test measures only the read path.
      await server.app.services.publication.drain(server.orm.em.fork(), { wait: true });
      await conn.execute(
        `insert into partner_episode_state (episode_id, partner_id, series_id, live_territories, prices, dark, episode_version, series_version, changed_at, evaluated_at)
         select e.id, ?, e.series_id, '{US}', '[{"territories": ["US"], "price": {"free": true, "coins": null, "currency": null, "amountMinor": null, "amount": null}}]', '[]', e.material_version, s.material_version, now(), now()
         from episode e join series s on s.id = e.series_id where s.studio_id = ? on conflict do nothing`,
        [p.organizationId, owner.organizationId],
      );
    }
    const knex = conn.getKnex();
    const count = async (first: number) => {
      let statements = 0;
      const listener = () => statements++;
      knex.on('query', listener);
      try {
        const res = await catalogOf(p.key, 'US', first, 5);
        expect(res.errors).toBeUndefined();
        return { statements, series: res.data!.catalog.nodes.length };
      } finally {
        knex.removeListener('query', listener);
      }
    };
    // Background work of this process (the publication follower's poll, every PUBLICATION_POLL_SECONDS)
    // runs through the same knex and only ever adds statements: a page's own count is its fewest of three.
    const fewest = async (first: number) => {
      const runs = [await count(first), await count(first), await count(first)];
      return { statements: Math.min(...runs.map((r) => r.statements)), series: runs[0]!.series };
    };
    await count(1); // warm up: the key's last-used time is written at most once a minute
    const ten = await fewest(10);
    const hundred = await fewest(100);
    expect(ten.series).toBe(10);
    expect(hundred.series).toBeGreaterThan(20);
    expect(ten.statements).toBeGreaterThan(0);
    expect(hundred.statements).toBe(ten.statements);
  });
});
