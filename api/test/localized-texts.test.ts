import pg from 'pg';
import parentLocalesData from 'cldr-core/supplemental/parentLocales.json';
import likelySubtagsData from 'cldr-core/supplemental/likelySubtags.json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { createLiveSeries, createPartner, LICENSE, resubmitAndApprove } from './support/publishing';
import { seriesWithEpisodes } from './support/catalog';
import { errorCode, TestServer, type SignedInMember } from './support/server';
import { graphql, type TadaDocumentNode } from '../../schema/graphql';
import { seededRandom } from './support/seeded-random';

/*
 * Localized titles and synopses: studios set them per BCP 47 language on series and episodes; they
 * are reviewed material (a change lapses the approval until reviewed again, and the reviewer sees
 * them); partners asking `catalog(territory:, language:)` get the best match and the language used.
 */

let server: TestServer;
let admin: SignedInMember;
let lead: SignedInMember;

beforeAll(async () => {
  server = await TestServer.start({ REVIEW_FOUR_EYES: 'false', PARTNER_RATE_LIMIT_PER_MINUTE: '1000000' });
  admin = await server.member(OrganizationKind.OPERATOR, Role.ADMIN);
  lead = await server.addMember(admin.organizationId, Role.LEAD);
});
afterAll(async () => {
  await server?.stop();
});

const SET_SERIES = graphql('mutation($id: ID!, $l: [LocalizedTextInput!]!) { setSeriesLocalizations(seriesId: $id, localizations: $l) { language title synopsis } }');
const SET_EPISODE = graphql('mutation($id: ID!, $l: [LocalizedTextInput!]!) { setEpisodeLocalizations(episodeId: $id, localizations: $l) { language title synopsis } }');
const REMOVE_SERIES = graphql('mutation($id: ID!, $lang: String!) { removeSeriesLocalization(seriesId: $id, language: $lang) { language } }');
const REMOVE_EPISODE = graphql('mutation($id: ID!, $lang: String!) { removeEpisodeLocalization(episodeId: $id, language: $lang) { language } }');
const READ = graphql('query($id: ID!) { series(id: $id) { localizations { language title synopsis } episodes(first: 10) { nodes { id number status localizations { language title synopsis } } } } }');
const CATALOG = graphql(`
  query($t: String!, $lang: String) {
    catalog(territory: $t, language: $lang) {
      nodes { id title synopsis language episodes(first: 20) { nodes { id number title synopsis language } } }
    }
  }
`);
const catalogIn = async (key: string, language: string | null, territory = 'US') => {
  const res = await server.gql(CATALOG, { t: territory, lang: language }, { token: key });
  expect(res.errors).toBeUndefined();
  return res.data!.catalog.nodes;
};

async function studioSeries(episodes = 2) {
  const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
  const seriesId = await seriesWithEpisodes(server, owner.token, owner.organizationId, episodes, { originalLanguage: 'zh-Hans' });
  const read = await server.gql(READ, { id: seriesId }, { token: owner.token });
  return { owner, seriesId, episodeIds: read.data!.series.episodes.nodes.map((e) => e.id) };
}

const SET_LICENSE_LANGUAGES = graphql(`mutation LicenseLanguages($id: ID!, $i: LicenseInput!) { setLicense(seriesId: $id, input: $i) { id dubLanguages } }`);

describe('setting localized texts', () => {
  it('a studio adds, replaces and removes a series’ and an episode’s texts per language; tags come back in canonical case', async () => {
    const { owner, seriesId, episodeIds } = await studioSeries();
    const q = <T, V>(document: TadaDocumentNode<T, V>, variables: V) => server.gql(document, variables, { token: owner.token });

    const set = await q(SET_SERIES, { id: seriesId, l: [{ language: 'es-mx', title: 'La novia del contrato', synopsis: 'Una boda por contrato.' }, { language: 'EN', title: 'The Contract Bride' }] });
    expect(set.errors).toBeUndefined();
    expect(set.data!.setSeriesLocalizations).toEqual([
      { language: 'en', title: 'The Contract Bride', synopsis: '' },
      { language: 'es-MX', title: 'La novia del contrato', synopsis: 'Una boda por contrato.' },
    ]);
    // Setting one language leaves the others.
    const replaced = await q(SET_SERIES, { id: seriesId, l: [{ language: 'es-MX', title: 'La esposa por contrato', synopsis: '' }] });
    expect(replaced.data!.setSeriesLocalizations.map((t) => `${t.language}:${t.title}`)).toEqual(['en:The Contract Bride', 'es-MX:La esposa por contrato']);

    await q(SET_EPISODE, { id: episodeIds[0], l: [{ language: 'es', title: 'El acuerdo', synopsis: 'Firman.' }] });
    const read = await q(READ, { id: seriesId });
    expect(read.data!.series.localizations.map((t) => t.language)).toEqual(['en', 'es-MX']);
    expect(read.data!.series.episodes.nodes.map((e) => e.localizations)).toEqual([[{ language: 'es', title: 'El acuerdo', synopsis: 'Firman.' }], []]);

    const removed = await q(REMOVE_SERIES, { id: seriesId, lang: 'es-mx' });
    expect(removed.data!.removeSeriesLocalization).toEqual([{ language: 'en' }]);
    expect(errorCode(await q(REMOVE_SERIES, { id: seriesId, lang: 'es-MX' }))).toBe('NOT_FOUND');
    expect((await q(REMOVE_EPISODE, { id: episodeIds[0], lang: 'es' })).data!.removeEpisodeLocalization).toEqual([]);
  });

  it('malformed language tags are refused naming the field, and nothing is stored', async () => {
    const { owner, seriesId, episodeIds } = await studioSeries();
    const q = <T, V>(document: TadaDocumentNode<T, V>, variables: V) => server.gql(document, variables, { token: owner.token });
    for (const tag of ['es_MX', 'en--US', 'x-private', 'und', '12', '', 'e', 'toolongsubtag-xx', 'a'.repeat(40)]) {
      const res = await q(SET_SERIES, { id: seriesId, l: [{ language: 'fr', title: 'Bien' }, { language: tag, title: 'Mal' }] });
      expect(res.errors?.[0]?.extensions, tag).toMatchObject({ code: 'BAD_USER_INPUT', field: 'localizations.1.language' });
      expect(res.errors![0]!.message).toMatch(tag === 'und' ? /names no specific language/ : /not a BCP 47 language tag/);
    }
    const episode = await q(SET_EPISODE, { id: episodeIds[0], l: [{ language: 'es@MX', title: 'Mal' }] });
    expect(episode.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'localizations.0.language' });
    expect((await q(REMOVE_SERIES, { id: seriesId, lang: 'es_MX' })).errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'language' });
    // The same rule everywhere a language is named: series, licenses, subtitle tracks.
    const series = await q(graphql('mutation($id: ID!, $i: SeriesInput!) { updateSeries(id: $id, input: $i) { id } }'), { id: seriesId, i: { originalLanguage: 'zh_Hans' } });
    expect(series.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.originalLanguage' });
    const read = await server.gql(READ, { id: seriesId }, { token: owner.token });
    expect(read.data!.series.localizations).toEqual([]);
    expect(read.data!.series.episodes.nodes.flatMap((e) => e.localizations)).toEqual([]);
  });

  it('deprecated and extended-language tags are stored as their preferred value (iw and he are one language, zh-yue is yue, in is id); root, mul and zxx are refused naming the field', async () => {
    const { owner, seriesId, episodeIds } = await studioSeries();
    const both = await server.gql(SET_SERIES, { id: seriesId, l: [{ language: 'iw', title: 'Alef' }, { language: 'he', title: 'Bet' }] }, { token: owner.token });
    expect(both.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'localizations.1.language' });
    expect(both.errors![0]!.message).toMatch(/he twice \(items 1 and 2\)/);
    const stored = await server.gql(SET_SERIES, { id: seriesId, l: [{ language: 'iw', title: 'Alef' }, { language: 'zh-yue', title: 'Yue' }, { language: 'in', title: 'Indonesia' }] }, { token: owner.token });
    expect(stored.errors).toBeUndefined();
    expect(stored.data!.setSeriesLocalizations.map((l) => l.language).sort()).toEqual(['he', 'id', 'yue']);
    // Writing he afterwards replaces the iw text: one language, one text.
    const again = await server.gql(SET_SERIES, { id: seriesId, l: [{ language: 'he', title: 'Bet' }, { language: 'yue', title: 'Yue 2' }, { language: 'id', title: 'Indonesia' }] }, { token: owner.token });
    expect(again.errors).toBeUndefined();
    const read = await server.gql(READ, { id: seriesId }, { token: owner.token });
    expect(read.data!.series!.localizations.map((l) => [l.language, l.title]).sort()).toEqual([['he', 'Bet'], ['id', 'Indonesia'], ['yue', 'Yue 2']]);
    for (const tag of ['root', 'mul', 'zxx', 'MUL']) {
      const res = await server.gql(SET_EPISODE, { id: episodeIds[0]!, l: [{ language: tag, title: 'None' }] }, { token: owner.token });
      expect(res.errors?.[0]?.extensions, tag).toMatchObject({ code: 'BAD_USER_INPUT', field: 'localizations.0.language' });
      expect(res.errors![0]!.message).toMatch(/names no specific language/);
      const license = await server.gql(SET_LICENSE_LANGUAGES, { id: seriesId, i: { ...LICENSE, subtitleLanguages: ['es', tag] } }, { token: owner.token });
      expect(license.errors?.[0]?.extensions, tag).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.subtitleLanguages.1' });
    }
    // A license for iw allows dubs in he.
    const license = await server.gql(SET_LICENSE_LANGUAGES, { id: seriesId, i: { ...LICENSE, dubLanguages: ['iw', 'zh-yue'] } }, { token: owner.token });
    expect(license.data!.setLicense.dubLanguages).toEqual(['he', 'yue']);
  });

  it('a language repeated in one call is refused by the repeated item (es-mx and es-MX are one language)', async () => {
    const { owner, seriesId, episodeIds } = await studioSeries();
    const res = await server.gql(SET_EPISODE, { id: episodeIds[1], l: [{ language: 'es-MX', title: 'Uno' }, { language: 'fr', title: 'Deux' }, { language: 'es-mx', title: 'Tres' }] }, { token: owner.token });
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'localizations.2.language' });
    expect(res.errors![0]!.message).toMatch(/es-MX twice \(items 1 and 3\)/);
    const series = await server.gql(SET_SERIES, { id: seriesId, l: [{ language: 'pt-BR', title: 'Um' }, { language: 'pt-br', title: 'Dois' }] }, { token: owner.token });
    expect(series.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'localizations.1.language' });
    const read = await server.gql(READ, { id: seriesId }, { token: owner.token });
    expect([...read.data!.series.localizations, ...read.data!.series.episodes.nodes.flatMap((e) => e.localizations)]).toEqual([]);
  });

  it('ten writers adding the same new language to one episode and to its series at once all succeed; one of their texts is kept, whole', async () => {
    const { owner, seriesId, episodeIds } = await studioSeries();
    const titles = Array.from({ length: 10 }, (_, i) => `Título ${i}`);
    const [episodeWrites, seriesWrites] = await Promise.all([
      Promise.all(titles.map((title) => server.gql(SET_EPISODE, { id: episodeIds[0], l: [{ language: 'es', title, synopsis: `${title} — sinopsis` }] }, { token: owner.token }))),
      Promise.all(titles.map((title) => server.gql(SET_SERIES, { id: seriesId, l: [{ language: 'es', title, synopsis: `${title} — sinopsis` }] }, { token: owner.token }))),
    ]);
    for (const res of [...episodeWrites, ...seriesWrites]) expect(res.errors).toBeUndefined();
    const read = await server.gql(READ, { id: seriesId }, { token: owner.token });
    const kept = [read.data!.series.localizations, read.data!.series.episodes.nodes.find((e) => e.id === episodeIds[0])!.localizations];
    for (const texts of kept) {
      expect(texts).toHaveLength(1);
      expect(titles).toContain(texts[0]!.title);
      expect(texts[0]!.synopsis).toBe(`${texts[0]!.title} — sinopsis`);
    }
  });

  it('the original language, a missing title and over-long texts are refused naming the field', async () => {
    const { owner, seriesId, episodeIds } = await studioSeries();
    const q = <T, V>(document: TadaDocumentNode<T, V>, variables: V) => server.gql(document, variables, { token: owner.token });
    const original = await q(SET_SERIES, { id: seriesId, l: [{ language: 'zh-hans', title: '契约新娘' }] });
    expect(original.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'localizations.0.language' });
    expect(original.errors![0]!.message).toMatch(/original language/);
    expect((await q(SET_EPISODE, { id: episodeIds[0], l: [{ language: 'es', title: '   ' }] })).errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'localizations.0.title' });
    expect((await q(SET_EPISODE, { id: episodeIds[0], l: [{ language: 'es', title: 'Bien', synopsis: 'x'.repeat(5001) }] })).errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'localizations.0.synopsis' });
    expect((await q(SET_SERIES, { id: seriesId, l: [] })).errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'localizations' });
    // Control characters stop at the input boundary, naming the field.
    expect((await q(SET_SERIES, { id: seriesId, l: [{ language: 'es', title: 'Ma\u0007l' }] })).errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'localizations.0.title' });
  });
});

describe('tenancy', () => {
  it('another studio can neither read nor write a series’ or episode’s localized texts, viewers cannot write, and forged ids answer NOT_FOUND', async () => {
    const { owner, seriesId, episodeIds } = await studioSeries();
    await server.gql(SET_SERIES, { id: seriesId, l: [{ language: 'es', title: 'Secreto' }] }, { token: owner.token });
    await server.gql(SET_EPISODE, { id: episodeIds[0], l: [{ language: 'es', title: 'Secreto' }] }, { token: owner.token });
    const other = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const viewer = await server.addMember(owner.organizationId, Role.VIEWER);
    const partner = await createPartner(server, admin);
    const ops = [
      () => [SET_SERIES, { id: seriesId, l: [{ language: 'fr', title: 'Volé' }] }],
      () => [SET_EPISODE, { id: episodeIds[0], l: [{ language: 'fr', title: 'Volé' }] }],
      () => [REMOVE_SERIES, { id: seriesId, lang: 'es' }],
      () => [REMOVE_EPISODE, { id: episodeIds[0], lang: 'es' }],
      () => [READ, { id: seriesId }],
      () => ['query($id: ID!) { episode(id: $id) { localizations { title } } }', { id: episodeIds[0] }],
    ] as Array<() => [string, Record<string, unknown>]>;
    for (const op of ops) {
      const [query, variables] = op();
      const res = await server.gql(query, variables, { token: other.token });
      expect(errorCode(res), `other studio: ${query}`).toBe('NOT_FOUND');
      expect(JSON.stringify(res.data ?? null)).not.toContain('Secreto');
      expect(errorCode(await server.gql(query, variables, { token: partner.key })), `partner key: ${query}`).toMatch(/FORBIDDEN|UNAUTHENTICATED/);
    }
    expect(errorCode(await server.gql(SET_SERIES, { id: seriesId, l: [{ language: 'fr', title: 'Non' }] }, { token: viewer.token }))).toBe('FORBIDDEN');
    for (const forged of ['not-an-id', '00000000-0000-4000-8000-000000000000', `${seriesId}'--`]) {
      expect(errorCode(await server.gql(SET_SERIES, { id: forged, l: [{ language: 'fr', title: 'X' }] }, { token: owner.token }))).toBe('NOT_FOUND');
      expect(errorCode(await server.gql(SET_EPISODE, { id: forged, l: [{ language: 'fr', title: 'X' }] }, { token: owner.token }))).toBe('NOT_FOUND');
      expect(errorCode(await server.gql(REMOVE_EPISODE, { id: forged, lang: 'es' }, { token: owner.token }))).toBe('NOT_FOUND');
    }
    const read = await server.gql(READ, { id: seriesId }, { token: owner.token });
    expect(read.data!.series.localizations.map((t) => t.title)).toEqual(['Secreto']);
    expect(read.data!.series.episodes.nodes[0]!.localizations.map((t) => t.title)).toEqual(['Secreto']);
  });
});

describe('localized texts are reviewed material', () => {
  it('a new localized text lapses the approval: partners lose the episodes until they are reviewed again, the reviewer sees the texts, and partners asking es-MX then get the Spanish texts', async () => {
    const partner = await createPartner(server, admin);
    const live = await createLiveSeries(server, lead, 2, partner.organizationId);
    const owner = live.owner;
    const before = await catalogIn(partner.key, null);
    expect(before).toHaveLength(1);
    expect(before[0]!.language).toBe('en');
    const seriesGlobalId = before[0]!.id;

    // Setting the same texts twice is one change; the first lapses every episode of the series.
    const set = await server.gql(SET_SERIES, { id: live.seriesId, l: [{ language: 'es', title: 'La heredera regresa', synopsis: 'Vuelve por lo suyo.' }] }, { token: owner.token });
    expect(set.errors).toBeUndefined();
    expect(await catalogIn(partner.key, null)).toEqual([]);
    const read = await server.gql(READ, { id: live.seriesId }, { token: owner.token });
    expect(read.data!.series.episodes.nodes.map((e) => e.status)).toEqual(['READY', 'READY']);
    const [lapsed] = (await server.orm.em.getConnection().execute(`select invalidated_reason from review_case where episode_id = ? and status = 'DECIDED'`, [live.episodeIds[0]])) as Array<{ invalidated_reason: string }>;
    expect(lapsed!.invalidated_reason).toMatch(/localized titles and synopses/);
    const feed = await server.gql(graphql('{ changes(first: 100) { nodes { type territory series reasons { code } } } }'), {}, { token: partner.key });
    const last = feed.data!.changes.nodes.filter((n) => n.territory === 'US').at(-1)!;
    expect(last).toMatchObject({ type: 'TAKEN_DOWN', series: seriesGlobalId });
    expect(last.reasons.map((r) => r.code)).toContain('APPROVAL_STALE');

    // An episode text too, then the review: the case shows the localized texts as submitted.
    await server.gql(SET_EPISODE, { id: live.episodeIds[0], l: [{ language: 'es-MX', title: 'El regreso', synopsis: 'Llega a la mansión.' }] }, { token: owner.token });
    const caseIds = await resubmitAndApprove(server, lead, owner, live.episodeIds, ['US', 'CA']);
    const reviewed = await server.gql(
      graphql('query($id: ID!) { reviewCase(id: $id) { reviewedLocalizations { of language title synopsis } } }'),
      { id: caseIds[0] },
      { token: lead.token },
    );
    const byEpisode = reviewed.data!.reviewCase.reviewedLocalizations;
    expect(byEpisode).toContainEqual({ of: 'SERIES', language: 'es', title: 'La heredera regresa', synopsis: 'Vuelve por lo suyo.' });

    const spanish = await catalogIn(partner.key, 'es-MX');
    expect(spanish).toHaveLength(1);
    expect(spanish[0]).toMatchObject({ id: seriesGlobalId, title: 'La heredera regresa', synopsis: 'Vuelve por lo suyo.', language: 'es' });
    expect(spanish[0]!.episodes.nodes.map((e) => [e.number, e.language, e.title])).toEqual([
      [1, 'es-MX', 'El regreso'],
      [2, 'en', 'Episode 2'],
    ]);
    // Without a language, and in one the studio has not localized into, partners get the original.
    expect((await catalogIn(partner.key, null))[0]).toMatchObject({ title: 'Queue series', language: 'en' });
    expect((await catalogIn(partner.key, 'fr-CA'))[0]!.episodes.nodes.map((e) => e.language)).toEqual(['en', 'en']);

    // node(id, language) answers as the catalog does, under the same ids; the feed names those ids.
    const episodeId = spanish[0]!.episodes.nodes[0]!.id;
    const node = await server.gql(graphql('query($id: ID!, $l: String) { node(id: $id, language: $l) { id ... on CatalogEpisode { title synopsis language } } }'), { id: episodeId, l: 'es-MX' }, { token: partner.key });
    expect(node.data!.node).toEqual({ id: episodeId, title: 'El regreso', synopsis: 'Llega a la mansión.', language: 'es-MX' });
    const seriesNode = await server.gql(graphql('query($id: ID!, $l: String) { node(id: $id, language: $l) { ... on CatalogSeries { title language } } }'), { id: seriesGlobalId, l: 'es-419' }, { token: partner.key });
    expect(seriesNode.data!.node).toEqual({ title: 'La heredera regresa', language: 'es' });
    const republished = await server.gql(graphql('{ changes(first: 100) { nodes { type episode } } }'), {}, { token: partner.key });
    expect(republished.data!.changes.nodes.filter((n) => n.type === 'PUBLISHED').map((n) => n.episode)).toContain(episodeId);

    // The same texts again change nothing: the episodes stay live.
    await server.gql(SET_SERIES, { id: live.seriesId, l: [{ language: 'es', title: 'La heredera regresa', synopsis: 'Vuelve por lo suyo.' }] }, { token: owner.token });
    expect(await catalogIn(partner.key, 'es')).toHaveLength(1);
    // Removing one is a change too.
    await server.gql(REMOVE_EPISODE, { id: live.episodeIds[0], lang: 'es-MX' }, { token: owner.token });
    expect((await catalogIn(partner.key, 'es'))[0]!.episodes.nodes.map((e) => e.number)).toEqual([2]);
  });

  it('between a localized text written (even in raw SQL) and its evaluation, partners see the episode as not live, never the unreviewed text', async () => {
    const partner = await createPartner(server, admin);
    const live = await createLiveSeries(server, lead, 1, partner.organizationId);
    expect(await catalogIn(partner.key, 'es')).toHaveLength(1);
    // Hold the series' evaluation lock, as a slow evaluation would, so the change waits to be followed.
    const holder = new pg.Client({ connectionString: server.databaseUrl });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query(`select pg_advisory_xact_lock(hashtext('publication'), hashtext($1::text))`, [live.seriesId]);
      await server.orm.em.getConnection().execute(`insert into localized_text (id, series_id, episode_id, language, title, synopsis, created_at, updated_at) values (gen_random_uuid(), ?, ?, 'es', 'SIN REVISAR', '', now(), now())`, [live.seriesId, live.episodeIds[0]]);
      const page = await server.gql(CATALOG, { t: 'US', lang: 'es' }, { token: partner.key });
      expect(JSON.stringify(page.data)).not.toContain('SIN REVISAR');
      expect(page.data!.catalog.nodes).toEqual([]);
    } finally {
      await holder.query('rollback');
      await holder.end();
    }
  });

  it('a partner’s malformed language is refused naming the argument', async () => {
    const partner = await createPartner(server, admin);
    for (const [query, variables, field] of [
      [CATALOG, { t: 'US', lang: 'es_MX' }, 'language'],
      ['query($id: ID!, $l: String) { node(id: $id, language: $l) { id } }', { id: Buffer.from('CatalogSeries:00000000-0000-4000-8000-000000000000:US').toString('base64url'), l: 'x-klingon' }, 'language'],
      ['query { catalog(territory: "US", filter: { language: "en--US" }) { nodes { id } } }', {}, 'filter.language'],
    ] as Array<[string, Record<string, unknown>, string]>) {
      const res = await server.gql(query, variables, { token: partner.key });
      expect(res.errors?.[0]?.extensions, query).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });
});

describe('choosing the language partners get', () => {
  /** Seeded, so a failure can be replayed. */
  const SEED = Number(process.env.LANGUAGE_SEED ?? Math.floor(Math.random() * 1e9));
  const rnd = seededRandom(SEED);
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const randomCase = (s: string) => [...s].map((c) => (rnd() < 0.5 ? c.toUpperCase() : c.toLowerCase())).join('');

  /**
   * The rule as partners are told it (docs/partners.md), written out from CLDR's own data: the tag or
   * the first locale it falls back to (CLDR's explicit parent, else the tag less its last subtag; a
   * script other than the language's usual one falls back no further), else the tag of the same
   * primary language whose fallbacks meet the request's soonest, then nearest that meeting point,
   * then alphabetical, else the original. Tags compare case-insensitively.
   */
  const PARENTS = new Map(Object.entries(parentLocalesData.supplemental.parentLocales.parentLocale).map(([k, v]) => [k.toLowerCase(), v.toLowerCase()]));
  const LIKELY = new Map(Object.entries(likelySubtagsData.supplemental.likelySubtags).map(([k, v]) => [k.toLowerCase(), v.toLowerCase()]));
  function fallbacks(tag: string): string[] {
    const chain = [tag.toLowerCase()];
    for (;;) {
      const current = chain.at(-1)!;
      const subtags = current.split('-');
      let parent = PARENTS.get(current) ?? (subtags.length > 1 ? subtags.slice(0, -1).join('-') : 'root');
      if (!PARENTS.has(current) && subtags.length === 2 && subtags[1]!.length === 4 && LIKELY.get(subtags[0]!)?.split('-')[1] !== subtags[1]) parent = 'root';
      if (parent === 'root' || parent === 'und') return chain;
      chain.push(parent);
    }
  }
  /** The script a tag is written in: its own, else CLDR's likely one for its language (and region). */
  function scriptOf(tag: string): string {
    const subtags = tag.toLowerCase().split('-');
    const own = subtags.slice(1).find((x) => /^[a-z]{4}$/.test(x));
    if (own) return own;
    const region = subtags.slice(1).find((x) => /^([a-z]{2}|\d{3})$/.test(x));
    const likely = (region && LIKELY.get(`${subtags[0]}-${region}`)) || LIKELY.get(subtags[0]!) || '';
    return likely.split('-').slice(1).find((x) => /^[a-z]{4}$/.test(x)) ?? '';
  }
  const scripted = (tag: string) => {
    const subtags = tag.toLowerCase().split('-');
    return subtags.slice(1).some((x) => /^[a-z]{4}$/.test(x)) || !scriptOf(tag) ? subtags.join('-') : [subtags[0], scriptOf(tag), ...subtags.slice(1)].join('-');
  };
  /** Fallbacks of the tag as written and with its script written out, never in another script. */
  const keys = (tag: string) => [...new Set([...fallbacks(tag), ...fallbacks(scripted(tag))].filter((t) => scriptOf(t) === scriptOf(tag)).map(scripted))];
  function expected(requested: string, original: string, localized: readonly string[]): string {
    const all = [original, ...localized];
    const wanted = keys(requested);
    for (const tag of wanted) {
      const hit = all.find((t) => scripted(t) === tag);
      if (hit) return hit;
    }
    const primary = wanted[0]!.split('-')[0]!;
    const near = (t: string): [number, number] => {
      const theirs = keys(t);
      const at = wanted.findIndex((w) => theirs.includes(w));
      return at < 0 ? [wanted.length, theirs.length] : [at, theirs.indexOf(wanted[at]!)];
    };
    const same = all
      .filter((t) => (t.toLowerCase() === primary || t.toLowerCase().startsWith(`${primary}-`)) && scriptOf(t) === scriptOf(requested))
      .sort((a, b) => near(a)[0] - near(b)[0] || near(a)[1] - near(b)[1] || (a < b ? -1 : 1));
    return same[0] ?? original;
  }

  it('never across scripts: zh-TW, zh-HK, zh-MO, zh-Hant and zh-Hant-TW get Traditional texts or the original, never Simplified; sr-Cyrl never gets sr-Latn', async () => {
    const partner = await createPartner(server, admin);
    const live = await createLiveSeries(server, lead, 1, partner.organizationId);
    await server.gql(SET_SERIES, { id: live.seriesId, l: ['zh-Hans', 'zh-Hant', 'sr-Latn'].map((language) => ({ language, title: `series ${language}` })) }, { token: live.owner.token });
    await server.gql(SET_EPISODE, { id: live.episodeIds[0], l: ['zh-Hans', 'sr-Latn'].map((language) => ({ language, title: `episode ${language}` })) }, { token: live.owner.token });
    await resubmitAndApprove(server, lead, live.owner, live.episodeIds, ['US', 'CA']);
    for (const requested of ['zh-Hant-TW', 'zh-Hant', 'zh-TW', 'zh-HK', 'zh-MO']) {
      const [series] = await catalogIn(partner.key, requested);
      expect({ requested, series: series!.language, episode: series!.episodes.nodes[0]!.language }).toEqual({ requested, series: 'zh-Hant', episode: 'en' });
    }
    const [cyrillic] = await catalogIn(partner.key, 'sr-Cyrl');
    expect([cyrillic!.language, cyrillic!.episodes.nodes[0]!.language]).toEqual(['en', 'en']);
    const [simplified] = await catalogIn(partner.key, 'zh-CN');
    expect([simplified!.language, simplified!.episodes.nodes[0]!.language]).toEqual(['zh-Hans', 'zh-Hans']);
  });

  it(`the tag, then its CLDR fallbacks, then the nearest of the same primary language and script, then the original, over random tags (seed ${SEED})`, async () => {
    const partner = await createPartner(server, admin);
    const live = await createLiveSeries(server, lead, 1, partner.organizationId);
    const seriesTags = ['es-419', 'es-ES', 'pt-BR', 'zh-Hant', 'fr-CA', 'en-GB', 'sr-Latn'];
    // Only Simplified Chinese here: a reader of Traditional (zh-TW, zh-HK, zh-Hant) gets the original.
    const episodeTags = ['es', 'pt', 'zh-Hans', 'de-CH'];
    await server.gql(SET_SERIES, { id: live.seriesId, l: seriesTags.map((language) => ({ language, title: `series ${language}` })) }, { token: live.owner.token });
    await server.gql(SET_EPISODE, { id: live.episodeIds[0], l: episodeTags.map((language) => ({ language, title: `episode ${language}` })) }, { token: live.owner.token });
    await resubmitAndApprove(server, lead, live.owner, live.episodeIds, ['US', 'CA']);

    const languages = ['es', 'pt', 'zh', 'fr', 'en', 'de', 'sr', 'ja', 'ko'];
    const scripts = ['', 'Hans', 'Hant', 'Latn', 'Cyrl'];
    const regions = ['', 'MX', '419', 'ES', 'BR', 'PT', 'CA', 'TW', 'HK', 'MO', 'US', 'GB', 'CH'];
    const named = ['zh-Hant-TW', 'zh-Hant', 'zh-TW', 'zh-HK', 'zh-MO', 'sr-Cyrl', 'sr'];
    for (let i = 0; i < 40 + named.length; i++) {
      const requested = named[i] ?? randomCase([pick(languages), pick(scripts), pick(regions)].filter(Boolean).join('-'));
      const [series] = await catalogIn(partner.key, requested);
      const seriesLanguage = expected(requested, 'en', seriesTags);
      const episodeLanguage = expected(requested, 'en', episodeTags);
      expect({ requested, series: series!.language, episode: series!.episodes.nodes[0]!.language }, `seed ${SEED}`).toEqual({ requested, series: seriesLanguage, episode: episodeLanguage });
      expect(series!.title).toBe(seriesLanguage === 'en' ? 'Queue series' : `series ${seriesLanguage}`);
      expect(series!.episodes.nodes[0]!.title).toBe(episodeLanguage === 'en' ? 'Episode 1' : `episode ${episodeLanguage}`);
    }
  });
});
