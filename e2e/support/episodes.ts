import { graphql } from '../../schema/graphql';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { expect, type Locator, type Page } from '@playwright/test';
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { studioIdOf, type ApiClient } from './api';

const run = promisify(execFile);

/**
 * A short vertical test clip (colour bars and a counter), made with ffmpeg when the test runs so no
 * video is ever kept in the repository. Returns the file's path.
 */
export async function makeClip(name: string, options: { seconds?: number; size?: string } = {}): Promise<string> {
  const folder = await mkdtemp(path.join(tmpdir(), 'greenlight-e2e-'));
  const file = path.join(folder, name);
  const { seconds = 2, size = '360x640' } = options;
  await run(ffmpeg.path, [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=${size}:rate=24`,
    '-t',
    String(seconds),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    '-y',
    file,
  ]);
  return file;
}

/** A tone of `seconds` as a small WAV file (8 kHz mono), made with ffmpeg when the test runs: a dub to upload. */
export async function makeDub(name: string, seconds: number): Promise<string> {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'greenlight-e2e-')), name);
  await run(ffmpeg.path, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=8000`, '-t', String(seconds), '-ac', '1', '-c:a', 'pcm_s16le', '-y', file]);
  return file;
}

export interface DraftSeries {
  id: string;
  title: string;
  episodeIds: string[];
}

/** A new series with `count` draft episodes (no video yet), numbered from 1; none for 0. */
export async function createDraftSeries(editor: ApiClient, title: string, count: number): Promise<DraftSeries> {
  const studioId = await studioIdOf(editor);
  const { createSeries } = await editor.call(CREATE_SERIES, { studioId, input: { title, originalLanguage: 'en' } });
  if (!count) return { id: createSeries.id, title, episodeIds: [] };
  const { addEpisodes } = await editor.call(ADD_EPISODES, { input: { seriesId: createSeries.id, fromNumber: 1, toNumber: count } });
  return { id: createSeries.id, title, episodeIds: addEpisodes.map((e) => e.id) };
}

/** Waits until an <img> has loaded a real picture (not a broken or empty one). */
export async function expectImageLoaded(image: Locator): Promise<void> {
  await image.scrollIntoViewIfNeeded();
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0)), { timeout: 10_000 }).toBeGreaterThan(0);
}

/** The episode page's upload field, and the list of uploads under way. */
export function episodeUploads(page: Page) {
  const video = page.getByRole('region', { name: 'Video' });
  return { video, list: video.getByRole('list', { name: 'Uploads' }) };
}

/** Claims the next case for `territory` as a reviewer and decides it, with comments pinned to moments. */
export async function decideNextCase(
  reviewer: ApiClient,
  options: { territory: string; decision: 'APPROVE' | 'REQUEST_CHANGES' | 'REJECT'; citedRuleIds?: string[]; notes?: string; comments?: Array<{ atSeconds?: number; text: string }> },
): Promise<string> {
  const { claimNextCase } = await reviewer.call(CLAIM_NEXT, { filter: { territory: options.territory } });
  expect(claimNextCase, `a case for ${options.territory} waits in the queue`).not.toBeNull();
  await reviewer.call(DECIDE, {
    input: {
      caseId: claimNextCase!.id,
      version: claimNextCase!.version,
      decisions: [{ territory: options.territory, decision: options.decision, citedRuleIds: options.citedRuleIds ?? [], notes: options.notes ?? null }],
      comments: options.comments ?? [],
    },
  });
  return claimNextCase!.id;
}

const CREATE_SERIES = graphql(`mutation CreateSeries($studioId: ID!, $input: SeriesInput!) { createSeries(studioId: $studioId, input: $input) { id } }`);
const ADD_EPISODES = graphql(`mutation AddEpisodes($input: AddEpisodesInput!) { addEpisodes(input: $input) { id } }`);
const CLAIM_NEXT = graphql(`mutation ClaimNext($filter: QueueFilterInput) { claimNextCase(filter: $filter) { id version } }`);
const DECIDE = graphql(`mutation Decide($input: DecideCaseInput!) { decideCase(input: $input) { id status } }`);
