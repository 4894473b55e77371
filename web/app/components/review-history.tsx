import { Form, useRevalidator } from '@remix-run/react';
import { useEffect, useId, type MouseEvent } from 'react';
import { TerritoryPicker, TextAreaField } from '~/components/catalog-fields';
import { TerritoryOutcomeFields, TerritoryOutcomes } from '~/components/territory-outcomes';
import { FormAlert, Notice, TextField } from '~/components/forms';
import { formatDateTime, Time } from '~/components/time';
import { dayOf, territoryName, type TerritoryOption } from '~/models/catalog';
import type { EpisodeFormOutcome } from '~/models/episode-form.server';
import { graphql, type ResultOf } from '~/graphql';
import { caseStatusLabel, caseStatusTone, decisionLabel, decisionTone, formatTimestamp, screeningProgress, verdictLabel } from '~/models/episode';

/** A review of the episode as the studio sees it. */
export const ReviewCaseCardFields = graphql(`
  fragment ReviewCaseCardFields on ReviewCase {
    id kind status territories submittedAt screenedAt decidedAt plannedReleaseAt progress aiStatus invalidatedReason appealStatement viewerCanAppeal
    previousCase { id }
    verdicts { territory verdict riskScore reasons }
    decisions { id territory decision actorLabel notes citedRuleIds pendingSecondApproval createdAt }
    comments { id atSeconds text authorLabel createdAt }
    findings { id territory ruleId category severity explanation }
    territoryOutcomes { ...TerritoryOutcomeFields }
  }
`, [TerritoryOutcomeFields]);
export type ReviewCaseInfo = ResultOf<typeof ReviewCaseCardFields>;

/** Reloads the page's data every `ms` while `active` holds (the API is working on something). */
export function useRefreshWhile(active: boolean, ms = 2000) {
  const { revalidate, state } = useRevalidator();
  const idle = state === 'idle';
  useEffect(() => {
    if (!active || !idle) return;
    const timer = setTimeout(revalidate, ms);
    return () => clearTimeout(timer);
  }, [active, idle, revalidate, ms]);
}

/** Where to review, and (optionally) when the studio means to release. */
export function ReviewSubmitFields({
  territories,
  defaultTerritories,
  errors,
}: {
  territories: readonly TerritoryOption[];
  defaultTerritories: readonly string[];
  errors?: Record<string, string>;
}) {
  return (
    <div className="review-submit-fields">
      <TerritoryPicker
        legend="Review for territories"
        name="territories"
        territories={territories}
        defaultSelected={defaultTerritories}
        hint="Each territory is screened against its own rules and decided separately."
        error={errors?.territories}
      />
      <TextField
        label="Planned release date (optional)"
        name="plannedReleaseAt"
        type="date"
        hint="Helps reviewers put the most urgent episodes first."
        error={errors?.plannedReleaseAt}
        className="date-input"
      />
    </div>
  );
}

/** Moves the page's video to a moment and brings it into view. */
export function seekVideo(videoId: string, seconds: number) {
  const video = document.getElementById(videoId);
  if (!(video instanceof HTMLVideoElement)) return;
  video.currentTime = seconds;
  video.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  video.focus();
}

/** `#t=42` in the address seeks the video once the page is up (links to a comment's moment). */
export function useSeekFromAddress(videoId: string) {
  useEffect(() => {
    const seekToHash = () => {
      const match = /^#t=(\d+(?:\.\d+)?)$/.exec(window.location.hash);
      if (match) seekVideo(videoId, Number(match[1]));
    };
    seekToHash();
    window.addEventListener('hashchange', seekToHash);
    return () => window.removeEventListener('hashchange', seekToHash);
  }, [videoId]);
}

interface ReviewHistoryProps {
  cases: readonly ReviewCaseInfo[];
  territories: readonly TerritoryOption[];
  /** The id of the page's <video>, for comments pinned to a moment. */
  videoId: string | null;
  outcome?: EpisodeFormOutcome;
  busyCaseId?: string;
}

/** Every review of the episode, newest first: status, per-territory decisions, notes and comments. */
export function ReviewHistory({ cases, territories, videoId, outcome, busyCaseId }: ReviewHistoryProps) {
  if (!cases.length) return <p className="muted">Not submitted for review yet.</p>;
  return (
    <ol className="review-cases">
      {cases.map((reviewCase) => (
        <li key={reviewCase.id}>
          <ReviewCaseCard
            reviewCase={reviewCase}
            territories={territories}
            videoId={videoId}
            appealable={reviewCase.viewerCanAppeal}
            outcome={outcome?.target === reviewCase.id ? outcome : undefined}
            busy={busyCaseId === reviewCase.id}
          />
        </li>
      ))}
    </ol>
  );
}

function ReviewCaseCard({
  reviewCase,
  territories,
  videoId,
  appealable,
  outcome,
  busy,
}: {
  reviewCase: ReviewCaseInfo;
  territories: readonly TerritoryOption[];
  videoId: string | null;
  appealable: boolean;
  outcome?: EpisodeFormOutcome;
  busy: boolean;
}) {
  const id = useId();
  const decided = reviewCase.status === 'DECIDED';
  const place = (code: string) => territoryName(territories, code);
  return (
    <article className="review-case" aria-labelledby={`${id}-title`}>
      <header className="review-case-header">
        <h3 id={`${id}-title`}>
          {reviewCase.kind === 'APPEAL' ? 'Appeal' : 'Review'} of {formatDateTime(reviewCase.submittedAt)}
        </h3>
        <span className={`badge badge-${caseStatusTone(reviewCase.status, reviewCase.decisions)}`}>{caseStatusLabel(reviewCase.status)}</span>
      </header>
      <p className="muted small">
        For {reviewCase.territories.map(place).join(', ')}
        {reviewCase.plannedReleaseAt ? ` · planned release ${dayOf(reviewCase.plannedReleaseAt)}` : ''}
        {reviewCase.decidedAt ? (
          <>
            {' '}
            · decided <Time value={reviewCase.decidedAt} withTime />
          </>
        ) : null}
      </p>

      {reviewCase.territoryOutcomes.length ? (
        <p className="case-outcome">
          <TerritoryOutcomes outcomes={reviewCase.territoryOutcomes} />
        </p>
      ) : null}
      <CaseProgress reviewCase={reviewCase} />

      {reviewCase.appealStatement ? (
        <blockquote className="appeal-statement">
          <p className="small muted">Your appeal:</p>
          <p>{reviewCase.appealStatement}</p>
        </blockquote>
      ) : null}

      {decided || reviewCase.decisions.length ? (
        <div className="table-scroll" role="group" aria-label="Decisions by territory" tabIndex={0}>
          <table className="decision-table">
            <caption className="visually-hidden">Decisions by territory</caption>
            <thead>
              <tr>
                <th scope="col">Territory</th>
                <th scope="col">Decision</th>
                <th scope="col">Screening</th>
                <th scope="col">Reviewer notes</th>
              </tr>
            </thead>
            <tbody>
              {reviewCase.territories.map((code) => {
                const decisions = reviewCase.decisions.filter((d) => d.territory === code);
                const decision = decisions.filter((d) => !d.pendingSecondApproval).pop() ?? decisions.pop();
                const verdict = reviewCase.verdicts.find((v) => v.territory === code);
                return (
                  <tr key={code}>
                    <th scope="row">{place(code)}</th>
                    <td>
                      {decision ? (
                        <>
                          <span className={`badge badge-${decisionTone(decision.decision)}`}>{decisionLabel(decision.decision)}</span>
                          {decision.pendingSecondApproval ? <span className="small muted"> awaiting a second approval</span> : null}
                          <span className="decided-by small muted">by {decision.actorLabel}</span>
                        </>
                      ) : (
                        <span className="muted">Not decided yet</span>
                      )}
                    </td>
                    <td>{verdict ? `${verdictLabel(verdict.verdict)} (risk ${verdict.riskScore})` : <span className="muted">—</span>}</td>
                    <td>
                      {decision?.notes ? <p className="decision-notes">{decision.notes}</p> : null}
                      {decision?.citedRuleIds.length ? <p className="small muted">Rules: {decision.citedRuleIds.join(', ')}</p> : null}
                      {!decision?.notes && !decision?.citedRuleIds.length ? <span className="muted">—</span> : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}

      {reviewCase.findings.length ? (
        <details className="case-findings">
          <summary>
            {reviewCase.findings.length} screening finding{reviewCase.findings.length === 1 ? '' : 's'}
          </summary>
          <ul>
            {reviewCase.findings.map((f) => (
              <li key={f.id}>
                <span className="badge badge-muted">{f.severity.toLowerCase()}</span> {place(f.territory)} · {f.ruleId}: {f.explanation}
              </li>
            ))}
          </ul>
        </details>
      ) : null}

      {reviewCase.comments.length ? (
        <div className="case-comments">
          <h4>Reviewer comments</h4>
          <ul>
            {reviewCase.comments.map((c) => (
              <li key={c.id}>
                {c.atSeconds != null ? <MomentLink seconds={c.atSeconds} videoId={videoId} /> : null}
                <span className="comment-text">{c.text}</span>
                <span className="small muted"> — {c.authorLabel}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      {appealable ? <AppealForm caseId={reviewCase.id} outcome={outcome} busy={busy} /> : outcome?.notice ? <Notice>{outcome.notice}</Notice> : null}
    </article>
  );
}

/** What the case is waiting for; a progress bar while the screening runs. */
function CaseProgress({ reviewCase }: { reviewCase: ReviewCaseInfo }) {
  if (reviewCase.status === 'INVALIDATED') {
    return <p className="case-note">{reviewCase.invalidatedReason ? `Withdrawn: ${reviewCase.invalidatedReason}` : 'Withdrawn: the episode changed after it was submitted.'}</p>;
  }
  if (reviewCase.status === 'QUEUED') return <p className="case-note" role="status">Queued: screening starts in a moment.</p>;
  if (reviewCase.status === 'SCREENING') {
    const { step, done, total } = screeningProgress(reviewCase.progress);
    const counted = done !== null && total ? ` (${done} of ${total})` : '';
    return (
      <div className="case-note" role="status">
        <p>
          Screening{step ? `: ${step}` : ''}
          {counted}…
        </p>
        {done !== null && total ? <progress max={total} value={done} aria-label="Screening progress" /> : <progress aria-label="Screening progress" />}
      </div>
    );
  }
  if (reviewCase.status === 'PENDING_REVIEW') {
    return (
      <p className="case-note" role="status">
        Screened{reviewCase.aiStatus === 'AI_UNAVAILABLE' ? ' by the built-in checks only' : ''}. Waiting for a reviewer to decide.
      </p>
    );
  }
  return null;
}

/** A link to a moment in the video: `#t=42` in the address, and the video jumps there. */
function MomentLink({ seconds, videoId }: { seconds: number; videoId: string | null }) {
  const label = formatTimestamp(seconds);
  if (!videoId) return <span className="moment">{label}</span>;
  const seek = (event: MouseEvent<HTMLAnchorElement>) => {
    // The hash still changes (the link can be copied); seek even when it was already there.
    if (window.location.hash === `#t=${seconds}`) event.preventDefault();
    seekVideo(videoId, seconds);
  };
  return (
    <a className="moment" href={`#t=${seconds}`} onClick={seek} aria-label={`Play from ${label}`}>
      {label}
    </a>
  );
}

function AppealForm({ caseId, outcome, busy }: { caseId: string; outcome?: EpisodeFormOutcome; busy: boolean }) {
  return (
    <Form method="post" className="appeal-form" preventScrollReset>
      <h4>Appeal the rejection</h4>
      <p className="small muted">You can appeal once. A different reviewer or a lead decides; explain why the decision should change.</p>
      <FormAlert fieldErrors={outcome?.fieldErrors}>{outcome?.formError}</FormAlert>
      <input type="hidden" name="intent" value="appeal" />
      <input type="hidden" name="caseId" value={caseId} />
      <TextAreaField label="Statement" name="statement" required minLength={10} maxLength={5000} error={outcome?.fieldErrors?.statement} />
      <button type="submit" className="button" disabled={busy}>
        {busy ? 'Filing…' : 'File the appeal'}
      </button>
    </Form>
  );
}
