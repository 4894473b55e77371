import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, readFragment, type ResultOf } from '../../schema/graphql';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { seriesWithEpisodes } from './support/catalog';
import { createLiveSeries, createPartner, LICENSE, startWithOperatorLead } from './support/publishing';
import type { SignedInMember, TestServer } from './support/server';

/**
 * The go-live pre-flight studios read before submitting: what the review's deterministic checks
 * would find (stage REVIEW: filing, rating, subtitles, duration, orientation, title rules), and the
 * publish gate run with review and release assumed (stage PUBLICATION): what the gate would say
 * once reviewers approve and the series is released, and nothing about review or release itself.
 */
let server: TestServer;
let admin: SignedInMember;
let lead: SignedInMember;
// An operator's pack (POLICY_PACKS_DIR) for a territory that requires a maturity rating: no shipped pack does.
const packs = mkdtempSync(path.join(tmpdir(), 'greenlight-packs-'));
writeFileSync(
  path.join(packs, 'kr.json'),
  JSON.stringify({ territory: 'KR', version: '2026.12.1', name: 'Korea', description: 'Ratings required.', requireMaturityRating: true, requirements: { rating: { id: 'KR-RATING-01', description: 'A KMRB age rating must be recorded.', severity: 'BLOCKING' } }, rules: [], thresholds: {} }),
);
// And one that rates a landscape video HIGH, where the shipped global pack rates it LOW.
writeFileSync(
  path.join(packs, 'vn.json'),
  JSON.stringify({ territory: 'VN', version: '2026.12.1', name: 'Vietnam', description: 'Vertical only.', requireVertical: true, requirements: { orientation: { id: 'VN-ORIENTATION-01', description: 'Episodes must be vertical.', severity: 'HIGH' } }, rules: [], thresholds: {} }),
);
beforeAll(async () => {
  ({ server, admin, lead } = await startWithOperatorLead({ POLICY_PACKS_DIR: packs }));
}, 120_000);
afterAll(() => server?.stop());

const CHECK = graphql(`fragment PreflightCheck on GoLiveCheck { territory ready blockers { code stage ruleId message languages episodeNumbers } }`);
type Check = ResultOf<typeof CHECK>;
const SERIES_PREFLIGHT = graphql(`query SeriesPreflight($id: ID!) { series(id: $id) { goLivePreflight { ...PreflightCheck } } }`, [CHECK]);
const EPISODE_PREFLIGHT = graphql(`query EpisodePreflight($id: ID!) { episode(id: $id) { goLivePreflight { ...PreflightCheck } } }`, [CHECK]);
const SET_LICENSE = graphql(`mutation PreflightLicense($id: ID!, $i: LicenseInput!) { setLicense(seriesId: $id, input: $i) { id } }`);
const EPISODES = graphql(`query PreflightEpisodes($id: ID!) { series(id: $id) { episodes { nodes { id number } } } }`);
const SET_SUBTITLES = graphql(`mutation PreflightSubtitles($i: SubtitlesInput!) { setSubtitles(input: $i) { id } }`);
const UPDATE_SERIES = graphql(`mutation PreflightSeries($id: ID!, $i: SeriesInput!) { updateSeries(id: $id, input: $i) { id } }`);
const SET_PRICES = graphql(`mutation PreflightPrices($i: SetEpisodePricesInput!) { setEpisodePrices(input: $i) { episode { number } } }`);
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
      // Each reason once per wording: the license's is one line for the three, and so is the price's, worded for the group.
      for (const code of ['NOT_LICENSED', 'NO_PRICE']) expect(check.blockers.filter((b) => b.code === code).flatMap((b) => b.episodeNumbers).sort()).toEqual([1, 2, 3]);
      expect(check.blockers.filter((b) => b.code === 'NO_PRICE').map((b) => b.message)).toEqual([`No price for ${check.territory}: episodes 1–3.`]);
    }
    // No license stops review first (a blocking finding citing its rule), so it is said there, once, not again as a publication hold.
    for (const check of checks) {
      const license = check.blockers.filter((b) => b.code === 'NOT_LICENSED');
      expect(license.map((b) => [b.stage, b.ruleId])).toEqual(license.map(() => ['REVIEW', 'GLOBAL-LICENSE-01']));
    }
    // Spanish is what MX requires; the series is in Chinese with no tracks.
    expect(checks.find((c) => c.territory === 'MX')!.blockers.find((b) => b.code === 'LOCALIZATION_MISSING')).toMatchObject({ languages: ['es'], message: expect.stringMatching(/^MX requires/) });
  });

  it('covers the territories of every partner the studio can release to, before any release, and none of a suspended one', async () => {
    const served = await createPartner(server, admin, ['NZ']);
    const suspended = await createPartner(server, admin, ['IS']);
    await server.orm.em.getConnection().execute('update organization set suspended_at = now() where id = ?', [suspended.organizationId]);
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const seriesId = await seriesWithEpisodes(server, owner.token, owner.organizationId, 1, { defaultCoinPrice: 60 });
    const territories = (await seriesPreflight(owner.token, seriesId)).map((c) => c.territory);
    expect(territories).toContain('NZ');
    expect(territories).not.toContain('IS');
    expect(served.organizationId).toBeTruthy();
  });

  it('licensing US and MX and a default price leave US ready, MX waiting for Spanish, DE unlicensed; the episode reads the same for itself', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const seriesId = await seriesWithEpisodes(server, owner.token, owner.organizationId, 2, { defaultCoinPrice: 60 });
    const license = await server.gql(SET_LICENSE, { id: seriesId, i: { ...LICENSE, territoriesIncluded: ['US', 'MX'], windowStart: '2026-01-01T00:00:00Z', windowEnd: '2099-01-01T00:00:00Z' } }, { token: owner.token });
    expect(license.errors).toBeUndefined();
    const episodes = await server.gql(EPISODES, { id: seriesId }, { token: owner.token });
    // US requires English subtitles: review would flag the series, in US only, citing the rule.
    const before = await seriesPreflight(owner.token, seriesId);
    expect(before.find((c) => c.territory === 'US')).toEqual({
      territory: 'US',
      ready: false,
      blockers: [{ code: 'SUBTITLES_MISSING', stage: 'REVIEW', ruleId: 'GLOBAL-SUBTITLES-01', message: 'US requires en subtitles; none are uploaded.', languages: null, episodeNumbers: [1, 2] }],
    });
    expect(before.filter((c) => c.blockers.some((b) => b.code === 'SUBTITLES_MISSING')).map((c) => c.territory)).toEqual(['US']);
    for (const episode of episodes.data!.series!.episodes.nodes) {
      const set = await server.gql(SET_SUBTITLES, { i: { episodeId: episode.id, language: 'en-US', format: 'WEBVTT', content: 'WEBVTT\n\n00:00.000 --> 00:01.000\nHello.\n' } }, { token: owner.token });
      expect(set.errors).toBeUndefined();
    }
    const checks = await seriesPreflight(owner.token, seriesId);
    expect(checks.find((c) => c.territory === 'US')).toEqual({ territory: 'US', ready: true, blockers: [] });
    expect(codesIn(checks, 'MX')).toEqual(['LOCALIZATION_MISSING']);
    expect(codesIn(checks, 'DE')).toEqual(['NOT_LICENSED']);

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
      const preflight = check.blockers.filter((b) => b.stage === 'PUBLICATION' && b.episodeNumbers.includes(row.episode.number)).map((b) => ({ code: b.code, message: b.message }));
      expect(preflight, `${row.territory} episode ${row.episode.number}`).toEqual(row.reasons);
    }
    expect(rows.some((r) => r.reasons.length === 0)).toBe(true);
  });

  it('a territory that requires a filing lists it until the series records one, as the review check words it', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const seriesId = await seriesWithEpisodes(server, owner.token, owner.organizationId, 2, { defaultCoinPrice: 60 });
    const filing = (checks: readonly Check[], t: string) => checks.find((c) => c.territory === t)!.blockers.filter((b) => b.code === 'FILING_MISSING');
    const before = await seriesPreflight(owner.token, seriesId);
    expect(filing(before, 'CN')).toEqual([{ code: 'FILING_MISSING', stage: 'REVIEW', ruleId: 'CN-FILING-01', message: 'CN requires a filing number for the series; none is recorded.', languages: null, episodeNumbers: [1, 2] }]);
    // Only where a pack requires one.
    expect(before.filter((c) => filing(before, c.territory).length).map((c) => c.territory)).toEqual(['CN']);
    // A filing for another territory is not one for CN.
    await server.gql(UPDATE_SERIES, { id: seriesId, i: { filings: [{ territory: 'US', filingNumber: 'US-1' }] } }, { token: owner.token });
    expect(filing(await seriesPreflight(owner.token, seriesId), 'CN')).toHaveLength(1);
    const set = await server.gql(UPDATE_SERIES, { id: seriesId, i: { filings: [{ territory: 'CN', filingNumber: '(2026)0412' }] } }, { token: owner.token });
    expect(set.errors).toBeUndefined();
    expect(filing(await seriesPreflight(owner.token, seriesId), 'CN')).toEqual([]);
  });

  it('a territory whose pack requires a maturity rating lists it until the series records one there', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const seriesId = await seriesWithEpisodes(server, owner.token, owner.organizationId, 1);
    const rating = (checks: readonly Check[]) => checks.flatMap((c) => c.blockers.filter((b) => b.code === 'RATING_MISSING').map((b) => ({ territory: c.territory, ...b })));
    expect(rating(await seriesPreflight(owner.token, seriesId))).toEqual([
      { territory: 'KR', code: 'RATING_MISSING', stage: 'REVIEW', ruleId: 'KR-RATING-01', message: 'KR requires a maturity rating for the series; none is recorded for KR.', languages: null, episodeNumbers: [1] },
    ]);
    await server.gql(UPDATE_SERIES, { id: seriesId, i: { maturityRatings: [{ territory: 'US', rating: 'TV-14' }] } }, { token: owner.token });
    expect(rating(await seriesPreflight(owner.token, seriesId))).toHaveLength(1);
    const set = await server.gql(UPDATE_SERIES, { id: seriesId, i: { maturityRatings: [{ territory: 'KR', rating: '15', system: 'KMRB' }] } }, { token: owner.token });
    expect(set.errors).toBeUndefined();
    expect(rating(await seriesPreflight(owner.token, seriesId))).toEqual([]);
  });

  it('a video too long or not vertical is listed with its episodes where screening would flag it, one line for the group; an episode without video is not', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const seriesId = await seriesWithEpisodes(server, owner.token, owner.organizationId, 4);
    // Videos as processing records them: 1 and 2 vertical at 700 s and 900 s, 3 landscape at 60 s; 4 has none.
    for (const [number, seconds, width, height] of [[1, 700, 720, 1280], [2, 900, 720, 1280], [3, 60, 1280, 720]] as const) {
      await server.orm.em.getConnection().execute(
        `with m as (insert into media_revision (id, episode_id, sha256, size_bytes, storage_key, file_name, container, video_codec, duration_seconds, width, height, warnings, created_at)
           select gen_random_uuid(), e.id, repeat('b', 64), 1000, 'media/x.mp4', 'x.mp4', 'mp4', 'h264', ?, ?, ?, '[]', now() from episode e where e.series_id = ? and e.number = ? returning id, episode_id)
         update episode set current_media_id = m.id from m where episode.id = m.episode_id`,
        [seconds, width, height, seriesId, number],
      );
    }
    const checks = await seriesPreflight(owner.token, seriesId);
    const us = checks.find((c) => c.territory === 'US')!;
    expect(us.blockers.find((b) => b.code === 'TOO_LONG')).toEqual({ code: 'TOO_LONG', stage: 'REVIEW', ruleId: 'GLOBAL-DURATION-01', message: 'Longer than US allows: episodes 1–2.', languages: null, episodeNumbers: [1, 2] });
    // The global pack rates a landscape video LOW: screening leaves the territory CLEAR, so nothing stops it and it is not listed.
    expect(us.blockers.find((b) => b.code === 'NOT_VERTICAL')).toBeUndefined();
    const vn = checks.find((c) => c.territory === 'VN')!;
    expect(vn.blockers.find((b) => b.code === 'NOT_VERTICAL')).toEqual({ code: 'NOT_VERTICAL', stage: 'REVIEW', ruleId: 'VN-ORIENTATION-01', message: 'The video is 1280×720, not vertical.', languages: null, episodeNumbers: [3] });
    for (const check of checks) expect(check.blockers.filter((b) => b.code === 'TOO_LONG').flatMap((b) => b.episodeNumbers).sort()).toEqual([1, 2]);
    expect(checks.filter((c) => c.blockers.some((b) => b.code === 'NOT_VERTICAL')).map((c) => c.territory)).toEqual(['VN']);
    // On the episode's own page, its own sentence.
    const episodes = await server.gql(EPISODES, { id: seriesId }, { token: owner.token });
    const first = episodes.data!.series!.episodes.nodes.find((e) => e.number === 1)!;
    const own = await server.gql(EPISODE_PREFLIGHT, { id: first.id }, { token: owner.token });
    const usOwn = readFragment(CHECK, own.data!.episode!.goLivePreflight).find((c) => c.territory === 'US')!;
    expect(usOwn.blockers.find((b) => b.code === 'TOO_LONG')!.message).toBe('The episode runs 700 s; the maximum in US is 600 s.');
  });

  it('a series groups a reason by its code, worded for the group: "No price for US: episodes 1–3, 5", and a priced episode leaves the line', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const seriesId = await seriesWithEpisodes(server, owner.token, owner.organizationId, 5);
    await server.gql(SET_PRICES, { i: { seriesId, fromNumber: 4, toNumber: 4, territory: 'US', coins: 60 } }, { token: owner.token });
    const noPrice = (checks: readonly Check[], t: string) => checks.find((c) => c.territory === t)!.blockers.filter((b) => b.code === 'NO_PRICE');
    const before = await seriesPreflight(owner.token, seriesId);
    expect(noPrice(before, 'US')).toEqual([{ code: 'NO_PRICE', stage: 'PUBLICATION', ruleId: null, message: 'No price for US: episodes 1–3, 5.', languages: null, episodeNumbers: [1, 2, 3, 5] }]);
    expect(noPrice(before, 'DE')[0]!.message).toBe('No price for DE: episodes 1–5.');
    await server.gql(SET_PRICES, { i: { seriesId, fromNumber: 1, toNumber: 3, territory: 'US', coins: 60 } }, { token: owner.token });
    // One episode left: its own sentence fits the group.
    expect(noPrice(await seriesPreflight(owner.token, seriesId), 'US')).toEqual([expect.objectContaining({ message: 'No price applies to episode 5 in US.', episodeNumbers: [5] })]);
    await server.gql(SET_PRICES, { i: { seriesId, fromNumber: 5, toNumber: 5, territory: 'US', free: true } }, { token: owner.token });
    expect(noPrice(await seriesPreflight(owner.token, seriesId), 'US')).toEqual([]);
  });

  it('is the studio’s own: another studio is told the series and the episode do not exist', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const stranger = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const seriesId = await seriesWithEpisodes(server, owner.token, owner.organizationId, 1);
    const res = await server.gql(SERIES_PREFLIGHT, { id: seriesId }, { token: stranger.token });
    expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(res.data?.series ?? null).toBeNull();
    const episodeId = (await server.gql(EPISODES, { id: seriesId }, { token: owner.token })).data!.series!.episodes.nodes[0]!.id;
    const episode = await server.gql(EPISODE_PREFLIGHT, { id: episodeId }, { token: stranger.token });
    expect(episode.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(episode.data?.episode ?? null).toBeNull();
  });
});
