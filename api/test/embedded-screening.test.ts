import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { seriesWithEpisodes } from './support/catalog';
import { eventually, readyEpisode } from './support/media';
import { TestServer, type SignedInMember } from './support/server';
import { makeClip } from './support/videos';
import { graphql, type ResultOf } from '../../schema/graphql';

/**
 * The default install (no OpenAI key) screening real keyframes with the embedded image model.
 * The test's own policy packs set the thresholds: KR flags any score above a hair's breadth, JP
 * nothing short of certainty, so the same real scores send one territory to review and clear the other.
 */
const packs = mkdtempSync(path.join(tmpdir(), 'greenlight-packs-'));
const pack = (territory: string, needsReview: number) => ({
  territory,
  version: 'test.1',
  name: `Test ${territory}`,
  description: 'Thresholds set by the test.',
  rules: [],
  thresholds: {},
  visualClassifierThresholds: { sexual: { needsReview, likelyViolation: 1 }, 'sexual/suggestive': { needsReview, likelyViolation: 1 } },
});
writeFileSync(path.join(packs, 'kr.json'), JSON.stringify(pack('KR', 1e-9)));
writeFileSync(path.join(packs, 'jp.json'), JSON.stringify(pack('JP', 1)));

const ENV = { POLICY_PACKS_DIR: packs, REVIEW_MAX_KEYFRAMES: '2', AI_PROVIDER: 'auto', OPENAI_API_KEY: '' };
const LICENSE = { sourceWorkTitle: 'Night Vows', sourceWorkKind: 'NOVEL' as const, licensor: 'Lotus Press', licenseKind: 'ADAPTATION' as const, territoriesIncluded: ['WORLDWIDE'], windowStart: '2026-01-01T00:00:00Z', windowEnd: '2030-01-01T00:00:00Z' };
const CASE = graphql(`
  query($id: ID!) {
    reviewCase(id: $id) {
      status aiStatus aiError
      verdicts { territory verdict }
      findings { territory ruleId category severity source evidence score }
      assessment { provider model aiCompleted keyframes }
    }
  }
`);
type Keyframe = { time: number; index: number; scores?: Record<string, number>; model?: string; modelVersion?: string; scoredAt?: string; blurred?: boolean };
type CaseView = NonNullable<ResultOf<typeof CASE>['reviewCase']>;

let server: TestServer;
let owner: SignedInMember;
let lead: SignedInMember;
let clip: string;

beforeAll(async () => {
  server = await TestServer.start(ENV, undefined, { runWorker: true });
  owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
  lead = await server.member(OrganizationKind.OPERATOR, Role.LEAD);
  clip = makeClip('embedded-screening', { seconds: 2 });
});
afterAll(async () => {
  await server?.stop();
});

async function screen(target: TestServer, territories: string[]): Promise<CaseView> {
  const studio = target === server ? owner : await target.member(OrganizationKind.STUDIO, Role.OWNER);
  const reader = target === server ? lead : await target.member(OrganizationKind.OPERATOR, Role.LEAD);
  const seriesId = await seriesWithEpisodes(target, studio.token, studio.organizationId, 1);
  await target.gql(graphql('mutation($id: ID!, $i: LicenseInput!) { setLicense(seriesId: $id, input: $i) { id } }'), { id: seriesId, i: LICENSE }, { token: studio.token });
  const episodeId = (await target.gql(graphql('query($id: ID!) { series(id: $id) { episodes { nodes { id } } } }'), { id: seriesId }, { token: studio.token })).data!.series.episodes.nodes[0]!.id;
  await readyEpisode(target, studio.token, episodeId, clip);
  const submitted = await target.gql(graphql('mutation($i: SubmitForReviewInput!) { submitForReview(input: $i) { id } }'), { i: { episodeIds: [episodeId], territories } }, { token: studio.token });
  const caseId = submitted.data!.submitForReview[0]!.id;
  return eventually(async () => (await target.gql(CASE, { id: caseId }, { token: reader.token })).data!.reviewCase!, (c) => c.status === 'PENDING_REVIEW', 'the screening', 120_000);
}

describe('the embedded visual classifier on the default install', () => {
  it('scores every sampled keyframe, records model, version and time, and sends only the territory whose threshold a score passes to review', async () => {
    const view = await screen(server, ['KR', 'JP']);
    expect(view.aiStatus).toBe('COMPLETED');
    expect(view.assessment!.provider).toBe('embedded');
    expect(view.assessment!.model).toMatch(/nsfwjs\/MobileNetV2 \d+\.\d+\.\d+/);

    const frames = view.assessment!.keyframes as Keyframe[];
    expect(frames.length).toBeGreaterThan(0);
    for (const frame of frames) {
      expect(frame).toMatchObject({ model: 'nsfwjs/MobileNetV2', modelVersion: expect.stringMatching(/^\d+\.\d+\.\d+$/), blurred: true });
      expect(Date.parse(frame.scoredAt!)).not.toBeNaN();
      for (const category of ['sexual', 'sexual/suggestive']) expect(frame.scores![category]).toBeGreaterThan(0);
    }

    const byTerritory = Object.fromEntries(view.verdicts.map((v) => [v.territory, v.verdict]));
    expect(byTerritory).toEqual({ KR: 'NEEDS_REVIEW', JP: 'CLEAR' });
    const visual = view.findings.filter((f) => f.source === 'VISUAL_MODERATION');
    expect(visual.every((f) => f.territory === 'KR')).toBe(true);
    // One finding per frame and category, each with the frame's own recorded score and time.
    expect(visual).toHaveLength(frames.length * 2);
    for (const finding of visual) {
      const frame = frames.find((k) => k.time === finding.evidence.frameTime)!;
      expect(frame, `a keyframe at ${String(finding.evidence.frameTime)} s`).toBeDefined();
      expect(finding.score).toBeCloseTo(frame.scores![finding.category]!, 6);
      expect(finding).toMatchObject({ ruleId: finding.category === 'sexual' ? 'GLOBAL-SEXUAL-01' : 'GLOBAL-SEXUAL-SUGGESTIVE-01', severity: 'MEDIUM', evidence: { kind: 'FRAME', model: 'nsfwjs/MobileNetV2', modelVersion: frame.modelVersion, scoredAt: frame.scoredAt } });
    }
  });

  it('fails closed to reviewers when the model cannot be loaded', async () => {
    const broken = await TestServer.start({ ...ENV, VISUAL_CLASSIFIER_MODEL_DIR: mkdtempSync(path.join(tmpdir(), 'greenlight-no-model-')) }, undefined, { runWorker: true });
    try {
      const view = await screen(broken, ['KR', 'JP']);
      expect(view.aiStatus).toBe('AI_UNAVAILABLE');
      expect(view.aiError).toMatch(/could not be loaded/);
      expect(view.verdicts.map((v) => v.verdict)).toEqual(['NEEDS_REVIEW', 'NEEDS_REVIEW']);
      expect(view.findings.filter((f) => f.source === 'VISUAL_MODERATION')).toEqual([]);
    } finally {
      await broken.stop();
    }
  });
});
