import { graphql, type ResultOf } from '~/graphql';
import { decisionLabel, type Decision } from '~/models/episode';

/** The decision in force per territory, as the API records it. */
export const TerritoryOutcomeFields = graphql(`fragment TerritoryOutcomeFields on TerritoryOutcome { territory decision }`);
export type TerritoryOutcome = ResultOf<typeof TerritoryOutcomeFields>;

const ORDER: readonly Decision[] = ['APPROVE', 'REQUEST_CHANGES', 'REJECT'];

/** "Approved in CA, GB · Rejected in US": the API's outcomes grouped by decision, in its territory order. */
export function outcomeParts(outcomes: readonly TerritoryOutcome[]): Array<{ decision: Decision; text: string }> {
  return ORDER.flatMap((decision) => {
    const codes = outcomes.filter((o) => o.decision === decision).map((o) => o.territory);
    return codes.length ? [{ decision, text: `${decisionLabel(decision)} in ${codes.join(', ')}` }] : [];
  });
}

const TONE: Record<Decision, string> = { APPROVE: 'outcome-approved', REQUEST_CHANGES: 'outcome-changes', REJECT: 'outcome-rejected' };

/** The outcome per territory in one line, and where the episode is live for partners. */
export function TerritoryOutcomes({ outcomes, live = [] }: { outcomes: readonly TerritoryOutcome[]; live?: readonly string[] }) {
  const parts = outcomeParts(outcomes);
  if (!parts.length && !live.length) return null;
  return (
    <span className="territory-outcomes">
      {parts.map((p, i) => (
        <span key={p.decision} className={TONE[p.decision]}>
          {i ? ' · ' : ''}
          {p.text}
        </span>
      ))}
      {live.length ? <span className="outcome-live">{parts.length ? ' · ' : ''}Live in {live.join(', ')}</span> : null}
    </span>
  );
}
