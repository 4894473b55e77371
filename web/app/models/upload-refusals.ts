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
}

const extensionOf = (name: string): string => name.toLowerCase().split('.').pop() ?? '';
const formatsOf = (policy: UploadPolicy): string => policy.acceptedExtensions.map((e) => e.toUpperCase()).join(', ');

/** The words for a refusal with `reason`; `undefined` for a reason the dashboard does not know. */
export function uploadRefusalMessage(reason: string, file: RefusedFile, policy: UploadPolicy): string | undefined {
  switch (reason) {
    case 'UPLOAD_TYPE_NOT_ACCEPTED':
      return `Only ${formatsOf(policy)} videos are accepted; "${file.name}" is not one.`;
    case 'UPLOAD_TYPE_MISMATCH': {
      const extension = extensionOf(file.name);
      const expected = policy.formats.find((f) => f.extension === extension)?.mediaTypes ?? [];
      return `The file type ${file.type} does not match a .${extension} video (expected ${expected.join(' or ')}).`;
    }
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
