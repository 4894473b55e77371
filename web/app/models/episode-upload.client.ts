/**
 * Resumable video and dub uploads from the browser over tus, to the dashboard's `/uploads` (passed through
 * to the API with the session). Browser-only: the server build gets an empty module.
 */
import { defaultOptions, Upload, type DetailedError } from 'tus-js-client';

const CHUNK_SIZE = 8 * 1024 * 1024;
const RETRY_DELAYS = [0, 1000, 3000, 5000];

import type { UploadPolicy } from './catalog';
import { refusalAllowsResume, uploadRefusalMessage, type DubTarget, type RefusedFile } from './upload-refusals';

export interface UploadEvents {
  /** The server accepted the upload and knows it by this id. */
  onCreated(uploadId: string): void;
  onProgress(bytesSent: number, bytesTotal: number): void;
  /** A request failed and is sent again after a pause (RETRY_DELAYS); `message` says so, for the person watching. Cleared by the next progress. */
  onRetrying(message: string): void;
  /** Every byte is on the server; it now processes the file. */
  onFinished(uploadId: string): void;
  /** `resumable`: the upload can carry on later (the connection failed, not the file). `refusal`: the API's `Upload-Refusal-Reason`, when it refused. */
  onFailed(message: string, resumable: boolean, refusal?: string): void;
}

export interface RunningUpload {
  /** It carries on an earlier, interrupted upload of the same file to the same episode. */
  resumed: boolean;
  pause(): void;
  resume(): void;
  cancel(): Promise<void>;
}

/** The file's media type; browsers sometimes leave `File.type` empty (.mov), then the API's policy says it by extension. */
export function videoTypeOf(file: File, policy: UploadPolicy, formats = policy.formats): string {
  if (file.type) return file.type;
  const extension = file.name.toLowerCase().split('.').pop() ?? '';
  return formats.find((f) => f.extension === extension)?.mediaTypes[0] ?? 'application/octet-stream';
}

/** The last path segment of an upload URL such as `/uploads/3f…`. */
const uploadIdOf = (url: string | null): string => (url ? (new URL(url, window.location.href).pathname.split('/').pop() ?? '') : '');

/**
 * The length the browser reads from the file's header, so the server can refuse an over-long
 * episode (or a dub of the wrong length) before any bytes are sent. Undefined when the browser
 * cannot tell (the server probes anyway).
 */
function readDuration(file: File, element: 'video' | 'audio', timeoutMs = 4000): Promise<number | undefined> {
  return new Promise((resolve) => {
    const video = document.createElement(element);
    const url = URL.createObjectURL(file);
    const done = (value: number | undefined) => {
      clearTimeout(timer);
      video.removeAttribute('src');
      video.load();
      URL.revokeObjectURL(url);
      resolve(value);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    video.preload = 'metadata';
    video.muted = true;
    video.onloadedmetadata = () => done(Number.isFinite(video.duration) && video.duration > 0 ? video.duration : undefined);
    video.onerror = () => done(undefined);
    video.src = url;
  });
}

/**
 * What to tell the person when the upload fails: a refusal worded by its reason (the API's
 * `Upload-Refusal-Reason`), otherwise by what happened, naming the file (several travel at once) —
 * never the upload library's or a proxy's text.
 */
function explain(error: Error | DetailedError, file: RefusedFile, policy: UploadPolicy): { message: string; resumable: boolean; refusal?: string } {
  const response = 'originalResponse' in error ? error.originalResponse : null;
  if (!response) return { message: `The connection to Greenlight was lost while sending "${file.name}". Resume to carry on from where it stopped.`, resumable: true };
  const status = response.getStatus();
  const reason = response.getHeader('Upload-Refusal-Reason');
  const worded = reason ? uploadRefusalMessage(reason, { ...file, apiWords: response.getBody() || undefined }, policy) : undefined;
  if (status === 401) return { message: worded ?? 'Your session has ended. Sign in again, then choose the file again to carry on.', resumable: false };
  if (status >= 500 || status === 408 || status === 409 || status === 423 || status === 429) {
    return { message: worded ?? `The server could not take "${file.name}" right now (${status}). Resume to try again.`, resumable: !reason || refusalAllowsResume(reason), refusal: reason };
  }
  return { message: worded ?? `The upload of "${file.name}" was refused (${status}). Reload the page and try again; if it keeps happening, tell us the file's name.`, resumable: false, refusal: reason };
}

/**
 * While tus-js-client retries a failed request on its own (its default rule: a dropped connection,
 * a 5xx, 409 or 423, while the browser is online), what the person sees instead of a stalled bar.
 */
function retryMessage(error: Error | DetailedError, file: File, delayMs: number): string {
  const status = 'originalResponse' in error && error.originalResponse ? error.originalResponse.getStatus() : 0;
  const what = status === 503 ? 'Greenlight is briefly unavailable' : status ? `the server could not take it (${status})` : 'the connection dropped';
  const when = delayMs >= 1000 ? ` in ${Math.round(delayMs / 1000)} s` : '';
  return `Sending "${file.name}" paused: ${what}. Trying again${when}…`;
}

/**
 * Uploads `file` as the new video of an episode — or, given `dub`, as its dubbed audio in that
 * language (tus metadata `audioLanguage`) — resuming an earlier upload of the same file to the same
 * episode (and language) when one was interrupted. `cancels`: the territories whose review, approval
 * or live release the person confirmed the replacement cancels (tus metadata `cancels`; the API
 * refuses a replacement that cancels more than that).
 */
export async function startEpisodeUpload(file: File, episodeId: string, policy: UploadPolicy, events: UploadEvents, dub?: DubTarget, cancels?: readonly string[]): Promise<RunningUpload> {
  const duration = await readDuration(file, dub ? 'audio' : 'video');
  const metadata: Record<string, string> = { episodeId, filename: file.name, filetype: videoTypeOf(file, policy, dub ? policy.dubFormats : policy.formats) };
  if (dub) metadata.audioLanguage = dub.language;
  if (cancels?.length) metadata.cancels = cancels.join(',');
  if (duration) metadata.duration = duration.toFixed(3);

  let created = false;
  const upload = new Upload(file, {
    endpoint: '/uploads',
    chunkSize: CHUNK_SIZE,
    retryDelays: RETRY_DELAYS,
    metadata,
    removeFingerprintOnSuccess: true,
    // The same file sent to another episode is another upload, not a resumption.
    fingerprint: async (f) => ['greenlight', episodeId, dub ? `dub-${dub.language}` : 'video', f.name, f.size, f.lastModified].join(':'),
    onUploadUrlAvailable() {
      if (created) return;
      created = true;
      events.onCreated(uploadIdOf(upload.url));
    },
    onProgress: (sent, total) => events.onProgress(sent, total),
    onShouldRetry(error, attempt, options) {
      const retrying = defaultOptions.onShouldRetry?.(error, attempt, options) ?? false;
      if (retrying) events.onRetrying(retryMessage(error, file, RETRY_DELAYS[attempt] ?? 0));
      return retrying;
    },
    onSuccess: () => events.onFinished(uploadIdOf(upload.url)),
    onError(error) {
      const { message, resumable, refusal } = explain(error, { name: file.name, type: metadata.filetype!, size: file.size, durationSeconds: duration, dub }, policy);
      events.onFailed(message, resumable, refusal);
    },
  });

  const previous = await upload.findPreviousUploads();
  const latest = previous.sort((a, b) => b.creationTime.localeCompare(a.creationTime))[0];
  if (latest) upload.resumeFromPreviousUpload(latest);
  upload.start();

  return {
    resumed: Boolean(latest),
    pause: () => void upload.abort(false),
    resume: () => upload.start(),
    // Terminating tells the server to drop what it has and settle the episode.
    cancel: () => upload.abort(true).catch(() => undefined),
  };
}

/** An upload this browser started and did not finish: choosing the same file for the same episode carries it on. */
export interface UnfinishedUpload {
  episodeId: string;
  fileName: string;
  /** Bytes of the whole file. */
  size: number;
  /** Set for a dub: its language. */
  audioLanguage?: string;
}

/** The unfinished uploads tus remembers in this browser (it forgets one when it succeeds). */
export async function unfinishedUploads(): Promise<UnfinishedUpload[]> {
  const stored = await defaultOptions.urlStorage.findAllUploads().catch(() => []);
  return stored
    .filter((u) => u.metadata?.episodeId && u.metadata.filename)
    .map((u) => ({ episodeId: u.metadata.episodeId!, fileName: u.metadata.filename!, size: u.size ?? 0, ...(u.metadata.audioLanguage ? { audioLanguage: u.metadata.audioLanguage } : {}) }));
}
