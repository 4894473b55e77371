import { describeRuns, numberRuns, territoryName, type TerritoryOption } from '~/models/catalog';
import { graphql, type ResultOf } from '~/graphql';

/** One territory of the API's go-live pre-flight: the review's deterministic checks, and the publish gate run with review and release assumed. */
export const GoLiveCheckFields = graphql(`
  fragment GoLiveCheckFields on GoLiveCheck {
    territory ready blockers { code stage ruleId message languages episodeNumbers }
  }
`);
export type GoLiveCheck = ResultOf<typeof GoLiveCheckFields>;

/** What the studio does about each of the gate's reasons, in a few words. */
const FIX: Record<string, string> = {
  NOT_LICENSED: 'Set or extend the license.',
  NO_PRICE: 'Set a price, a default price or free episodes.',
  AI_LABEL_MISSING: 'Set the AI label the territory requires.',
  LOCALIZATION_MISSING: 'Add audio or subtitles in a language named, and allow it in the license.',
  SERIES_ARCHIVED: 'Restore the series.',
  FILING_MISSING: 'Add the filing number under the series’ details.',
  RATING_MISSING: 'Add the maturity rating under the series’ details.',
  SUBTITLES_MISSING: 'Upload subtitles in the language named.',
  TOO_LONG: 'Upload a shorter cut.',
  NOT_VERTICAL: 'Upload a vertical (9:16) video.',
  TITLE_RULE: 'Change the title.',
  AI_DISCLOSURE_MISSING: 'Add the AI disclosure to the license.',
};

const LABEL: Record<string, string> = {
  NOT_LICENSED: 'License',
  NO_PRICE: 'Price',
  AI_LABEL_MISSING: 'AI label',
  LOCALIZATION_MISSING: 'Localization',
  TAKEN_DOWN: 'Taken down',
  SERIES_ARCHIVED: 'Archived',
  STUDIO_SUSPENDED: 'Suspended',
  FILING_MISSING: 'Filing',
  RATING_MISSING: 'Rating',
  SUBTITLES_MISSING: 'Subtitles',
  TOO_LONG: 'Duration',
  NOT_VERTICAL: 'Orientation',
  TITLE_RULE: 'Title',
  AI_DISCLOSURE_MISSING: 'AI disclosure',
};

/** The episodes a series-wide line concerns, unless the API's sentence already names them. */
function episodesOf(blocker: GoLiveCheck['blockers'][number]): string | null {
  const runs = describeRuns(numberRuns(blocker.episodeNumbers));
  return blocker.message.includes(runs) ? null : `Episodes ${runs}.`;
}

/**
 * Before submitting: per territory, what review would flag the episode (or the series' episodes)
 * for, and what would still keep it from going live once reviewers approve it and it is released —
 * the API's reasons, grouped by the API.
 */
export function GoLivePreflight({ checks, scope, territories }: { checks: readonly GoLiveCheck[]; scope: 'episode' | 'series'; territories: readonly TerritoryOption[] }) {
  if (!checks.length) return null;
  const blocked = checks.filter((c) => !c.ready);
  const ready = checks.filter((c) => c.ready);
  return (
    <section className="panel" aria-labelledby="go-live-heading">
      <h2 id="go-live-heading">Go-live pre-flight</h2>
      <p className="muted small">
        What review would flag {scope === 'episode' ? 'this episode' : 'the episodes'} for, and what would keep {scope === 'episode' ? 'it' : 'them'} from partners in each territory once reviewers approve and you release — fix these before submitting.
      </p>
      {ready.length ? (
        <p>
          <span className="badge badge-success">Ready</span> {ready.map((c) => territoryName(territories, c.territory)).join(', ')}: only review and release remain.
        </p>
      ) : null}
      {blocked.length ? (
        <ul className="go-live-checks">
          {blocked.map((check) => (
            <li key={check.territory}>
              <strong>{territoryName(territories, check.territory)}</strong>
              <ul>
                {check.blockers.map((b, i) => {
                  const episodes = scope === 'series' ? episodesOf(b) : null;
                  return (
                    <li key={`${b.code}-${i}`}>
                      <span className="badge">{LABEL[b.code] ?? 'Blocked'}</span> {b.stage === 'REVIEW' ? <span className="muted small">Review would flag it{b.ruleId ? ` (${b.ruleId})` : ''}: </span> : null}
                      {b.message}
                      {episodes ? <span className="muted"> {episodes}</span> : null} {FIX[b.code] ? <span className="muted small">{FIX[b.code]}</span> : null}
                    </li>
                  );
                })}
              </ul>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
