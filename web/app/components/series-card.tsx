import { Link } from '@remix-run/react';
import { statusSummary, type EpisodeStatus } from '~/models/catalog';

export interface SeriesCardData {
  id: string;
  title: string;
  coverImageUrl: string | null;
  episodeCount: number;
  statusCounts: Array<{ status: EpisodeStatus; count: number }>;
  archivedAt: string | null;
}

export const episodesLabel = (count: number) => `${count} episode${count === 1 ? '' : 's'}`;

/** One series in the catalog grid; the whole card opens it, the title is the link. */
export function SeriesCardItem({ series }: { series: SeriesCardData }) {
  const summary = statusSummary(series.statusCounts);
  return (
    <li className="series-card">
      <div className="series-cover" aria-hidden="true">
        {series.coverImageUrl ? <img src={series.coverImageUrl} alt="" loading="lazy" referrerPolicy="no-referrer" /> : <span>{series.title.slice(0, 1).toUpperCase()}</span>}
      </div>
      <div className="series-card-body">
        <h3>
          <Link to={`/catalog/${series.id}`} className="card-link" prefetch="intent">
            {series.title}
          </Link>
        </h3>
        <p className="series-card-meta">
          {episodesLabel(series.episodeCount)}
          {series.archivedAt ? <span className="badge badge-muted">Archived</span> : null}
        </p>
        {summary ? <p className="muted small">{summary}</p> : <p className="muted small">No episodes yet</p>}
      </div>
    </li>
  );
}
