import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { seriesWithEpisodes } from './support/catalog';
import { readyEpisode, settledRead, uploadClip, uploadsEnded } from './support/media';
import { LICENSE, resubmitAndApprove, startWithOperatorLead } from './support/publishing';
import { CLAIM_NEXT, DECIDE } from './support/review';
import type { SignedInMember, TestServer } from './support/server';
import { makeClip, sha256Of } from './support/videos';
import { readFileSync, statSync } from 'node:fs';
import { REFUSAL_HEADER } from '../src/uploads/upload-refusals';
import { graphql, type ResultOf } from '../../schema/graphql';
import { tusMetadata } from './support/tus';

let server: TestServer;
let lead: SignedInMember;
let studio: SignedInMember;
let episodes: string[];

beforeAll(async () => {
  ({ server, lead } = await startWithOperatorLead());
  studio = await server.member(OrganizationKind.STUDIO, Role.OWNER);
  const seriesId = await seriesWithEpisodes(server, studio.token, studio.organizationId, 13);
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
  return settledRead(() => episodeView(episodeId), (v) => uploadsEnded(v.uploads), 'the upload to be processed');
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
  const encoded = tusMetadata({ episodeId, filename: clip.split('/').pop()!, filetype: 'video/mp4', ...metadata });
  return fetch(`${server.url}/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${studio.token}`, 'tus-resumable': '1.0.0', 'upload-length': String(statSync(clip).size), 'upload-metadata': encoded },
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

/** Sends `bytes` to the upload at `location` from `offset` (one tus PATCH), as a browser sends a chunk. */
async function sendChunk(location: string, bytes: Buffer, offset: number): Promise<Response> {
  return fetch(new URL(location, server.url), {
    method: 'PATCH',
    headers: { authorization: `Bearer ${studio.token}`, 'tus-resumable': '1.0.0', 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
    body: new Uint8Array(bytes),
  });
}

/**
 * Uploads `clip` over tus in two chunks, running `meanwhile` between them (the episode moves while the
 * file is on its way), then waits until processing ended. Returns the upload's id and the episode afresh.
 */
async function uploadWhile(episodeId: string, clip: string, metadata: Record<string, string>, meanwhile: (uploadId: string) => Promise<void>): Promise<{ uploadId: string; after: EpisodeView }> {
  const created = await createUpload(episodeId, clip, metadata);
  expect(created.status).toBe(201);
  const location = created.headers.get('location')!;
  const uploadId = location.split('/').pop()!;
  const bytes = readFileSync(clip);
  const half = Math.floor(bytes.length / 2);
  expect((await sendChunk(location, bytes.subarray(0, half), 0)).status).toBe(204);
  await meanwhile(uploadId);
  expect((await sendChunk(location, bytes.subarray(half), half)).status).toBe(204);
  return { uploadId, after: await settledRead(() => episodeView(episodeId), (v) => uploadsEnded(v.uploads), 'the upload to be processed') };
}

/** What the upload row keeps of its acknowledgment, read from the database. */
async function storedAcknowledgment(uploadId: string): Promise<string[]> {
  const rows = (await server.orm.em.getConnection().execute('select acknowledged_cancels from episode_upload where id = ?', [uploadId])) as Array<{ acknowledged_cancels: string[] }>;
  return rows[0]!.acknowledged_cancels;
}

async function submitIn(episodeId: string, territories: string[]): Promise<string> {
  const submitted = await server.gql(SUBMIT, { i: { episodeIds: [episodeId], territories } }, { token: studio.token });
  expect(submitted.errors).toBeUndefined();
  return submitted.data!.submitForReview[0]!.id;
}

/** A lead approves the open case for `territories`, screened clean as the worker would leave it. */
async function approveOpen(caseId: string, territories: string[]): Promise<void> {
  const verdicts = JSON.stringify(territories.map((territory) => ({ territory, verdict: 'CLEAR', riskScore: 0, reasons: [] })));
  await server.orm.em.getConnection().execute(`update review_case set status = 'PENDING_REVIEW', ai_status = 'COMPLETED', risk_score = 0, verdicts = ? where id = ?`, [verdicts, caseId]);
  const c = (await server.gql(CLAIM_NEXT, { f: { studioId: studio.organizationId } }, { token: lead.token })).data!.claimNextCase!;
  expect(c.id).toBe(caseId);
  const d = await server.gql(DECIDE, { i: { caseId, version: c.version, decisions: territories.map((territory) => ({ territory, decision: 'APPROVE' as const })) } }, { token: lead.token });
  expect(d.errors).toBeUndefined();
}

async function submitInUs(episodeId: string): Promise<string> {
  const submitted = await server.gql(SUBMIT, { i: { episodeIds: [episodeId], territories: ['US'] } }, { token: studio.token });
  expect(submitted.errors).toBeUndefined();
  return submitted.data!.submitForReview[0]!.id;
}

describe('a replacement checks again what it cancels when its video would become current', () => {
  it('fails when the episode went into review while the file was uploading, in the creation refusal’s words; nothing current changes', async () => {
    const episodeId = episodes[5]!;
    await readyEpisode(server, studio.token, episodeId, makeClip('late-review-first', { seconds: 2 }));
    const ready = await episodeView(episodeId);
    expect(ready.replacementCancels).toEqual([]);

    const other = makeClip('late-review-second', { seconds: 3 });
    let caseId = '';
    let inReview: EpisodeView | undefined;
    const { uploadId, after } = await uploadWhile(episodeId, other, {}, async () => {
      caseId = await submitInUs(episodeId);
      inReview = await episodeView(episodeId);
    });
    expect(inReview!.replacementCancels).toEqual([{ territory: 'US', loss: 'IN_REVIEW' }]);

    const upload = after.uploads.find((u) => u.id === uploadId)!;
    expect(upload.status).toBe('FAILED');
    expect(upload.failureReason).toContain('"late-review-second.mp4"');
    expect(upload.failureReason).toMatch(/its review under way in US\b/);
    // The same words as creating that upload now is refused with.
    const refused = await createUpload(episodeId, other);
    expect(refused.status).toBe(409);
    expect(refused.headers.get(REFUSAL_HEADER)).toBe('REPLACEMENT_CANCELS_REVIEW');
    expect((await refused.text()).trim()).toBe(upload.failureReason);
    // Shown on the episode like any failed upload.
    expect(after.uploadError).toBe(upload.failureReason);

    expect(after.media).toEqual(ready.media);
    expect(after.mediaRevisions).toEqual(ready.mediaRevisions);
    expect(after.status).toBe('IN_REVIEW');
    const reviewCase = after.reviewCases.find((c) => c.id === caseId)!;
    expect(reviewCase.invalidatedReason).toBeNull();
    expect(reviewCase.status).toBe(inReview!.reviewCases.find((c) => c.id === caseId)!.status);
    expect(after.replacementCancels).toEqual([{ territory: 'US', loss: 'IN_REVIEW' }]);
  });

  it('fails when the upload acknowledged a territory that had nothing at stake then, and a review came there since', async () => {
    const episodeId = episodes[6]!;
    await readyEpisode(server, studio.token, episodeId, makeClip('late-ack-first', { seconds: 2 }));
    const ready = await episodeView(episodeId);
    const other = makeClip('late-ack-second', { seconds: 3 });
    let caseId = '';
    const { uploadId, after } = await uploadWhile(episodeId, other, { cancels: 'us' }, async (id) => {
      // Kept with what US stood to lose then: nothing.
      expect(await storedAcknowledgment(id)).toEqual(['US=NONE']);
      caseId = await submitInUs(episodeId);
    });
    const upload = after.uploads.find((u) => u.id === uploadId)!;
    expect(upload).toMatchObject({ status: 'FAILED', identicalToCurrentMedia: false });
    expect(upload.failureReason).toMatch(/its review under way in US\b/);
    expect(after.media).toEqual(ready.media);
    expect(after.status).toBe('IN_REVIEW');
    expect(after.reviewCases.find((c) => c.id === caseId)!.invalidatedReason).toBeNull();
  });

  it('fails when what it acknowledged (reviews under way) became approvals while it uploaded, in the creation refusal’s words', async () => {
    const episodeId = episodes[9]!;
    await readyEpisode(server, studio.token, episodeId, makeClip('grown-first', { seconds: 2 }));
    const caseId = await submitIn(episodeId, ['CA', 'US']);
    const other = makeClip('grown-second', { seconds: 3 });
    const { uploadId, after } = await uploadWhile(episodeId, other, { cancels: 'US,CA' }, async (id) => {
      expect(await storedAcknowledgment(id)).toEqual(['US=IN_REVIEW', 'CA=IN_REVIEW']);
      await approveOpen(caseId, ['CA', 'US']);
      expect((await episodeView(episodeId)).replacementCancels).toEqual([
        { territory: 'CA', loss: 'APPROVED' },
        { territory: 'US', loss: 'APPROVED' },
      ]);
    });
    const upload = after.uploads.find((u) => u.id === uploadId)!;
    expect(upload.status).toBe('FAILED');
    expect(upload.failureReason).toContain('"grown-second.mp4"');
    expect(upload.failureReason).toMatch(/its approval in CA, US\b/);
    const refused = await createUpload(episodeId, other);
    expect(refused.status).toBe(409);
    expect((await refused.text()).trim()).toBe(upload.failureReason);
    expect(after.media!.sha256).not.toBe(sha256Of(other));
    expect(after.status).toBe('APPROVED');
    expect(after.reviewCases.find((c) => c.id === caseId)).toMatchObject({ status: 'DECIDED', invalidatedReason: null });
    expect(after.territoryOutcomes).toEqual([
      { territory: 'CA', decision: 'APPROVE' },
      { territory: 'US', decision: 'APPROVE' },
    ]);
  });

  it('fails when the upload was created before the episode had a video and a review came since: its acknowledgment covered no loss', async () => {
    const episodeId = episodes[11]!;
    const late = makeClip('before-video-late', { seconds: 3 });
    let caseId = '';
    const { uploadId, after } = await uploadWhile(episodeId, late, { cancels: 'US,CA,GB' }, async (id) => {
      // Nothing was at stake without a video: kept as such, however the client worded it.
      expect(await storedAcknowledgment(id)).toEqual(['US=NONE', 'CA=NONE', 'GB=NONE']);
      await readyEpisode(server, studio.token, episodeId, makeClip('before-video-first', { seconds: 2 }));
      caseId = await submitInUs(episodeId);
    });
    const upload = after.uploads.find((u) => u.id === uploadId)!;
    expect(upload.status).toBe('FAILED');
    expect(upload.failureReason).toMatch(/its review under way in US\b/);
    expect(after.media!.sha256).not.toBe(sha256Of(late));
    expect(after.status).toBe('IN_REVIEW');
    expect(after.reviewCases.find((c) => c.id === caseId)!.invalidatedReason).toBeNull();
  });

  it('is refused at creation when the acknowledgment names a smaller loss than is at stake now (a page loaded before an approval)', async () => {
    const episodeId = episodes[12]!;
    await readyEpisode(server, studio.token, episodeId, makeClip('shown-loss-first', { seconds: 2 }));
    await approveOpen(await submitIn(episodeId, ['US']), ['US']);
    expect((await episodeView(episodeId)).replacementCancels).toEqual([{ territory: 'US', loss: 'APPROVED' }]);
    const other = makeClip('shown-loss-second', { seconds: 3 });
    const stale = await createUpload(episodeId, other, { cancels: 'US=IN_REVIEW' });
    expect(stale.status).toBe(409);
    expect(stale.headers.get(REFUSAL_HEADER)).toBe('REPLACEMENT_CANCELS_REVIEW');
    expect(await stale.text()).toMatch(/its approval in US\b/);
    // An acknowledgment that names no territory, or a loss that does not exist, is refused as such, naming the key.
    for (const garbage of ['XX', 'US=GONE', 'US,US']) {
      const refused = await createUpload(episodeId, other, { cancels: garbage });
      expect([refused.status, refused.headers.get(REFUSAL_HEADER)]).toEqual([400, 'UPLOAD_METADATA_INVALID']);
      expect(await refused.text()).toMatch(/^Upload metadata cancels: /);
    }
    const shown = await createUpload(episodeId, other, { cancels: 'US=APPROVED' });
    expect(shown.status).toBe(201);
    expect(await storedAcknowledgment(shown.headers.get('location')!.split('/').pop()!)).toEqual(['US=APPROVED']);
  });

  it('replaces the video when what it acknowledged is still all that is at stake', async () => {
    const episodeId = episodes[10]!;
    await readyEpisode(server, studio.token, episodeId, makeClip('same-stake-first', { seconds: 2 }));
    const caseId = await submitIn(episodeId, ['US']);
    const other = makeClip('same-stake-second', { seconds: 3 });
    const { uploadId, after } = await uploadWhile(episodeId, other, { cancels: 'US' }, async (id) => {
      expect(await storedAcknowledgment(id)).toEqual(['US=IN_REVIEW']);
    });
    expect(after.uploads.find((u) => u.id === uploadId)).toMatchObject({ status: 'SUCCEEDED', identicalToCurrentMedia: false, failureReason: null });
    expect(after.media!.sha256).toBe(sha256Of(other));
    expect(after.status).toBe('READY');
    expect(after.reviewCases.find((c) => c.id === caseId)!.invalidatedReason).toMatch(/media was replaced/);
  });

  it('reads the acknowledgment from the upload’s row, not from what the client sent', async () => {
    const episodeId = episodes[7]!;
    await readyEpisode(server, studio.token, episodeId, makeClip('row-ack-first', { seconds: 2 }));
    const ready = await episodeView(episodeId);
    const other = makeClip('row-ack-second', { seconds: 3 });
    const { uploadId, after } = await uploadWhile(episodeId, other, { cancels: 'US' }, async (id) => {
      expect(await storedAcknowledgment(id)).toEqual(['US=NONE']);
      // The row is the record: without it, the tus metadata's `cancels` counts for nothing.
      await server.orm.em.getConnection().execute(`update episode_upload set acknowledged_cancels = '{}' where id = ?`, [id]);
      await submitInUs(episodeId);
    });
    const upload = after.uploads.find((u) => u.id === uploadId)!;
    expect(upload.status).toBe('FAILED');
    expect(upload.failureReason).toMatch(/its review under way in US\b/);
    expect(after.media).toEqual(ready.media);
    expect(after.status).toBe('IN_REVIEW');
  });

  it('lets the same bytes through: they cancel nothing', async () => {
    const episodeId = episodes[8]!;
    const clip = makeClip('late-identical', { seconds: 2 });
    await readyEpisode(server, studio.token, episodeId, clip);
    const ready = await episodeView(episodeId);
    let caseId = '';
    const { uploadId, after } = await uploadWhile(episodeId, clip, {}, async () => {
      caseId = await submitInUs(episodeId);
    });
    expect(after.uploads.find((u) => u.id === uploadId)).toMatchObject({ status: 'SUCCEEDED', identicalToCurrentMedia: true, failureReason: null });
    expect(after.media).toEqual(ready.media);
    expect(after.mediaRevisions).toEqual(ready.mediaRevisions);
    expect(after.status).toBe('IN_REVIEW');
    expect(after.reviewCases.find((c) => c.id === caseId)!.invalidatedReason).toBeNull();
  });
});
