import { useFetcher } from '@remix-run/react';
import { useCallback, useEffect, useId, useMemo, useRef, useState, type ChangeEvent } from 'react';
import { startEpisodeUpload, type RunningUpload } from '~/models/episode-upload.client';
import { acceptListOf, dubAcceptListOf, type EpisodeStatus, type UploadPolicy } from '~/models/catalog';
import type { DubTarget } from '~/models/upload-refusals';
import { formatBytes, formatLength } from '~/models/episode';
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
  phase: UploadPhase;
  sent: number;
  total: number;
  uploadId?: string;
  message?: string;
  /** A failed upload that can carry on from where it stopped. */
  resumable?: boolean;
  /** It picked up an earlier, interrupted upload of the same file. */
  resumed?: boolean;
  result?: { durationSeconds: number; posterUrl: string | null; width: number; height: number; warnings: string[] };
}

const isActive = (phase: UploadPhase) => phase === 'starting' || phase === 'uploading';
const isUnfinished = (phase: UploadPhase) => phase === 'waiting' || isActive(phase) || phase === 'paused';

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
          update(item.key, (current) => (isActive(current.phase) ? { sent, total, phase: 'uploading' } : { sent, total }));
        },
        onFinished(uploadId) {
          running.current.delete(item.key);
          update(item.key, (current) => ({ phase: 'processing', sent: current.total, uploadId: uploadId || current.uploadId }));
        },
        onFailed(message, resumable) {
          if (!resumable) running.current.delete(item.key);
          update(item.key, { phase: 'failed', message, resumable });
        },
      }, item.dub)
        .then((upload) => {
          // Cancelled while it was starting: stop it now that there is something to stop.
          if (cancelled.current.has(item.key)) void upload.cancel();
          else {
            running.current.set(item.key, upload);
            if (upload.resumed) update(item.key, { resumed: true });
          }
        })
        .catch(() => update(item.key, { phase: 'failed', message: 'The upload could not start in this browser.', resumable: false }));
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
    add(files: ReadonlyArray<{ file: File; target: UploadTarget; dub?: DubTarget }>) {
      setItems((list) => [...list, ...files.map(({ file, target, dub }) => ({ key: `upload-${++keys}`, file, target, dub, phase: 'waiting' as const, sent: 0, total: file.size }))]);
    },
    pause(key: string) {
      running.current.get(key)?.pause();
      update(key, { phase: 'paused' });
    },
    resume(key: string) {
      // Back in the line; the scheduler resumes it when there is room.
      update(key, { phase: 'waiting', message: undefined });
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
        update(item.key, { phase: 'ready', result: episode.media });
        settled = true;
      } else if (failed) {
        update(item.key, { phase: 'failed', resumable: false, message: record?.failureReason ?? episode.uploadError ?? 'The server could not process the file.' });
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
      return 'Starting…';
    case 'uploading':
      return item.resumed ? 'Uploading, carrying on from where an earlier attempt stopped…' : 'Uploading…';
    case 'paused':
      return `Paused at ${percent}%.`;
    case 'processing':
      return item.dub ? 'Uploaded. Checking the dub against the video…' : 'Uploaded. Checking the video…';
    case 'ready':
      return 'Ready.';
    case 'failed':
      return item.message ?? 'The upload failed.';
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
            <span className="upload-target">{item.dub ? ` → ${item.dub.language} dub of episode ${item.target.number}` : ` → Episode ${item.target.number} · ${item.target.title}`}</span> · {formatBytes(item.file.size)}
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

export interface UploadableEpisode extends UploadTarget {
  status: EpisodeStatus;
  hasMedia: boolean;
}

/**
 * Episodes the chosen files go to by default: the selected ones without video, then the episodes
 * without video after them, then any other episode without video; none already receiving a file.
 */
export function defaultTargets(episodes: readonly UploadableEpisode[], selected: ReadonlySet<number>, busy: ReadonlySet<string>): UploadableEpisode[] {
  const open = episodes.filter((e) => !e.hasMedia && e.status === 'DRAFT' && !busy.has(e.id));
  const picked = open.filter((e) => selected.has(e.number));
  const last = picked.length ? Math.max(...picked.map((e) => e.number)) : 0;
  const after = open.filter((e) => !selected.has(e.number) && e.number > last);
  const before = open.filter((e) => !selected.has(e.number) && e.number <= last);
  return [...picked, ...after, ...before];
}

const byName = (a: File, b: File) => a.name.localeCompare(b.name, 'en', { numeric: true, sensitivity: 'base' });

interface PendingFile {
  key: string;
  file: File;
  episodeId: string;
}

/**
 * The series page's uploader: choose many files, check which episode each goes to (matched in
 * file-name order to the selected, or next, episodes without video), then upload them.
 */
export function SeriesUploader({ episodes, selected, queue }: { episodes: readonly UploadableEpisode[]; selected: ReadonlySet<number>; queue: ReturnType<typeof useUploadQueue> }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [pending, setPending] = useState<PendingFile[]>([]);
  const busy = useMemo(() => new Set(queue.items.filter((i) => isUnfinished(i.phase) || i.phase === 'processing').map((i) => i.target.id)), [queue.items]);

  const choose = (event: ChangeEvent<HTMLInputElement>) => {
    const files = [...(event.currentTarget.files ?? [])].sort(byName);
    const targets = defaultTargets(episodes, selected, busy);
    setPending(files.map((file, i) => ({ key: `pending-${++keys}`, file, episodeId: targets[i]?.id ?? '' })));
  };
  const reset = () => {
    setPending([]);
    if (input.current) input.current.value = '';
  };

  const counts = new Map<string, number>();
  for (const p of pending) if (p.episodeId) counts.set(p.episodeId, (counts.get(p.episodeId) ?? 0) + 1);
  const unmatched = pending.filter((p) => !p.episodeId).length;
  const doubled = [...counts.entries()].filter(([, n]) => n > 1).map(([episodeId]) => episodes.find((e) => e.id === episodeId)?.number);
  const problem = unmatched
    ? `Choose an episode for ${unmatched === 1 ? 'one file' : `${unmatched} files`}.`
    : doubled.length
      ? `Each episode takes one file: episode ${doubled.join(', ')} ${doubled.length === 1 ? 'has' : 'have'} more than one.`
      : '';

  const start = () => {
    if (problem) return;
    queue.add(pending.map((p) => ({ file: p.file, target: episodes.find((e) => e.id === p.episodeId)! })));
    reset();
  };

  return (
    <div className="series-uploader">
      <div className="field">
        <label htmlFor={`${id}-files`}>Choose video files</label>
        <input ref={input} id={`${id}-files`} type="file" multiple accept={acceptListOf(queue.policy)} onChange={choose} aria-describedby={`${id}-hint`} />
        <p className="field-hint" id={`${id}-hint`}>
          MP4, MOV or WebM, vertical 9:16. In file-name order, files go to the selected episodes without video, or else to the next episodes without video; change any match before
          uploading. {MAX_PARALLEL_UPLOADS} files travel at once, and an interrupted upload carries on when you choose the same file again.
        </p>
      </div>
      {pending.length ? (
        <div className="upload-matches">
          <table>
            <caption className="visually-hidden">Files to upload and their episodes</caption>
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Size</th>
                <th scope="col">Episode</th>
              </tr>
            </thead>
            <tbody>
              {pending.map((p) => (
                <tr key={p.key}>
                  <th scope="row" className="upload-file-name">
                    {p.file.name}
                  </th>
                  <td className="nowrap">{formatBytes(p.file.size)}</td>
                  <td>
                    <select
                      aria-label={`Episode for ${p.file.name}`}
                      value={p.episodeId}
                      onChange={(event) => {
                        const episodeId = event.currentTarget.value;
                        setPending((list) => list.map((x) => (x.key === p.key ? { ...x, episodeId } : x)));
                      }}
                    >
                      <option value="">Choose an episode</option>
                      {episodes.map((e) => (
                        <option key={e.id} value={e.id} disabled={busy.has(e.id)}>
                          {`Episode ${e.number} · ${e.title}${e.hasMedia ? ' (replaces its video)' : ''}${busy.has(e.id) ? ' (uploading)' : ''}`}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="field-error" role="alert">
            {problem}
          </p>
          <div className="form-actions">
            <button type="button" className="button" onClick={start} disabled={Boolean(problem)}>
              Upload {pending.length === 1 ? '1 file' : `${pending.length} files`}
            </button>
            <button type="button" className="button button-secondary" onClick={reset}>
              Clear
            </button>
          </div>
        </div>
      ) : null}
      <UploadList queue={queue} label="Uploads" />
    </div>
  );
}

/** The episode page's uploader: one file, uploaded as soon as it is chosen. */
export function EpisodeUploader({ target, hasMedia, queue }: { target: UploadTarget; hasMedia: boolean; queue: ReturnType<typeof useUploadQueue> }) {
  const id = useId();
  const busy = queue.items.some((i) => isUnfinished(i.phase) || i.phase === 'processing');
  return (
    <div className="episode-uploader">
      <div className="field">
        <label htmlFor={`${id}-file`}>{hasMedia ? 'Replace the video' : 'Upload a video'}</label>
        <input
          id={`${id}-file`}
          type="file"
          accept={acceptListOf(queue.policy)}
          disabled={busy}
          aria-describedby={`${id}-hint`}
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            if (file) queue.add([{ file, target }]);
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
 * uploaded resumably like a video and measured against the video's duration by the API.
 */
export function DubUploader({ target, dub, queue }: { target: UploadTarget; dub: Omit<DubTarget, 'language'>; queue: ReturnType<typeof useUploadQueue> }) {
  const id = useId();
  const [language, setLanguage] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [problem, setProblem] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const busy = queue.items.some((i) => isUnfinished(i.phase) || i.phase === 'processing');
  const start = () => {
    const tag = language.trim();
    if (!tag) return setProblem('Enter the language of the dub, such as es or es-MX.');
    if (!file) return setProblem('Choose the audio file of the dub.');
    setProblem('');
    queue.add([{ file, target, dub: { ...dub, language: tag } }]);
    setFile(null);
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
      <p className="field-error" role="alert">
        {problem}
      </p>
      <button type="button" className="button" onClick={start} disabled={busy}>
        Upload the dub
      </button>
      <UploadList queue={queue} label="Dub uploads" />
    </div>
  );
}
