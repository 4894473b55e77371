/**
 * What the dashboard says when the API refuses an upload, worded here by the refusal's reason (the
 * API's `Upload-Refusal-Reason` header) from the file and the API's `uploadPolicy` — never the text of
 * the upload library or of a proxy.
 */
import type { EnumOf } from '~/graphql';
import type { UploadPolicy } from './catalog';
import { formatBytes } from './episode';

export interface RefusedFile {
  name: string;
  /** The media type declared for the file. */
  type: string;
  size: number;
  /** Seconds, as the browser read them from the file; absent when it could not. */
  durationSeconds?: number;
  /** Set when the file is a dub: its language and what the episode's video allows (from the API). */
  dub?: DubTarget;
  /** The API's own words for the refusal (the response body), for refusals whose facts only it knows. */
  apiWords?: string;
}

/** What a dub upload is measured against: `Episode.dubDurationToleranceSeconds` and the current video's duration. */
export interface DubTarget {
  /** BCP 47 tag, as typed. */
  language: string;
  videoSeconds: number | null;
  toleranceSeconds: number | null;
}

const extensionOf = (name: string): string => name.toLowerCase().split('.').pop() ?? '';
const formatsOf = (policy: UploadPolicy): string => policy.acceptedExtensions.map((e) => e.toUpperCase()).join(', ');
const dubFormatsOf = (policy: UploadPolicy): string => policy.dubFormats.map((f) => f.extension.toUpperCase()).join(', ');
const seconds = (value: number): string => `${value.toFixed(1)} s`;

/** Every reason the API's upload endpoint can refuse with: the schema's enum, so a new one fails the typecheck here until worded. */
export type UploadRefusalReason = EnumOf<'UploadRefusalReason'>;

type Wording = (file: RefusedFile, policy: UploadPolicy) => string;

/** Refusals of the tus protocol itself are the browser's doing, not the person's: they start again. */
const startAgain: Wording = (file) => `The upload of "${file.name}" could not carry on. Choose the file again to start over; if it keeps happening, tell us the file's name.`;

const REFUSALS: Record<UploadRefusalReason, Wording> = {
  UPLOAD_TYPE_NOT_ACCEPTED: (file, policy) =>
    file.dub ? `Only ${dubFormatsOf(policy)} audio is accepted for a dub; "${file.name}" is not one.` : `Only ${formatsOf(policy)} videos are accepted; "${file.name}" is not one.`,
  UPLOAD_TYPE_MISMATCH: (file, policy) => {
    const extension = extensionOf(file.name);
    const expected = (file.dub ? policy.dubFormats : policy.formats).find((f) => f.extension === extension)?.mediaTypes ?? [];
    return `The file type ${file.type} does not match a .${extension} ${file.dub ? 'audio file' : 'video'} (expected ${expected.join(' or ')}).`;
  },
  UPLOAD_DURATION_MISMATCH: (file) => {
    const dub = file.dub;
    if (!dub?.videoSeconds || !dub.toleranceSeconds || file.durationSeconds === undefined) return `"${file.name}" does not run as long as the episode's video; a dub must match it.`;
    return `"${file.name}" runs ${seconds(file.durationSeconds)} but the video runs ${seconds(dub.videoSeconds)}; a dub must match it within ${seconds(dub.toleranceSeconds)}.`;
  },
  // What the replacement would cancel is read from where the episode stands now, which only the API knows.
  REPLACEMENT_CANCELS_REVIEW: (file) =>
    file.apiWords?.trim() || `Replacing the video with "${file.name}" would cancel a review, approval or live release you did not confirm. Check what it cancels, then confirm again.`,
  UPLOAD_VIDEO_REQUIRED: () => "Upload the episode's video first: a dub is measured against it.",
  UPLOAD_LANGUAGE_INVALID: (file) => `"${file.dub?.language ?? ''}" is not a language tag. Use a BCP 47 tag such as es, es-MX or pt-BR.`,
  UPLOAD_TOO_LARGE: (file, policy) => `The file is ${formatBytes(file.size)}; the limit is ${formatBytes(policy.maxBytes)}.`,
  UPLOAD_TOO_LONG: (_file, policy) => `Episodes may be at most ${policy.maxDurationSeconds} seconds long; this video is longer.`,
  UPLOAD_EMPTY: () => 'The file is empty.',
  UPLOAD_GONE: () => 'This upload has ended; choose the file again to start a new one.',
  UPLOAD_FINISHED: () => 'This upload has already finished; nothing more can be sent to it or cancelled.',
  UPLOAD_METADATA_INVALID: (file) => `The browser could not describe "${file.name}" well enough to upload it. Rename the file to a plain name and try again.`,
  UPLOAD_LENGTH_REQUIRED: (file) => `The browser could not tell the size of "${file.name}". Choose the file again to start over.`,
  UPLOAD_LENGTH_EXCEEDED: (file) => `More data arrived than "${file.name}" holds — the file may have changed while uploading. Choose it again to start over.`,
  UPLOAD_LENGTH_INVALID: startAgain,
  UPLOAD_OFFSET_REQUIRED: startAgain,
  UPLOAD_OFFSET_INVALID: startAgain,
  UPLOAD_OFFSET_CONFLICT: () => 'The upload and Greenlight lost step with each other. Resume to carry on from where Greenlight stands.',
  UPLOAD_CONTENT_TYPE_INVALID: startAgain,
  UPLOAD_HEADER_INVALID: startAgain,
  UPLOAD_EXTENSION_UNSUPPORTED: startAgain,
  UPLOAD_METHOD_NOT_ALLOWED: startAgain,
  TUS_RESUMABLE_UNSUPPORTED: () => 'This page is out of date with Greenlight. Reload the page, then choose the file again.',
  UPLOAD_BUSY: () => 'Another tab or window is sending this file right now. Wait for it to finish, or resume in a moment.',
  BAD_USER_INPUT: startAgain,
  REQUEST_MALFORMED: startAgain,
  HEADERS_TOO_LARGE: (file) => `The browser could not describe "${file.name}" briefly enough to upload it. Rename the file to a shorter, plain name and try again.`,
  REQUEST_TIMEOUT: (file) => `The connection was too slow to send "${file.name}". Resume to carry on from where it stopped.`,
  CONFLICT: (file) => `Something changed while "${file.name}" was uploading. Resume to try again.`,
  FORBIDDEN: () => 'Only studio owners and editors can upload.',
  ROLE_REQUIRED: () => 'Only studio owners and editors can upload.',
  NOT_FOUND: () => 'This episode (or upload) is no longer in your studio. Reload the page.',
  UNAUTHENTICATED: () => 'Your session has ended. Sign in again, then choose the file again to carry on.',
  RATE_LIMITED: () => 'Too many uploads at once. Wait a moment, then resume.',
  SERVICE_UNAVAILABLE: (file) => `Greenlight is briefly unavailable. Resume "${file.name}" in a few seconds.`,
  INTERNAL_SERVER_ERROR: (file) => `Something went wrong on our side while taking "${file.name}". Resume to try again.`,
};

const isReason = (reason: string): reason is UploadRefusalReason => Object.hasOwn(REFUSALS, reason);

/**
 * Whether sending the same upload again can get past a refusal with `reason`. A replacement refused for
 * cancelling what the person did not confirm cannot: what it cancels has to be shown and confirmed anew.
 */
export function refusalAllowsResume(reason: string): boolean {
  return reason !== 'REPLACEMENT_CANCELS_REVIEW';
}

/** The words for a refusal with `reason`; `undefined` for a reason the dashboard does not know (an older dashboard than the API). */
export function uploadRefusalMessage(reason: string, file: RefusedFile, policy: UploadPolicy): string | undefined {
  return isReason(reason) ? REFUSALS[reason](file, policy) : undefined;
}
