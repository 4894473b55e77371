import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { seriesWithEpisodes } from './support/catalog';
import { eventually, readyEpisode, uploadClip } from './support/media';
import { LICENSE, resubmitAndApprove, startWithOperatorLead } from './support/publishing';
import type { SignedInMember, TestServer } from './support/server';
import { makeClip, sha256Of } from './support/videos';
import { statSync } from 'node:fs';
import { REFUSAL_HEADER } from '../src/uploads/upload-refusals';
import { graphql, type ResultOf } from '../../schema/graphql';

let server: TestServer;
let lead: SignedInMember;
let studio: SignedInMember;
let episodes: string[];

beforeAll(async () => {
  ({ server, lead } = await startWithOperatorLead());
  studio = await server.member(OrganizationKind.STUDIO, Role.OWNER);
  const seriesId = await seriesWithEpisodes(server, studio.token, studio.organizationId, 5);
  const licensed = await server.gql(graphql('mutation($id: ID!, $i: LicenseInput!) { setLicense(seriesId: $id, input: $i) { id } }'), { id: seriesId, i: LICENSE }, { token: studio.token });
  expect(licensed.errors).toBeUndefined();
  const res = await server.gql(graphql('query($id: ID!) { series(id: $id) { episodes { nodes { id } } } }'), { id: seriesId }, { token: studio.token });
  episodes = res.data!.series.episodes.nodes.map((n) => n.id);
});
afterAll(() => server?.stop());

const EPISODE = graphql(`
  query IdenticalUploadsEpisode($id: ID!) {
    episode(id: $id) {
      status uploadError
      media { id sha256 sizeBytes }
      mediaRevisions { id }
      uploads(first: 10) { id status identicalToCurrentMedia failureReason }
      reviewCases { id status invalidatedReason }
      territoryOutcomes { territory decision }
      replacementCancels { territory loss }
    }
  }
`);
type EpisodeView = ResultOf<typeof EPISODE>['episode'];

async function episodeView(id: string): Promise<EpisodeView> {
  const res = await server.gql(EPISODE, { id }, { token: studio.token });
  if (!res.data) throw new Error(JSON.stringify(res.errors));
  return res.data.episode;
}

/**
 * Uploads `clip`, waits until every upload of the episode has ended, then reads the episode afresh
 * (a read that straddled the end of processing could see the upload ended and the episode before).
 */
async function uploadAndSettle(episodeId: string, clip: string, metadata: Record<string, string> = {}): Promise<EpisodeView> {
  await uploadClip(server, studio.token, episodeId, clip, metadata);
  await eventually(() => episodeView(episodeId), (v) => !v.uploads.some((u) => u.status === 'UPLOADING' || u.status === 'PROCESSING'), 'the upload to be processed');
  return episodeView(episodeId);
}

describe('uploading the same video again', () => {
  it('changes nothing for an approved episode; different bytes still replace the video and lapse the approval', async () => {
    const episodeId = episodes[0]!;
    const clip = makeClip('identical-approved', { seconds: 2 });
    await readyEpisode(server, studio.token, episodeId, clip);
    const [caseId] = await resubmitAndApprove(server, lead, studio, [episodeId], ['CA', 'US']);
    const approved = await episodeView(episodeId);
    expect(approved.status).toBe('APPROVED');
    expect(approved.media!.sha256).toBe(sha256Of(clip));
    expect(approved.replacementCancels).toEqual([
      { territory: 'CA', loss: 'APPROVED' },
      { territory: 'US', loss: 'APPROVED' },
    ]);

    const again = await uploadAndSettle(episodeId, clip, { cancels: 'CA,US' });
    expect(again.uploads[0]).toMatchObject({ status: 'SUCCEEDED', identicalToCurrentMedia: true, failureReason: null });
    expect(again.media!.id).toBe(approved.media!.id);
    expect(again.mediaRevisions.map((r) => r.id)).toEqual([approved.media!.id]);
    expect(again.status).toBe('APPROVED');
    expect(again.uploadError).toBeNull();
    expect(again.reviewCases.find((c) => c.id === caseId)).toMatchObject({ status: 'DECIDED', invalidatedReason: null });
    expect(again.territoryOutcomes).toEqual(approved.territoryOutcomes);
    expect(again.replacementCancels).toEqual(approved.replacementCancels);

    const other = makeClip('identical-approved-other', { seconds: 3 });
    const replaced = await uploadAndSettle(episodeId, other, { cancels: 'CA,US' });
    expect(replaced.uploads[0]).toMatchObject({ status: 'SUCCEEDED', identicalToCurrentMedia: false });
    expect(replaced.media!.sha256).toBe(sha256Of(other));
    expect(replaced.media!.id).not.toBe(approved.media!.id);
    expect(replaced.mediaRevisions).toHaveLength(2);
    expect(replaced.status).toBe('READY');
    expect(replaced.reviewCases.find((c) => c.id === caseId)!.invalidatedReason).toMatch(/media was replaced/);
    expect(replaced.territoryOutcomes).toEqual([]);
    expect(replaced.replacementCancels).toEqual([]);
  });

  it('keeps a review under way, which a replacement would cancel', async () => {
    const episodeId = episodes[1]!;
    const clip = makeClip('identical-in-review', { seconds: 2 });
    await readyEpisode(server, studio.token, episodeId, clip);
    const submitted = await server.gql(graphql('mutation($i: SubmitForReviewInput!) { submitForReview(input: $i) { id } }'), { i: { episodeIds: [episodeId], territories: ['US'] } }, { token: studio.token });
    expect(submitted.errors).toBeUndefined();
    const caseId = submitted.data!.submitForReview[0]!.id;
    const inReview = await episodeView(episodeId);
    expect(inReview.status).toBe('IN_REVIEW');
    expect(inReview.replacementCancels).toEqual([{ territory: 'US', loss: 'IN_REVIEW' }]);

    const again = await uploadAndSettle(episodeId, clip, { cancels: 'US' });
    expect(again.uploads[0]).toMatchObject({ status: 'SUCCEEDED', identicalToCurrentMedia: true });
    expect(again.mediaRevisions).toHaveLength(1);
    expect(again.status).toBe('IN_REVIEW');
    expect(again.reviewCases.find((c) => c.id === caseId)).toMatchObject({ status: 'QUEUED', invalidatedReason: null });
  });
});

/** Creates a tus upload of `clip` for the episode, as a raw POST: the response to the creation itself. */
async function createUpload(episodeId: string, clip: string, metadata: Record<string, string> = {}): Promise<Response> {
  const pairs = Object.entries({ episodeId, filename: clip.split('/').pop()!, filetype: 'video/mp4', ...metadata }).map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`);
  return fetch(`${server.url}/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${studio.token}`, 'tus-resumable': '1.0.0', 'upload-length': String(statSync(clip).size), 'upload-metadata': pairs.join(',') },
  });
}

const SUBMIT = graphql('mutation($i: SubmitForReviewInput!) { submitForReview(input: $i) { id } }');

describe('a replacement must acknowledge what it cancels', () => {
  it('is refused at creation without an acknowledgment, naming the territories and what they lose; nothing changes', async () => {
    const episodeId = episodes[2]!;
    await readyEpisode(server, studio.token, episodeId, makeClip('ack-first', { seconds: 2 }));
    const submitted = await server.gql(SUBMIT, { i: { episodeIds: [episodeId], territories: ['CA', 'US'] } }, { token: studio.token });
    expect(submitted.errors).toBeUndefined();
    const caseId = submitted.data!.submitForReview[0]!.id;
    const before = await episodeView(episodeId);
    expect(before.replacementCancels).toEqual([
      { territory: 'CA', loss: 'IN_REVIEW' },
      { territory: 'US', loss: 'IN_REVIEW' },
    ]);
    const rows = await server.count('episode_upload');

    const other = makeClip('ack-second', { seconds: 3 });
    const refused = await createUpload(episodeId, other);
    expect(refused.status).toBe(409);
    expect(refused.headers.get(REFUSAL_HEADER)).toBe('REPLACEMENT_CANCELS_REVIEW');
    const words = await refused.text();
    expect(words).toContain('"ack-second.mp4"');
    expect(words).toMatch(/its review under way in CA, US/);

    // Through the tus client too, with an empty acknowledgment.
    await expect(uploadClip(server, studio.token, episodeId, other, { cancels: '' })).rejects.toThrow(/REPLACEMENT_CANCELS_REVIEW|409/);

    expect(await server.count('episode_upload')).toBe(rows);
    const after = await episodeView(episodeId);
    expect(after.status).toBe(before.status);
    expect(after.media).toEqual(before.media);
    expect(after.mediaRevisions).toEqual(before.mediaRevisions);
    expect(after.reviewCases.find((c) => c.id === caseId)).toMatchObject({ status: before.reviewCases.find((c) => c.id === caseId)!.status, invalidatedReason: null });
    expect(after.replacementCancels).toEqual(before.replacementCancels);
  });

  it('is accepted with the full acknowledgment, and replaces the video', async () => {
    const episodeId = episodes[3]!;
    await readyEpisode(server, studio.token, episodeId, makeClip('ack-full-first', { seconds: 2 }));
    const [caseId] = await resubmitAndApprove(server, lead, studio, [episodeId], ['CA', 'US']);
    const other = makeClip('ack-full-second', { seconds: 3 });
    const replaced = await uploadAndSettle(episodeId, other, { cancels: 'us, ca' });
    expect(replaced.uploads[0]).toMatchObject({ status: 'SUCCEEDED', identicalToCurrentMedia: false });
    expect(replaced.media!.sha256).toBe(sha256Of(other));
    expect(replaced.status).toBe('READY');
    expect(replaced.reviewCases.find((c) => c.id === caseId)!.invalidatedReason).toMatch(/media was replaced/);
    expect(replaced.replacementCancels).toEqual([]);
  });

  it('is refused when the acknowledgment misses a territory that went into review since (a stale preview)', async () => {
    const episodeId = episodes[4]!;
    await readyEpisode(server, studio.token, episodeId, makeClip('ack-stale-first', { seconds: 2 }));
    // The preview was built while the episode was merely READY; the person acknowledged CA only. Meanwhile,
    // another tab submits the episode for review in US.
    const acknowledged = { cancels: 'CA' };
    const inUs = await server.gql(SUBMIT, { i: { episodeIds: [episodeId], territories: ['US'] } }, { token: studio.token });
    expect(inUs.errors).toBeUndefined();
    const before = await episodeView(episodeId);
    expect(before.replacementCancels).toEqual([{ territory: 'US', loss: 'IN_REVIEW' }]);

    const other = makeClip('ack-stale-second', { seconds: 3 });
    const refused = await createUpload(episodeId, other, acknowledged);
    expect(refused.status).toBe(409);
    expect(refused.headers.get(REFUSAL_HEADER)).toBe('REPLACEMENT_CANCELS_REVIEW');
    const words = await refused.text();
    expect(words).toMatch(/its review under way in US\b/);
    expect(words).not.toMatch(/\bCA\b/);
    const after = await episodeView(episodeId);
    expect(after.media).toEqual(before.media);
    expect(after.reviewCases).toEqual(before.reviewCases);
    expect(after.status).toBe(before.status);
  });
});
