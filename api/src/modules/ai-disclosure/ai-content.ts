import { hasVisibleText } from '../../domain/text-input';
import { effectivePolicy, type AiLabelPolicy } from '../review/policy';

const shown = (text: string | null | undefined): string | null => (text && hasVisibleText(text) ? text.trim() : null);

/** What a studio can declare as AI-generated or AI-altered in a series or an episode. */
export enum AiContentElement {
  SCRIPT = 'SCRIPT',
  VOICE = 'VOICE',
  FACES = 'FACES',
  IMAGERY = 'IMAGERY',
  TRANSLATION = 'TRANSLATION',
}
export const AI_CONTENT_ELEMENTS = Object.values(AiContentElement);

const ELEMENT_WORDS: Record<AiContentElement, string> = {
  SCRIPT: 'script',
  VOICE: 'voices',
  FACES: 'faces or actors',
  IMAGERY: 'imagery',
  TRANSLATION: 'translation',
};
export const describeAiElements = (elements: readonly string[]): string => elements.map((e) => ELEMENT_WORDS[e as AiContentElement] ?? e.toLowerCase()).join(', ');

/**
 * What one episode declares about AI: the series' declared uses together with the episode's own,
 * the visible label viewers are shown, and the disclosure text. Partners show it; the gate checks it.
 */
export interface AiContentDeclaration {
  /** Declared uses, series and episode together, in the order of AI_CONTENT_ELEMENTS. */
  elements: AiContentElement[];
  /** The label viewers see (e.g. "AI-generated voices"); null when none is set. */
  label: string | null;
  /** Longer disclosure of what AI was used for; null when none is set. */
  disclosure: string | null;
}

/** The episode's declaration from its series' license fields and its own declared uses. */
export function aiContentDeclaration(series: { aiGeneratedContent?: boolean; aiElements?: readonly string[] | null; aiLabel?: string | null; aiDisclosure?: string | null } | null, episodeElements: readonly string[] = []): AiContentDeclaration {
  const declared = new Set([...(series?.aiElements ?? []), ...episodeElements]);
  return {
    elements: AI_CONTENT_ELEMENTS.filter((e) => declared.has(e)),
    // Text that shows nothing labels nothing (see hasVisibleText).
    label: shown(series?.aiLabel),
    disclosure: shown(series?.aiDisclosure),
  };
}

export interface AiLabelGap {
  territory: string;
  ruleId: string;
  /** The declared uses this territory requires a label for. */
  elements: AiContentElement[];
  missing: Array<'VISIBLE_LABEL' | 'DISCLOSURE'>;
  message: string;
}

/**
 * Whether a territory's labelling duty is met for this declaration: when it requires a label for a
 * declared use, the visible label (and, if required, the disclosure) must be set. Null when met or
 * when the territory has no such duty.
 */
export function aiLabelGap(declaration: AiContentDeclaration, territory: string, policy: AiLabelPolicy | null = effectivePolicy(territory).aiLabel): AiLabelGap | null {
  if (!policy) return null;
  const elements = declaration.elements.filter((e) => policy.requiredFor.includes(e));
  if (!elements.length) return null;
  const missing: AiLabelGap['missing'] = [];
  if (policy.requireVisibleLabel && !declaration.label) missing.push('VISIBLE_LABEL');
  if (policy.requireDisclosure && !declaration.disclosure) missing.push('DISCLOSURE');
  if (!missing.length) return null;
  const what = missing.map((m) => (m === 'VISIBLE_LABEL' ? 'a visible AI label' : 'an AI disclosure')).join(' and ');
  return { territory, ruleId: policy.rule.id, elements, missing, message: `${territory} requires ${what} for AI-generated ${describeAiElements(elements)} (${policy.rule.id}).` };
}

/** Territories of the active policy packs that have an AI labelling duty. */
export function territoriesWithAiLabelDuty(packs: ReadonlyArray<{ territory: string; aiLabel?: AiLabelPolicy | null }>): string[] {
  return packs.filter((p) => p.territory !== 'GLOBAL' && p.aiLabel).map((p) => p.territory).sort();
}
