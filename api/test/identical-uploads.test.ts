import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { seriesWithEpisodes } from './support/catalog';
import { eventually, readyEpisode, uploadClip } from './support/media';
import { LICENSE, resubmitAndApprove, startWithOperatorLead } from './support/publishing';
import type { SignedInMember, TestServer } from './support/server';
import { makeClip, sha256Of } from './support/videos';
import { graphql, type ResultOf } from '../../schema/graphql';

let server: TestServer;
let lead: SignedInMember;
let studio: SignedInMember;
let episodes: string[];

beforeAll(async () => {
  ({ server, lead } = await startWithOperatorLead());
  studio = await server.member(OrganizationKind.STUDIO, Role.OWNER);
  const seriesId = await seriesWithEpisodes(server, studio.token, studio.organizationId, 2);
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
async function uploadAndSettle(episodeId: string, clip: string): Promise<EpisodeView> {
  await uploadClip(server, studio.token, episodeId, clip);
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

    const again = await uploadAndSettle(episodeId, clip);
    expect(again.uploads[0]).toMatchObject({ status: 'SUCCEEDED', identicalToCurrentMedia: true, failureReason: null });
    expect(again.media!.id).toBe(approved.media!.id);
    expect(again.mediaRevisions.map((r) => r.id)).toEqual([approved.media!.id]);
    expect(again.status).toBe('APPROVED');
    expect(again.uploadError).toBeNull();
    expect(again.reviewCases.find((c) => c.id === caseId)).toMatchObject({ status: 'DECIDED', invalidatedReason: null });
    expect(again.territoryOutcomes).toEqual(approved.territoryOutcomes);
    expect(again.replacementCancels).toEqual(approved.replacementCancels);

    const other = makeClip('identical-approved-other', { seconds: 3 });
    const replaced = await uploadAndSettle(episodeId, other);
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

    const again = await uploadAndSettle(episodeId, clip);
    expect(again.uploads[0]).toMatchObject({ status: 'SUCCEEDED', identicalToCurrentMedia: true });
    expect(again.mediaRevisions).toHaveLength(1);
    expect(again.status).toBe('IN_REVIEW');
    expect(again.reviewCases.find((c) => c.id === caseId)).toMatchObject({ status: 'QUEUED', invalidatedReason: null });
  });
});
