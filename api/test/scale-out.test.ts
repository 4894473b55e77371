import { createHash } from 'node:crypto';
import { readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import * as tus from 'tus-js-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { eventually, settledRead, uploadsEnded } from './support/media';
import { nginxUnavailable, startLoadBalancer, type LoadBalancer } from './support/nginx';
import { apiBeside, startApiProcess, startWorkerProcess, type ApiProcess, type ServiceProcess } from './support/processes';
import { TEST_PASSWORD, TestServer, type SignedInMember } from './support/server';
import { makeClip, sha256Of } from './support/videos';
import { print } from '@0no-co/graphql.web';
import { graphql, type TadaDocumentNode } from '../../schema/graphql';

/**
 * The scaled-out shape of production on one machine: nginx balancing round-robin over two built API
 * processes, one worker process, one database and one shared media folder. Everything a person or a
 * partner does goes through nginx. Needs `npm run build -w api` first (the test script does it).
 */
const nginxMissing = nginxUnavailable();
if (nginxMissing) console.warn(`Skipping the scale-out test: ${nginxMissing}`);

const DAY = 24 * 3600_000;
/** Background work (processing, screening by the worker every couple of seconds) gets this long. */
const PATIENCE = 90_000;

let harness: TestServer;
let apis: ApiProcess[] = [];
let worker: ServiceProcess | undefined;
let lb: LoadBalancer;
let owner: SignedInMember;
let lead: SignedInMember;
let admin: SignedInMember;

beforeAll(async () => {
  if (nginxMissing) return;
  // The harness makes the database and the people; its own in-process API is not behind nginx.
  harness = await TestServer.start();
  admin = await harness.member(OrganizationKind.OPERATOR, Role.ADMIN);
  lead = await harness.addMember(admin.organizationId, Role.LEAD);
  owner = await harness.member(OrganizationKind.STUDIO, Role.OWNER, 'Crimson Reel');
  const env = apiBeside(harness);
  const started = await Promise.allSettled([startApiProcess(env), startApiProcess(env)]);
  apis = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  for (const s of started) if (s.status === 'rejected') throw s.reason;
  worker = startWorkerProcess({ ...env, JOB_MAINTENANCE_SECONDS: '5' });
  lb = await startLoadBalancer(apis.map((a) => a.address));
}, 120_000);

afterAll(async () => {
  await lb?.stop();
  await Promise.all([...apis.map((a) => a.stop()), worker?.stop()]);
  await harness?.stop();
  if (harness) rmSync(harness.config.dataDir, { recursive: true, force: true });
}, 60_000);

interface Answer<T> {
  data?: T;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
  /** The instance nginx passed the request to (the last one, if it had to try another). */
  upstream: string;
}

/** One GraphQL operation through nginx. */
async function gql<T, V>(document: TadaDocumentNode<T, V>, variables: V, token?: string): Promise<Answer<T>> {
  const res = await fetch(`${lb.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const json = (await res.json()) as Omit<Answer<T>, 'upstream'>;
  return { ...json, upstream: answeredBy(res.headers.get('x-upstream')) };
}

/** Like gql, but the operation must succeed. */
async function must<T, V>(document: TadaDocumentNode<T, V>, variables: V, token?: string): Promise<T> {
  const answer = await gql(document, variables, token);
  if (answer.errors || !answer.data) throw new Error(`${print(document)}\n${JSON.stringify(answer.errors)}`);
  return answer.data;
}

/** `$upstream_addr` lists every instance tried, comma-separated; the last one answered. */
const answeredBy = (header: string | null | undefined) => (header ?? '').split(',').pop()!.trim();

describe.skipIf(Boolean(nginxMissing))('two API instances and a worker behind nginx', () => {
  const tokens: Record<'owner' | 'lead' | 'admin', string> = { owner: '', lead: '', admin: '' };
  let seriesId: string;
  let episodeId: string;
  let clip: string;

  it('people sign in through nginx, and requests are spread over both instances', async () => {
    const seen = new Set<string>();
    for (const [who, member] of [['owner', owner], ['lead', lead], ['admin', admin]] as const) {
      const answer = await gql(graphql('mutation($i: SignInInput!) { signIn(input: $i) { token } }'), { i: { email: member.email, password: TEST_PASSWORD } });
      expect(answer.errors).toBeUndefined();
      tokens[who] = answer.data!.signIn.token;
      seen.add(answer.upstream);
    }
    // A session made on one instance is known to the other (sessions live in PostgreSQL).
    for (let i = 0; i < 4; i++) {
      const viewer = await gql(graphql('{ viewer { kind } }'), {}, tokens.owner);
      expect(viewer.data?.viewer.kind).toBe('USER');
      seen.add(viewer.upstream);
    }
    expect([...seen].sort()).toEqual(apis.map((a) => a.address).sort());

    const studio = await must(graphql('mutation($s: ID!, $i: SeriesInput!) { createSeries(studioId: $s, input: $i) { id } }'), { s: owner.organizationId, i: { title: 'The Contract Bride', originalLanguage: 'en' } }, tokens.owner);
    seriesId = studio.createSeries.id;
    const added = await must(graphql('mutation($i: AddEpisodesInput!) { addEpisodes(input: $i) { id } }'), { i: { seriesId, fromNumber: 1, toNumber: 1 } }, tokens.owner);
    episodeId = added.addEpisodes[0]!.id;
  });

  it('an upload alternates between instances, survives one being killed mid-way, and the stored bytes are the source', async () => {
    clip = makeClip('scale-out', { seconds: 10 });
    const bytes = readFileSync(clip);
    const patches: Array<{ upstream: string; status: number; afterKill: boolean }> = [];
    let accepted = 0;
    let victim: ApiProcess | undefined;
    let killing: Promise<void> | undefined;
    const dead = () => Boolean(victim && (victim.child.exitCode !== null || victim.child.signalCode !== null));
    // Requests sent once the victim had exited: none of them can have been answered by it.
    const sentAfterKill = new WeakSet<object>();

    await new Promise<void>((resolve, reject) => {
      const upload = new tus.Upload(bytes, {
        endpoint: `${lb.url}/uploads`,
        // Small chunks: a few dozen PATCHes, so round-robin sends them to both instances.
        chunkSize: 8 * 1024,
        retryDelays: [0, 250, 500, 1000, 2000, 4000, 8000, 8000],
        headers: { authorization: `Bearer ${tokens.owner}` },
        metadata: { episodeId, filename: path.basename(clip), filetype: 'video/mp4' },
        onBeforeRequest: (req) => {
          if (dead()) sentAfterKill.add(req);
          const bothServed = new Set(patches.map((p) => p.upstream)).size === 2;
          if (req.getMethod() === 'PATCH' && !killing && bothServed && accepted >= bytes.length / 3) {
            // Round-robin sends this PATCH to the instance that did not answer the last one; a few
            // milliseconds in, it is most likely being handled there: a crash mid-request.
            victim = apis.find((a) => a.address !== patches.at(-1)!.upstream)!;
            killing = new Promise((done) => setTimeout(() => void victim!.kill().then(done), 5));
          }
        },
        onAfterResponse: (req, res) => {
          if (req.getMethod() === 'PATCH') patches.push({ upstream: answeredBy(res.getHeader('x-upstream')), status: res.getStatus(), afterKill: sentAfterKill.has(req) });
        },
        onChunkComplete: (_chunk, bytesAccepted) => {
          accepted = bytesAccepted;
        },
        onError: reject,
        onSuccess: () => resolve(),
      });
      upload.start();
    });
    await killing;

    expect(victim, 'an instance was killed during the upload').toBeDefined();
    expect(victim!.child.signalCode).toBe('SIGKILL');
    const survivor = apis.find((a) => a !== victim)!;
    const served = patches.filter((p) => p.status === 204);
    expect(new Set(served.filter((p) => !p.afterKill).map((p) => p.upstream))).toEqual(new Set([victim!.address, survivor.address]));
    const afterKill = served.filter((p) => p.afterKill);
    expect(afterKill.length).toBeGreaterThan(0);
    expect(new Set(afterKill.map((p) => p.upstream))).toEqual(new Set([survivor.address]));
    expect(accepted).toBe(bytes.length);

    const media = await settledRead(
      () => must(graphql('query($id: ID!) { episode(id: $id) { status uploadError media { sha256 sizeBytes } uploads { status } } }'), { id: episodeId }, tokens.owner),
      (d) => !['UPLOADING', 'PROCESSING'].includes(d.episode.status) && uploadsEnded(d.episode.uploads),
      'the upload to be processed',
      PATIENCE,
    );
    expect(media.episode).toMatchObject({ status: 'READY', uploadError: null });
    expect(media.episode.media).toEqual({ sha256: sha256Of(clip), sizeBytes: statSync(clip).size });
  }, 120_000);

  it('the worker screens it, a lead approves it, and the partner it is released to sees it in its US catalog and plays it', async () => {
    const windowStart = new Date(Date.now() - DAY).toISOString();
    const windowEnd = new Date(Date.now() + 365 * DAY).toISOString();
    await must(graphql('mutation($id: ID!, $i: LicenseInput!) { setLicense(seriesId: $id, input: $i) { id } }'), {
      id: seriesId,
      i: { sourceWorkTitle: 'The Contract Bride', sourceWorkKind: 'NOVEL' as const, licensor: 'Lotus Press', licenseKind: 'ADAPTATION' as const, territoriesIncluded: ['US'], windowStart, windowEnd },
    }, tokens.owner);
    await must(graphql('mutation($i: SetEpisodePricesInput!) { setEpisodePrices(input: $i) { episode { number } } }'), { i: { seriesId, fromNumber: 1, toNumber: 1, territory: 'US', currency: 'USD', amountMinor: 49 } }, tokens.owner);

    const submitted = await must(graphql('mutation($i: SubmitForReviewInput!) { submitForReview(input: $i) { id } }'), { i: { episodeIds: [episodeId], territories: ['US'] } }, tokens.owner);
    const caseId = submitted.submitForReview[0]!.id;
    // Only the worker process works the screening queue; the API instances only enqueue.
    const screened = await eventually(
      () => must(graphql('query($id: ID!) { reviewCase(id: $id) { status aiStatus assessment { provider } } }'), { id: caseId }, tokens.lead),
      (d) => d.reviewCase.status !== 'QUEUED' && d.reviewCase.status !== 'SCREENING',
      'the worker to screen the case',
      PATIENCE,
    );
    expect(screened.reviewCase).toMatchObject({ status: 'PENDING_REVIEW', aiStatus: 'COMPLETED', assessment: { provider: 'embedded' } });

    const claimed = await must(graphql('mutation($f: QueueFilterInput) { claimNextCase(filter: $f) { id version } }'), { f: { studioId: owner.organizationId } }, tokens.lead);
    expect(claimed.claimNextCase!.id).toBe(caseId);
    const decided = await must(
      graphql('mutation($i: DecideCaseInput!) { decideCase(input: $i) { status episode { status } } }'),
      { i: { caseId, version: claimed.claimNextCase!.version, decisions: [{ territory: 'US', decision: 'APPROVE' }] } },
      tokens.lead,
    );
    expect(decided.decideCase.episode.status).toBe('APPROVED');

    // An operator admin sets up the partner platform: organization, territories, API key.
    const partner = await must(graphql('mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { id } }'), { i: { name: 'ShortPlay', kind: 'PARTNER' } }, tokens.admin);
    const partnerId = partner.createOrganization.id;
    await must(graphql('mutation($id: ID!, $i: PartnerProfileInput!) { updatePartner(partnerId: $id, input: $i) { currency } }'), { id: partnerId, i: { territories: ['US'], currency: 'USD' } }, tokens.admin);
    const key = (await must(graphql('mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret } }'), { i: { organizationId: partnerId, name: 'catalog sync' } }, tokens.admin)).createApiKey.secret;

    await must(graphql('mutation($s: ID!, $p: ID!, $i: ReleasePlanInput!) { setReleasePlan(seriesId: $s, partnerId: $p, input: $i) { id } }'), { s: seriesId, p: partnerId, i: { mode: 'ALL_AT_ONCE', startsAt: windowStart } }, tokens.owner);

    const live = await eventually(
      () => must(graphql('query { catalog(territory: "US") { nodes { title licensor episodes { nodes { id number price { currency amount } } } } } }'), {}, key),
      (d) => d.catalog.nodes.some((s) => s.episodes.nodes.length > 0),
      'the episode to be live for the partner',
      PATIENCE,
    );
    const series = live.catalog.nodes.find((s) => s.title === 'The Contract Bride')!;
    expect(series.licensor).toBe('Lotus Press');
    expect(series.episodes.nodes.map((e) => [e.number, e.price])).toEqual([[1, { currency: 'USD', amount: '0.49' }]]);

    // A URL signed by one instance plays through whichever instance nginx picks.
    const playback = await must(graphql('query($id: ID!) { playback(episodeId: $id, territory: "US") { url } }'), { id: series.episodes.nodes[0]!.id }, key);
    const video = await fetch(lb.url + playback.playback.url);
    expect(video.status).toBe(200);
    expect(createHash('sha256').update(Buffer.from(await video.arrayBuffer())).digest('hex')).toBe(sha256Of(clip));
  }, 180_000);
});
