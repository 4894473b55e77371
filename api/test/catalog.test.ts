import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { catalogSnapshot, seriesWithEpisodes } from './support/catalog';
import { errorCode, TestServer, type SignedInMember } from './support/server';
import { graphql } from '../../schema/graphql';

let server: TestServer;
let editor: SignedInMember;
beforeAll(async () => {
  server = await TestServer.start();
  editor = await server.member(OrganizationKind.STUDIO, Role.EDITOR);
});
afterAll(() => server?.stop());

const EPISODES = graphql(`
  query($id: ID!, $first: Int, $after: String, $from: Int, $to: Int, $search: String) {
    series(id: $id) {
      episodeCount
      statusCounts { status count }
      episodes(first: $first, after: $after, numberFrom: $from, numberTo: $to, search: $search) {
        nodes { id number title status }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`);

describe('series', () => {
  it('an editor creates a series with its metadata, edits it and archives it; each change is audited with before and after', async () => {
    const created = await server.gql(
      graphql(`mutation($studioId: ID!, $input: SeriesInput!) { createSeries(studioId: $studioId, input: $input) { id title orientation audioLanguages maturityRatings { territory rating } filings { territory filingNumber } } }`),
      {
        studioId: editor.organizationId,
        input: {
          title: 'Moonlit Vows',
          originalLanguage: 'zh-hans',
          audioLanguages: ['zh-Hans', 'en'],
          genres: ['romance', 'revenge'],
          maturityRatings: [{ territory: 'us', rating: 'TV-14' }],
          filings: [{ territory: 'CN', filingNumber: '(2026) No. 0421', authority: 'NRTA' }],
        },
      },
      { token: editor.token },
    );
    expect(created.errors).toBeUndefined();
    const series = created.data!.createSeries;
    expect(series).toMatchObject({ title: 'Moonlit Vows', orientation: 'VERTICAL', audioLanguages: ['zh-Hans', 'en'], maturityRatings: [{ territory: 'US', rating: 'TV-14' }] });

    const updated = await server.gql(
      graphql('mutation($id: ID!, $input: SeriesInput!) { updateSeries(id: $id, input: $input) { title synopsis } }'),
      { id: series.id, input: { title: 'Moonlit Vows (Director’s Cut)', synopsis: 'She signed for a year.' } },
      { token: editor.token },
    );
    expect(updated.data?.updateSeries).toEqual({ title: 'Moonlit Vows (Director’s Cut)', synopsis: 'She signed for a year.' });

    await server.gql(graphql('mutation($id: ID!) { archiveSeries(id: $id) { archivedAt } }'), { id: series.id }, { token: editor.token });
    const list = await server.gql(graphql('query($s: ID!, $a: Boolean) { seriesList(studioId: $s, includeArchived: $a) { nodes { id } } }'), { s: editor.organizationId }, { token: editor.token });
    expect(list.data!.seriesList.nodes.map((n) => n.id)).not.toContain(series.id);
    const withArchived = await server.gql(graphql('query($s: ID!, $a: Boolean) { seriesList(studioId: $s, includeArchived: $a) { nodes { id } } }'), { s: editor.organizationId, a: true }, { token: editor.token });
    expect(withArchived.data!.seriesList.nodes.map((n) => n.id)).toContain(series.id);

    const rows = (await server.orm.em.getConnection().execute(`select action, summary from audit_event where subject_id = ? order by id`, [series.id])) as Array<{ action: string; summary: { before?: Record<string, unknown>; after?: Record<string, unknown> } }>;
    expect(rows.map((r) => r.action)).toEqual(['series.create', 'series.update', 'series.archive']);
    expect(rows[1]!.summary).toEqual({ before: { title: 'Moonlit Vows', synopsis: '' }, after: { title: 'Moonlit Vows (Director’s Cut)', synopsis: 'She signed for a year.' } });
  });

  it('lists a studio’s series newest first with search and cursor pagination', async () => {
    const studio = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    for (const title of ['Alpha Heir', 'Beta Bride', 'Gamma Heir']) await seriesWithEpisodes(server, studio.token, studio.organizationId, 0, { title });
    const q = graphql('query($s: ID!, $q: String, $first: Int, $after: String) { seriesList(studioId: $s, search: $q, first: $first, after: $after) { nodes { title } pageInfo { hasNextPage endCursor } } }');
    const page1 = await server.gql(q, { s: studio.organizationId, first: 2 }, { token: studio.token });
    expect(page1.data!.seriesList.nodes.map((n) => n.title)).toEqual(['Gamma Heir', 'Beta Bride']);
    const page2 = await server.gql(q, { s: studio.organizationId, first: 2, after: page1.data!.seriesList.pageInfo.endCursor }, { token: studio.token });
    expect(page2.data!.seriesList.nodes.map((n) => n.title)).toEqual(['Alpha Heir']);
    expect(page2.data!.seriesList.pageInfo.hasNextPage).toBe(false);
    const search = await server.gql(q, { s: studio.organizationId, q: 'heir' }, { token: studio.token });
    expect(search.data!.seriesList.nodes.map((n) => n.title)).toEqual(['Gamma Heir', 'Alpha Heir']);
  });
});

describe('episodes', () => {
  it('adds episodes 1–80 at once as drafts and pages through them in number order', async () => {
    const seriesId = await seriesWithEpisodes(server, editor.token, editor.organizationId, 80);
    const res = await server.gql(
      EPISODES,
      { id: seriesId, first: 50 },
      { token: editor.token },
    );
    const s = res.data!.series;
    expect(s.episodeCount).toBe(80);
    expect(s.statusCounts).toEqual([{ status: 'DRAFT', count: 80 }]);
    expect(s.episodes.nodes[0]).toMatchObject({ number: 1, title: 'Episode 1', status: 'DRAFT' });
    expect(s.episodes.nodes).toHaveLength(50);
    const next = await server.gql(EPISODES, { id: seriesId, first: 50, after: s.episodes.pageInfo.endCursor }, { token: editor.token });
    expect(next.data!.series.episodes.nodes.map((n) => n.number)).toEqual(Array.from({ length: 30 }, (_, i) => 51 + i));
    expect(next.data!.series.episodes.pageInfo.hasNextPage).toBe(false);
    const ranged = await server.gql(EPISODES, { id: seriesId, from: 10, to: 12 }, { token: editor.token });
    expect(ranged.data!.series.episodes.nodes.map((n) => n.number)).toEqual([10, 11, 12]);
  });

  it('refuses a range that overlaps existing numbers, naming them, and adds none', async () => {
    const seriesId = await seriesWithEpisodes(server, editor.token, editor.organizationId, 10);
    const before = await catalogSnapshot(server);
    const res = await server.gql(graphql('mutation($input: AddEpisodesInput!) { addEpisodes(input: $input) { id } }'), { input: { seriesId, fromNumber: 8, toNumber: 20 } }, { token: editor.token });
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.extensions.field).toBe('input.fromNumber');
    expect(res.errors![0]!.message).toBe('Episode numbers 8, 9, 10 already exist in this series.');
    expect(await catalogSnapshot(server)).toBe(before);
  });

  it('renumbers safely: swapping two episodes works, a duplicate result is refused and changes nothing', async () => {
    const seriesId = await seriesWithEpisodes(server, editor.token, editor.organizationId, 3);
    const list = await server.gql(EPISODES, { id: seriesId }, { token: editor.token });
    const [one, two, three] = list.data!.series.episodes.nodes;
    const swapped = await server.gql(
      graphql('mutation($input: RenumberEpisodesInput!) { renumberEpisodes(input: $input) { number title } }'),
      { input: { seriesId, moves: [{ episodeId: one!.id, number: 2 }, { episodeId: two!.id, number: 1 }] } },
      { token: editor.token },
    );
    expect(swapped.errors).toBeUndefined();
    expect(swapped.data!.renumberEpisodes).toEqual([{ number: 1, title: 'Episode 2' }, { number: 2, title: 'Episode 1' }, { number: 3, title: 'Episode 3' }]);

    const before = await catalogSnapshot(server);
    const clash = await server.gql(graphql('mutation($input: RenumberEpisodesInput!) { renumberEpisodes(input: $input) { number } }'), { input: { seriesId, moves: [{ episodeId: three!.id, number: 1 }] } }, { token: editor.token });
    expect(errorCode(clash)).toBe('BAD_USER_INPUT');
    expect(clash.errors![0]!.message).toMatch(/both be number 1/);
    expect(clash.errors![0]!.extensions.field).toBe('input.moves.0.number');
    expect(await catalogSnapshot(server)).toBe(before);
  });
});

describe('validation answers BAD_USER_INPUT naming the field, and writes nothing', () => {
  const cases: Array<[string, string, Record<string, unknown>, string, RegExp]> = [
    ['an unknown territory in ratings', 'createSeries', { title: 'X', originalLanguage: 'en', maturityRatings: [{ territory: 'XX', rating: 'PG' }] }, 'input.maturityRatings.0.territory', /Unknown territory/],
    ['a language that is not BCP 47', 'createSeries', { title: 'X', originalLanguage: 'english!!' }, 'input.originalLanguage', /BCP 47/],
    ['a missing title', 'createSeries', { originalLanguage: 'en' }, 'input.title', /Title is required/],
    ['a negative free-episode count', 'createSeries', { title: 'X', originalLanguage: 'en', freeEpisodeCount: -1 }, 'input.freeEpisodeCount', /negative/],
    ['two filings for one territory', 'createSeries', { title: 'X', originalLanguage: 'en', filings: [{ territory: 'CN', filingNumber: '1' }, { territory: 'CN', filingNumber: '2' }] }, 'input.filings.1.territory', /Filings lists CN twice/],
  ];
  for (const [what, , input, field, message] of cases) {
    it(what, async () => {
      const before = await catalogSnapshot(server);
      const res = await server.gql(graphql('mutation($s: ID!, $input: SeriesInput!) { createSeries(studioId: $s, input: $input) { id } }'), { s: editor.organizationId, input }, { token: editor.token });
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0]!.extensions.field).toBe(field);
      expect(res.errors![0]!.message).toMatch(message);
      expect(await catalogSnapshot(server)).toBe(before);
    });
  }
});

describe('seriesInputProblems: what createSeries would refuse, every field at once, writing nothing', () => {
  const PROBLEMS = graphql('query($input: SeriesInput!, $forUpdate: Boolean) { seriesInputProblems(input: $input, forUpdate: $forUpdate) { field message } }');
  const CREATE = graphql('mutation($s: ID!, $input: SeriesInput!) { createSeries(studioId: $s, input: $input) { id } }');

  it('lists exactly the fields createSeries refuses, with its words, for one bad field and for many at once', async () => {
    const before = await catalogSnapshot(server);
    const inputs = [
      { title: 'X', originalLanguage: 'english!!' },
      { title: '  ', originalLanguage: 'not a language', freeEpisodeCount: -1, defaultCoinPrice: 2_000_000, maturityRatings: [{ territory: 'XX', rating: 'PG' }], filings: [{ territory: 'CN', filingNumber: '1' }, { territory: 'CN', filingNumber: '2' }] },
    ];
    for (const input of inputs) {
      const problems = await server.gql(PROBLEMS, { input }, { token: editor.token });
      const refused = await server.gql(CREATE, { s: editor.organizationId, input }, { token: editor.token });
      expect(problems.errors).toBeUndefined();
      expect(problems.data!.seriesInputProblems).toEqual(refused.errors![0]!.extensions.fieldErrors);
    }
    const many = (await server.gql(PROBLEMS, { input: inputs[1]! }, { token: editor.token })).data!.seriesInputProblems.map((p) => p.field);
    expect(many).toEqual(expect.arrayContaining(['input.title', 'input.originalLanguage', 'input.freeEpisodeCount', 'input.defaultCoinPrice', 'input.maturityRatings.0.territory', 'input.filings.1.territory']));
    expect(await catalogSnapshot(server)).toBe(before);
  });

  it('text the request boundary refuses (a control character) is answered as createSeries refuses it: beside every other problem of the input, at once', async () => {
    const input = { title: '   \u0007 ', originalLanguage: 'klingon!!', audioLanguages: ['en', '123'], coverImageUrl: 'ftp://example.com/x.png' };
    const problems = await server.gql(PROBLEMS, { input }, { token: editor.token });
    const refused = await server.gql(CREATE, { s: editor.organizationId, input }, { token: editor.token });
    expect(problems.errors![0]!.extensions.code).toBe('BAD_USER_INPUT');
    const fields = (problems.errors![0]!.extensions.fieldErrors as Array<{ field: string }>).map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['input.title', 'input.originalLanguage', 'input.audioLanguages.1', 'input.coverImageUrl']));
    expect(problems.errors![0]!.extensions.fieldErrors).toEqual(refused.errors![0]!.extensions.fieldErrors);
  });

  it('an acceptable input has no problems and creates nothing; a patch is checked as updateSeries would; anonymous callers are refused', async () => {
    const before = await catalogSnapshot(server);
    expect((await server.gql(PROBLEMS, { input: { title: 'Fine', originalLanguage: 'zh-Hans' } }, { token: editor.token })).data!.seriesInputProblems).toEqual([]);
    // A patch need not name the title or the language; a create must.
    expect((await server.gql(PROBLEMS, { input: { synopsis: 'Only this.' }, forUpdate: true }, { token: editor.token })).data!.seriesInputProblems).toEqual([]);
    expect((await server.gql(PROBLEMS, { input: { synopsis: 'Only this.' } }, { token: editor.token })).data!.seriesInputProblems.map((p) => p.field)).toEqual(['input.title', 'input.originalLanguage']);
    expect(errorCode(await server.gql(PROBLEMS, { input: { title: 'Fine', originalLanguage: 'en' } }))).toBe('UNAUTHENTICATED');
    expect(await catalogSnapshot(server)).toBe(before);
  });
});

describe('roles', () => {
  it('a viewer reads the catalog but cannot change it', async () => {
    const seriesId = await seriesWithEpisodes(server, editor.token, editor.organizationId, 2);
    const viewer = await server.addMember(editor.organizationId, Role.VIEWER);
    const read = await server.gql(EPISODES, { id: seriesId }, { token: viewer.token });
    expect(read.data?.series.episodeCount).toBe(2);
    const before = await catalogSnapshot(server);
    const attempts = [
      server.gql(graphql('mutation($id: ID!) { updateSeries(id: $id, input: { title: "Mine now" }) { id } }'), { id: seriesId }, { token: viewer.token }),
      server.gql(graphql('mutation($input: AddEpisodesInput!) { addEpisodes(input: $input) { id } }'), { input: { seriesId, fromNumber: 3, toNumber: 4 } }, { token: viewer.token }),
      server.gql(graphql('mutation($input: SetEpisodePricesInput!) { setEpisodePrices(input: $input) { price { free } } }'), { input: { seriesId, fromNumber: 1, toNumber: 2, territory: 'US', free: true } }, { token: viewer.token }),
    ];
    for (const res of await Promise.all(attempts)) expect(errorCode(res)).toBe('FORBIDDEN');
    expect(await catalogSnapshot(server)).toBe(before);
  });
});
