/** Episode media and review vocabulary shared by the studio's loaders and components: labels and formatting. */
import type { EnumOf } from '~/graphql';

export type CaseStatus = EnumOf<'CaseStatus'>;
export type CaseKind = EnumOf<'CaseKind'>;
export type Decision = EnumOf<'Decision'>;
export type Verdict = EnumOf<'Verdict'>;
export type UploadStatus = EnumOf<'UploadStatus'>;
export type SubtitleFormat = EnumOf<'SubtitleFormat'>;
export type SubtitleKind = EnumOf<'SubtitleKind'>;
export const SUBTITLE_KINDS: ReadonlyArray<{ value: SubtitleKind; label: string }> = [
  { value: 'SUBTITLES', label: 'Subtitles' },
  { value: 'CLOSED_CAPTIONS', label: 'Closed captions (dialogue and sounds)' },
  { value: 'FORCED', label: 'Forced (only what must be read)' },
];
export const subtitleKindOf = (value: string): SubtitleKind => (SUBTITLE_KINDS.find((k) => k.value === value)?.value ?? 'SUBTITLES');

/** "Episode 4: The Wedding", or just "Episode 4" when the title is the default and says no more. */
export const episodeHeading = (episode: { number: number; title: string }): string =>
  episode.title && episode.title !== `Episode ${episode.number}` ? `Episode ${episode.number}: ${episode.title}` : `Episode ${episode.number}`;

/** Cases the API is still screening: pages keep checking while they last. */
export const isCaseBusy = (status: CaseStatus): boolean => status === 'QUEUED' || status === 'SCREENING';

const CASE_STATUS_LABELS: Record<CaseStatus, string> = {
  QUEUED: 'Queued for screening',
  SCREENING: 'Screening',
  PENDING_REVIEW: 'Waiting for a reviewer',
  DECIDED: 'Decided',
  INVALIDATED: 'Withdrawn',
};

export const caseStatusLabel = (status: CaseStatus): string => CASE_STATUS_LABELS[status] ?? status;

/** Badge colour of a case; a decided one takes the colour of its harshest final decision. */
export function caseStatusTone(status: CaseStatus, decisions: ReadonlyArray<{ decision: Decision; pendingSecondApproval: boolean }> = []): 'muted' | 'info' | 'warning' | 'success' | 'danger' {
  if (status === 'DECIDED') {
    const final = decisions.filter((d) => !d.pendingSecondApproval).map((d) => d.decision);
    if (final.includes('REJECT')) return 'danger';
    return final.includes('REQUEST_CHANGES') ? 'warning' : 'success';
  }
  if (status === 'PENDING_REVIEW') return 'warning';
  if (status === 'INVALIDATED') return 'muted';
  return 'info';
}

const DECISION_LABELS: Record<Decision, string> = { APPROVE: 'Approved', REQUEST_CHANGES: 'Changes requested', REJECT: 'Rejected' };
export const decisionLabel = (decision: Decision): string => DECISION_LABELS[decision] ?? decision;
export const decisionTone = (decision: Decision): 'success' | 'warning' | 'danger' =>
  decision === 'APPROVE' ? 'success' : decision === 'REJECT' ? 'danger' : 'warning';

const VERDICT_LABELS: Record<Verdict, string> = { CLEAR: 'Clear', LIKELY_VIOLATION: 'Likely violation', NEEDS_REVIEW: 'Needs a closer look' };
export const verdictLabel = (verdict: Verdict): string => VERDICT_LABELS[verdict] ?? verdict;

const UPLOAD_STATUS_LABELS: Record<UploadStatus, string> = {
  UPLOADING: 'Uploading',
  PROCESSING: 'Processing',
  SUCCEEDED: 'Succeeded',
  FAILED: 'Failed',
  ABANDONED: 'Stopped',
};
export const uploadStatusLabel = (status: UploadStatus): string => UPLOAD_STATUS_LABELS[status] ?? status;

/** Screening progress as the API reports it: `{ step, done, total }` while screening. */
export interface ScreeningProgress {
  step: string | null;
  done: number | null;
  total: number | null;
}

export function screeningProgress(progress: unknown): ScreeningProgress {
  const p = (progress && typeof progress === 'object' ? progress : {}) as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return { step: typeof p.step === 'string' ? p.step : null, done: num(p.done), total: num(p.total) };
}

/** "1.5 MiB". */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** A moment in the video, "1:05" (or "1:05.5" when it falls between seconds). */
export function formatTimestamp(seconds: number): string {
  const whole = Math.floor(seconds);
  const tenths = Math.round((seconds - whole) * 10);
  const base = `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
  return tenths > 0 && tenths < 10 ? `${base}.${tenths}` : base;
}

/** Video length for people: "0:02", to the nearest second. */
export function formatLength(seconds: number | null | undefined): string {
  if (seconds == null) return '';
  return formatTimestamp(Math.round(seconds));
}

/** The subtitle format a file name implies (`.vtt` or `.srt`), if any. */
export function subtitleFormatOf(fileName: string): SubtitleFormat | undefined {
  const extension = fileName.toLowerCase().split('.').pop();
  if (extension === 'vtt') return 'WEBVTT';
  if (extension === 'srt') return 'SRT';
  return undefined;
}

/**
 * The API refuses a subtitle file with one "Line N: message" per problem, one per line of its
 * message; each becomes a row the page can list. Anything else is kept whole, without a line.
 */
export function subtitleProblems(message: string): Array<{ line: number | null; message: string }> {
  return message
    .split('\n')
    .map((text) => text.trim())
    .filter(Boolean)
    .map((text) => {
      const match = /^Line (\d+): (.*)$/.exec(text);
      return match ? { line: Number(match[1]), message: match[2]! } : { line: null, message: text };
    });
}

/**
 * The container as people name it: the probe lists every name its demuxer answers to
 * ("mov,mp4,m4a,3gp,3g2,mj2"), so prefer the one the file name uses.
 */
export function containerLabel(container: string, fileName: string): string {
  const names = container.split(',').map((n) => n.trim()).filter(Boolean);
  const extension = fileName.toLowerCase().split('.').pop() ?? '';
  const name = names.includes(extension) ? extension : (names[0] ?? container);
  return name.toUpperCase();
}
