import { Form } from '@remix-run/react';
import { FormAlert, Notice, SelectField, TextField } from '~/components/forms';
import type { ReviewOutcome } from '~/models/review-form.server';

interface Person {
  id: string;
  name: string;
  email: string;
}

function outcomeOf(outcome: ReviewOutcome | undefined, ...intents: string[]) {
  return outcome && intents.includes(outcome.intent) ? outcome : undefined;
}

/** The reviewer's way out of a claimed case: back to the queue, or up to the leads. */
export function ClaimActions({ canRelease, canEscalate, filterSearch, outcome, busy }: { canRelease: boolean; canEscalate: boolean; filterSearch: string; outcome: ReviewOutcome | undefined; busy: string | null }) {
  const escalation = outcomeOf(outcome, 'escalate');
  const release = outcomeOf(outcome, 'release');
  return (
    <div className="claim-actions">
      {canRelease ? (
        <Form method="post">
          <input type="hidden" name="filter" value={filterSearch} />
          <button type="submit" name="intent" value="release" className="button button-secondary button-small" disabled={busy === 'release'}>
            {busy === 'release' ? 'Releasing…' : 'Release'}
          </button>
        </Form>
      ) : null}
      {canEscalate ? (
        <details className="action-disclosure" open={escalation ? true : undefined}>
          <summary className="button button-secondary button-small">Escalate</summary>
          <Form method="post" className="disclosure-form">
            <input type="hidden" name="filter" value={filterSearch} />
            <div className="field">
              <label htmlFor="escalation-note">Why does a lead need to see it?</label>
              <textarea id="escalation-note" name="note" rows={3} maxLength={2000} required aria-invalid={escalation?.fieldErrors?.note ? true : undefined} aria-describedby="escalation-note-error" />
              <p className="field-error" id="escalation-note-error" aria-live="polite">
                {escalation?.fieldErrors?.note ?? ''}
              </p>
            </div>
            <button type="submit" name="intent" value="escalate" className="button button-small" disabled={busy === 'escalate'}>
              {busy === 'escalate' ? 'Escalating…' : 'Escalate to leads'}
            </button>
          </Form>
        </details>
      ) : null}
      {release?.formError && !release.conflict ? <FormAlert fieldErrors={release.fieldErrors}>{release.formError}</FormAlert> : null}
    </div>
  );
}

interface LeadToolsProps {
  pending: boolean;
  held: boolean;
  holdReason: string | null;
  episode: { number: number; status: string; canTakeDown: boolean; takedownReason?: string | null };
  people: readonly Person[];
  me: string;
  outcome: ReviewOutcome | undefined;
  busy: string | null;
}

/** Leads' tools: hold the case, hand it to someone, take the episode down. */
export function LeadTools({ pending, held, holdReason, episode, people, me, outcome, busy }: LeadToolsProps) {
  const hold = outcomeOf(outcome, 'hold', 'unhold');
  const assign = outcomeOf(outcome, 'assign');
  const takeDown = outcomeOf(outcome, 'takeDown');
  return (
    <section className="panel lead-tools" aria-labelledby="lead-tools-heading">
      <h2 id="lead-tools-heading">Lead tools</h2>
      {pending ? (
        <>
          <h3>Hold</h3>
          <Notice>{hold?.notice}</Notice>
          <FormAlert fieldErrors={hold?.fieldErrors}>{hold?.conflict ? undefined : hold?.formError}</FormAlert>
          {held ? (
            <Form method="post" className="inline-form">
              <p>
                On hold{holdReason ? `: ${holdReason}` : ''}. Nobody can claim it until it is put back.
              </p>
              <button type="submit" name="intent" value="unhold" className="button button-secondary" disabled={busy === 'unhold'}>
                Put back in the queue
              </button>
            </Form>
          ) : (
            <Form method="post" className="inline-form">
              <TextField label="Reason for the hold" name="reason" maxLength={2000} error={hold?.fieldErrors?.reason} />
              <button type="submit" name="intent" value="hold" className="button button-secondary" disabled={busy === 'hold'}>
                Hold the case
              </button>
            </Form>
          )}
          <h3>Hand over</h3>
          <Notice>{assign?.notice}</Notice>
          <FormAlert fieldErrors={assign?.fieldErrors}>{assign?.conflict ? undefined : assign?.formError}</FormAlert>
          <Form method="post" className="inline-form">
            <SelectField
              label="Reviewer"
              name="reviewerId"
              defaultValue={me}
              options={people.map((p) => ({ value: p.id, label: p.id === me ? `Me (${p.email})` : `${p.name} (${p.email})` }))}
              error={assign?.fieldErrors?.reviewerId}
            />
            <button type="submit" name="intent" value="assign" className="button button-secondary" disabled={busy === 'assign'}>
              Hand over
            </button>
          </Form>
        </>
      ) : null}
      <h3>Take down</h3>
      <Notice>{takeDown?.notice}</Notice>
      <FormAlert fieldErrors={takeDown?.fieldErrors}>{takeDown?.formError}</FormAlert>
      {episode.canTakeDown ? (
        <Form method="post" className="inline-form">
          <TextField label="Reason for the takedown" name="reason" required minLength={3} maxLength={2000} error={takeDown?.fieldErrors?.reason} />
          <button type="submit" name="intent" value="takeDown" className="button button-danger" disabled={busy === 'takeDown'}>
            Take episode {episode.number} down
          </button>
        </Form>
      ) : (
        <p className="muted">
          {episode.status === 'TAKEN_DOWN'
            ? `Episode ${episode.number} is taken down${episode.takedownReason ? `: ${episode.takedownReason}` : '.'}`
            : `Only approved or published episodes can be taken down; episode ${episode.number} is not.`}
        </p>
      )}
    </section>
  );
}
