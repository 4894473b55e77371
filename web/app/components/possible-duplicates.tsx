import { Link } from '@remix-run/react';
import { graphql, type ResultOf } from '~/graphql';

/** Another episode of the studio whose video shows the same pictures (found when the video was processed). */
export const PossibleDuplicateFields = graphql(`
  fragment PossibleDuplicateFields on PossibleDuplicate { message episodeId seriesId matchedFrames }
`);
export type PossibleDuplicate = ResultOf<typeof PossibleDuplicateFields>;

/**
 * Episodes of the studio's own catalog whose video shows the same pictures as this one's: the same
 * episode uploaded twice under different numbers is caught before it is submitted.
 */
export function PossibleDuplicates({ duplicates }: { duplicates: readonly PossibleDuplicate[] }) {
  if (!duplicates.length) return null;
  return (
    <div className="alert alert-warning possible-duplicates" role="note" aria-label="Possible duplicates">
      <p>This video shows the same pictures as another of your episodes. Check before you submit:</p>
      <ul>
        {duplicates.map((d) => (
          <li key={d.episodeId}>
            <Link to={`/catalog/${d.seriesId}/episodes/${d.episodeId}`}>{d.message}</Link> <span className="muted">({d.matchedFrames} matching seconds)</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
