import { Link } from '@remix-run/react';
import { describeRights, describeTerritories, describeWindow } from '~/components/license-summary';
import { describeSummary } from '~/components/audit-log';
import { Time } from '~/components/time';
import { priceLabel, territoryName, type TerritoryOption } from '~/models/catalog';
import { caseStatusLabel, formatClock } from '~/models/moderation';
import type { ApiError } from '~/models/graphql.server';
import type { CaseComment, CaseDecision, CaseHistoryEvent, CaseSeries, EarlierCase, ReviewCaseDetail } from '~/models/review.server';
import { graphql, type ResultOf } from '~/graphql';
import { DecisionBadge } from './review-badges';

/** A localized title and synopsis as a case reviews it. */
export const ReviewedLocalizationFields = graphql(`fragment ReviewedLocalizationFields on ReviewedLocalizedText { of language title synopsis }`);
export type ReviewedLocalization = ResultOf<typeof ReviewedLocalizationFields>;

const shortSha = (sha: string) => sha.slice(0, 12);

const FIELD_LABELS: Record<string, string> = {
  seriesTitle: 'Series title',
  seriesSynopsis: 'Series synopsis',
  episodeTitle: 'Episode title',
  episodeSynopsis: 'Episode synopsis',
  subtitles: 'Subtitles',
  localizations: 'Titles in other languages',
};

/** Subtitle and localization snapshots are JSON lists; everything else is text. */
function describeValue(field: string, value: string): string {
  if (field === 'localizations') {
    try {
      const texts = JSON.parse(value) as Array<{ of: string; language: string; title: string }> | null;
      return texts?.length ? texts.map((t) => `${t.of === 'SERIES' ? 'series' : 'episode'} ${t.language}: ${t.title}`).join('; ') : 'None';
    } catch {
      return value;
    }
  }
  if (field !== 'subtitles') return value || '(empty)';
  try {
    const tracks = JSON.parse(value) as Array<{ language: string; sha256: string; cues: number }> | null;
    if (!tracks?.length) return 'None';
    return tracks.map((t) => `${t.language}: ${t.cues} cue${t.cues === 1 ? '' : 's'} (file ${shortSha(t.sha256)})`).join('; ');
  } catch {
    return value;
  }
}

export function DecisionList({ decisions }: { decisions: readonly CaseDecision[] }) {
  if (!decisions.length) return <p className="muted">No decisions yet.</p>;
  return (
    <ul className="decision-list">
      {decisions.map((d) => (
        <li key={d.id}>
          <p>
            <strong>{d.territory}</strong> <DecisionBadge decision={d.decision} />
            {d.pendingSecondApproval ? <span className="badge badge-warning">Awaiting a second approval</span> : null}{' '}
            <span className="muted small">
              by {d.actorLabel}, <Time value={d.createdAt} withTime />
            </span>
          </p>
          {d.citedRuleIds.length ? (
            <p className="small">
              Cites{' '}
              {d.citedRuleIds.map((id, i) => (
                <span key={id}>
                  {i ? ', ' : ''}
                  <code>{id}</code>
                </span>
              ))}
            </p>
          ) : null}
          {d.notes ? <p className="decision-notes">{d.notes}</p> : null}
        </li>
      ))}
    </ul>
  );
}

export function CommentList({ comments, seek }: { comments: readonly CaseComment[]; seek?: (seconds: number) => void }) {
  if (!comments.length) return null;
  return (
    <ul className="note-list">
      {comments.map((c) => (
        <li key={c.id}>
          {c.atSeconds !== null ? (
            seek ? (
              <button type="button" className="note-time" onClick={() => seek(c.atSeconds!)} aria-label={`Play from ${formatClock(c.atSeconds)}`}>
                {formatClock(c.atSeconds)}
              </button>
            ) : (
              <span className="note-time">{formatClock(c.atSeconds)}</span>
            )
          ) : (
            <span className="note-time">No time</span>
          )}
          <span className="note-text">{c.text}</span>
          <span className="muted small">{c.authorLabel}</span>
        </li>
      ))}
    </ul>
  );
}

/** For a resubmission or appeal: what the studio changed, and what was decided last time. */
export function ChangesPanel({ reviewCase, filterSearch }: { reviewCase: ReviewCaseDetail; filterSearch: string }) {
  const previous = reviewCase.previousCase;
  const changes = reviewCase.changesSincePrevious;
  if (!previous) return null;
  const link = (c: Pick<EarlierCase, 'id'>) => `/review/${encodeURIComponent(c.id)}${filterSearch ? `?${filterSearch}` : ''}`;
  return (
    <section className="panel" aria-labelledby="changes-heading">
      <h2 id="changes-heading">{reviewCase.kind === 'APPEAL' ? 'The appealed decision' : 'What changed since the last review'}</h2>
      {changes ? (
        <>
          <ul className="change-summary">
            <li>
              {changes.mediaReplaced ? (
                <>
                  <span className="badge badge-warning">New video</span> The video was replaced (was <code>{shortSha(changes.previousMediaSha256)}</code>, now{' '}
                  <code>{shortSha(reviewCase.mediaSha256)}</code>).
                </>
              ) : (
                <>
                  <span className="badge badge-muted">Same video</span> The video is unchanged.
                </>
              )}
            </li>
            {changes.metadataChanges.length === 0 ? (
              <li>
                <span className="badge badge-muted">Same text</span> Titles, synopses and subtitles are unchanged.
              </li>
            ) : null}
          </ul>
          {changes.metadataChanges.length ? (
            <div className="table-scroll" role="group" aria-label="Changed text" tabIndex={0}>
              <table className="diff-table">
                <caption className="visually-hidden">Changed text</caption>
                <thead>
                  <tr>
                    <th scope="col">What</th>
                    <th scope="col">Before</th>
                    <th scope="col">After</th>
                  </tr>
                </thead>
                <tbody>
                  {changes.metadataChanges.map((change) => (
                    <tr key={change.field}>
                      <th scope="row">{FIELD_LABELS[change.field] ?? change.field}</th>
                      <td>
                        <del>{describeValue(change.field, change.before)}</del>
                      </td>
                      <td>
                        <ins>{describeValue(change.field, change.after)}</ins>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </>
      ) : null}
      <h3>
        Previous case: {caseStatusLabel(previous.status).toLowerCase()}
        {previous.decidedAt ? (
          <>
            {' '}
            on <Time value={previous.decidedAt} withTime />
          </>
        ) : null}
      </h3>
      <DecisionList decisions={previous.decisions} />
      <CommentList comments={previous.comments} />
      <p className="small">
        <Link to={link(previous)}>Open the previous case</Link>
        {previous.previousCase ? (
          <>
            {' · '}
            <Link to={link(previous.previousCase)}>the one before it</Link>
          </>
        ) : null}
      </p>
    </section>
  );
}

export function AppealPanel({ statement }: { statement: string }) {
  return (
    <section className="panel appeal-panel" aria-labelledby="appeal-heading">
      <h2 id="appeal-heading">The studio’s appeal</h2>
      <blockquote className="appeal-statement">{statement}</blockquote>
      <p className="muted small">Whoever rejected the case cannot decide the appeal.</p>
    </section>
  );
}

/** License and price of the episode where it is to be shown, or why they cannot be shown. */
/** The localized titles and synopses the case reviews, as the studio submitted them. */
export function LocalizedTextsReviewed({ texts }: { texts: readonly ReviewedLocalization[] }) {
  if (!texts.length) return null;
  return (
    <section className="panel" aria-labelledby="case-localized-heading">
      <h2 id="case-localized-heading">Titles in other languages</h2>
      <p className="muted small">Reviewed with the episode: partners asking in these languages are shown them.</p>
      <dl className="localized-reviewed">
        {texts.map((t) => (
          <div key={`${t.of}|${t.language}`}>
            <dt>
              {t.of === 'SERIES' ? 'Series' : 'Episode'} · {t.language}
            </dt>
            <dd lang={t.language}>
              <strong>{t.title}</strong>
              {t.synopsis ? <p>{t.synopsis}</p> : null}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

export function RightsPanel({ series, unavailable, targets, territories }: { series: CaseSeries | null; unavailable: ApiError | null; targets: readonly string[]; territories: readonly TerritoryOption[] }) {
  return (
    <section className="panel" aria-labelledby="rights-heading">
      <h2 id="rights-heading">License and price</h2>
      {!series ? (
        <p className="muted">
          {unavailable?.code === 'FORBIDDEN' || unavailable?.code === 'NOT_FOUND'
            ? 'The series’ license and prices are not shared with your role. Findings citing the license rule (GLOBAL-LICENSE-01) say where rights are missing.'
            : (unavailable?.message ?? 'The license and prices could not be loaded.')}
        </p>
      ) : (
        <>
          <p>
            <strong>{series.title}</strong>
          </p>
          {series.license ? (
            <dl className="facts">
              <div>
                <dt>Licensor</dt>
                <dd>{series.license.licensor}</dd>
              </div>
              <div>
                <dt>Territories</dt>
                <dd>{describeTerritories(series.license, territories)}</dd>
              </div>
              <div>
                <dt>Window</dt>
                <dd>{describeWindow(series.license)}</dd>
              </div>
              <div>
                <dt>Rights</dt>
                <dd>{describeRights(series.license)}</dd>
              </div>
              {series.license.aiGeneratedContent ? (
                <div>
                  <dt>AI-generated content</dt>
                  <dd>{series.license.aiDisclosure || <span className="badge badge-danger">No disclosure</span>}</dd>
                </div>
              ) : null}
            </dl>
          ) : (
            <p className="availability availability-no">The series has no license: it cannot be shown anywhere.</p>
          )}
          <div className="table-scroll" role="group" aria-label="Availability and price per territory" tabIndex={0}>
            <table>
              <caption className="visually-hidden">Availability and price per target territory</caption>
              <thead>
                <tr>
                  <th scope="col">Territory</th>
                  <th scope="col">Rights now</th>
                  <th scope="col">Price of this episode</th>
                </tr>
              </thead>
              <tbody>
                {series.terms
                  .filter((t) => targets.includes(t.territory))
                  .map((t) => (
                    <tr key={t.territory}>
                      <th scope="row">{territoryName(territories, t.territory)}</th>
                      <td>{t.availability.available ? <span className="badge badge-success">Covered</span> : <span className="badge badge-danger">{t.availability.reasons.map((r) => r.message).join(' ') || 'Not covered'}</span>}</td>
                      <td>
                        {t.price ? (
                          <>
                            <span className="price-value">{priceLabel(t.price)}</span>
                            <span className="price-rule">{t.price.explanation}</span>
                          </>
                        ) : (
                          <span className="muted">Unknown</span>
                        )}
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

/** Every recorded event of the case, oldest first. */
export function HistoryPanel({ history }: { history: readonly CaseHistoryEvent[] }) {
  return (
    <section className="panel" aria-labelledby="history-heading">
      <details>
        <summary>
          <h2 id="history-heading" className="inline-heading">
            History <span className="count">{history.length}</span>
          </h2>
        </summary>
        {history.length === 0 ? (
          <p className="muted">Nothing recorded yet.</p>
        ) : (
          <ol className="history-list">
            {history.map((event) => (
              <li key={event.id}>
                <span className="muted small">
                  <Time value={event.occurredAt} withTime />
                </span>{' '}
                <code>{event.action}</code> by {event.actorLabel}
                <span className="muted small"> — {describeSummary(event.summary)}</span>
              </li>
            ))}
          </ol>
        )}
      </details>
    </section>
  );
}
