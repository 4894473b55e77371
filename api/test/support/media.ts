import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tus from 'tus-js-client';
import type { TestServer } from './server';
import { graphql } from '../../../schema/graphql';

/**
 * Uploads a file for an episode through tus, as a studio editor's browser would. A replacement of an
 * episode with something to lose must acknowledge it in `metadata` (`cancels`, see `acknowledgingCancels`).
 */
export function uploadClip(server: Pick<TestServer, 'url'>, token: string, episodeId: string, file: string, metadata: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const up = new tus.Upload(readFileSync(file), {
      endpoint: `${server.url}/uploads`,
      chunkSize: 256 * 1024,
      retryDelays: [],
      headers: { authorization: `Bearer ${token}` },
      metadata: { episodeId, filename: path.basename(file), filetype: 'video/mp4', ...metadata },
      onError: reject,
      onSuccess: () => resolve(),
    });
    up.start();
  });
}

/** Uploads a dub for an episode through tus (the same endpoint as video, with audioLanguage). */
export function uploadDub(server: TestServer, token: string, episodeId: string, language: string, file: string, metadata: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const up = new tus.Upload(readFileSync(file), {
      endpoint: `${server.url}/uploads`,
      chunkSize: 256 * 1024,
      retryDelays: [],
      headers: { authorization: `Bearer ${token}` },
      metadata: { episodeId, audioLanguage: language, filename: 'dub.m4a', filetype: 'audio/mp4', ...metadata },
      onError: reject,
      onSuccess: () => resolve(),
    });
    up.start();
  });
}

/** Polls a GraphQL query until `done` says so (background work: processing, screening). */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await read();
  }
  return last;
}

/** True when no upload in `uploads` is still arriving or being processed. */
export const uploadsEnded = (uploads: ReadonlyArray<{ status: string }>): boolean => !uploads.some((u) => u.status === 'UPLOADING' || u.status === 'PROCESSING');

/**
 * Polls `read` until `done`, then reads once more and returns that read. For a GraphQL view of an
 * upload's outcome: one response is several statements, so the response that first shows the upload
 * ended may have read the episode (its media, its status) before processing committed. A read started
 * after that one sees the whole commit.
 */
export async function settledRead<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs?: number): Promise<T> {
  await eventually(read, done, what, timeoutMs);
  return read();
}

/** An episode with uploaded, processed media (READY). */
export async function readyEpisode(server: TestServer, token: string, episodeId: string, clip: string): Promise<void> {
  await uploadClip(server, token, episodeId, clip);
  await eventually(
    () => server.gql(graphql('query($id: ID!) { episode(id: $id) { status } }'), { id: episodeId }, { token }),
    (r) => r.data?.episode.status === 'READY',
    'the upload to be processed',
  );
}

/**
 * The `cancels` metadata acknowledging everything replacing the episode's video would cancel now
 * (`Episode.replacementCancels`), as the dashboard sends it once the person confirmed what it showed.
 */
export async function acknowledgingCancels(server: TestServer, token: string, episodeId: string): Promise<Record<string, string>> {
  const res = await server.gql(graphql('query($id: ID!) { episode(id: $id) { replacementCancels { territory loss } } }'), { id: episodeId }, { token });
  if (!res.data) throw new Error(JSON.stringify(res.errors));
  // Each territory with the loss shown ("US=IN_REVIEW"): more at stake by the time of creation is refused.
  const entries = res.data.episode.replacementCancels.map((c) => `${c.territory}=${c.loss}`);
  return entries.length ? { cancels: entries.join(',') } : {};
}
