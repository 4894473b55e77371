import { Link } from '@remix-run/react';
import { aiElementsLabel, territoryName, type TerritoryOption } from '~/models/catalog';
import { graphql, type ResultOf } from '~/graphql';

/** A territory's AI-label duty for the declared AI uses (the API applies the rule; the page shows it). */
export const AiLabelRequirementFields = graphql(`
  fragment AiLabelRequirementFields on AiLabelRequirement { territory ruleId elements missing met }
`);
export type AiLabelRequirement = ResultOf<typeof AiLabelRequirementFields>;

const MISSING: Record<string, string> = { VISIBLE_LABEL: 'a visible AI label', DISCLOSURE: 'an AI disclosure' };

/**
 * Pre-flight of AI labels: the territories whose policy requires a label for what the studio
 * declared as AI-generated, as the API reports them. Episodes stay unpublished there (AI_LABEL_MISSING)
 * until the label is set.
 */
export function AiLabelPreflight({ seriesId, requirements, territories, canEdit }: { seriesId: string; requirements: readonly AiLabelRequirement[]; territories: readonly TerritoryOption[]; canEdit: boolean }) {
  if (!requirements.length) return null;
  const open = requirements.filter((r) => !r.met);
  return (
    <section className="panel" aria-labelledby="ai-preflight-heading">
      <h2 id="ai-preflight-heading">Pre-flight: AI labels</h2>
      <ul className="preflight-list">
        {requirements.map((r) => (
          <li key={r.territory} data-territory={r.territory}>
            <span className={`badge ${r.met ? 'badge-success' : 'badge-danger'}`}>{r.met ? 'Label set' : 'AI label required'}</span>{' '}
            {territoryName(territories, r.territory)} requires a label for AI-generated {aiElementsLabel(r.elements)}
            {r.met ? '.' : <>: {r.missing.map((m) => MISSING[m] ?? m.toLowerCase()).join(' and ')} missing.</>} <span className="muted small">({r.ruleId})</span>
          </li>
        ))}
      </ul>
      {open.length && canEdit ? (
        <p className="muted">
          Episodes are not published in {open.map((r) => r.territory).join(', ')} until then. <Link to={`/catalog/${seriesId}/license`}>Set the AI label on the license</Link>.
        </p>
      ) : null}
    </section>
  );
}
