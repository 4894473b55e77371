import { useFetcher } from '@remix-run/react';
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { startEpisodeUpload, type RunningUpload } from '~/models/episode-upload.client';
import { acknowledgmentOf, describeCancellations, type ReplacementCancellation } from '~/models/bulk-upload';
import { acceptListOf, dubAcceptListOf, type UploadPolicy } from '~/models/catalog';
import type { DubTarget } from '~/models/upload-refusals';
import { episodeHeading, formatBytes, formatLength } from '~/models/episode';
import type { loader as mediaStateLoader } from '~/routes/resources.episode-media';

/** At most this many files travel at once; the rest wait their turn. */
export const MAX_PARALLEL_UPLOADS = 3;
const POLL_MS = 1500;

export interface UploadTarget {
  id: string;
  number: number;
  title: string;
}

export type UploadPhase = 'waiting' | 'starting' | 'uploading' | 'paused' | 'processing' | 'ready' | 'failed' | 'cancelled';

export interface UploadItem {
  key: string;
  file: File;
  target: UploadTarget;
  /** Set for a dub: the file is the episode's audio in this language, not its video. */
  dub?: DubTarget;
  /** What the person confirmed this replacement cancels, as `cancels` entries ("US=IN_REVIEW": `acknowledgmentOf`). */
  cancels?: readonly string[];
  phase: UploadPhase;
  sent: number;
  total: number;
  uploadId?: string;
  message?: string;
  /** Set while the upload retries a failed request by itself (see UploadEvents.onRetrying). */
  retrying?: string;
  /** A failed upload that can carry on from where it stopped. */
  resumable?: boolean;
  /** Why the API refused it (its `Upload-Refusal-Reason`), when it did. */
  refusal?: string;
  /** It picked up an earlier, interrupted upload of the same file. */
  resumed?: boolean;
  result?: { durationSeconds: number; posterUrl: string | null; width: number; height: number; warnings: string[] };
  /** The file was the episode's video already: the API changed nothing (its reviews and approvals stand). */
  unchanged?: boolean;
}

const isActive = (phase: UploadPhase) => phase === 'starting' || phase === 'uploading';
export const isUnfinished = (phase: UploadPhase) => phase === 'waiting' || isActive(phase) || phase === 'paused';

let keys = 0;

/**
 * Uploads of episode videos (or dubs): up to three at a time, each pausable, resumable and cancellable, then
 * followed until the server has processed the file. `onChange` runs when an episode's status moves
 * (an upload is created, processed or stopped), for the page to reload what it shows.
 */
export function useUploadQueue(policy: UploadPolicy, onChange?: () => void) {
  const [items, setItems] = useState<UploadItem[]>([]);
  const running = useRef(new Map<string, RunningUpload>());
  const launched = useRef(new Set<string>());
  const cancelled = useRef(new Set<string>());
  const changed = useRef(onChange);
  changed.current = onChange;

  const update = useCallback((key: string, change: Partial<UploadItem> | ((item: UploadItem) => Partial<UploadItem>)) => {
    setItems((list) => list.map((item) => (item.key === key ? { ...item, ...(typeof change === 'function' ? change(item) : change) } : item)));
  }, []);

  const launch = useCallback(
    (item: UploadItem) => {
      const existing = running.current.get(item.key);
      if (existing) {
        update(item.key, { phase: 'uploading', message: undefined });
        existing.resume();
        return;
      }
      if (launched.current.has(item.key)) return;
      launched.current.add(item.key);
      update(item.key, { phase: 'starting' });
      startEpisodeUpload(item.file, item.target.id, policy, {
        onCreated(uploadId) {
          update(item.key, { uploadId });
          changed.current?.();
        },
        onProgress(sent, total) {
          update(item.key, (current) => (isActive(current.phase) ? { sent, total, phase: 'uploading', retrying: undefined } : { sent, total, retrying: undefined }));
        },
        onRetrying(message) {
          update(item.key, { retrying: message });
        },
        onFinished(uploadId) {
          running.current.delete(item.key);
          update(item.key, (current) => ({ phase: 'processing', sent: current.total, uploadId: uploadId || current.uploadId, retrying: undefined }));
        },
        onFailed(message, resumable, refusal) {
          if (!resumable) running.current.delete(item.key);
          update(item.key, { phase: 'failed', message, resumable, refusal, retrying: undefined });
        },
      }, item.dub, item.cancels)
        .then((upload) => {
          // Cancelled while it was starting: stop it now that there is something to stop.
          if (cancelled.current.has(item.key)) void upload.cancel();
          else {
            running.current.set(item.key, upload);
            if (upload.resumed) update(item.key, { resumed: true });
          }
        })
        .catch(() => update(item.key, { phase: 'failed', message: `The upload of "${item.file.name}" could not start in this browser.`, resumable: false }));
    },
    [update, policy],
  );

  // Starts waiting uploads while fewer than the maximum are on their way.
  useEffect(() => {
    const active = items.filter((i) => isActive(i.phase)).length;
    const waiting = items.filter((i) => i.phase === 'waiting');
    for (const item of waiting.slice(0, Math.max(0, MAX_PARALLEL_UPLOADS - active))) launch(item);
  }, [items, launch]);

  // Closing the tab stops uploads; ask first. (They resume when the same file is chosen again.)
  const unfinished = items.some((i) => isUnfinished(i.phase));
  useEffect(() => {
    if (!unfinished) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [unfinished]);

  useProcessingWatch(items, update, () => changed.current?.());

  return {
    items,
    /** The API's upload policy the picker and the uploads follow. */
    policy,
    add(files: ReadonlyArray<{ file: File; target: UploadTarget; dub?: DubTarget; cancels?: readonly string[] }>) {
      setItems((list) => [...list, ...files.map(({ file, target, dub, cancels }) => ({ key: `upload-${++keys}`, file, target, dub, cancels, phase: 'waiting' as const, sent: 0, total: file.size }))]);
    },
    pause(key: string) {
      running.current.get(key)?.pause();
      update(key, { phase: 'paused', retrying: undefined });
    },
    resume(key: string) {
      // Back in the line; the scheduler resumes it when there is room.
      update(key, { phase: 'waiting', message: undefined, refusal: undefined });
    },
    /** Sends every failed file again: one that can carry on does, the others start over. */
    retryFailed() {
      const again = (item: UploadItem): UploadItem => {
        if (running.current.has(item.key)) return { ...item, phase: 'waiting', message: undefined };
        // Nothing left to carry on: a new upload of the same file (tus still resumes what the server kept).
        launched.current.delete(item.key);
        return { ...item, phase: 'waiting', message: undefined, resumable: undefined, refusal: undefined, uploadId: undefined, sent: 0, result: undefined };
      };
      setItems((list) => list.map((item) => (item.phase === 'failed' ? again(item) : item)));
    },
    cancel(key: string) {
      const upload = running.current.get(key);
      running.current.delete(key);
      cancelled.current.add(key);
      update(key, { phase: 'cancelled', message: undefined });
      if (upload) void upload.cancel().then(() => changed.current?.());
    },
    dismiss(key: string) {
      setItems((list) => list.filter((item) => item.key !== key));
    },
  };
}

/** Follows finished uploads until the server has processed them (or refused the file). */
function useProcessingWatch(items: UploadItem[], update: (key: string, change: Partial<UploadItem>) => void, onSettled: () => void) {
  const fetcher = useFetcher<typeof mediaStateLoader>();
  const load = useRef(fetcher.load);
  load.current = fetcher.load;
  const idle = useRef(true);
  idle.current = fetcher.state === 'idle';
  const processing = items.filter((i) => i.phase === 'processing');
  const query = [...new Set(processing.map((i) => i.target.id))].map((id) => `id=${encodeURIComponent(id)}`).join('&');

  useEffect(() => {
    if (!query) return;
    const poll = () => {
      if (idle.current) void load.current(`/resources/episode-media?${query}`);
    };
    const timer = setInterval(poll, POLL_MS);
    poll();
    return () => clearInterval(timer);
  }, [query]);

  const states = fetcher.data?.episodes;
  useEffect(() => {
    if (!states) return;
    let settled = false;
    for (const item of processing) {
      const episode = states.find((e) => e.id === item.target.id);
      if (!episode) continue;
      const record = episode.uploads.find((u) => u.id === item.uploadId);
      const succeeded = record ? record.status === 'SUCCEEDED' : !item.dub && episode.status === 'READY' && episode.media && !episode.uploadError;
      const failed = record ? record.status === 'FAILED' || record.status === 'ABANDONED' : false;
      if (succeeded && item.dub) {
        update(item.key, { phase: 'ready' });
        settled = true;
      } else if (succeeded && episode.media) {
        update(item.key, { phase: 'ready', result: episode.media, unchanged: Boolean(record?.identicalToCurrentMedia) });
        settled = true;
      } else if (failed) {
        update(item.key, { phase: 'failed', resumable: false, message: record?.failureReason ?? episode.uploadError ?? `The server could not process "${item.file.name}".` });
        settled = true;
      }
    }
    if (settled) onSettled();
    // Only a new answer is worth a look; `processing` changes as a result of this very effect.
  }, [states]);
}

function phaseText(item: UploadItem, percent: number): string {
  switch (item.phase) {
    case 'waiting':
      return 'Waiting for another upload to finish.';
    case 'starting':
      return item.retrying ?? 'Starting…';
    case 'uploading':
      return item.retrying ?? (item.resumed ? 'Uploading, carrying on from where an earlier attempt stopped…' : 'Uploading…');
    case 'paused':
      return `Paused at ${percent}%.`;
    case 'processing':
      return item.dub ? 'Uploaded. Checking the dub against the video…' : 'Uploaded. Checking the video…';
    case 'ready':
      return item.unchanged ? 'Same video already uploaded: nothing changed.' : 'Ready.';
    case 'failed':
      return item.message ?? `The upload of "${item.file.name}" failed.`;
    case 'cancelled':
      return 'Cancelled.';
  }
}

/** The uploads under way (and just finished), each with its progress and controls. */
export function UploadList({ queue, label }: { queue: ReturnType<typeof useUploadQueue>; label: string }) {
  if (!queue.items.length) return null;
  return (
    <ul className="upload-list" aria-label={label}>
      {queue.items.map((item) => (
        <UploadRow key={item.key} item={item} queue={queue} />
      ))}
    </ul>
  );
}

function UploadRow({ item, queue }: { item: UploadItem; queue: ReturnType<typeof useUploadQueue> }) {
  const id = useId();
  const percent = item.total ? Math.floor((item.sent / item.total) * 100) : 0;
  const where = item.dub ? `the ${item.dub.language} dub of episode ${item.target.number}` : `episode ${item.target.number}`;
  const failed = item.phase === 'failed';
  return (
    <li className={`upload-item upload-${item.phase}`} aria-labelledby={`${id}-name`}>
      <div className="upload-poster" aria-hidden="true">
        {item.result?.posterUrl ? <img src={item.result.posterUrl} alt="" /> : <span className="upload-poster-empty" />}
      </div>
      <div className="upload-body">
        <p className="upload-name" id={`${id}-name`}>
          <strong>{item.file.name}</strong>
          <span className="muted">
            <span className="upload-target">{item.dub ? ` → ${item.dub.language} dub of episode ${item.target.number}` : ` → ${episodeHeading(item.target)}`}</span> · {formatBytes(item.file.size)}
          </span>
        </p>
        <div className="upload-progress">
          <progress id={`${id}-progress`} max={100} value={percent} aria-label={`Upload of ${item.file.name} to ${where}`} aria-valuetext={`${percent}%`} />
          <span className="upload-percent" aria-hidden="true">
            {percent}%
          </span>
        </div>
        {/* Byte counts change many times a second: shown, but outside the announced status. */}
        {item.phase === 'uploading' || item.phase === 'paused' ? (
          <p className="upload-bytes muted small" aria-hidden="true">
            {formatBytes(item.sent)} of {formatBytes(item.total)}
          </p>
        ) : null}
        <p className={failed ? 'upload-state field-error' : 'upload-state'} role={failed ? 'alert' : 'status'}>
          {phaseText(item, percent)}
          {item.phase === 'ready' && item.result ? (
            <span className="upload-result">
              {' '}
              {formatLength(item.result.durationSeconds)} · {item.result.width}×{item.result.height}
            </span>
          ) : null}
        </p>
        {item.phase === 'ready' && item.result?.warnings.length ? (
          <ul className="upload-warnings">
            {item.result.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        ) : null}
      </div>
      <div className="upload-actions">
        {item.phase === 'uploading' || item.phase === 'starting' ? (
          <button type="button" className="button button-secondary button-small" onClick={() => queue.pause(item.key)} disabled={item.phase === 'starting'} aria-label={`Pause the upload to ${where}`}>
            Pause
          </button>
        ) : null}
        {item.phase === 'paused' || (failed && item.resumable) ? (
          <button type="button" className="button button-secondary button-small" onClick={() => queue.resume(item.key)} aria-label={`Resume the upload to ${where}`}>
            Resume
          </button>
        ) : null}
        {isUnfinished(item.phase) || (failed && item.resumable) ? (
          <button type="button" className="button button-danger button-small" onClick={() => queue.cancel(item.key)} aria-label={`Cancel the upload to ${where}`}>
            Cancel
          </button>
        ) : null}
        {item.phase === 'ready' || item.phase === 'cancelled' || (failed && !item.resumable) ? (
          <button type="button" className="button button-secondary button-small" onClick={() => queue.dismiss(item.key)} aria-label={`Dismiss the upload to ${where}`}>
            Dismiss
          </button>
        ) : null}
      </div>
    </li>
  );
}

/**
 * The episode page's uploader: one file, uploaded as soon as it is chosen. Replacing the video of an
 * episode in review, approved or live first asks the person to confirm what it cancels (the API's
 * `replacementCancels`); the upload then acknowledges those territories, and the API refuses it if more
 * are at stake by then.
 */
export function EpisodeUploader({
  target,
  hasMedia,
  replacementCancels = [],
  queue,
}: {
  target: UploadTarget;
  hasMedia: boolean;
  replacementCancels?: readonly ReplacementCancellation[];
  queue: ReturnType<typeof useUploadQueue>;
}) {
  const id = useId();
  const busy = queue.items.some((i) => isUnfinished(i.phase) || i.phase === 'processing');
  const cancelling = hasMedia && replacementCancels.length > 0;
  const [confirmed, setConfirmed] = useState(false);
  const cancels = cancelling ? acknowledgmentOf(replacementCancels) : undefined;
  return (
    <div className="episode-uploader">
      {cancelling ? (
        <div className="field">
          <p className="upload-match-held" id={`${id}-cancels`}>
            {describeCancellations(replacementCancels)}
          </p>
          <label className="upload-replace-anyway">
            <input type="checkbox" checked={confirmed} onChange={(event) => setConfirmed(event.currentTarget.checked)} aria-describedby={`${id}-cancels`} /> Replace anyway
          </label>
        </div>
      ) : null}
      <div className="field">
        <label htmlFor={`${id}-file`}>{hasMedia ? 'Replace the video' : 'Upload a video'}</label>
        <input
          id={`${id}-file`}
          type="file"
          accept={acceptListOf(queue.policy)}
          disabled={busy || (cancelling && !confirmed)}
          aria-describedby={`${id}-hint`}
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            if (file) queue.add([{ file, target, cancels }]);
            setConfirmed(false);
            event.currentTarget.value = '';
          }}
        />
        <p className="field-hint" id={`${id}-hint`}>
          MP4, MOV or WebM, vertical 9:16.
          {hasMedia ? ' A new video replaces the current one once it is processed, and any review of the old one is withdrawn: submit it for review again.' : ''}
        </p>
      </div>
      <UploadList queue={queue} label="Uploads" />
    </div>
  );
}

/**
 * The episode page's dub uploader: a language (BCP 47; the API checks the tag) and an audio file,
 * uploaded resumably like a video and measured against the video's duration by the API. A dub is
 * reviewed material: for an episode in review, approved or live it first shows what it cancels (the
 * API's `replacementCancels`) and asks to confirm, as replacing the video does; the upload then
 * acknowledges those territories, and the API refuses it if more are at stake by then.
 */
export function DubUploader({ target, dub, replacementCancels = [], queue }: { target: UploadTarget; dub: Omit<DubTarget, 'language'>; replacementCancels?: readonly ReplacementCancellation[]; queue: ReturnType<typeof useUploadQueue> }) {
  const id = useId();
  const [language, setLanguage] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [problem, setProblem] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const busy = queue.items.some((i) => isUnfinished(i.phase) || i.phase === 'processing');
  const cancelling = replacementCancels.length > 0;
  const start = () => {
    const tag = language.trim();
    if (!tag) return setProblem('Enter the language of the dub, such as es or es-MX.');
    if (!file) return setProblem('Choose the audio file of the dub.');
    if (cancelling && !confirmed) return setProblem('Tick “Upload the dub anyway” to confirm what it cancels.');
    setProblem('');
    queue.add([{ file, target, dub: { ...dub, language: tag }, cancels: cancelling ? acknowledgmentOf(replacementCancels) : undefined }]);
    setFile(null);
    setConfirmed(false);
    if (input.current) input.current.value = '';
  };
  return (
    <div className="dub-uploader">
      <h3>Upload a dub</h3>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-language`}>Dub language</label>
          <input id={`${id}-language`} value={language} onChange={(e) => setLanguage(e.currentTarget.value)} placeholder="es" aria-describedby={`${id}-language-hint`} />
          <p className="field-hint" id={`${id}-language-hint`}>
            A language tag, such as es, es-MX or pt-BR. A dub in a language that has one replaces it.
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${id}-file`}>Dub audio file</label>
          <input ref={input} id={`${id}-file`} type="file" accept={dubAcceptListOf(queue.policy)} onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} aria-describedby={`${id}-file-hint`} />
          <p className="field-hint" id={`${id}-file-hint`}>
            {queue.policy.dubFormats.map((f) => f.extension.toUpperCase()).join(', ')}, as long as the video
            {dub.toleranceSeconds ? ` (within ${dub.toleranceSeconds.toFixed(1)} s)` : ''}.
          </p>
        </div>
      </div>
      {cancelling ? (
        <div className="field">
          <p className="upload-match-held" id={`${id}-cancels`}>
            {describeCancellations(replacementCancels, 'A dub')}
          </p>
          <label className="upload-replace-anyway">
            <input type="checkbox" checked={confirmed} onChange={(event) => setConfirmed(event.currentTarget.checked)} aria-describedby={`${id}-cancels`} /> Upload the dub anyway
          </label>
        </div>
      ) : null}
      <p className="field-error" role="alert">
        {problem}
      </p>
      <button type="button" className="button" onClick={start} disabled={busy || (cancelling && !confirmed)}>
        Upload the dub
      </button>
      <UploadList queue={queue} label="Dub uploads" />
    </div>
  );
}
