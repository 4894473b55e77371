import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/modules/membership/membership.entity';
import { createReviewProvider } from '../src/modules/review/providers';
import { ReviewPipeline } from '../src/modules/review/review-pipeline';
import { LocalMediaStorage } from '../src/uploads/storage';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { seriesWithEpisodes } from './support/catalog';
import { FakeOpenAi } from './support/fake-openai';
import { eventually, readyEpisode, uploadClip } from './support/media';
import { errorCode, TestServer, type SignedInMember } from './support/server';
import { makeClip } from './support/videos';
import { graphql, type ResultOf } from '../../schema/graphql';

let fake: FakeOpenAi;
let server: TestServer;
let editor: SignedInMember;
let reviewer: SignedInMember;
let admin: SignedInMember;
let clip: string;

const AI_ENV = { AI_RETRY_BASE_MS: '20', AI_MAX_ATTEMPTS: '3', AI_CALL_TIMEOUT_MS: '1500', AI_DEADLINE_MS: '20000', REVIEW_MAX_KEYFRAMES: '2', REVIEW_CONCURRENCY: '2' };

beforeAll(async () => {
  fake = await new FakeOpenAi().start();
  server = await TestServer.start({ ...AI_ENV, OPENAI_API_KEY: 'sk-test-not-a-real-key', OPENAI_BASE_URL: fake.url }, undefined, { runWorker: true });
  editor = await server.member(OrganizationKind.STUDIO, Role.EDITOR);
  reviewer = await server.member(OrganizationKind.OPERATOR, Role.REVIEWER);
  admin = await server.addMember(reviewer.organizationId, Role.ADMIN);
  clip = makeClip('review', { seconds: 3 });
});
afterAll(async () => {
  await server?.stop();
  await fake?.stop();
});

const LICENSE = { sourceWorkTitle: 'Night Vows', sourceWorkKind: 'NOVEL' as const, licensor: 'Lotus Press', licenseKind: 'ADAPTATION' as const, territoriesIncluded: ['WORLDWIDE'], windowStart: '2026-01-01T00:00:00Z', windowEnd: '2030-01-01T00:00:00Z' };

/** A licensed series with one READY episode carrying these English subtitle cues. */
async function episodeWith(cues: Array<[number, string]>, options: { license?: boolean; filings?: unknown[]; token?: string } = {}): Promise<string> {
  const token = options.token ?? editor.token;
  const studioId = options.token ? (await server.gql(graphql('{ viewer { memberships { organization { id } } } }'), {}, { token })).data!.viewer.memberships[0]!.organization.id : editor.organizationId;
  const seriesId = await seriesWithEpisodes(server, token, studioId, 1, { title: 'Night Vows', filings: options.filings ?? [] });
  if (options.license !== false) await server.gql(graphql('mutation($id: ID!, $i: LicenseInput!) { setLicense(seriesId: $id, input: $i) { id } }'), { id: seriesId, i: LICENSE }, { token });
  const episodeId = (await server.gql(graphql('query($id: ID!) { series(id: $id) { episodes { nodes { id } } } }'), { id: seriesId }, { token })).data!.series.episodes.nodes[0]!.id;
  if (cues.length) {
    const vtt = `WEBVTT\n\n${cues.map(([t, text]) => `${fmt(t)} --> ${fmt(t + 1)}\n${text}`).join('\n\n')}\n`;
    const res = await server.gql(graphql('mutation($i: SubtitlesInput!) { setSubtitles(input: $i) { id } }'), { i: { episodeId, language: 'en', format: 'WEBVTT', content: vtt } }, { token });
    expect(res.errors).toBeUndefined();
  }
  await readyEpisode(server, token, episodeId, clip);
  return episodeId;
}
const fmt = (t: number) => `00:00:${t.toFixed(3).padStart(6, '0')}`;

async function submit(episodeId: string, territories: string[], token = editor.token) {
  const res = await server.gql(graphql('mutation($i: SubmitForReviewInput!) { submitForReview(input: $i) { id status } }'), { i: { episodeIds: [episodeId], territories } }, { token });
  if (!res.data) throw new Error(JSON.stringify(res.errors));
  return res.data.submitForReview[0]!.id;
}

const CASE = graphql(`
  query($id: ID!) {
    reviewCase(id: $id) {
      id status aiStatus aiError riskScore progress invalidatedReason
      verdicts { territory verdict riskScore reasons }
      findings { territory ruleId category severity source evidence explanation }
      assessment { provider model policyVersion aiCompleted calls keyframes }
      decisions { territory decision actorLabel }
      episode { status }
    }
  }
`);
type CaseView = NonNullable<ResultOf<typeof CASE>['reviewCase']>;
/** The assessment's `calls` JSON: every AI call of the screening, and the retries among them. */
type AiCalls = { retries: number; entries: Array<{ call: string; status: unknown; retryAfterMs?: number; attempt: number }> };

async function caseView(id: string, token = reviewer.token): Promise<CaseView> {
  const res = await server.gql(CASE, { id }, { token });
  if (!res.data) throw new Error(JSON.stringify(res.errors));
  return res.data.reviewCase!;
}
const screened = (id: string) => eventually(() => caseView(id), (c) => c.status !== 'QUEUED' && c.status !== 'SCREENING', 'screening');

describe('AI-assisted screening (openai provider against an OpenAI-compatible server)', () => {
  it('a violating subtitle line yields findings with the right cue time and category', async () => {
    const episodeId = await episodeWith([[1.5, 'Good evening.'], [4.25, 'Pour me another whisky.'], [6, 'I will kill you for this.']]);
    const caseId = await submit(episodeId, ['SA', 'US']);
    const view = await screened(caseId);
    expect(view.status).toBe('PENDING_REVIEW');
    expect(view.aiStatus).toBe('COMPLETED');
    const alcohol = view.findings.find((f) => f.ruleId === 'SA-ALCOHOL-01');
    expect(alcohol).toMatchObject({ territory: 'SA', category: 'alcohol', severity: 'HIGH', source: 'POLICY_MODEL' });
    expect(alcohol!.evidence).toMatchObject({ kind: 'SUBTITLE_CUE', cueStart: 4.25, text: 'Pour me another whisky.' });
    const violence = view.findings.find((f) => f.source === 'TEXT_MODERATION' && f.territory === 'US');
    expect(violence).toMatchObject({ category: 'violence', ruleId: 'GLOBAL-VIOLENCE-01', severity: 'HIGH' });
    expect(violence!.evidence).toMatchObject({ cueStart: 6, text: 'I will kill you for this.' });
    expect(view.verdicts.find((v) => v.territory === 'SA')).toMatchObject({ verdict: 'LIKELY_VIOLATION' });
    expect(view.riskScore).toBeGreaterThanOrEqual(75);
    expect(view.assessment).toMatchObject({ provider: 'openai', aiCompleted: true });
    expect(view.assessment!.model).toContain('omni-moderation-latest');
    expect(view.assessment!.policyVersion).toContain('SA@2026.11.2');
    expect(view.assessment!.keyframes.length).toBeGreaterThan(0);
    const frame = await fetch(`${server.url}/media/frames/${caseId}/0.jpg`, { headers: { authorization: `Bearer ${reviewer.token}` } });
    expect(frame.status).toBe(200);
    expect(frame.headers.get('content-type')).toBe('image/jpeg');
    // The studio sees keyframes (like findings) only after a human decision.
    expect((await fetch(`${server.url}/media/frames/${caseId}/0.jpg`, { headers: { authorization: `Bearer ${editor.token}` } })).status).toBe(404);
    // Requests went to the moderation endpoint with the model named in configuration, the key as a bearer token.
    const moderation = fake.requests.find((r) => r.path === '/v1/moderations')!;
    expect(moderation.body.model).toBe('omni-moderation-latest');
    expect(moderation.authorization).toBe('Bearer sk-test-not-a-real-key');
    expect(JSON.stringify(view.assessment!.calls)).not.toContain('sk-test-not-a-real-key');
  });

  it('a clean episode is CLEAR', async () => {
    const episodeId = await episodeWith([[1, 'Good morning, Mother.'], [3, 'The contract is signed.']]);
    const view = await screened(await submit(episodeId, ['US', 'GB']));
    expect(view.verdicts.map((v) => [v.territory, v.verdict, v.riskScore])).toEqual([['US', 'CLEAR', 0], ['GB', 'CLEAR', 0]]);
    expect(view.findings).toEqual([]);
  });

  it('a CN target without a filing number yields a blocking finding', async () => {
    const episodeId = await episodeWith([[1, '早上好']]);
    const view = await screened(await submit(episodeId, ['CN']));
    expect(view.findings.find((f) => f.ruleId === 'CN-FILING-01')).toMatchObject({ severity: 'BLOCKING', source: 'DETERMINISTIC', territory: 'CN' });
    expect(view.verdicts[0]).toMatchObject({ territory: 'CN', verdict: 'LIKELY_VIOLATION' });
    const filed = await episodeWith([[1, '早上好']], { filings: [{ territory: 'CN', filingNumber: '(2026)0421' }] });
    expect((await screened(await submit(filed, ['CN']))).findings.map((f) => f.ruleId)).not.toContain('CN-FILING-01');
  });

  it('429 then success completes, with the retry and its Retry-After recorded', async () => {
    const episodeId = await episodeWith([[1, 'Hello.']]);
    fake.inject('/v1/moderations', { status: 429, retryAfterSeconds: 1 });
    const view = await screened(await submit(episodeId, ['US']));
    expect(view.aiStatus).toBe('COMPLETED');
    const calls = view.assessment!.calls as AiCalls;
    expect(calls.retries).toBeGreaterThanOrEqual(1);
    expect(calls.entries.find((e) => e.status === 429)).toMatchObject({ retryAfterMs: 1000, attempt: 1 });
    expect(calls.entries.find((e) => e.attempt === 2 && e.status === 'ok')).toBeDefined();
  });

  it('a permanent 500 ends AI_UNAVAILABLE in the human queue, never CLEAR, and approves nothing', async () => {
    const episodeId = await episodeWith([[1, 'Hello.']]);
    fake.failAlways({ status: 500 });
    try {
      const view = await screened(await submit(episodeId, ['US']));
      expect(view).toMatchObject({ status: 'PENDING_REVIEW', aiStatus: 'AI_UNAVAILABLE' });
      expect(view.aiError).toMatch(/HTTP 500/);
      expect(view.verdicts[0]!.verdict).toBe('NEEDS_REVIEW');
      expect(view.decisions).toEqual([]);
      expect(view.assessment!.aiCompleted).toBe(false);
      expect((view.assessment!.calls as AiCalls).entries.filter((e) => e.status === 500)).toHaveLength(3);
    } finally {
      fake.clearFaults();
    }
  });

  it('a hung call times out and malformed JSON is retried', async () => {
    const episodeId = await episodeWith([[1, 'Hello.']]);
    fake.inject('/v1/moderations', { hang: true });
    fake.inject('/v1/chat/completions', { malformed: true });
    const view = await screened(await submit(episodeId, ['US']));
    expect(view.aiStatus).toBe('COMPLETED');
    const statuses = (view.assessment!.calls as AiCalls).entries.map((e) => e.status);
    expect(statuses).toContain('timeout');
    expect(statuses).toContain('malformed');
  });

  it('citations of rules that do not exist are dropped and noted', async () => {
    const episodeId = await episodeWith([[2, 'This line triggers an invented rule.']]);
    const view = await screened(await submit(episodeId, ['SA']));
    expect(view.findings.map((f) => f.ruleId)).not.toContain('SA-MADE-UP-99');
    expect(JSON.stringify(view.assessment!.calls)).toContain('Ignored citations of rules that do not exist: SA/SA-MADE-UP-99');
  });
});

describe('binding and invalidation', () => {
  it('replacing the media after submission invalidates the case and the episode needs review again', async () => {
    fake.latencyMs = 300;
    try {
      const episodeId = await episodeWith([[1, 'Hello.']]);
      const caseId = await submit(episodeId, ['US']);
      await uploadClip(server, editor.token, episodeId, makeClip('replacement', { seconds: 2 }), { cancels: 'US' });
      const view = await eventually(() => caseView(caseId), (c) => c.status === 'INVALIDATED', 'invalidation');
      expect(view.invalidatedReason).toMatch(/media was replaced/);
      await eventually(() => caseView(caseId), (c) => c.episode.status === 'READY', 'the episode back to READY');
    } finally {
      fake.latencyMs = 0;
    }
  });

  it('editing the reviewed title invalidates an open case', async () => {
    fake.latencyMs = 300;
    try {
      const episodeId = await episodeWith([[1, 'Hello.']]);
      const caseId = await submit(episodeId, ['US']);
      await server.gql(graphql('mutation($i: UpdateEpisodeInput!) { updateEpisode(input: $i) { id } }'), { i: { id: episodeId, title: 'A new title' } }, { token: editor.token });
      expect((await caseView(caseId)).status).toBe('INVALIDATED');
    } finally {
      fake.latencyMs = 0;
    }
  });
});

describe('resubmission after changes were requested', () => {
  it('links the new case to the previous one and shows the reviewer what changed', async () => {
    const episodeId = await episodeWith([[1, 'Hello.']]);
    const caseId = await submit(episodeId, ['US']);
    await screened(caseId);
    const l = await server.addMember(reviewer.organizationId, Role.LEAD);
    const claimed = await server.gql(graphql('mutation($f: QueueFilterInput) { claimNextCase(filter: $f) { id version } }'), { f: { studioId: editor.organizationId } }, { token: l.token });
    // Other screened cases of this studio may be ahead in the queue: take this one by hand-over instead.
    if (claimed.data!.claimNextCase!.id !== caseId) {
      await server.gql(graphql('mutation($id: ID!) { releaseCase(caseId: $id) { id } }'), { id: claimed.data!.claimNextCase!.id }, { token: l.token });
      await server.gql(graphql('mutation($c: ID!, $r: ID!) { assignCase(caseId: $c, reviewerId: $r) { id } }'), { c: caseId, r: l.userId }, { token: l.token });
    }
    const current = await server.gql(graphql('query($id: ID!) { reviewCase(id: $id) { version } }'), { id: caseId }, { token: l.token });
    const decided = await server.gql(
      graphql('mutation($i: DecideCaseInput!) { decideCase(input: $i) { episode { status } } }'),
      { i: { caseId, version: current.data!.reviewCase.version, decisions: [{ territory: 'US', decision: 'REQUEST_CHANGES', citedRuleIds: ['GLOBAL-HARASSMENT-01'], notes: 'Retitle it.' }] } },
      { token: l.token },
    );
    expect(decided.data?.decideCase.episode.status).toBe('CHANGES_REQUESTED');
    await server.gql(graphql('mutation($i: UpdateEpisodeInput!) { updateEpisode(input: $i) { id } }'), { i: { id: episodeId, title: 'A kinder title' } }, { token: editor.token });
    const again = await submit(episodeId, ['US']);
    const view = await server.gql(
      graphql('query($id: ID!) { reviewCase(id: $id) { previousCase { id } changesSincePrevious { mediaReplaced metadataChanges { field before after } } } }'),
      { id: again },
      { token: l.token },
    );
    expect(view.data!.reviewCase!.previousCase!.id).toBe(caseId);
    expect(view.data!.reviewCase!.changesSincePrevious).toEqual({ mediaReplaced: false, metadataChanges: [{ field: 'episodeTitle', before: 'Episode 1', after: 'A kinder title' }] });
  });
});

describe('submission', () => {
  it('refuses drafts, unknown territories and double submissions, naming the field, writing nothing', async () => {
    const seriesId = await seriesWithEpisodes(server, editor.token, editor.organizationId, 1);
    const draft = (await server.gql(graphql('query($id: ID!) { series(id: $id) { episodes { nodes { id } } } }'), { id: seriesId }, { token: editor.token })).data!.series.episodes.nodes[0]!.id;
    const before = await server.count('review_case');
    const q = graphql('mutation($i: SubmitForReviewInput!) { submitForReview(input: $i) { id } }');
    const notReady = await server.gql(q, { i: { episodeIds: [draft], territories: ['US'] } }, { token: editor.token });
    expect(errorCode(notReady)).toBe('BAD_USER_INPUT');
    expect(notReady.errors![0]!.extensions.field).toBe('input.episodeIds.0');
    expect(notReady.errors![0]!.message).toMatch(/DRAFT/);
    const ready = await episodeWith([[1, 'Hi']]);
    const unknown = await server.gql(q, { i: { episodeIds: [ready], territories: ['US', 'XX'] } }, { token: editor.token });
    expect(unknown.errors![0]!.extensions.field).toBe('input.territories.1');
    expect(await server.count('review_case')).toBe(before);
    fake.latencyMs = 300;
    try {
      await submit(ready, ['US']);
      const again = await server.gql(q, { i: { episodeIds: [ready], territories: ['US'] } }, { token: editor.token });
      expect(errorCode(again)).toBe('CONFLICT');
    } finally {
      fake.latencyMs = 0;
    }
  });

  it('the same episode submitted by several requests at once: one wins, the others answer CONFLICT, never a 500', async () => {
    const ready = await episodeWith([[1, 'Hi']]);
    const q = graphql('mutation($i: SubmitForReviewInput!) { submitForReview(input: $i) { id } }');
    const results = await Promise.all([1, 2, 3, 4].map(() => server.gql(q, { i: { episodeIds: [ready], territories: ['US'] } }, { token: editor.token })));
    const codes = results.map((r) => errorCode(r) ?? 'OK').sort();
    expect(codes).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT', 'OK']);
    for (const r of results) if (r.errors) expect(r.errors[0]!.message).toMatch(/already in review|at the same time/);
  });
});

describe('visibility, packs and auto-approve', () => {
  it('the studio sees "in review" with progress but no findings before a human decision; reviewers see everything', async () => {
    const episodeId = await episodeWith([[4.25, 'Pour me another whisky.']]);
    const caseId = await submit(episodeId, ['SA']);
    await screened(caseId);
    const asStudio = await caseView(caseId, editor.token);
    expect(asStudio.status).toBe('PENDING_REVIEW');
    expect(asStudio.episode.status).toBe('IN_REVIEW');
    expect(asStudio.findings).toEqual([]);
    expect(asStudio.assessment).toBeNull();
    expect(asStudio.verdicts).toEqual([]);
    expect(asStudio.riskScore).toBeNull();
    expect((await caseView(caseId, reviewer.token)).findings.length).toBeGreaterThan(0);
    const stranger = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    expect(errorCode(await server.gql(CASE, { id: caseId }, { token: stranger.token }))).toBe('NOT_FOUND');
  });

  it('admins read the active policy packs; studios cannot', async () => {
    const packs = await server.gql(graphql('{ policyPacks { territory version content } }'), {}, { token: admin.token });
    expect(packs.data!.policyPacks.map((p) => p.territory).sort()).toEqual(['AE', 'CN', 'DE', 'FR', 'GLOBAL', 'ID', 'MX', 'MY', 'SA', 'US']);
    expect((packs.data!.policyPacks.find((p) => p.territory === 'MX')!.content as { localization?: { languages: string[] } }).localization?.languages).toEqual(['es']);
    expect((packs.data!.policyPacks.find((p) => p.territory === 'SA')!.content as { rules: Array<{ id: string }> }).rules.map((r) => r.id)).toContain('SA-ALCOHOL-01');
    expect(errorCode(await server.gql(graphql('{ policyPacks { territory } }'), {}, { token: editor.token }))).toBe('FORBIDDEN');
  });

  it('auto-approve is off by default; when an admin enables it, clear low-risk cases are approved by the policy, audited', async () => {
    const clean = await episodeWith([[1, 'Good morning.']]);
    expect((await screened(await submit(clean, ['US']))).status).toBe('PENDING_REVIEW');
    const set = (enabled: boolean) =>
      server.gql(graphql('mutation($i: ReviewSettingsInput!) { updateReviewSettings(input: $i) { autoApproveEnabled } }'), { i: { autoApproveEnabled: enabled, autoApproveMaxRisk: 10, studioSeesFindingsBeforeDecision: false } }, { token: admin.token });
    expect(errorCode(await server.gql(graphql('mutation($i: ReviewSettingsInput!) { updateReviewSettings(input: $i) { autoApproveEnabled } }'), { i: { autoApproveEnabled: true, autoApproveMaxRisk: 10, studioSeesFindingsBeforeDecision: false } }, { token: reviewer.token }))).toBe('FORBIDDEN');
    await set(true);
    try {
      const another = await episodeWith([[1, 'Good evening.']]);
      const view = await screened(await submit(another, ['US']));
      expect(view.status).toBe('DECIDED');
      expect(view.decisions).toEqual([{ territory: 'US', decision: 'APPROVE', actorLabel: 'policy: auto-approve (risk ≤ 10)' }]);
      expect(view.episode.status).toBe('APPROVED');
      const risky = await episodeWith([[1, 'Pour me another whisky.']]);
      expect((await screened(await submit(risky, ['SA']))).status).toBe('PENDING_REVIEW');
      const audit = (await server.orm.em.getConnection().execute(`select action from audit_event where subject_id = ? order by id`, [view.id])) as Array<{ action: string }>;
      expect(audit.map((a) => a.action)).toEqual(['review.submit', 'review.screened', 'review.auto_approve']);
    } finally {
      await set(false);
    }
  });
});

describe('exactly once', () => {
  it('running one case twice at the same time leaves exactly one assessment', async () => {
    fake.latencyMs = 200;
    try {
      const episodeId = await episodeWith([[1, 'Hello.']]);
      const caseId = await submit(episodeId, ['US']);
      const pipeline = new ReviewPipeline(server.orm, server.config, { child: () => ({ error: () => {}, info: () => {} }) } as never, new LocalMediaStorage(server.config.mediaDir), createReviewProvider(server.config), server.app.services.reviews, server.app.services.audit);
      await Promise.all([pipeline.run(caseId), pipeline.run(caseId)]);
      await screened(caseId);
      const rows = (await server.orm.em.getConnection().execute('select count(*)::int as n from ai_assessment where review_case_id = ?', [caseId])) as Array<{ n: number }>;
      expect(rows[0]!.n).toBe(1);
    } finally {
      fake.latencyMs = 0;
    }
  });
});

describe('the embedded default', () => {
  it('works with no key at all and names its rules and its small model', async () => {
    const plain = await TestServer.start({ ...AI_ENV }, undefined, { runWorker: true });
    try {
      const owner = await plain.member(OrganizationKind.STUDIO, Role.OWNER);
      const seriesId = await seriesWithEpisodes(plain, owner.token, owner.organizationId, 1);
      await plain.gql(graphql('mutation($id: ID!, $i: LicenseInput!) { setLicense(seriesId: $id, input: $i) { id } }'), { id: seriesId, i: LICENSE }, { token: owner.token });
      const episodeId = (await plain.gql(graphql('query($id: ID!) { series(id: $id) { episodes { nodes { id } } } }'), { id: seriesId }, { token: owner.token })).data!.series.episodes.nodes[0]!.id;
      await plain.gql(graphql('mutation($i: SubtitlesInput!) { setSubtitles(input: $i) { id } }'), { i: { episodeId, language: 'en', format: 'WEBVTT', content: 'WEBVTT\n\n00:00:02.000 --> 00:00:03.000\nA glass of champagne?\n' } }, { token: owner.token });
      await readyEpisode(plain, owner.token, episodeId, clip);
      const submitted = await plain.gql(graphql('mutation($i: SubmitForReviewInput!) { submitForReview(input: $i) { id } }'), { i: { episodeIds: [episodeId], territories: ['SA'] } }, { token: owner.token });
      const lead = await plain.member(OrganizationKind.OPERATOR, Role.LEAD);
      const view = await eventually(async () => (await plain.gql(CASE, { id: submitted.data!.submitForReview[0]!.id }, { token: lead.token })).data!.reviewCase, (c) => c.status === 'PENDING_REVIEW', 'screening');
      expect(view.assessment).toMatchObject({ provider: 'embedded', model: expect.stringMatching(/^keyword rules \+ obscenity \+ nsfwjs\/MobileNetV2 /), aiCompleted: true });
      expect(view.findings.find((f) => f.ruleId === 'SA-ALCOHOL-01')).toMatchObject({ source: 'RULES', evidence: expect.objectContaining({ cueStart: 2, match: 'champagne' }) });
    } finally {
      await plain.stop();
    }
  });
});
