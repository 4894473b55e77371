/**
 * Reviewer agreement per detector — each signal source a screening runs, with its model — for the
 * calibration view. A detector that raised a finding in a territory recommended against approving
 * there: a reviewer's approval overturns it, any other decision upholds it. A detector that ran
 * and raised nothing recommended nothing against: an approval agrees, any other decision means it
 * missed something.
 */
export type Detector = 'POLICY_CHECKS' | 'KEYWORD_RULES' | 'PROFANITY_MATCHER' | 'EMBEDDED_IMAGE_MODEL' | 'OPENAI_MODERATION' | 'OPENAI_POLICY_MODEL';

export interface DetectorAgreement {
  detector: Detector;
  /** e.g. "nsfwjs/MobileNetV2 4.4.0", "omni-moderation-latest"; null for rules that are not a model. */
  model: string | null;
  decisions: number;
  /** Flagged and upheld, or silent and approved. */
  agreed: number;
  /** Flagged, and the reviewer approved. */
  overturned: number;
  /** Silent, and the reviewer did not approve. */
  missed: number;
}

export interface DecidedTerritory {
  territory: string;
  approved: boolean;
  /** The screening of the case: `ai_assessment.provider`, `.model` and whether the AI part completed. */
  provider: string;
  model: string | null;
  aiCompleted: boolean;
  findings: Array<{ territory: string; source: string; evidence: Record<string, unknown> }>;
}

type Key = { detector: Detector; model: string | null };

/** Which detectors a screening ran (and so gave a recommendation), from its provider and model string. */
export function detectorsThatRan(provider: string, model: string | null, aiCompleted: boolean): Key[] {
  const ran: Key[] = [{ detector: 'POLICY_CHECKS', model: null }];
  if (provider === 'rules' || provider === 'embedded') ran.push({ detector: 'KEYWORD_RULES', model: null }, { detector: 'PROFANITY_MATCHER', model: 'obscenity' });
  if (!aiCompleted) return ran;
  // "keyword rules + obscenity + nsfwjs/MobileNetV2 4.4.0" and "omni-moderation-latest + gpt-4o-mini".
  const parts = (model ?? '').split(' + ');
  if (provider === 'embedded' && parts[2]) ran.push({ detector: 'EMBEDDED_IMAGE_MODEL', model: parts[2] });
  if (provider === 'openai') ran.push({ detector: 'OPENAI_MODERATION', model: parts[0] || null }, { detector: 'OPENAI_POLICY_MODEL', model: parts[1] || null });
  return ran;
}

/** The detector of a finding, given the screening's own models. */
export function detectorOf(finding: { source: string; evidence: Record<string, unknown> }, ran: readonly Key[]): Key | null {
  const pick = (detector: Detector) => ran.find((k) => k.detector === detector) ?? null;
  switch (finding.source) {
    case 'DETERMINISTIC':
      return pick('POLICY_CHECKS');
    case 'RULES':
      return pick(Array.isArray(finding.evidence.terms) ? 'PROFANITY_MATCHER' : 'KEYWORD_RULES');
    case 'VISUAL_MODERATION':
      if (typeof finding.evidence.model === 'string') return { detector: 'EMBEDDED_IMAGE_MODEL', model: `${finding.evidence.model} ${String(finding.evidence.modelVersion ?? '')}`.trim() };
      return pick('OPENAI_MODERATION');
    case 'TEXT_MODERATION':
      return pick('OPENAI_MODERATION');
    case 'POLICY_MODEL':
      return pick('OPENAI_POLICY_MODEL');
    default:
      return null;
  }
}

const ORDER: Detector[] = ['POLICY_CHECKS', 'KEYWORD_RULES', 'PROFANITY_MATCHER', 'EMBEDDED_IMAGE_MODEL', 'OPENAI_MODERATION', 'OPENAI_POLICY_MODEL'];

export function detectorAgreement(decided: readonly DecidedTerritory[]): DetectorAgreement[] {
  const rows = new Map<string, DetectorAgreement>();
  for (const d of decided) {
    const ran = detectorsThatRan(d.provider, d.model, d.aiCompleted);
    const flagged = new Map<string, Key>();
    for (const f of d.findings) {
      if (f.territory !== d.territory) continue;
      const key = detectorOf(f, ran);
      if (key) flagged.set(`${key.detector}|${key.model ?? ''}`, key);
    }
    const all = new Map<string, Key>([...ran.map((k) => [`${k.detector}|${k.model ?? ''}`, k] as const), ...flagged]);
    for (const [id, key] of all) {
      const row = rows.get(id) ?? { ...key, decisions: 0, agreed: 0, overturned: 0, missed: 0 };
      row.decisions++;
      const raised = flagged.has(id);
      if (raised && d.approved) row.overturned++;
      else if (!raised && !d.approved) row.missed++;
      else row.agreed++;
      rows.set(id, row);
    }
  }
  return [...rows.values()].sort((a, b) => ORDER.indexOf(a.detector) - ORDER.indexOf(b.detector) || (a.model ?? '').localeCompare(b.model ?? ''));
}
