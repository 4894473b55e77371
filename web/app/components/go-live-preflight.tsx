import { describeRuns, numberRuns, territoryName, type TerritoryOption } from '~/models/catalog';
import { graphql, type ResultOf } from '~/graphql';

/** One territory of the API's go-live pre-flight: the publish gate, run with review and release assumed. */
export const GoLiveCheckFields = graphql(`
  fragment GoLiveCheckFields on GoLiveCheck {
    territory ready blockers { code message languages episodeNumbers }
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
};

const LABEL: Record<string, string> = { NOT_LICENSED: 'License', NO_PRICE: 'Price', AI_LABEL_MISSING: 'AI label', LOCALIZATION_MISSING: 'Localization', TAKEN_DOWN: 'Taken down', SERIES_ARCHIVED: 'Archived', STUDIO_SUSPENDED: 'Suspended' };

/**
 * One line per reason code: the API words a reason per episode where it differs (a price names its
 * episode), so a series shows the first wording and the episodes it concerns.
 */
function byCode(blockers: GoLiveCheck['blockers']): GoLiveCheck['blockers'] {
  const lines = new Map<string, GoLiveCheck['blockers'][number]>();
  for (const b of blockers) {
    const line = lines.get(b.code);
    if (line) lines.set(b.code, { ...line, episodeNumbers: [...line.episodeNumbers, ...b.episodeNumbers].sort((x, y) => x - y) });
    else lines.set(b.code, b);
  }
  return [...lines.values()];
}

/**
 * Before submitting: per territory, what would still keep the episode (or the series' episodes)
 * from going live once reviewers approve it and it is released — the API's reasons, grouped.
 */
export function GoLivePreflight({ checks, scope, territories }: { checks: readonly GoLiveCheck[]; scope: 'episode' | 'series'; territories: readonly TerritoryOption[] }) {
  if (!checks.length) return null;
  const blocked = checks.filter((c) => !c.ready);
  const ready = checks.filter((c) => c.ready);
  return (
    <section className="panel" aria-labelledby="go-live-heading">
      <h2 id="go-live-heading">Go-live pre-flight</h2>
      <p className="muted small">
        What would still keep {scope === 'episode' ? 'this episode' : 'the episodes'} from partners in each territory once reviewers approve and you release — fix these before submitting.
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
                {byCode(check.blockers).map((b) => (
                  <li key={b.code}>
                    <span className="badge">{LABEL[b.code] ?? 'Blocked'}</span> {b.message}
                    {scope === 'series' ? <span className="muted"> Episodes {describeRuns(numberRuns(b.episodeNumbers))}.</span> : null} {FIX[b.code] ? <span className="muted small">{FIX[b.code]}</span> : null}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
