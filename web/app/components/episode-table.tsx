import { Link, useFetcher } from '@remix-run/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { FormOutcome } from '~/models/form-outcome';
import { TerritoryOutcomes, type TerritoryOutcome } from '~/components/territory-outcomes';
import { describeRuns, formatDuration, numberRuns, priceLabel, statusLabel, statusTone, type EffectivePrice, type EpisodeStatus } from '~/models/catalog';

export interface EpisodeTableRow {
  id: string;
  number: number;
  title: string;
  status: EpisodeStatus;
  durationSeconds: number | null;
  media: { posterUrl: string | null } | null;
  effectivePrice: EffectivePrice;
  territoryOutcomes: readonly TerritoryOutcome[];
  liveTerritories: readonly string[];
}

/** Which episodes are ticked, with shift-click and "select range" to pick runs quickly. */
export function useEpisodeSelection(numbers: readonly number[]) {
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const anchor = useRef<number | null>(null);

  const toggle = useCallback(
    (number: number, on: boolean, extend: boolean) => {
      // Read the anchor now: React may run the updater below only after it has moved.
      const start = extend && anchor.current !== null ? anchor.current : number;
      const [from, to] = start <= number ? [start, number] : [number, start];
      setSelected((current) => {
        const next = new Set(current);
        for (const n of numbers) {
          if (n < from || n > to) continue;
          if (on) next.add(n);
          else next.delete(n);
        }
        return next;
      });
      anchor.current = number;
    },
    [numbers],
  );

  const selectRange = useCallback(
    (from: number, to: number) => {
      const [low, high] = from <= to ? [from, to] : [to, from];
      setSelected((current) => new Set([...current, ...numbers.filter((n) => n >= low && n <= high)]));
    },
    [numbers],
  );

  return {
    selected,
    toggle,
    selectRange,
    selectAll: () => setSelected(new Set(numbers)),
    clear: () => setSelected(new Set()),
  };
}

export function selectionSummary(selected: ReadonlySet<number>): string {
  if (!selected.size) return 'No episodes selected.';
  return `${selected.size} episode${selected.size === 1 ? '' : 's'} selected: ${describeRuns(numberRuns(selected))}.`;
}

interface EpisodeTableProps {
  episodes: readonly EpisodeTableRow[];
  /** Titles link to each episode's page under this series. */
  seriesId: string;
  territoryName: string;
  /** When set, rows get checkboxes that belong to this form. */
  selection?: { formId: string; selected: ReadonlySet<number>; toggle: (number: number, on: boolean, extend: boolean) => void };
  /** Titles can be renamed in place (the page's action handles `renameEpisode`). */
  renamable?: boolean;
}

/** Episodes in number order with what each costs in the chosen territory and why. */
export function EpisodeTable({ episodes, seriesId, territoryName, selection, renamable = false }: EpisodeTableProps) {
  const href = (episode: EpisodeTableRow) => `/catalog/${seriesId}/episodes/${episode.id}`;
  return (
    <div className="table-scroll">
      <table className="episode-table">
        <caption className="visually-hidden">Episodes with their price in {territoryName}</caption>
        <thead>
          <tr>
            {selection ? (
              <th scope="col" className="select-cell">
                <span className="visually-hidden">Selected</span>
              </th>
            ) : null}
            <th scope="col" className="number-cell">
              No.
            </th>
            <th scope="col" className="video-cell">
              Video
            </th>
            <th scope="col">Title</th>
            <th scope="col">Status</th>
            <th scope="col">Price in {territoryName}</th>
          </tr>
        </thead>
        <tbody>
          {episodes.map((episode) => {
            const price = episode.effectivePrice;
            const checked = selection?.selected.has(episode.number) ?? false;
            return (
              <tr key={episode.id} className={checked ? 'is-selected' : undefined}>
                {selection ? (
                  <td className="select-cell">
                    <input
                      type="checkbox"
                      name="episode"
                      value={episode.number}
                      form={selection.formId}
                      checked={checked}
                      aria-label={`Select episode ${episode.number}`}
                      // A click (or Space) toggles; only the click event says whether Shift was held.
                      onClick={(event) => selection.toggle(episode.number, event.currentTarget.checked, event.shiftKey)}
                      onChange={() => undefined}
                    />
                  </td>
                ) : null}
                <th scope="row" className="number-cell">
                  {episode.number}
                </th>
                <td className="video-cell">
                  <EpisodeThumbnail episode={episode} />
                </td>
                <td>{renamable ? <EpisodeTitle episode={episode} href={href(episode)} /> : <Link to={href(episode)}>{episode.title}</Link>}</td>
                <td>
                  <span className={`badge badge-${statusTone(episode.status)}${episode.status === 'UPLOADING' || episode.status === 'PROCESSING' ? ' badge-busy' : ''}`}>
                    {statusLabel(episode.status)}
                  </span>
                  <TerritoryOutcomes outcomes={episode.territoryOutcomes} live={episode.liveTerritories} />
                </td>
                <td className="price-cell" title={price.explanation}>
                  <span className={price.priced ? 'price-value' : 'price-value muted'}>{priceLabel(price)}</span>
                  <span className="price-rule">{price.explanation}</span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The poster frame and length of an episode's video, or a dash while it has none. */
function EpisodeThumbnail({ episode }: { episode: EpisodeTableRow }) {
  const duration = formatDuration(episode.durationSeconds);
  if (!episode.media) return <span className="muted">{duration || '—'}</span>;
  return (
    <span className="episode-thumb">
      {/* The title beside it names the episode; the poster adds nothing for a screen reader. */}
      {episode.media.posterUrl ? <img src={episode.media.posterUrl} alt="" width={27} height={48} loading="lazy" decoding="async" /> : null}
      <span className="episode-thumb-length">{duration}</span>
    </span>
  );
}

/**
 * An episode's title (a link to its page) with a Rename button that turns it into a small form, saved
 * on its own. An answer can come late, so it never gets in the way of what the user does next: the
 * form is busy only while its request is on its way (the page reload that follows an answer is not
 * saving, and a disabled Save button would swallow the next Enter), and a saved answer closes the form
 * only while it still holds the title that was sent.
 */
function EpisodeTitle({ episode, href }: { episode: Pick<EpisodeTableRow, 'id' | 'number' | 'title'>; href: string }) {
  const fetcher = useFetcher<FormOutcome>();
  const [editing, setEditing] = useState(false);
  const rename = useRef<HTMLButtonElement>(null);
  const field = useRef<HTMLInputElement>(null);
  const sent = useRef<string | null>(null);
  const outcome = fetcher.data?.target === episode.id ? fetcher.data : undefined;
  const saving = fetcher.state === 'submitting';
  const returnFocus = useRef(false);

  useEffect(() => {
    if (!outcome?.notice) return;
    if (field.current && field.current.value.trim() !== sent.current) return;
    returnFocus.current = true;
    setEditing(false);
  }, [outcome]);

  // Back on the Rename button once the form closes, so keyboard users keep their place.
  useEffect(() => {
    if (editing || !returnFocus.current) return;
    returnFocus.current = false;
    rename.current?.focus();
  }, [editing]);

  if (!editing) {
    return (
      <span className="episode-title">
        <Link to={href}>{episode.title}</Link>
        <button ref={rename} type="button" className="link-button" onClick={() => setEditing(true)} aria-label={`Rename episode ${episode.number}`}>
          Rename
        </button>
        {outcome?.notice ? (
          <span className="visually-hidden" role="status">
            {outcome.notice}
          </span>
        ) : null}
      </span>
    );
  }
  const error = outcome?.fieldErrors?.title ?? outcome?.formError;
  return (
    <fetcher.Form
      method="post"
      className="row-form rename-form"
      onSubmit={(event) => {
        sent.current = String(new FormData(event.currentTarget).get('title') ?? '').trim();
      }}
    >
      <input type="hidden" name="intent" value="renameEpisode" />
      <input type="hidden" name="episodeId" value={episode.id} />
      <input
        ref={field}
        name="title"
        defaultValue={episode.title}
        maxLength={200}
        aria-label={`Title of episode ${episode.number}`}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `rename-${episode.id}-error` : undefined}
        autoFocus
        onKeyDown={(event) => {
          if (event.key !== 'Escape') return;
          returnFocus.current = true;
          setEditing(false);
        }}
      />
      <button type="submit" className="button button-small" disabled={saving}>
        {saving ? 'Saving…' : 'Save'}
      </button>
      <button
        type="button"
        className="button button-secondary button-small"
        onClick={() => {
          returnFocus.current = true;
          setEditing(false);
        }}
      >
        Cancel
      </button>
      {error ? (
        <span className="field-error" id={`rename-${episode.id}-error`} role="alert">
          {error}
        </span>
      ) : null}
    </fetcher.Form>
  );
}
