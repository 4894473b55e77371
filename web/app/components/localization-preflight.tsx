import { describeRuns, numberRuns } from '~/models/catalog';
import { graphql, type ResultOf } from '~/graphql';

/** One territory's localization requirement and whether the episodes meet it (from the API's pre-flight). */
export const LocalizationCheckFields = graphql(`
  fragment LocalizationCheckFields on LocalizationCheck {
    territory licensed satisfied message missingEpisodeNumbers requirement { id description languages accepts }
  }
`);
export type LocalizationCheck = ResultOf<typeof LocalizationCheckFields>;

const need = (c: LocalizationCheck) => `${c.requirement.accepts.map((m) => (m === 'AUDIO' ? 'audio' : 'subtitles')).join(' or ')} in ${c.requirement.languages.join(', ')}`;

/**
 * What territories require in local audio or subtitles, and what is missing — shown before
 * submitting, since partners there will not get the episodes until it is met (LOCALIZATION_MISSING).
 */
export function LocalizationPreflight({ checks: all, scope }: { checks: readonly LocalizationCheck[]; scope: 'episode' | 'series' }) {
  // Only where the license lets the series be shown: elsewhere the requirement blocks nothing.
  const checks = all.filter((c) => c.licensed);
  if (!checks.length) return null;
  const missing = checks.filter((c) => !c.satisfied);
  return (
    <section className="panel" aria-labelledby="localization-heading">
      <h2 id="localization-heading">Localization pre-flight</h2>
      <p className="muted small">Licensed territories that require local audio or subtitles: partners there get the episodes only once it is met. Subtitles count when the license allows their language; forced tracks do not count.</p>
      <ul className="localization-checks">
        {checks.map((c) => (
          <li key={c.territory} className={c.satisfied ? 'is-met' : 'is-missing'}>
            <strong>{c.territory}</strong> needs {need(c)} ({c.requirement.id}):{' '}
            {c.satisfied ? (
              <span className="badge badge-success">Met</span>
            ) : (
              <>
                <span className="badge">Missing</span>{' '}
                {scope === 'series' ? `episodes ${describeRuns(numberRuns(c.missingEpisodeNumbers))}` : 'this episode'}
              </>
            )}
          </li>
        ))}
      </ul>
      {missing.length ? <p className="field-hint">Add a track in one of the languages named, and allow its language in the license.</p> : null}
    </section>
  );
}
