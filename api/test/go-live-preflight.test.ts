import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, readFragment, type ResultOf } from '../../schema/graphql';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { seriesWithEpisodes } from './support/catalog';
import { createLiveSeries, createPartner, LICENSE, startWithOperatorLead } from './support/publishing';
import type { SignedInMember, TestServer } from './support/server';

/**
 * The go-live pre-flight studios read before submitting is the publish gate run with review and
 * release assumed: what it lists is what the gate would say once reviewers approve and the series
 * is released, and nothing about review or release itself.
 */
let server: TestServer;
let admin: SignedInMember;
let lead: SignedInMember;
beforeAll(async () => {
  ({ server, admin, lead } = await startWithOperatorLead());
}, 120_000);
afterAll(() => server?.stop());

const CHECK = graphql(`fragment PreflightCheck on GoLiveCheck { territory ready blockers { code message languages episodeNumbers } }`);
type Check = ResultOf<typeof CHECK>;
const SERIES_PREFLIGHT = graphql(`query SeriesPreflight($id: ID!) { series(id: $id) { goLivePreflight { ...PreflightCheck } } }`, [CHECK]);
const EPISODE_PREFLIGHT = graphql(`query EpisodePreflight($id: ID!) { episode(id: $id) { goLivePreflight { ...PreflightCheck } } }`, [CHECK]);
const SET_LICENSE = graphql(`mutation PreflightLicense($id: ID!, $i: LicenseInput!) { setLicense(seriesId: $id, input: $i) { id } }`);
const EPISODES = graphql(`query PreflightEpisodes($id: ID!) { series(id: $id) { episodes { nodes { id number } } } }`);
const DISTRIBUTION = graphql(`query PreflightDistribution($id: ID!) { series(id: $id) { distribution { partner { id } episodes { episode { number } territory reasons { code message } } } } }`);

async function seriesPreflight(token: string, seriesId: string): Promise<readonly Check[]> {
  const res = await server.gql(SERIES_PREFLIGHT, { id: seriesId }, { token });
  expect(res.errors).toBeUndefined();
  return readFragment(CHECK, res.data!.series!.goLivePreflight);
}
const codesIn = (checks: readonly Check[], territory: string) => checks.find((c) => c.territory === territory)?.blockers.map((b) => b.code);

describe('go-live pre-flight', () => {
  it('an unlicensed, unpriced draft series lists the license and the price in every territory, per episode, and never review or release', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const seriesId = await seriesWithEpisodes(server, owner.token, owner.organizationId, 3);
    const checks = await seriesPreflight(owner.token, seriesId);
    expect(checks.map((c) => c.territory)).toEqual(expect.arrayContaining(['US', 'MX', 'DE']));
    for (const check of checks) {
      expect(check.ready).toBe(false);
      expect(check.blockers.map((b) => b.code)).toEqual(expect.arrayContaining(['NOT_LICENSED', 'NO_PRICE']));
      for (const blocker of check.blockers) {
        expect(['NOT_APPROVED', 'APPROVAL_STALE', 'NOT_RELEASED', 'RELEASE_SCHEDULED', 'TERRITORY_NOT_SERVED', 'PARTNER_DISABLED']).not.toContain(blocker.code);
      }
      // Each reason once per wording: the license's is one line for the three, the price's names each episode.
      for (const code of ['NOT_LICENSED', 'NO_PRICE']) expect(check.blockers.filter((b) => b.code === code).flatMap((b) => b.episodeNumbers).sort()).toEqual([1, 2, 3]);
      expect(check.blockers.filter((b) => b.code === 'NO_PRICE').map((b) => b.message)).toEqual([1, 2, 3].map((n) => `No price applies to episode ${n} in ${check.territory}.`));
    }
    // Spanish is what MX requires; the series is in Chinese with no tracks.
    expect(checks.find((c) => c.territory === 'MX')!.blockers.find((b) => b.code === 'LOCALIZATION_MISSING')).toMatchObject({ languages: ['es'], message: expect.stringMatching(/^MX requires/) });
  });

  it('licensing US and MX and a default price leave US ready, MX waiting for Spanish, DE unlicensed; the episode reads the same for itself', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const seriesId = await seriesWithEpisodes(server, owner.token, owner.organizationId, 2, { defaultCoinPrice: 60 });
    const license = await server.gql(SET_LICENSE, { id: seriesId, i: { ...LICENSE, territoriesIncluded: ['US', 'MX'], windowStart: '2026-01-01T00:00:00Z', windowEnd: '2099-01-01T00:00:00Z' } }, { token: owner.token });
    expect(license.errors).toBeUndefined();
    const checks = await seriesPreflight(owner.token, seriesId);
    expect(checks.find((c) => c.territory === 'US')).toEqual({ territory: 'US', ready: true, blockers: [] });
    expect(codesIn(checks, 'MX')).toEqual(['LOCALIZATION_MISSING']);
    expect(codesIn(checks, 'DE')).toEqual(['NOT_LICENSED']);

    const episodes = await server.gql(EPISODES, { id: seriesId }, { token: owner.token });
    const second = episodes.data!.series!.episodes.nodes.find((e) => e.number === 2)!;
    const own = await server.gql(EPISODE_PREFLIGHT, { id: second.id }, { token: owner.token });
    expect(own.errors).toBeUndefined();
    const mx = readFragment(CHECK, own.data!.episode!.goLivePreflight).find((c) => c.territory === 'MX')!;
    expect(mx.blockers).toEqual([expect.objectContaining({ code: 'LOCALIZATION_MISSING', episodeNumbers: [2] })]);
  });

  it('for an approved, released series it says exactly what the distribution (the gate) says, territory by territory', async () => {
    const p = await createPartner(server, admin, ['US', 'MX', 'CA']);
    const s = await createLiveSeries(server, lead, 2, p.organizationId, { territories: ['US', 'MX', 'CA'] });
    const view = await server.gql(DISTRIBUTION, { id: s.seriesId }, { token: s.owner.token });
    const rows = view.data!.series!.distribution.find((d) => d.partner.id === p.organizationId)!.episodes;
    const checks = await seriesPreflight(s.owner.token, s.seriesId);
    for (const row of rows) {
      const check = checks.find((c) => c.territory === row.territory)!;
      const preflight = check.blockers.filter((b) => b.episodeNumbers.includes(row.episode.number)).map((b) => ({ code: b.code, message: b.message }));
      expect(preflight, `${row.territory} episode ${row.episode.number}`).toEqual(row.reasons);
    }
    expect(rows.some((r) => r.reasons.length === 0)).toBe(true);
  });

  it('is the studio’s own: another studio is told the series does not exist', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const stranger = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const seriesId = await seriesWithEpisodes(server, owner.token, owner.organizationId, 1);
    const res = await server.gql(SERIES_PREFLIGHT, { id: seriesId }, { token: stranger.token });
    expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
