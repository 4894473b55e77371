import { print } from '@0no-co/graphql.web';
import { graphql } from '../../schema/graphql';
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as tus from 'tus-js-client';
import { studioIdOf, type ApiClient } from './api';
import { API_GRAPHQL_URL, API_PORT, DEMO_PASSWORD } from './stack';

const run = promisify(execFile);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ffmpegPath = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;

/** A short vertical clip made with ffmpeg while the test runs (videos are never kept in the repository). */
export async function makeReviewClip(name: string, seconds = 4): Promise<string> {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'greenlight-review-')), `${name}.mp4`);
  await run(ffmpegPath, ['-v', 'error', '-f', 'lavfi', '-i', `testsrc=size=360x640:rate=24`, '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-y', file]);
  return file;
}

/** A WebVTT file with one cue per line of dialogue, one second apart from 00:00:01. */
export function webvtt(lines: readonly string[]): string {
  const at = (s: number) => `00:00:${String(s).padStart(2, '0')}.000`;
  return ['WEBVTT', '', ...lines.flatMap((line, i) => [`${at(i + 1)} --> ${at(i + 2)}`, line, ''])].join('\n');
}

/** The session token of a demo user (or anyone, with their password), for calls outside GraphQL (resumable uploads). */
export async function tokenOf(request: APIRequestContext, email: string, password = DEMO_PASSWORD): Promise<string> {
  const response = await request.post(API_GRAPHQL_URL, { data: { query: print(SIGN_IN), variables: { input: { email, password } } } });
  return ((await response.json()) as { data: { signIn: { token: string } } }).data.signIn.token;
}

/** Uploads a clip the way a studio's browser does: tus against the API, with the editor's token. */
export async function uploadClip(token: string, episodeId: string, file: string): Promise<void> {
  const bytes = await readFile(file);
  await new Promise<void>((resolve, reject) => {
    new tus.Upload(bytes, {
      endpoint: `http://127.0.0.1:${API_PORT}/uploads`,
      chunkSize: 256 * 1024,
      retryDelays: [],
      headers: { authorization: `Bearer ${token}` },
      metadata: { episodeId, filename: path.basename(file), filetype: 'video/mp4' },
      onError: reject,
      onSuccess: () => resolve(),
    }).start();
  });
}

/** Polls `read` until `done` holds, for work the API finishes in the background. */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  let last!: T;
  await expect
    .poll(
      async () => {
        last = await read();
        return done(last);
      },
      { message: `waiting for ${what}`, timeout: timeoutMs, intervals: [200, 300, 500] },
    )
    .toBe(true);
  return last;
}

export interface SubmittedEpisode {
  seriesId: string;
  episodeId: string;
  caseId: string;
}

/**
 * Sets up what a studio sends to review, through the API as its editor: a series licensed
 * worldwide with one episode, English subtitles, an uploaded clip (READY), submitted for the
 * territories; returns once the screening has put the case in front of reviewers.
 */
export async function submitEpisodeForReview(
  editor: ApiClient,
  token: string,
  options: { title: string; subtitles: readonly string[]; territories: readonly string[] },
): Promise<SubmittedEpisode> {
  const { seriesId, episodeId } = await createReadyEpisode(editor, token, options);
  const caseId = await submit(editor, episodeId, options.territories);
  return { seriesId, episodeId, caseId };
}

/** A series licensed worldwide with one episode, English subtitles and an uploaded 4-second clip (READY), not yet submitted. */
export async function createReadyEpisode(editor: ApiClient, token: string, options: { title: string; subtitles: readonly string[] }): Promise<{ seriesId: string; episodeId: string }> {
  const studioId = await studioIdOf(editor);
  const { createSeries } = await editor.call(CREATE_SERIES, { studioId, input: { title: options.title, originalLanguage: 'en' } });
  const seriesId = createSeries.id;
  await editor.call(SET_LICENSE, {
    seriesId,
    input: { sourceWorkTitle: `${options.title} (web novel)`, sourceWorkKind: 'NOVEL', licensor: 'Moonlight Press', licenseKind: 'ADAPTATION', territoriesIncluded: ['WORLDWIDE'] },
  });
  const { addEpisodes } = await editor.call(ADD_EPISODES, { input: { seriesId, fromNumber: 1, toNumber: 1 } });
  const episodeId = addEpisodes[0]!.id;
  await setSubtitles(editor, episodeId, options.subtitles);
  await uploadClip(token, episodeId, await makeReviewClip(`${options.title}-1`));
  await waitForEpisode(editor, episodeId, 'READY');
  return { seriesId, episodeId };
}

export async function setSubtitles(editor: ApiClient, episodeId: string, lines: readonly string[]): Promise<void> {
  await editor.call(SET_SUBTITLES, { input: { episodeId, language: 'en', format: 'WEBVTT', content: webvtt(lines) } });
}

export async function waitForEpisode(editor: ApiClient, episodeId: string, status: string): Promise<void> {
  await eventually(() => editor.call(EPISODE_STATUS, { id: episodeId }), (r) => r.episode.status === status, `episode ${episodeId} to be ${status}`);
}

/** Submits a READY (or changes-requested) episode and waits until reviewers can claim its case. */
export async function submit(editor: ApiClient, episodeId: string, territories: readonly string[]): Promise<string> {
  const { submitForReview } = await editor.call(SUBMIT, { input: { episodeIds: [episodeId], territories: [...territories] } });
  const caseId = submitForReview[0]!.id;
  await waitForCase(editor, caseId, 'PENDING_REVIEW');
  return caseId;
}

export async function waitForCase(api: ApiClient, caseId: string, status: string): Promise<void> {
  await eventually(() => api.call(CASE_STATUS, { id: caseId }), (r) => r.reviewCase.status === status, `case ${caseId} to be ${status}`);
}

/** The newest case of an episode, as its studio sees it. */
export async function latestCaseOf(editor: ApiClient, episodeId: string): Promise<{ id: string; status: string; comments: Array<{ atSeconds: number | null; text: string; authorLabel: string }> }> {
  const { episode } = await editor.call(
    EPISODE_CASES,
    { id: episodeId },
  );
  return episode.reviewCases[0]!;
}

/** Claims and approves every case waiting in `territory`, so a test leaves the queue as it found it. */
export async function clearQueue(reviewer: ApiClient, territory: string): Promise<void> {
  for (;;) {
    const { claimNextCase } = await reviewer.call(CLAIM_NEXT, { filter: { territory } });
    if (!claimNextCase) return;
    await reviewer.call(DECIDE, { input: { caseId: claimNextCase.id, version: claimNextCase.version, decisions: [{ territory, decision: 'APPROVE' }] } });
  }
}

/** The case's own video (the workspace can also show matching content's videos side by side). */
const caseVideo = (page: Page) => page.getByLabel(/^Video of episode /);

/** The current time of the case page's video, in seconds. */
export function videoTime(page: Page): Promise<number> {
  return caseVideo(page).evaluate((video: HTMLVideoElement) => video.currentTime);
}

/** Waits until the case page's video has loaded enough to seek and play. */
export async function expectVideoReady(page: Page): Promise<void> {
  await expect.poll(() => caseVideo(page).evaluate((video: HTMLVideoElement) => video.readyState), { message: 'the video loads' }).toBeGreaterThanOrEqual(1);
}

const SIGN_IN = graphql(`mutation SignIn($input: SignInInput!) { signIn(input: $input) { token } }`);
const CREATE_SERIES = graphql(`mutation CreateSeries($studioId: ID!, $input: SeriesInput!) { createSeries(studioId: $studioId, input: $input) { id } }`);
const SET_LICENSE = graphql(`mutation SetLicense($seriesId: ID!, $input: LicenseInput!) { setLicense(seriesId: $seriesId, input: $input) { id } }`);
const ADD_EPISODES = graphql(`mutation AddEpisodes($input: AddEpisodesInput!) { addEpisodes(input: $input) { id } }`);
const SET_SUBTITLES = graphql(`mutation SetSubtitles($input: SubtitlesInput!) { setSubtitles(input: $input) { id } }`);
const EPISODE_STATUS = graphql(`query EpisodeStatus($id: ID!) { episode(id: $id) { status } }`);
const SUBMIT = graphql(`mutation Submit($input: SubmitForReviewInput!) { submitForReview(input: $input) { id } }`);
const CASE_STATUS = graphql(`query CaseStatus($id: ID!) { reviewCase(id: $id) { status } }`);
const EPISODE_CASES = graphql(`query EpisodeCases($id: ID!) { episode(id: $id) { reviewCases { id status comments { atSeconds text authorLabel } } } }`);
const CLAIM_NEXT = graphql(`mutation ClaimNext($filter: QueueFilterInput) { claimNextCase(filter: $filter) { id version } }`);
const DECIDE = graphql(`mutation Decide($input: DecideCaseInput!) { decideCase(input: $input) { id } }`);

/** Invites a new reviewer to the operator (as its admin) and accepts for them. */
export async function addOperatorReviewer(admin: ApiClient, request: APIRequestContext, person: { email: string; name: string; password: string }): Promise<void> {
  const { viewer } = await admin.call(VIEWER);
  const operator = viewer.memberships.find((m) => m.organization.kind === 'OPERATOR')!.organization.id;
  const { inviteMember } = await admin.call(INVITE, { input: { organizationId: operator, email: person.email, role: 'REVIEWER' } });
  const response = await request.post(API_GRAPHQL_URL, {
    data: { query: print(ACCEPT), variables: { input: { token: inviteMember.invitationToken, name: person.name, password: person.password } } },
  });
  expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
}

const VIEWER = graphql(`{ viewer { memberships { organization { id kind } } } }`);
const INVITE = graphql(`mutation Invite($input: InviteMemberInput!) { inviteMember(input: $input) { invitationToken } }`);
const ACCEPT = graphql(`mutation Accept($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { email } }`);
