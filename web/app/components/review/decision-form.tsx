import { Form } from '@remix-run/react';
import { useId, useState } from 'react';
import { FormAlert } from '~/components/forms';
import { errorWithin } from '~/models/form-outcome';
import { DECISIONS, decisionLabel, formatClock, needsCitation, type Decision, type PolicyRule } from '~/models/moderation';
import type { ReviewOutcome } from '~/models/review-form.server';
import type { CaseDecision, PreselectedDecision, TerritoryVerdict } from '~/models/review.server';
import { DecisionBadge, VerdictBadge } from './review-badges';

/** The decision form's id: Ctrl+Enter submits it from anywhere on the page. */
export const DECISION_FORM_ID = 'decision-form';

export interface TerritoryDraft {
  decision: Decision | null;
  citedRuleIds: string[];
  notes: string;
}

export interface NoteDraft {
  atSeconds: number | null;
  text: string;
}

interface DecisionFormProps {
  version: number;
  /** The queue filter as a query string, kept for "Submit & next". */
  filterSearch: string;
  territories: ReadonlyArray<{ code: string; name: string }>;
  verdicts: readonly TerritoryVerdict[];
  /** Rules each territory's decision may cite, and those its findings cite. */
  rules: Readonly<Record<string, PolicyRule[]>>;
  flagged: Readonly<Record<string, string[]>>;
  drafts: Readonly<Record<string, TerritoryDraft>>;
  onDraftChange: (territory: string, change: Partial<TerritoryDraft>) => void;
  notes: readonly NoteDraft[];
  onNotesChange: (notes: NoteDraft[]) => void;
  currentTime: number;
  /** Approvals waiting for a lead's second approval (four-eyes). */
  firstApprovals: readonly CaseDecision[];
  /** Where each territory started, as the API preselected it (a second approval: from the first decision). */
  preselected: readonly PreselectedDecision[];
  outcome: ReviewOutcome | undefined;
  busy: boolean;
}

function RulePicker({ index, territory, rules, flagged, chosen, onChange, error }: {
  index: number;
  territory: { code: string; name: string };
  rules: PolicyRule[];
  flagged: string[];
  chosen: string[];
  onChange: (ids: string[]) => void;
  error?: string;
}) {
  const id = useId();
  const toggle = (ruleId: string, on: boolean) => onChange(on ? [...chosen, ruleId] : chosen.filter((r) => r !== ruleId));
  const first = rules.filter((r) => flagged.includes(r.id));
  const rest = rules.filter((r) => !flagged.includes(r.id));
  const restChosen = rest.filter((r) => chosen.includes(r.id)).length;
  const option = (rule: PolicyRule) => (
    <li key={rule.id} className="rule-option">
      <input
        type="checkbox"
        id={`${id}-${rule.id}`}
        name={`decisions.${index}.citedRuleIds`}
        value={rule.id}
        checked={chosen.includes(rule.id)}
        onChange={(event) => toggle(rule.id, event.currentTarget.checked)}
      />
      <label htmlFor={`${id}-${rule.id}`}>
        <code>{rule.id}</code> <span>{rule.description}</span>
      </label>
    </li>
  );
  return (
    <fieldset className="rule-picker" aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined}>
      <legend>Cited rules</legend>
      <p className="field-hint">Required to request changes or reject; the studio sees which rules.</p>
      {first.length ? (
        <>
          <p className="rule-group-label">Flagged in this case</p>
          <ul className="rule-options">{first.map(option)}</ul>
        </>
      ) : null}
      {rest.length ? (
        <details className="rule-more" open={first.length === 0 && rest.length <= 8 ? true : undefined}>
          <summary>
            {first.length ? 'Other rules' : 'Rules'} of the {territory.name} policy ({rest.length}
            {restChosen ? `, ${restChosen} cited` : ''})
          </summary>
          <ul className="rule-options">{rest.map(option)}</ul>
        </details>
      ) : null}
      <p className="field-error" id={`${id}-error`} aria-live="polite">
        {error ?? ''}
      </p>
    </fieldset>
  );
}

function PinnedNotes({ notes, onChange, currentTime, errors }: { notes: readonly NoteDraft[]; onChange: (notes: NoteDraft[]) => void; currentTime: number; errors?: Record<string, string> }) {
  const [draft, setDraft] = useState('');
  const at = Math.round(currentTime * 10) / 10;
  const pin = () => {
    if (!draft.trim()) return;
    onChange([...notes, { atSeconds: at, text: draft.trim() }]);
    setDraft('');
  };
  const error = errorWithin(errors, 'comments');
  return (
    <fieldset className="pinned-notes">
      <legend>Notes on the video</legend>
      <p className="field-hint">Pinned to a moment of the video; the studio sees them with the decision.</p>
      {notes.length ? (
        <ul className="note-list">
          {notes.map((note, i) => (
            <li key={i}>
              <input type="hidden" name={`comments.${i}.atSeconds`} value={note.atSeconds ?? ''} />
              <input type="hidden" name={`comments.${i}.text`} value={note.text} />
              <span className="note-time">{note.atSeconds !== null ? formatClock(note.atSeconds) : 'No time'}</span>
              <span className="note-text">{note.text}</span>
              <button
                type="button"
                className="link-button"
                onClick={() => onChange(notes.filter((_, j) => j !== i))}
                aria-label={`Remove the note${note.atSeconds !== null ? ` at ${formatClock(note.atSeconds)}` : ''}`}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="field">
        <label htmlFor="note-draft">Note</label>
        <textarea
          id="note-draft"
          rows={2}
          value={draft}
          maxLength={2000}
          onChange={(event) => setDraft(event.currentTarget.value)}
          aria-describedby="note-draft-hint"
        />
        <p className="field-hint" id="note-draft-hint">
          Pause where the problem is, then pin the note there.
        </p>
      </div>
      <button type="button" className="button button-secondary button-small" onClick={pin} disabled={!draft.trim()}>
        Pin note at {formatClock(at)}
      </button>
      <p className="field-error" aria-live="polite">
        {error ?? ''}
      </p>
    </fieldset>
  );
}

/** One decision per target territory with cited rules and notes, plus notes pinned to the video. */
export function DecisionForm(props: DecisionFormProps) {
  const { version, filterSearch, territories, verdicts, rules, flagged, drafts, onDraftChange, notes, onNotesChange, currentTime, firstApprovals, preselected, outcome, busy } = props;
  const errors = outcome?.intent === 'decide' || outcome?.intent === 'decideAndNext' ? outcome.fieldErrors : undefined;
  // A conflict is shown above the whole page, with the way out (reload).
  const formError = (outcome?.intent === 'decide' || outcome?.intent === 'decideAndNext') && !outcome.conflict ? outcome.formError : undefined;
  return (
    <section className="panel decision-panel" aria-labelledby="decision-heading">
      <h2 id="decision-heading" tabIndex={-1}>
        Decision
      </h2>
      <p className="muted small">
        Decide every territory; those the AI found clear start approved. <kbd>A</kbd> approve, <kbd>C</kbd> request changes, <kbd>R</kbd> reject — for the territory you are in, or the
        first undecided one. <kbd>Ctrl</kbd>+<kbd>Enter</kbd> (<kbd>⌘</kbd>+<kbd>Enter</kbd>) submits.
      </p>
      {firstApprovals.length ? (
        <div className="alert alert-warning">
          <p>
            <strong>Second approval needed.</strong> {firstApprovals[0]!.actorLabel} approved against a likely violation; a lead other than them confirms or overrules it. Their
            decisions and cited rules are preselected below.
          </p>
          <ul className="plain-list">
            {firstApprovals.map((d) => (
              <li key={d.id}>
                {d.territory}: <DecisionBadge decision={d.decision} /> {d.notes ? `— ${d.notes}` : ''}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <Form method="post" className="decision-form" id={DECISION_FORM_ID} noValidate>
        <input type="hidden" name="version" value={version} />
        <input type="hidden" name="filter" value={filterSearch} />
        {territories.map((territory, i) => {
          const draft = drafts[territory.code] ?? { decision: null, citedRuleIds: [], notes: '' };
          const verdict = verdicts.find((v) => v.territory === territory.code);
          const decisionError = errors?.[`decisions.${i}.decision`] ?? errors?.[`decisions.${i}.territory`];
          const againstAi = draft.decision === 'APPROVE' && verdict?.verdict === 'LIKELY_VIOLATION';
          const first = preselected.find((p) => p.territory === territory.code)?.firstDecision;
          return (
            <fieldset key={territory.code} className="territory-decision" data-territory={territory.code} aria-invalid={decisionError ? true : undefined}>
              <legend>
                {territory.name} <span className="muted">({territory.code})</span> {verdict ? <VerdictBadge verdict={verdict.verdict} riskScore={verdict.riskScore} /> : null}
              </legend>
              <input type="hidden" name={`decisions.${i}.territory`} value={territory.code} />
              <div className="decision-choices" role="radiogroup" aria-label={`Decision for ${territory.name}`}>
                {DECISIONS.map((decision) => (
                  <label key={decision} className={`decision-choice choice-${decision.toLowerCase().replace('_', '-')}`}>
                    <input
                      type="radio"
                      name={`decisions.${i}.decision`}
                      value={decision}
                      checked={draft.decision === decision}
                      onChange={() => onDraftChange(territory.code, { decision })}
                    />
                    {decisionLabel(decision)}
                  </label>
                ))}
              </div>
              {first ? <p className="field-hint first-decision">Preselected from the first decision by {first.actorLabel}: confirm it or change it.</p> : null}
              <p className="field-error" aria-live="polite">
                {decisionError ?? ''}
              </p>
              {againstAi ? <p className="field-hint hint-warning">The AI found a likely violation here: approving needs a lead’s second approval.</p> : null}
              {needsCitation(draft.decision ?? undefined) || draft.citedRuleIds.length || errorWithin(errors, `decisions.${i}.citedRuleIds`) ? (
                <RulePicker
                  index={i}
                  territory={territory}
                  rules={rules[territory.code] ?? []}
                  flagged={flagged[territory.code] ?? []}
                  chosen={draft.citedRuleIds}
                  onChange={(citedRuleIds) => onDraftChange(territory.code, { citedRuleIds })}
                  error={errorWithin(errors, `decisions.${i}.citedRuleIds`)}
                />
              ) : null}
              <div className="field">
                <label htmlFor={`notes-${territory.code}`}>Notes for the studio</label>
                <textarea
                  id={`notes-${territory.code}`}
                  name={`decisions.${i}.notes`}
                  rows={2}
                  maxLength={5000}
                  value={draft.notes}
                  onChange={(event) => onDraftChange(territory.code, { notes: event.currentTarget.value })}
                />
              </div>
            </fieldset>
          );
        })}
        <PinnedNotes notes={notes} onChange={onNotesChange} currentTime={currentTime} errors={errors} />
        <FormAlert fieldErrors={errors}>{formError}</FormAlert>
        <div className="form-actions">
          <button type="submit" name="intent" value="decide" className="button" disabled={busy} aria-keyshortcuts="Control+Enter Meta+Enter">
            {busy ? 'Submitting…' : 'Submit decision'}
          </button>
          <button type="submit" name="intent" value="decideAndNext" className="button button-secondary" disabled={busy}>
            Submit &amp; next
          </button>
        </div>
      </Form>
    </section>
  );
}
