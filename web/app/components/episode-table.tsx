import { useCallback, useRef, useState } from 'react';
import { describeRuns, formatDuration, numberRuns, priceLabel, statusLabel, statusTone, type EffectivePrice, type EpisodeStatus } from '~/models/catalog';

export interface EpisodeTableRow {
  id: string;
  number: number;
  title: string;
  status: EpisodeStatus;
  durationSeconds: number | null;
  effectivePrice: EffectivePrice;
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
  territoryName: string;
  /** When set, rows get checkboxes that belong to this form. */
  selection?: { formId: string; selected: ReadonlySet<number>; toggle: (number: number, on: boolean, extend: boolean) => void };
}

/** Episodes in number order with what each costs in the chosen territory and why. */
export function EpisodeTable({ episodes, territoryName, selection }: EpisodeTableProps) {
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
            <th scope="col">Title</th>
            <th scope="col">Status</th>
            <th scope="col">Duration</th>
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
                <td>{episode.title}</td>
                <td>
                  <span className={`badge badge-${statusTone(episode.status)}`}>{statusLabel(episode.status)}</span>
                </td>
                <td className="nowrap">{formatDuration(episode.durationSeconds) || <span className="muted">—</span>}</td>
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
