import { spawn, type ChildProcess } from 'node:child_process';
import { rm, truncate } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRepoRoot } from '../src/config';
import { REVIEW_DEAD_LETTER } from '../src/jobs/queue';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { seriesWithEpisodes } from './support/catalog';
import { FakeOpenAi } from './support/fake-openai';
import { eventually, readyEpisode } from './support/media';
import { TestServer, type SignedInMember } from './support/server';
import { makeClip } from './support/videos';
import { graphql, type ResultOf } from '../../schema/graphql';

/**
 * Screening fails closed end to end: whatever fails before a result is recorded, the case reaches
 * reviewers as AI unavailable; partial provider answers are failures; a dead worker's case is taken
 * over within the lease, with its calls on record. Screening runs in real worker processes
 * (`npm run worker`, built first) against a fake OpenAI-compatible server.
 */
const WORKER = path.join(findRepoRoot(), 'api', 'dist', 'api', 'src', 'cli', 'worker.js');
const LEASE_SECONDS = 2;

let fake: FakeOpenAi;
let server: TestServer;
let owner: SignedInMember;
let reviewer: SignedInMember;
let admin: SignedInMember;
let worker: { child: ChildProcess; output: string[] } | undefined;
const children: ChildProcess[] = [];

function startWorker(): { child: ChildProcess; output: string[] } {
  const child = spawn(process.execPath, [WORKER], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: server.databaseUrl,
      DATA_DIR: server.config.dataDir,
      APP_SECRET: server.config.appSecret,
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: fake.url,
      AI_CALL_TIMEOUT_MS: '60000',
      AI_RETRY_BASE_MS: '20',
      AI_MAX_ATTEMPTS: '3',
      REVIEW_MAX_KEYFRAMES: '1',
      // Long: a dead worker's case must be rescued by the lease, not by the job's expiry.
      REVIEW_JOB_EXPIRE_SECONDS: '900',
      REVIEW_SCREENING_LEASE_SECONDS: String(LEASE_SECONDS),
      JOB_MAINTENANCE_SECONDS: '1',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  children.push(child);
  return { child, output };
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
}

beforeAll(async () => {
  fake = await new FakeOpenAi().start();
  server = await TestServer.start({ REVIEW_SCREENING_LEASE_SECONDS: String(LEASE_SECONDS) });
  owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
  reviewer = await server.member(OrganizationKind.OPERATOR, Role.REVIEWER);
  admin = await server.addMember(reviewer.organizationId, Role.ADMIN);
  worker = startWorker();
});
afterAll(async () => {
  for (const c of children) await kill(c);
  await server?.stop();
  await fake?.stop();
});

const LICENSE = { sourceWorkTitle: 'Night Vows', sourceWorkKind: 'NOVEL' as const, licensor: 'Lotus Press', licenseKind: 'ADAPTATION' as const, territoriesIncluded: ['WORLDWIDE'], windowStart: '2026-01-01T00:00:00Z', windowEnd: '2030-01-01T00:00:00Z' };

let clips = 0;
/** A READY episode with its own media file (clips differ in length, so their content-addressed files differ). */
async function readyEpisodeWith(cues: Array<[number, string]> = [[1, 'Good morning.']]): Promise<{ episodeId: string; mediaFile: string; sizeBytes: number }> {
  const seriesId = await seriesWithEpisodes(server, owner.token, owner.organizationId, 1, { title: 'Night Vows' });
  await server.gql(graphql('mutation($id: ID!, $i: LicenseInput!) { setLicense(seriesId: $id, input: $i) { id } }'), { id: seriesId, i: LICENSE }, { token: owner.token });
  const episodeId = (await server.gql(graphql('query($id: ID!) { series(id: $id) { episodes { nodes { id } } } }'), { id: seriesId }, { token: owner.token })).data!.series.episodes.nodes[0]!.id;
  const vtt = `WEBVTT\n\n${cues.map(([t, text]) => `00:00:0${t}.000 --> 00:00:0${t + 1}.000\n${text}`).join('\n\n')}\n`;
  await server.gql(graphql('mutation($i: SubtitlesInput!) { setSubtitles(input: $i) { id } }'), { i: { episodeId, language: 'en', format: 'WEBVTT', content: vtt } }, { token: owner.token });
  clips++;
  await readyEpisode(server, owner.token, episodeId, makeClip(`fail-closed-${clips}`, { seconds: 1 + clips }));
  const [media] = (await server.orm.em.getConnection().execute('select m.storage_key, m.size_bytes from episode e join media_revision m on m.id = e.current_media_id where e.id = ?', [episodeId])) as Array<{ storage_key: string; size_bytes: number }>;
  return { episodeId, mediaFile: path.join(server.config.mediaDir, media!.storage_key), sizeBytes: Number(media!.size_bytes) };
}

async function submit(episodeId: string, territories: string[]): Promise<string> {
  const res = await server.gql(graphql('mutation($i: SubmitForReviewInput!) { submitForReview(input: $i) { id } }'), { i: { episodeIds: [episodeId], territories } }, { token: owner.token });
  if (!res.data) throw new Error(JSON.stringify(res.errors));
  return res.data.submitForReview[0]!.id;
}

const CASE = graphql('query($id: ID!) { reviewCase(id: $id) { status aiStatus aiError verdicts { territory verdict } decisions { decision } episode { status } assessment { aiCompleted calls } } }');
type CaseView = NonNullable<ResultOf<typeof CASE>['reviewCase']>;
/** One AI call of a screening, as the assessment's `calls` JSON records it. */
type AiCall = { call: string; run: number; attempt: number; status: unknown; error?: string };
const callsOf = (c: CaseView) => (c.assessment!.calls as { entries: AiCall[] }).entries;
const view = async (id: string) => (await server.gql(CASE, { id }, { token: reviewer.token })).data!.reviewCase!;
const screened = (id: string, timeoutMs = 30_000) => eventually(() => view(id), (c) => c.status !== 'QUEUED' && c.status !== 'SCREENING', 'the case to leave screening', timeoutMs);

async function setAutoApprove(enabled: boolean): Promise<void> {
  const res = await server.gql(graphql('mutation($i: ReviewSettingsInput!) { updateReviewSettings(input: $i) { autoApproveEnabled } }'), { i: { autoApproveEnabled: enabled, autoApproveMaxRisk: 10, studioSeesFindingsBeforeDecision: false } }, { token: admin.token });
  expect(res.errors).toBeUndefined();
}

/** Reviewers get it, marked AI unavailable with the reason; nothing was approved. */
function expectSentToHumans(c: CaseView, reason: RegExp): void {
  expect(c.status).toBe('PENDING_REVIEW');
  expect(c.aiStatus).toBe('AI_UNAVAILABLE');
  expect(c.aiError).toMatch(reason);
  expect(c.decisions).toEqual([]);
  expect(c.episode.status).toBe('IN_REVIEW');
  expect(c.verdicts.every((v) => v.verdict !== 'CLEAR')).toBe(true);
  expect(c.assessment?.aiCompleted).toBe(false);
}

describe('any failure before a result is recorded sends the case to humans as AI unavailable', () => {
  it('the stored media file removed before submission', async () => {
    const { episodeId, mediaFile } = await readyEpisodeWith();
    await rm(mediaFile);
    const caseId = await submit(episodeId, ['US']);
    const c = await screened(caseId);
    expectSentToHumans(c, /media file is missing/);
    await eventually(async () => worker!.output.join(''), (out) => out.includes(caseId) && /AI unavailable/.test(out), 'the worker to log it');
  });

  it('the stored media file cut to 1 KiB before submission', async () => {
    const { episodeId, mediaFile, sizeBytes } = await readyEpisodeWith();
    await truncate(mediaFile, 1024);
    const caseId = await submit(episodeId, ['US']);
    const c = await screened(caseId);
    expectSentToHumans(c, new RegExp(`1024 bytes; the submitted revision has ${sizeBytes}`));
    // Refused at once: a file that is not the submitted one will not mend with retries.
    expect(callsOf(c)).toEqual([]);
  });

  it('a review job that failed every retry is dead-lettered, and the dead letter sends its case to humans', async () => {
    await kill(worker!.child);
    const { episodeId } = await readyEpisodeWith();
    const caseId = await submit(episodeId, ['US']);
    // As a run that keeps failing leaves it: held in SCREENING by a live-looking lease.
    await server.orm.em.getConnection().execute(`update review_case set status = 'SCREENING', screening_started_at = now(), screening_lease_until = now() + interval '1 hour', screening_runs = 1 where id = ?`, [caseId]);
    await server.app.queue.send(REVIEW_DEAD_LETTER, { caseId });
    worker = startWorker();
    expectSentToHumans(await screened(caseId), /failed after every retry/);
  });
});

describe('no case stays in screening longer than the limit', () => {
  it('a screening past REVIEW_SCREENING_LIMIT_MINUTES goes to humans, even while its lease is renewed', async () => {
    await kill(worker!.child);
    const { episodeId } = await readyEpisodeWith();
    const caseId = await submit(episodeId, ['US']);
    // A worker that is alive (lease renewed) but stuck since long before the limit (30 minutes by default).
    await server.orm.em.getConnection().execute(`update review_case set status = 'SCREENING', screening_started_at = now() - interval '31 minutes', screening_lease_until = now() + interval '1 hour', screening_runs = 1 where id = ?`, [caseId]);
    worker = startWorker();
    expectSentToHumans(await screened(caseId), /did not finish within 30 minutes/);
  });
});

describe('a partial provider answer is a failure, never clean', () => {
  it('moderation answering `results: []` is not clean and is not auto-approved, even with auto-approve on', async () => {
    const { episodeId } = await readyEpisodeWith([[1, 'Good evening.']]);
    await setAutoApprove(true);
    fake.inject('/v1/moderations', ...Array.from({ length: 50 }, () => ({ partial: true as const })));
    try {
      const c = await screened(await submit(episodeId, ['US']));
      expectSentToHumans(c, /moderation answer covers 0 of/);
      expect(callsOf(c).filter((e) => e.status === 'malformed').length).toBeGreaterThanOrEqual(3);
    } finally {
      fake.clearFaults();
      await setAutoApprove(false);
    }
    // The same episode type with full answers is clean and auto-approved: the refusal above is the partial answer's doing.
    await setAutoApprove(true);
    try {
      const { episodeId: other } = await readyEpisodeWith([[1, 'Good evening.']]);
      const clean = await screened(await submit(other, ['US']));
      expect(clean, JSON.stringify(clean.verdicts)).toMatchObject({ status: 'DECIDED', aiStatus: 'COMPLETED', decisions: [{ decision: 'APPROVE' }] });
    } finally {
      await setAutoApprove(false);
    }
  });

  it('a policy answer missing a territory is a failure', async () => {
    const { episodeId } = await readyEpisodeWith([[1, 'Good morning.']]);
    await setAutoApprove(true);
    fake.inject('/v1/chat/completions', ...Array.from({ length: 10 }, () => ({ partial: true as const })));
    try {
      const c = await screened(await submit(episodeId, ['US', 'SA']));
      expectSentToHumans(c, /does not cover (SA|US)/);
      expect(callsOf(c).filter((e) => e.call === 'policy.chat').map((e) => e.status)).toEqual(['malformed', 'malformed', 'malformed']);
    } finally {
      fake.clearFaults();
      await setAutoApprove(false);
    }
  });
});

describe('a worker killed mid-screening', () => {
  it('its case is taken over within the lease, and the calls it made are on record', async () => {
    const { episodeId } = await readyEpisodeWith([[1, 'Pour me another whisky.']]);
    fake.inject('/v1/chat/completions', { hang: true });
    const before = fake.count('/v1/chat/completions');
    const caseId = await submit(episodeId, ['SA']);
    await eventually(async () => fake.count('/v1/chat/completions'), (n) => n > before, 'the worker to reach the policy call', 60_000);
    await kill(worker!.child);
    const killedAt = Date.now();

    worker = startWorker();
    const c = await screened(caseId, 60_000);
    // Within the lease plus a sweep and a worker start; the job itself would expire only after 15 minutes.
    expect(Date.now() - killedAt).toBeLessThan(LEASE_SECONDS * 1000 + 20_000);
    expect(c.status).toBe('PENDING_REVIEW');
    expect(c.aiStatus).toBe('COMPLETED');
    expect(c.verdicts).toEqual([{ territory: 'SA', verdict: 'LIKELY_VIOLATION' }]);
    const entries = callsOf(c);
    const dead = entries.filter((e) => e.run === 1);
    expect(dead.map((e) => e.call)).toEqual(expect.arrayContaining(['moderation.text#1', 'moderation.frame#1', 'policy.chat']));
    expect(dead.find((e) => e.call === 'policy.chat')).toMatchObject({ status: 'unanswered', error: expect.stringMatching(/worker stopped/) });
    expect(entries.filter((e) => e.run === 2 && e.call === 'policy.chat').map((e) => e.status)).toEqual(['ok']);
    const rows = (await server.orm.em.getConnection().execute('select count(*)::int as n from ai_assessment where review_case_id = ?', [caseId])) as Array<{ n: number }>;
    expect(rows[0]!.n).toBe(1);
  }, 120_000);
});
