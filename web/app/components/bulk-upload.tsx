import { useFetcher } from '@remix-run/react';
import { useCallback, useEffect, useId, useMemo, useRef, useState, type ChangeEvent } from 'react';
import { isUnfinished, MAX_PARALLEL_UPLOADS, UploadList, type useUploadQueue } from '~/components/episode-uploads';
import { acknowledgmentOf, bulkUploadRow, planBulkUpload, shownFileName, type BulkUploadRow, type ExistingEpisode } from '~/models/bulk-upload';
import { sha256OfBlob } from '~/models/file-sha256';
import { acceptListOf, describeRuns, numberRuns } from '~/models/catalog';
import { formatBytes } from '~/models/episode';
import { unfinishedUploads, type UnfinishedUpload } from '~/models/episode-upload.client';
import { refusalAllowsResume } from '~/models/upload-refusals';
import type { UploadTargetsAnswer } from '~/routes/resources.upload-targets';

type UploadQueue = ReturnType<typeof useUploadQueue>;

/** An episode the page knows, for naming unfinished uploads. */
export interface KnownEpisode {
  id: string;
  number: number;
  status: string;
}

const TARGETS = '/resources/upload-targets';
const fileKey = (file: File) => `${file.webkitRelativePath || file.name}:${file.size}:${file.lastModified}`;
// Folders carry system files (.DS_Store, Thumbs.db); they are not anyone's episode.
const isSystemFile = (file: File) => file.name.startsWith('.') || /^(thumbs\.db|desktop\.ini)$/i.test(file.name);

/**
 * The series page's bulk upload: drop files or folders anywhere on the page (or choose them), check
 * the preview — each file's episode read from its name, missing episodes created, duplicates and
 * files without a number flagged, a file its episode has already skipped, a replacement that would
 * cancel a review, approval or live release held until the person ticks "Replace anyway" — then
 * confirm: the files upload a few at a time, each resumable.
 */
export function BulkUploader({ seriesId, queue, episodes, onEpisodesChanged }: { seriesId: string; queue: UploadQueue; episodes: readonly KnownEpisode[]; onEpisodesChanged: () => void }) {
  const id = useId();
  const [rows, setRows] = useState<BulkUploadRow[]>([]);
  const files = useRef(new Map<string, File>());
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const preview = useRef<HTMLDivElement>(null);
  const progress = useRef<HTMLDivElement>(null);
  // Set when confirming put files in the queue: the button goes with the preview, so focus moves to their progress.
  const followProgress = useRef(false);

  // Uploads that stopped when the page was left: the same file dropped again goes to the episode chosen then.
  const [stopped, setStopped] = useState<UnfinishedUpload[]>([]);
  useEffect(() => {
    void unfinishedUploads().then(setStopped);
  }, [episodes]);
  const resumedNumber = useRef<(file: File) => number | undefined>(() => undefined);
  resumedNumber.current = (file) => {
    const upload = stopped.find((u) => !u.audioLanguage && u.fileName === file.name && u.size === file.size);
    return upload ? episodes.find((e) => e.id === upload.episodeId)?.number : undefined;
  };

  const add = useCallback((chosen: readonly File[]) => {
    const fresh = chosen.filter((file) => !isSystemFile(file) && !files.current.has(fileKey(file)));
    for (const file of fresh) files.current.set(fileKey(file), file);
    if (!fresh.length) return;
    // In episode order, files without a number last: the preview reads like the season.
    const added = fresh.map((file) => bulkUploadRow(fileKey(file), file, resumedNumber.current(file)));
    setRows((list) => [...list, ...added].sort(byProposedNumber));
  }, []);
  const dragging = usePageFileDrop(add);

  // A file as large as its episode's video is hashed (one at a time, a chunk at a time) to tell whether it is that video.
  const hashing = useRef<{ key: string; abort: AbortController } | null>(null);
  const clear = () => {
    hashing.current?.abort.abort();
    hashing.current = null;
    setRows([]);
    files.current.clear();
    for (const input of [filesInput.current, folderInput.current]) if (input) input.value = '';
  };
  const choose = (event: ChangeEvent<HTMLInputElement>) => add([...(event.currentTarget.files ?? [])]);

  // What the series has in the numbers the files name (it may hold more episodes than the page shows).
  const targets = useFetcher<UploadTargetsAnswer>();
  // Only numbers an episode can have (`uploadPolicy.maxEpisodeNumber`); the preview flags the others.
  const typed = rows.map((r) => r.numberText.trim()).filter((t) => /^\d+$/.test(t) && Number(t) >= 1 && Number(t) <= queue.policy.maxEpisodeNumber).map(Number);
  const range = typed.length ? { from: Math.min(...typed), to: Math.max(...typed) } : null;
  const rangeKey = range ? `${range.from}-${range.to}` : '';
  const loadTargets = useRef(targets.load);
  loadTargets.current = targets.load;
  // The range the last answer is about: until the current range is answered, no row may claim "new".
  const askedRange = useRef('');
  // Counts files returned to the preview: what their episodes stand on has changed, so the range is asked again.
  const [returned, setReturned] = useState(0);
  useEffect(() => {
    if (!range) return;
    askedRange.current = `${rangeKey}#${returned}`;
    void loadTargets.current(`${TARGETS}?${new URLSearchParams({ seriesId, from: String(range.from), to: String(range.to) })}`);
    // Only a new range (or a returned file) is worth asking about.
  }, [rangeKey, seriesId, returned]);

  // A replacement the API refused because it would cancel more than the preview showed (a review was
  // submitted or approved since) comes back to the preview, held with what it cancels now, to be confirmed anew.
  const toConfirmAgain = queue.items.filter((i) => i.phase === 'failed' && !i.dub && i.refusal !== undefined && !refusalAllowsResume(i.refusal));
  useEffect(() => {
    if (!toConfirmAgain.length) return;
    const back = toConfirmAgain.map((item) => ({ item, key: fileKey(item.file) }));
    for (const { item, key } of back) {
      queue.dismiss(item.key);
      files.current.set(key, item.file);
    }
    const keys = new Set(back.map((b) => b.key));
    setRows((list) => [...list.filter((r) => !keys.has(r.key)), ...back.map(({ item, key }) => bulkUploadRow(key, item.file, item.target.number))].sort(byProposedNumber));
    setReturned((n) => n + 1);
    // Runs once per set of refused files.
  }, [toConfirmAgain.map((i) => i.key).join(' ')]);

  const answered = targets.state === 'idle' && targets.data !== undefined && askedRange.current === `${rangeKey}#${returned}`;
  const checking = range !== null && !answered;
  const existing = useMemo(() => {
    if (checking) return null;
    const byNumber = new Map<number, ExistingEpisode>();
    if (targets.data?.ok) for (const e of targets.data.episodes) byNumber.set(e.number, e);
    return byNumber;
  }, [targets.data, checking]);
  const busy = useMemo(() => new Set(queue.items.filter((i) => isUnfinished(i.phase) || i.phase === 'processing').map((i) => i.target.id)), [queue.items]);
  const plan = useMemo(() => planBulkUpload(rows, existing, queue.policy, busy), [rows, existing, queue.policy, busy]);
  const nextToCompare = rows.find((row) => plan.verdicts.get(row.key)?.kind === 'comparing')?.key;
  useEffect(() => {
    if (!nextToCompare || hashing.current) return;
    const file = files.current.get(nextToCompare);
    if (!file) return;
    const job = { key: nextToCompare, abort: new AbortController() };
    hashing.current = job;
    const settle = (sha256: string | null) => {
      if (hashing.current !== job) return;
      hashing.current = null;
      setRows((list) => list.map((x) => (x.key === job.key ? { ...x, sha256 } : x)));
    };
    // A file that cannot be read is not known to be the same: it goes on as a replacement (the API changes nothing for the same bytes).
    sha256OfBlob(file, job.abort.signal).then(settle, () => settle(null));
  }, [nextToCompare]);
  useEffect(() => () => hashing.current?.abort.abort(), []);

  // Confirming creates the missing episodes, then queues every file for its episode.
  const confirm = useFetcher<UploadTargetsAnswer>();
  const confirmed = useRef<Array<{ file: File; number: number; cancels: string[] }> | null>(null);
  const start = () => {
    if (plan.problems || plan.comparing || !plan.numbers.length) return;
    confirmed.current = rows.flatMap((row) => {
      const verdict = plan.verdicts.get(row.key);
      // A replacement the person ticked "Replace anyway" for acknowledges the territories the row showed; the API refuses it if more are at stake by now.
      const cancels = verdict?.kind === 'upload' && verdict.existing?.hasMedia && row.replaceAnyway ? acknowledgmentOf(verdict.existing.replacementCancels ?? []) : [];
      return verdict?.kind === 'upload' ? [{ file: files.current.get(row.key)!, number: verdict.number, cancels }] : [];
    });
    const form = new FormData();
    form.set('seriesId', seriesId);
    for (const { number } of confirmed.current) form.append('number', String(number));
    confirm.submit(form, { method: 'post', action: TARGETS });
  };
  const answer = confirm.state === 'idle' ? confirm.data : undefined;
  useEffect(() => {
    if (!answer || !confirmed.current) return;
    if (answer.ok) {
      const byNumber = new Map(answer.episodes.map((e) => [e.number, e]));
      const ready = confirmed.current.filter((c) => byNumber.has(c.number)).sort((a, b) => a.number - b.number);
      queue.add(ready.map(({ file, number, cancels }) => ({ file, target: byNumber.get(number)!, cancels })));
      followProgress.current = ready.length > 0;
      confirmed.current = null;
      clear();
      if (answer.created.length) onEpisodesChanged();
    } else confirmed.current = null;
    // Runs once per answer.
  }, [answer]);

  const starting = confirm.state !== 'idle';
  const refusal = answer && !answer.ok ? answer.message : targets.data && !targets.data.ok ? targets.data.message : '';

  useEffect(() => {
    if (rows.length) preview.current?.focus();
  }, [rows.length > 0]);
  useEffect(() => {
    if (!followProgress.current || !progress.current) return;
    followProgress.current = false;
    progress.current.focus();
  }, [queue.items.length]);

  return (
    <div className="bulk-uploader">
      <div className={dragging ? 'drop-zone drop-zone-active' : 'drop-zone'}>
        <p className="drop-zone-lead">
          <strong>Drop video files or a folder anywhere on this page</strong>, or choose them. Each file goes to the episode its name gives (ep04, E04, S01E04, Episode 4, 第4集, 04.mp4); episodes the series
          lacks are created.
        </p>
        <div className="drop-zone-pickers">
          <div className="field">
            <label htmlFor={`${id}-files`}>Choose video files</label>
            <input ref={filesInput} id={`${id}-files`} type="file" multiple accept={acceptListOf(queue.policy)} onChange={choose} aria-describedby={`${id}-hint`} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-folder`}>Choose a folder</label>
            <input ref={folderInput} id={`${id}-folder`} type="file" {...{ webkitdirectory: '' }} onChange={choose} aria-describedby={`${id}-hint`} />
          </div>
        </div>
        <p className="field-hint" id={`${id}-hint`}>
          {queue.policy.acceptedExtensions.map((e) => e.toUpperCase()).join(', ')}, vertical 9:16, up to {formatBytes(queue.policy.maxBytes)} each. {MAX_PARALLEL_UPLOADS} files travel at once;
          an interrupted upload carries on from where it stopped when you drop or choose the same file again.
        </p>
      </div>
      {dragging ? (
        <div className="drop-overlay" aria-hidden="true">
          <p>Drop the videos to match them to episodes</p>
        </div>
      ) : null}

      <UnfinishedUploadsNotice episodes={episodes} stored={stopped} busy={busy} />

      {rows.length ? (
        <div className="upload-matches" ref={preview} tabIndex={-1} role="region" aria-labelledby={`${id}-preview`}>
          <h3 id={`${id}-preview`}>Check the files and their episodes</h3>
          <p aria-live="polite">{checking ? 'Checking the series’ episodes…' : plan.summary}</p>
          <div className="table-scroll">
            <table>
              <caption className="visually-hidden">Files to upload and their episodes</caption>
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col">Size</th>
                  <th scope="col">Episode</th>
                  <th scope="col">What happens</th>
                  <th scope="col">Skip</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => {
                  const verdict = plan.verdicts.get(row.key);
                  const problem = verdict?.kind === 'problem';
                  const left = verdict?.kind === 'skipped' && !row.skipped;
                  const shown = shownFileName(row.fileName, queue.policy);
                  // A replacement that cancels a review, approval or live release is uploaded only when ticked here.
                  const target = verdict?.kind === 'held' || verdict?.kind === 'upload' ? verdict.existing : null;
                  const cancelling = Boolean(target?.hasMedia && target.replacementCancels?.length);
                  return (
                    <tr key={row.key} className={problem ? 'upload-match-problem' : undefined}>
                      <th scope="row" className="upload-file-name">
                        {shown}
                      </th>
                      <td className="nowrap">{formatBytes(row.size)}</td>
                      <td>
                        <input
                          className="episode-number-input"
                          inputMode="numeric"
                          aria-label={`Episode number for ${shown}`}
                          aria-invalid={problem || undefined}
                          aria-describedby={`${id}-${row.key}-note`}
                          value={row.numberText}
                          disabled={row.skipped || left}
                          onChange={(event) => {
                            const numberText = event.currentTarget.value;
                            setRows((list) => list.map((x) => (x.key === row.key ? { ...x, numberText } : x)));
                          }}
                        />
                      </td>
                      <td id={`${id}-${row.key}-note`} className={problem ? 'field-error' : verdict?.kind === 'held' ? 'upload-match-held' : undefined}>
                        {verdict?.note}
                        {verdict?.kind === 'upload' && verdict.warning ? <span className="upload-match-warning"> {verdict.warning}</span> : null}
                        {cancelling ? (
                          <label className="upload-replace-anyway">
                            <input
                              type="checkbox"
                              aria-label={`Replace anyway: ${shown}`}
                              checked={Boolean(row.replaceAnyway)}
                              onChange={(event) => {
                                const replaceAnyway = event.currentTarget.checked;
                                setRows((list) => list.map((x) => (x.key === row.key ? { ...x, replaceAnyway } : x)));
                              }}
                            />{' '}
                            Replace anyway
                          </label>
                        ) : null}
                      </td>
                      <td>
                        <input
                          type="checkbox"
                          aria-label={`Skip ${shown}`}
                          checked={row.skipped || left}
                          disabled={left}
                          onChange={(event) => {
                            const skipped = event.currentTarget.checked;
                            setRows((list) => list.map((x) => (x.key === row.key ? { ...x, skipped } : x)));
                          }}
                        />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <p className="field-error" role="alert">
            {refusal || (plan.problems ? `${plan.problems === 1 ? 'One file needs' : `${plan.problems} files need`} a decision: fix the episode number or skip the file.` : '')}
          </p>
          <div className="form-actions">
            <button type="button" className="button" onClick={start} disabled={Boolean(plan.problems) || Boolean(plan.comparing) || !plan.numbers.length || checking || starting}>
              {starting ? 'Starting…' : `Upload ${plan.numbers.length === 1 ? '1 file' : `${plan.numbers.length} files`}`}
            </button>
            <button type="button" className="button button-secondary" onClick={clear} disabled={starting}>
              Clear
            </button>
          </div>
        </div>
      ) : null}

      {queue.items.length ? (
        <div className="upload-progress-region" ref={progress} tabIndex={-1} role="region" aria-labelledby={`${id}-progress`}>
          <h3 id={`${id}-progress`}>Upload progress</h3>
          <UploadTotals queue={queue} />
          <UploadList queue={queue} label="Uploads" />
        </div>
      ) : null}
    </div>
  );
}

/** For people who cannot upload: a file dropped on the page is ignored instead of opened by the browser. */
export function FileDropGuard() {
  usePageFileDrop(ignoreFiles);
  return null;
}
const ignoreFiles = () => undefined;

const byProposedNumber = (a: BulkUploadRow, b: BulkUploadRow) =>
  (a.proposal.number ?? Number.MAX_SAFE_INTEGER) - (b.proposal.number ?? Number.MAX_SAFE_INTEGER) || a.fileName.localeCompare(b.fileName, 'en', { numeric: true });

/**
 * Takes files dropped anywhere on the page (folders are walked), so a drop never makes the browser
 * open the video and leave the dashboard. Returns whether files are being dragged over the page.
 */
function usePageFileDrop(onFiles: (files: File[]) => void): boolean {
  const [dragging, setDragging] = useState(false);
  const take = useRef(onFiles);
  take.current = onFiles;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const carriesFiles = (event: DragEvent) => Boolean(event.dataTransfer?.types.includes('Files'));
    const over = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
      setDragging(true);
      // No dragleave fires reliably when the pointer leaves the window: the overlay ends when dragover stops.
      clearTimeout(timer);
      timer = setTimeout(() => setDragging(false), 300);
    };
    const drop = (event: DragEvent) => {
      if (!carriesFiles(event) || !event.dataTransfer) return;
      event.preventDefault();
      clearTimeout(timer);
      setDragging(false);
      void filesOfDrop(event.dataTransfer).then((files) => take.current(files));
    };
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      clearTimeout(timer);
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, []);
  return dragging;
}

/** The dropped files, with every file inside dropped folders. The items are read before the first await: they empty after the event. */
function filesOfDrop(data: DataTransfer): Promise<File[]> {
  const folders: FileSystemDirectoryEntry[] = [];
  const loose: File[] = [];
  for (const item of [...data.items]) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.();
    if (entry?.isDirectory) folders.push(entry as FileSystemDirectoryEntry);
    else {
      const file = item.getAsFile();
      if (file) loose.push(file);
    }
  }
  if (!data.items.length) loose.push(...data.files);
  return Promise.all(folders.map(filesInFolder)).then((inside) => [...loose, ...inside.flat()]);
}

async function filesInFolder(folder: FileSystemDirectoryEntry): Promise<File[]> {
  const reader = folder.createReader();
  const files: File[] = [];
  // readEntries answers in batches (about 100) until it answers none.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (!batch.length) return files;
    for (const entry of batch) {
      if (entry.isDirectory) files.push(...(await filesInFolder(entry as FileSystemDirectoryEntry)));
      else files.push(await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject)));
    }
  }
}

/** Bytes sent across every file of the uploads, and how many files are where. */
function UploadTotals({ queue }: { queue: UploadQueue }) {
  const items = queue.items.filter((i) => i.phase !== 'cancelled' && !i.dub);
  if (items.length < 2) return null;
  const sent = items.reduce((sum, i) => sum + i.sent, 0);
  const total = items.reduce((sum, i) => sum + i.total, 0);
  const percent = total ? Math.floor((sent / total) * 100) : 0;
  const count = (phases: readonly string[]) => items.filter((i) => phases.includes(i.phase)).length;
  const uploaded = count(['processing', 'ready']);
  const ready = count(['ready']);
  const processing = count(['processing']);
  const failed = count(['failed']);
  // Every file has come to an end and some failed: say how it ended, and offer the failed ones again.
  const endedWithFailures = failed > 0 && ready + failed === items.length;
  const parts = endedWithFailures ? [`${ready} of ${items.length} uploaded`] : [`${uploaded} of ${items.length} files uploaded`];
  if (ready && !endedWithFailures) parts.push(`${ready} ready`);
  if (processing) parts.push(`${processing} processing`);
  if (failed) parts.push(`${failed} failed`);
  return (
    <div className="upload-totals">
      <div className="upload-progress">
        <progress max={100} value={percent} aria-label="All uploads" aria-valuetext={`${percent}%, ${formatBytes(sent)} of ${formatBytes(total)}`} />
        <span className="upload-percent" aria-hidden="true">
          {percent}%
        </span>
      </div>
      <p className="muted small" aria-hidden="true">
        {formatBytes(sent)} of {formatBytes(total)}
      </p>
      <p role="status">{`${parts.join(' · ')}.`}</p>
      {endedWithFailures ? (
        <div className="form-actions">
          <button type="button" className="button" onClick={queue.retryFailed}>
            Retry failed
          </button>
        </div>
      ) : null}
    </div>
  );
}

/** Uploads to this series' episodes that stopped before they finished (the page was left): the same files carry them on. */
function UnfinishedUploadsNotice({ episodes, stored, busy }: { episodes: readonly KnownEpisode[]; stored: readonly UnfinishedUpload[]; busy: ReadonlySet<string> }) {
  const byId = new Map(episodes.map((e) => [e.id, e]));
  const waiting = stored
    .filter((u) => !u.audioLanguage && !busy.has(u.episodeId) && byId.get(u.episodeId)?.status === 'UPLOADING')
    .sort((a, b) => byId.get(a.episodeId)!.number - byId.get(b.episodeId)!.number);
  if (!waiting.length) return null;
  const numbers = waiting.map((u) => byId.get(u.episodeId)!.number);
  return (
    <div className="alert alert-warning" role="note" aria-label="Unfinished uploads">
      <p>
        {waiting.length === 1 ? 'An upload stopped' : `${waiting.length} uploads stopped`} before {waiting.length === 1 ? 'it' : 'they'} finished (episode{numbers.length === 1 ? '' : 's'}{' '}
        {describeRuns(numberRuns(numbers))}): {waiting.map((u) => u.fileName).join(', ')}. Drop or choose the same files again and they carry on from where they stopped.
      </p>
    </div>
  );
}
