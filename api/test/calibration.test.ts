import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { seriesWithEpisodes } from './support/catalog';
import { FakeOpenAi } from './support/fake-openai';
import { eventually, readyEpisode } from './support/media';
import { CLAIM_NEXT, DECIDE } from './support/review';
import { TestServer } from './support/server';
import { makeClip } from './support/videos';
import { graphql } from '../../schema/graphql';

/**
 * The calibration view per detector and model, from real screenings (the embedded default with its
 * image model; OpenAI through the fake server) and real reviewer decisions.
 */
const LICENSE = { sourceWorkTitle: 'Night Vows', sourceWorkKind: 'NOVEL' as const, licensor: 'Lotus Press', licenseKind: 'ADAPTATION' as const, territoriesIncluded: ['WORLDWIDE'], windowStart: '2026-01-01T00:00:00Z', windowEnd: '2030-01-01T00:00:00Z' };

let fake: FakeOpenAi;
const servers: TestServer[] = [];
let clip: string;
beforeAll(async () => {
  fake = await new FakeOpenAi().start();
  clip = makeClip('calibration', { seconds: 2 });
});
afterAll(async () => {
  for (const s of servers) await s.stop();
  await fake?.stop();
});

/** Screens one episode titled `title` for `territory` and has a lead decide it; returns the case's findings' sources. */
async function screenAndDecide(server: TestServer, title: string, territory: string, decision: 'APPROVE' | 'REQUEST_CHANGES' | 'REJECT'): Promise<string[]> {
  const studio = await server.member(OrganizationKind.STUDIO, Role.OWNER);
  const lead = await server.member(OrganizationKind.OPERATOR, Role.LEAD);
  const seriesId = await seriesWithEpisodes(server, studio.token, studio.organizationId, 1);
  await server.gql(graphql('mutation($id: ID!, $i: LicenseInput!) { setLicense(seriesId: $id, input: $i) { id } }'), { id: seriesId, i: LICENSE }, { token: studio.token });
  const episodeId = (await server.gql(graphql('query($id: ID!) { series(id: $id) { episodes { nodes { id } } } }'), { id: seriesId }, { token: studio.token })).data!.series.episodes.nodes[0]!.id;
  await server.gql(graphql('mutation($i: UpdateEpisodeInput!) { updateEpisode(input: $i) { id } }'), { i: { id: episodeId, title } }, { token: studio.token });
  await readyEpisode(server, studio.token, episodeId, clip);
  const caseId = (await server.gql(graphql('mutation($i: SubmitForReviewInput!) { submitForReview(input: $i) { id } }'), { i: { episodeIds: [episodeId], territories: [territory] } }, { token: studio.token })).data!.submitForReview[0]!.id;
  const screened = await eventually(
    async () => (await server.gql(graphql('query($id: ID!) { reviewCase(id: $id) { status findings { source } } }'), { id: caseId }, { token: lead.token })).data!.reviewCase,
    (c) => c.status === 'PENDING_REVIEW',
    'the screening',
    120_000,
  );
  const claimed = (await server.gql(CLAIM_NEXT, { f: { studioId: studio.organizationId } }, { token: lead.token })).data!.claimNextCase!;
  expect(claimed.id).toBe(caseId);
  const decided = await server.gql(DECIDE, { i: { caseId, version: claimed.version, decisions: [{ territory, decision, citedRuleIds: decision === 'APPROVE' ? [] : ['GLOBAL-VIOLENCE-01'], notes: 'Calibration test.' }] } }, { token: lead.token });
  expect(decided.errors).toBeUndefined();
  return screened.findings.map((f) => f.source);
}

async function stats(server: TestServer) {
  const reviewer = await server.member(OrganizationKind.OPERATOR, Role.REVIEWER);
  const res = await server.gql(graphql('{ reviewStatsByDetector { detector model decisions agreed overturned missed } }'), {}, { token: reviewer.token });
  expect(res.errors, server.logLines.filter((l) => l.includes('"level":50')).join('\n')).toBeUndefined();
  return res.data!.reviewStatsByDetector;
}

describe('reviewer agreement per detector and model', () => {
  it('on the embedded default: the keyword rules, the profanity matcher and the image model with its version', async () => {
    // A pack whose image-model thresholds flag any score, so the model flags every frame.
    const packs = mkdtempSync(path.join(tmpdir(), 'greenlight-packs-'));
    writeFileSync(path.join(packs, 'kr.json'), JSON.stringify({ territory: 'KR', version: 'test.1', name: 'Test KR', description: 'Test.', rules: [], thresholds: {}, visualClassifierThresholds: { sexual: { needsReview: 1e-9, likelyViolation: 1 }, 'sexual/suggestive': { needsReview: 1e-9, likelyViolation: 1 } } }));
    const server = await TestServer.start({ POLICY_PACKS_DIR: packs, REVIEW_MAX_KEYFRAMES: '1', AI_PROVIDER: 'auto', OPENAI_API_KEY: '' }, undefined, { runWorker: true });
    servers.push(server);
    // Flagged by the image model (and the keyword rules: "kill you"), rejected: both upheld.
    expect(await screenAndDecide(server, 'I will kill you', 'KR', 'REJECT')).toEqual(expect.arrayContaining(['RULES', 'VISUAL_MODERATION']));
    // Flagged by the image model only, approved: the model overturned, the silent rules agreed.
    await screenAndDecide(server, 'A quiet dinner', 'KR', 'APPROVE');

    const rows = await stats(server);
    const row = (detector: string) => rows.find((r) => r.detector === detector);
    expect(row('EMBEDDED_IMAGE_MODEL')).toEqual({ detector: 'EMBEDDED_IMAGE_MODEL', model: expect.stringMatching(/^nsfwjs\/MobileNetV2 \d+\.\d+\.\d+$/), decisions: 2, agreed: 1, overturned: 1, missed: 0 });
    expect(row('KEYWORD_RULES')).toEqual({ detector: 'KEYWORD_RULES', model: null, decisions: 2, agreed: 2, overturned: 0, missed: 0 });
    expect(row('PROFANITY_MATCHER')).toEqual({ detector: 'PROFANITY_MATCHER', model: 'obscenity', decisions: 2, agreed: 1, overturned: 0, missed: 1 });
    expect(rows.some((r) => r.detector.startsWith('OPENAI'))).toBe(false);
  });

  it('with OpenAI: the moderation model and the policy model by name', async () => {
    const server = await TestServer.start({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.url, REVIEW_MAX_KEYFRAMES: '0', OPENAI_MODERATION_MODEL: 'omni-moderation-2024-09-26', OPENAI_POLICY_MODEL: 'gpt-4o-mini-2024-07-18' }, undefined, { runWorker: true });
    servers.push(server);
    // The fake's moderation scores "kill" as violence; the reviewer asks for changes: upheld (the policy model, silent, missed it).
    expect(await screenAndDecide(server, 'He will kill the groom', 'US', 'REQUEST_CHANGES')).toContain('TEXT_MODERATION');
    // The fake's policy model flags a casino for Indonesia; rejected, it is upheld.
    expect(await screenAndDecide(server, 'Casino royale wedding', 'ID', 'REJECT')).toContain('POLICY_MODEL');

    const rows = await stats(server);
    expect(rows.filter((r) => r.detector.startsWith('OPENAI'))).toEqual([
      { detector: 'OPENAI_MODERATION', model: 'omni-moderation-2024-09-26', decisions: 2, agreed: 1, overturned: 0, missed: 1 },
      { detector: 'OPENAI_POLICY_MODEL', model: 'gpt-4o-mini-2024-07-18', decisions: 2, agreed: 1, overturned: 0, missed: 1 },
    ]);
    expect(rows.some((r) => r.detector === 'EMBEDDED_IMAGE_MODEL' || r.detector === 'KEYWORD_RULES')).toBe(false);
  });
});
