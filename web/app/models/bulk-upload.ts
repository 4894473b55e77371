/**
 * The bulk upload's preview, as a pure function: which episode each dropped file goes to, which
 * episodes are created, and which files need a decision (no number, two files for one episode, a
 * format the API's `uploadPolicy` does not take) before anything is sent. A file that is the
 * episode's video already (the same size and sha256) is left out; one that would replace the video
 * of an episode in review, approved or live waits for the person's "Replace anyway" (what it would
 * cancel is the API's `Episode.replacementCancels`).
 */
import { describeRuns, numberRuns, type UploadPolicy } from './catalog';
import { episodeHeading, formatBytes } from './episode';
import { episodeNumberFromFileName, episodeNumberRefusal, type EpisodeNumberMatch } from './episode-number';

/** A dropped or chosen file in the preview; `numberText` is what the episode-number field holds. */
export interface BulkUploadRow {
  key: string;
  fileName: string;
  size: number;
  numberText: string;
  skipped: boolean;
  /** The number read from the file's name, or why there is none. */
  proposal: EpisodeNumberMatch;
  /** The file's sha256 (hex) once hashed, null when it could not be read; absent until then. Only files as large as their episode's video are hashed. */
  sha256?: string | null;
  /** The person chose to replace the video even though that cancels the episode's review, approval or live release. */
  replaceAnyway?: boolean;
}

/** What replacing an episode's video cancels in one territory (the API's `ReplacementCancellation`). */
export interface ReplacementCancellation {
  territory: string;
  loss: 'IN_REVIEW' | 'APPROVED' | 'LIVE';
}

/**
 * The upload's `cancels` metadata entries for what the person was shown and confirmed: each territory
 * with the loss shown ("US=IN_REVIEW"), so the API refuses the upload if more is at stake by the time
 * it is created (an approval or a live release that came after the page was loaded).
 */
export function acknowledgmentOf(cancels: readonly ReplacementCancellation[]): string[] {
  return cancels.map((c) => `${c.territory}=${c.loss}`);
}

/** An episode that exists already, as far as the preview needs it. */
export interface ExistingEpisode {
  id: string;
  number: number;
  title: string;
  hasMedia: boolean;
  /** The current video's size and sha256, to tell the same file dropped again. */
  media?: { sizeBytes: number; sha256: string } | null;
  /** What replacing the video would cancel, per territory (the API's `Episode.replacementCancels`). */
  replacementCancels?: readonly ReplacementCancellation[];
}

export type BulkUploadProblem = 'not-accepted' | 'too-large' | 'no-number' | 'ambiguous' | 'invalid-number' | 'duplicate' | 'busy';

export type BulkUploadVerdict =
  /** `checking`: whether the episode exists is not known yet, so the row claims neither "new" nor "replaces". `warning`: worth a look before confirming. */
  | { kind: 'upload'; number: number; existing: ExistingEpisode | null; checking: boolean; note: string; warning?: string }
  /** `comparing`: as large as the episode's video; whether it is the same file is known once it is hashed. Nothing starts meanwhile. */
  | { kind: 'comparing'; number: number; existing: ExistingEpisode; note: string }
  /** Would replace the video of an episode in review, approved or live: uploaded only with the person's "Replace anyway". */
  | { kind: 'held'; number: number; existing: ExistingEpisode; note: string }
  | { kind: 'skipped'; note: string; same?: true }
  | { kind: 'problem'; problem: BulkUploadProblem; note: string };

export interface BulkUploadPlan {
  verdicts: Map<string, BulkUploadVerdict>;
  /** Episode numbers that will receive a file, ascending. */
  numbers: number[];
  /** Of those, the numbers the series lacks: they are created as drafts. */
  created: number[];
  /** Files that need a decision (fix the number or skip the file) before the upload can start. */
  problems: number;
  /** Files whose name names a season other than 1: the number they go to is worth a look. */
  warnings: number;
  /** Files being compared with their episode's video: the upload cannot start until they are. */
  comparing: number;
  /** Files left out because their episode has that very video already. */
  same: number;
  /** Files held back because replacing would cancel a review, approval or live release. */
  held: number;
  /** One sentence about the whole plan. */
  summary: string;
}

/**
 * A preview row for a file, its episode number proposed from its name — or, when an upload of this
 * very file stopped earlier (`resumes`, the episode it was going to), the number the person chose then.
 */
export function bulkUploadRow(key: string, file: { name: string; size: number }, resumes?: number): BulkUploadRow {
  const proposal = episodeNumberFromFileName(file.name);
  // A number no episode can have (ep0, ep12345) is shown as read, and flagged by the plan.
  const read = proposal.number !== null ? proposal.number : proposal.reason === 'out-of-range' ? proposal.digits : null;
  const number = resumes ?? read;
  return { key, fileName: file.name, size: file.size, numberText: number === null ? '' : String(number), skipped: false, proposal };
}

/** Why a row's name deserves a second look before its number is trusted: it names a season other than 1. */
function seasonWarning(row: BulkUploadRow, number: number): string | undefined {
  const season = row.proposal.number !== null ? row.proposal.season : undefined;
  if (season === undefined || season === 1 || row.proposal.number !== number) return undefined;
  return `Its name says season ${season}: a series numbers its episodes in one run, so check that episode ${number} is right.`;
}

/** Whether the API's upload policy takes a file of this name (by its extension; the API checks the media type too). */
export function acceptedByPolicy(fileName: string, policy: Pick<UploadPolicy, 'acceptedExtensions'>): boolean {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 && policy.acceptedExtensions.includes(fileName.slice(dot + 1).toLowerCase());
}

/** Whether the API's upload policy takes this file name at all (its length and characters: `fileNameRefusedCharacters`). */
export function plainFileName(fileName: string, policy: Pick<UploadPolicy, 'fileNameMaxLength' | 'fileNameRefusedCharacters'>): boolean {
  return fileName.length <= policy.fileNameMaxLength && !new RegExp(policy.fileNameRefusedCharacters, 'u').test(fileName);
}

/** A file name as it may be shown: each character the policy refuses (a direction override, a control) as U+FFFD, so no name can disguise itself. */
export function shownFileName(fileName: string, policy: Pick<UploadPolicy, 'fileNameRefusedCharacters'>): string {
  return fileName.replace(new RegExp(policy.fileNameRefusedCharacters, 'gu'), '\uFFFD');
}

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/** The note of a file that is its episode's video already. */
export const SAME_VIDEO_NOTE = 'Same video already uploaded — skipped.';

/**
 * Whether a file needs hashing to tell if it is the episode's video already: only a file exactly as
 * large as that video can be, and only until its hash is known.
 */
export function needsComparing(row: Pick<BulkUploadRow, 'size' | 'sha256'>, episode: ExistingEpisode | null): boolean {
  return Boolean(episode?.media) && row.size === episode!.media!.sizeBytes && row.sha256 === undefined;
}

/** Whether the file is the episode's current video: the same size and sha256 (the API's rule: such an upload changes nothing). */
export function sameAsCurrentVideo(row: Pick<BulkUploadRow, 'size' | 'sha256'>, episode: ExistingEpisode | null): boolean {
  return Boolean(episode?.media && row.sha256) && row.size === episode!.media!.sizeBytes && row.sha256 === episode!.media!.sha256;
}

const LOSS_WORDS: Array<[ReplacementCancellation['loss'], string]> = [
  ['LIVE', 'its live release'],
  ['APPROVED', 'its approval'],
  ['IN_REVIEW', 'its review'],
];

/** "Replacing cancels its approval in CA, GB; its review in US." from the API's `replacementCancels`; empty when nothing is cancelled. */
export function describeCancellations(cancels: readonly ReplacementCancellation[], what = 'Replacing'): string {
  const parts = LOSS_WORDS.flatMap(([loss, words]) => {
    const territories = cancels.filter((c) => c.loss === loss).map((c) => c.territory);
    return territories.length ? [`${words} in ${territories.join(', ')}`] : [];
  });
  return parts.length ? `${what} cancels ${parts.join('; ')}.` : '';
}

/**
 * Judges every row against the policy, the series' existing episodes (`existing`, by number; null
 * while they are being checked) and the episodes already receiving a file (`busy`, by id). Only a
 * plan with no problems may start.
 */
export function planBulkUpload(
  rows: readonly BulkUploadRow[],
  existing: ReadonlyMap<number, ExistingEpisode> | null,
  policy: Pick<UploadPolicy, 'acceptedExtensions' | 'maxBytes' | 'fileNameMaxLength' | 'fileNameRefusedCharacters' | 'maxEpisodeNumber'>,
  busy: ReadonlySet<string> = new Set(),
): BulkUploadPlan {
  const verdicts = new Map<string, BulkUploadVerdict>();
  const numberOf = new Map<string, number>();
  const fault = (row: BulkUploadRow, problem: BulkUploadProblem, note: string) => verdicts.set(row.key, { kind: 'problem', problem, note });

  for (const row of rows) {
    if (!acceptedByPolicy(row.fileName, policy)) {
      verdicts.set(row.key, { kind: 'skipped', note: `Not a video Greenlight takes (${policy.acceptedExtensions.map((e) => e.toUpperCase()).join(', ')}): left out.` });
      continue;
    }
    if (!plainFileName(row.fileName, policy)) {
      // Refused before any episode is created for it: the upload would refuse the name.
      verdicts.set(row.key, { kind: 'skipped', note: `Its name has control characters, direction overrides or slashes, or is longer than ${policy.fileNameMaxLength} characters: rename the file to upload it. Left out.` });
      continue;
    }
    if (row.size > policy.maxBytes) {
      verdicts.set(row.key, { kind: 'skipped', note: `Larger than ${formatBytes(policy.maxBytes)}, the most one upload may be: left out.` });
      continue;
    }
    if (row.skipped) {
      verdicts.set(row.key, { kind: 'skipped', note: 'Skipped: not uploaded.' });
      continue;
    }
    const text = row.numberText.trim();
    if (!text) {
      if (row.proposal.number === null && row.proposal.reason === 'ambiguous') fault(row, 'ambiguous', 'Its name has more than one number: enter the episode number, or skip the file.');
      else fault(row, 'no-number', 'No episode number in its name: enter one, or skip the file.');
      continue;
    }
    const refusal = episodeNumberRefusal(text, policy.maxEpisodeNumber);
    if (refusal) {
      fault(row, 'invalid-number', refusal);
      continue;
    }
    numberOf.set(row.key, Number(text));
  }

  const filesPer = new Map<number, number>();
  for (const n of numberOf.values()) filesPer.set(n, (filesPer.get(n) ?? 0) + 1);

  for (const row of rows) {
    const number = numberOf.get(row.key);
    if (number === undefined) continue;
    const episode = existing?.get(number) ?? null;
    const count = filesPer.get(number)!;
    if (count > 1) fault(row, 'duplicate', `Episode ${number} has ${count} files: give each its own number, or skip all but one.`);
    else if (episode && busy.has(episode.id)) fault(row, 'busy', `Episode ${number} is receiving another file now: skip this one, or wait until that upload ends.`);
    else if (episode && sameAsCurrentVideo(row, episode)) verdicts.set(row.key, { kind: 'skipped', note: SAME_VIDEO_NOTE, same: true });
    else if (episode && needsComparing(row, episode)) verdicts.set(row.key, { kind: 'comparing', number, existing: episode, note: `Episode ${number} · Comparing with its video…` });
    else if (episode?.hasMedia && episode.replacementCancels?.length && !row.replaceAnyway) {
      verdicts.set(row.key, { kind: 'held', number, existing: episode, note: `Not uploaded: ${describeCancellations(episode.replacementCancels)} Tick “Replace anyway” to upload it.` });
    } else {
      const checking = existing === null;
      const cancels = episode?.hasMedia ? describeCancellations(episode.replacementCancels ?? []) : '';
      const note = checking ? `Episode ${number} · Checking…` : !episode ? `New episode ${number}` : episode.hasMedia ? `Replaces the video of ${episodeHeading(episode)}${cancels ? `. ${cancels}` : ''}` : episodeHeading(episode);
      verdicts.set(row.key, { kind: 'upload', number, existing: episode, checking, note, warning: seasonWarning(row, number) });
    }
  }

  const uploads = [...verdicts.values()].filter((v): v is Extract<BulkUploadVerdict, { kind: 'upload' }> => v.kind === 'upload');
  const numbers = uploads.map((v) => v.number).sort((a, b) => a - b);
  const created = existing === null ? [] : uploads.filter((v) => !v.existing).map((v) => v.number).sort((a, b) => a - b);
  const problems = [...verdicts.values()].filter((v) => v.kind === 'problem').length;
  const warnings = uploads.filter((v) => v.warning).length;
  const comparing = [...verdicts.values()].filter((v) => v.kind === 'comparing').length;
  const same = [...verdicts.values()].filter((v) => v.kind === 'skipped' && v.same).length;
  const held = [...verdicts.values()].filter((v) => v.kind === 'held').length;
  const parts = [numbers.length ? `${plural(numbers.length, 'file')} for episode${numbers.length === 1 ? '' : 's'} ${describeRuns(numberRuns(numbers))}` : 'No file to upload yet'];
  if (created.length) parts.push(`${plural(created.length, 'new episode')} (${describeRuns(numberRuns(created))}) will be created`);
  if (problems) parts.push(`${plural(problems, 'file needs', 'files need')} a number or a skip`);
  if (comparing) parts.push(`${plural(comparing, 'file is', 'files are')} being compared with ${comparing === 1 ? 'its episode’s video' : 'their episodes’ videos'}`);
  if (same) parts.push(`${plural(same, 'file is', 'files are')} already uploaded and skipped`);
  if (held) parts.push(`${plural(held, 'file is', 'files are')} held back: replacing would cancel reviews, approvals or live releases`);
  if (warnings) parts.push(`${plural(warnings, 'file names', 'files name')} a season other than 1: check ${warnings === 1 ? 'its number' : 'their numbers'}`);
  return { verdicts, numbers, created, problems, warnings, comparing, same, held, summary: `${parts.join('; ')}.` };
}
