import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLiveSeries, createPartner, LICENSE, startWithOperatorLead } from './support/publishing';
import { TestServer, type SignedInMember } from './support/server';
import { graphql, type TadaDocumentNode } from '../../schema/graphql';

let server: TestServer;
let admin: SignedInMember;
let lead: SignedInMember;

beforeAll(async () => {
  ({ server, admin, lead } = await startWithOperatorLead());
});
afterAll(async () => {
  await server?.stop();
});

const SPANISH = { language: 'es-MX', format: 'SRT' as const, content: '1\n00:00:01,000 --> 00:00:02,000\nHola.\n' };
const PREFLIGHT = graphql('fragment Preflight on LocalizationCheck { territory licensed satisfied message missingEpisodeNumbers requirement { id languages accepts } }');
const EPISODE_PREFLIGHT = graphql('query($id: ID!) { episode(id: $id) { localizationPreflight { ...Preflight } } }', [PREFLIGHT]);
const SERIES_PREFLIGHT = graphql('query($id: ID!) { series(id: $id) { localizationPreflight { ...Preflight } } }', [PREFLIGHT]);

describe('localization requirements per territory', () => {
  it('an English-only episode is LOCALIZATION_MISSING in MX (naming Spanish) and live in the US; the studio sees it before and after', async () => {
    const p = await createPartner(server, admin, ['US', 'MX']);
    const s = await createLiveSeries(server, lead, 2, p.organizationId, { territories: ['US', 'MX'], subtitles: [SPANISH] });
    const owner = <T, V>(document: TadaDocumentNode<T, V>, variables: V) => server.gql(document, variables, { token: s.owner.token });

    // The Spanish track exists but the license does not allow Spanish subtitles: partners would not get it.
    const distribution = await owner(graphql('query($id: ID!) { series(id: $id) { distribution { partner { id } episodes { episode { number } territory live reasons { code message languages } } } } }'), { id: s.seriesId });
    expect(distribution.errors).toBeUndefined();
    const rows = distribution.data!.series.distribution.find((d) => d.partner.id === p.organizationId)!.episodes;
    expect(rows.map((r) => [r.episode.number, r.territory, r.live, r.reasons.map((x) => x.code)])).toEqual([
      [1, 'US', true, []],
      [1, 'MX', false, ['LOCALIZATION_MISSING']],
      [2, 'US', true, []],
      [2, 'MX', false, ['LOCALIZATION_MISSING']],
    ]);
    expect(rows[1]!.reasons[0]).toEqual({ code: 'LOCALIZATION_MISSING', message: expect.stringMatching(/^MX requires audio or subtitles in es/), languages: ['es'] });

    const episodePreflight = await owner(EPISODE_PREFLIGHT, { id: s.episodeIds[0] });
    expect(episodePreflight.data!.episode.localizationPreflight).toEqual([
      { territory: 'MX', licensed: true, satisfied: false, message: expect.stringMatching(/^MX requires/), missingEpisodeNumbers: [1], requirement: { id: 'MX-LOCALIZATION-01', languages: ['es'], accepts: ['AUDIO', 'SUBTITLES'] } },
    ]);
    const seriesPreflight = await owner(SERIES_PREFLIGHT, { id: s.seriesId });
    expect(seriesPreflight.data!.series.localizationPreflight.map((c) => c.missingEpisodeNumbers)).toEqual([[1, 2]]);
    expect((await server.gql(graphql('{ catalog(territory: "MX") { nodes { id } } }'), {}, { token: p.key })).data!.catalog.nodes).toEqual([]);

    // Allowing Spanish subtitles in the license satisfies MX: the episodes go live there, with no new review.
    const license = await owner(graphql('mutation($id: ID!, $i: LicenseInput!) { setLicense(seriesId: $id, input: $i) { id } }'), { id: s.seriesId, i: { ...LICENSE, territoriesIncluded: ['US', 'MX'], subtitleLanguages: ['es'] } });
    expect(license.errors).toBeUndefined();
    const mx = await server.gql(graphql('{ catalog(territory: "MX") { nodes { episodes { nodes { number subtitleLanguages } } } } }'), {}, { token: p.key });
    expect(mx.data!.catalog.nodes[0]!.episodes.nodes).toEqual([{ number: 1, subtitleLanguages: ['es-MX'] }, { number: 2, subtitleLanguages: ['es-MX'] }]);
    const after = await owner(SERIES_PREFLIGHT, { id: s.seriesId });
    expect(after.data!.series.localizationPreflight).toEqual([expect.objectContaining({ territory: 'MX', satisfied: true, message: null, missingEpisodeNumbers: [] })]);
  });

  it('forced tracks do not satisfy MX; the original language is reviewed material, so changing it sends the episode back to review', async () => {
    const p = await createPartner(server, admin, ['MX']);
    const s = await createLiveSeries(server, lead, 1, p.organizationId, { territories: ['MX'], subtitles: [{ ...SPANISH, kind: 'FORCED' }], subtitleLanguages: ['es'] });
    const codes = async () => {
      const view = await server.gql(graphql('query($id: ID!) { series(id: $id) { distribution { partner { id } episodes { live reasons { code } } } } }'), { id: s.seriesId }, { token: s.owner.token });
      return view.data!.series.distribution.find((d) => d.partner.id === p.organizationId)!.episodes.map((e) => e.reasons.map((r) => r.code));
    };
    expect(await codes()).toEqual([['LOCALIZATION_MISSING']]);
    // Changing the original language is reviewed material: the approval lapses as well.
    const update = await server.gql(graphql('mutation($id: ID!, $i: SeriesInput!) { updateSeries(id: $id, input: $i) { originalLanguage } }'), { id: s.seriesId, i: { originalLanguage: 'es' } }, { token: s.owner.token });
    expect(update.errors).toBeUndefined();
    expect(await codes()).toEqual([['APPROVAL_STALE']]);
  });
});
