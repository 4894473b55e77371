import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../../schema/graphql';
import { findRepoRoot } from '../src/config';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { seriesWithEpisodes } from './support/catalog';
import { FakeOpenAi } from './support/fake-openai';
import { eventually, readyEpisode } from './support/media';
import { TestServer } from './support/server';
import { makeClip } from './support/videos';

const SERIES_EPISODES = graphql(`query WorkerSeriesEpisodes($id: ID!) { series(id: $id) { episodes { nodes { id } } } }`);
const SUBMIT = graphql(`mutation WorkerSubmit($input: SubmitForReviewInput!) { submitForReview(input: $input) { id } }`);
const CASE_STATE = graphql(`query WorkerCaseState($id: ID!) { reviewCase(id: $id) { status aiStatus } }`);

/** The worker as it runs in production: its own process (`npm run worker`), built first. */
const WORKER = path.join(findRepoRoot(), 'api', 'dist', 'api', 'src', 'cli', 'worker.js');

let fake: FakeOpenAi;
let server: TestServer;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  fake = await new FakeOpenAi().start();
  server = await TestServer.start({ REVIEW_JOB_EXPIRE_SECONDS: '3' });
});
afterAll(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  await server?.stop();
  await fake?.stop();
});

function startWorker(): ChildProcess {
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
      REVIEW_MAX_KEYFRAMES: '1',
      REVIEW_JOB_EXPIRE_SECONDS: '3',
      // The retried job finds the case held until the dead worker's screening lease lapses.
      REVIEW_SCREENING_LEASE_SECONDS: '3',
      JOB_MAINTENANCE_SECONDS: '1',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  workers.push(child);
  return child;
}

describe('a worker killed mid-job', () => {
  it('is retried by another worker and the assessment is written exactly once', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const lead = await server.member(OrganizationKind.OPERATOR, Role.LEAD);
    const seriesId = await seriesWithEpisodes(server, owner.token, owner.organizationId, 1);
    const episodeId = (await server.gql(SERIES_EPISODES, { id: seriesId }, { token: owner.token })).data!.series.episodes.nodes[0]!.id;
    await readyEpisode(server, owner.token, episodeId, makeClip('killed-worker'));

    // The first worker hangs on the policy call, then dies without a chance to clean up.
    fake.inject('/v1/chat/completions', { hang: true });
    const first = startWorker();
    const submitted = await server.gql(SUBMIT, { input: { episodeIds: [episodeId], territories: ['US'] } }, { token: owner.token });
    const caseId = submitted.data!.submitForReview[0]!.id;
    await eventually(async () => fake.count('/v1/chat/completions'), (n) => n >= 1, 'the first worker to reach the policy call', 60_000);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));

    startWorker();
    const view = await eventually(
      async () => (await server.gql(CASE_STATE, { id: caseId }, { token: lead.token })).data!.reviewCase,
      (c) => c.status === 'PENDING_REVIEW',
      'the retried job to finish',
      60_000,
    );
    expect(view.aiStatus).toBe('COMPLETED');
    const rows = (await server.orm.em.getConnection().execute('select count(*)::int as n from ai_assessment where review_case_id = ?', [caseId])) as Array<{ n: number }>;
    expect(rows[0]!.n).toBe(1);
    expect(fake.count('/v1/chat/completions')).toBeGreaterThanOrEqual(2);
  }, 120_000);
});
