/**
 * What the dashboard says when the API refuses an upload, worded here by the refusal's reason (the
 * API's `Upload-Refusal-Reason` header) from the file and the API's `uploadPolicy` — never the text of
 * the upload library or of a proxy.
 */
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

/** The words for a refusal with `reason`; `undefined` for a reason the dashboard does not know. */
export function uploadRefusalMessage(reason: string, file: RefusedFile, policy: UploadPolicy): string | undefined {
  switch (reason) {
    case 'UPLOAD_TYPE_NOT_ACCEPTED':
      return file.dub ? `Only ${dubFormatsOf(policy)} audio is accepted for a dub; "${file.name}" is not one.` : `Only ${formatsOf(policy)} videos are accepted; "${file.name}" is not one.`;
    case 'UPLOAD_TYPE_MISMATCH': {
      const extension = extensionOf(file.name);
      const expected = (file.dub ? policy.dubFormats : policy.formats).find((f) => f.extension === extension)?.mediaTypes ?? [];
      return `The file type ${file.type} does not match a .${extension} ${file.dub ? 'audio file' : 'video'} (expected ${expected.join(' or ')}).`;
    }
    case 'UPLOAD_DURATION_MISMATCH': {
      const dub = file.dub;
      if (!dub?.videoSeconds || !dub.toleranceSeconds || file.durationSeconds === undefined) return `"${file.name}" does not run as long as the episode's video; a dub must match it.`;
      return `"${file.name}" runs ${seconds(file.durationSeconds)} but the video runs ${seconds(dub.videoSeconds)}; a dub must match it within ${seconds(dub.toleranceSeconds)}.`;
    }
    case 'UPLOAD_VIDEO_REQUIRED':
      return 'Upload the episode\'s video first: a dub is measured against it.';
    case 'UPLOAD_LANGUAGE_INVALID':
      return `"${file.dub?.language ?? ''}" is not a language tag. Use a BCP 47 tag such as es, es-MX or pt-BR.`;
    case 'UPLOAD_TOO_LARGE':
      return `The file is ${formatBytes(file.size)}; the limit is ${formatBytes(policy.maxBytes)}.`;
    case 'UPLOAD_TOO_LONG':
      return `Episodes may be at most ${policy.maxDurationSeconds} seconds long; this video is longer.`;
    case 'UPLOAD_EMPTY':
      return 'The file is empty.';
    case 'UPLOAD_GONE':
      return 'This upload has ended; choose the file again to start a new one.';
    case 'UPLOAD_METADATA_INVALID':
    case 'UPLOAD_LENGTH_REQUIRED':
      return `The browser could not describe "${file.name}" well enough to upload it. Rename the file to a plain name and try again.`;
    case 'FORBIDDEN':
      return 'Only studio owners and editors can upload.';
    case 'NOT_FOUND':
      return 'This episode (or upload) is no longer in your studio. Reload the page.';
    case 'UNAUTHENTICATED':
      return 'Your session has ended. Sign in again, then choose the file again to carry on.';
    case 'RATE_LIMITED':
      return 'Too many uploads at once. Wait a moment, then resume.';
    default:
      return undefined;
  }
}
