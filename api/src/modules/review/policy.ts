import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ae from './policy-packs/ae.json';
import cn from './policy-packs/cn.json';
import de from './policy-packs/de.json';
import fr from './policy-packs/fr.json';
import global from './policy-packs/global.json';
import id from './policy-packs/id.json';
import mx from './policy-packs/mx.json';
import my from './policy-packs/my.json';
import sa from './policy-packs/sa.json';
import us from './policy-packs/us.json';

import type { LocalizationRequirement } from '../catalog/localization';
import { canonicalLanguageTag } from '../catalog/language-tags';

export type Severity = 'INFO' | 'LOW' | 'MEDIUM' | 'HIGH' | 'BLOCKING';
export const SEVERITY_ORDER: readonly Severity[] = ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'BLOCKING'];

export interface PolicyRule {
  id: string;
  category: string;
  severity: Severity;
  description: string;
  /** For the built-in rules provider: words or phrases that, case-insensitively, suggest a breach. */
  keywords: string[];
}

export interface TitleRule {
  id: string;
  description: string;
  pattern: string;
  severity: Severity;
}

export interface Requirement {
  id: string;
  description: string;
  severity: Severity;
}

export interface Threshold {
  needsReview: number;
  likelyViolation: number;
}

/** A versioned data file of rules for one territory (or the global baseline). */
export interface PolicyPack {
  territory: string;
  version: string;
  name: string;
  description: string;
  maxEpisodeDurationSeconds?: number;
  requireVertical?: boolean;
  requireFiling?: boolean;
  /** A maturity rating for the territory must be recorded on the series. */
  requireMaturityRating?: boolean;
  requiredSubtitleLanguages?: string[];
  requireAiDisclosure?: boolean;
  /** Audio or subtitles the territory requires in one of a list of languages (the publish gate checks it). */
  localization?: LocalizationRequirement;
  requirements?: Partial<Record<'license' | 'duration' | 'orientation' | 'aiDisclosure' | 'subtitles' | 'filing' | 'rating' | 'dialogue', Requirement>>;
  titleRules?: TitleRule[];
  rules: PolicyRule[];
  thresholds: Record<string, Threshold>;
  /**
   * Thresholds for the embedded visual classifier's scores (its own scale, calibrated apart from
   * the OpenAI moderation model's `thresholds`), per category: `sexual`, `sexual/suggestive`.
   */
  visualClassifierThresholds?: Record<string, Threshold>;
  /** Profanity (found by the evasion-resistant matcher) and the rule it cites; absent: not checked. */
  profanity?: { ruleId: string };
  /** AI-content labelling: which declared AI uses need a visible label and a disclosure before release here. */
  aiLabel?: AiLabelPolicy;
}

/** A territory's AI-content labelling duty (e.g. CN: GB 45438-2025; EU: AI Act Art. 50). */
export interface AiLabelPolicy {
  /** The declared AI uses that need a label; empty means none do. */
  requiredFor: string[];
  requireVisibleLabel: boolean;
  requireDisclosure: boolean;
  rule: Requirement;
}

/** The global baseline merged with one territory's pack: what a review checks for that territory. */
export interface EffectivePolicy {
  territory: string;
  /** e.g. "GLOBAL@2026.11.1+CN@2026.11.1" */
  version: string;
  maxEpisodeDurationSeconds: number;
  requireVertical: boolean;
  requireFiling: boolean;
  requireMaturityRating: boolean;
  requiredSubtitleLanguages: string[];
  requireAiDisclosure: boolean;
  localization: LocalizationRequirement | null;
  requirements: Record<'license' | 'duration' | 'orientation' | 'aiDisclosure' | 'subtitles' | 'filing' | 'rating' | 'dialogue', Requirement>;
  titleRules: TitleRule[];
  rules: PolicyRule[];
  thresholds: Record<string, Threshold>;
  visualClassifierThresholds: Record<string, Threshold>;
  profanity: { ruleId: string } | null;
  aiLabel: AiLabelPolicy | null;
}

const GLOBAL = global as PolicyPack;
const TERRITORY_PACKS: Record<string, PolicyPack> = Object.fromEntries([us, cn, sa, ae, id, my, mx, de, fr].map((p) => [p.territory, p as PolicyPack]));

export const ACTIVE_PACKS: PolicyPack[] = [GLOBAL, ...Object.values(TERRITORY_PACKS)];

/**
 * Adds (or replaces) territory packs from JSON files in `dir` (`POLICY_PACKS_DIR`): an operator's
 * own packs, read once at boot. A file that is not a pack fails the boot with its name.
 */
export function loadPolicyPacks(dir: string): PolicyPack[] {
  const added: PolicyPack[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const pack = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as PolicyPack;
    if (typeof pack?.territory !== 'string' || !/^[A-Z]{2}$/.test(pack.territory) || typeof pack.version !== 'string' || !Array.isArray(pack.rules) || typeof pack.thresholds !== 'object') {
      throw new Error(`${file} is not a policy pack (territory as ISO 3166-1 alpha-2, version, rules and thresholds are required).`);
    }
    const wrong = pack.localization?.languages?.find((l) => !canonicalLanguageTag(l));
    if (wrong !== undefined) throw new Error(`${file}: localization.languages has "${wrong}", which is not a BCP 47 tag of a specific language.`);
    TERRITORY_PACKS[pack.territory] = pack;
    const at = ACTIVE_PACKS.findIndex((p) => p.territory === pack.territory);
    if (at >= 0) ACTIVE_PACKS[at] = pack;
    else ACTIVE_PACKS.push(pack);
    added.push(pack);
  }
  return added;
}

/** A requirement with its languages in canonical form (`iw` → `he`), as every stored track's language is. */
function canonicalRequirement(requirement: LocalizationRequirement | null): LocalizationRequirement | null {
  return requirement && { ...requirement, languages: requirement.languages.map((l) => canonicalLanguageTag(l) ?? l) };
}

export function effectivePolicy(territory: string): EffectivePolicy {
  const pack = TERRITORY_PACKS[territory];
  const requirements = { ...GLOBAL.requirements, ...pack?.requirements } as EffectivePolicy['requirements'];
  return {
    territory,
    version: `GLOBAL@${GLOBAL.version}${pack ? `+${pack.territory}@${pack.version}` : ''}`,
    maxEpisodeDurationSeconds: Math.min(GLOBAL.maxEpisodeDurationSeconds ?? Infinity, pack?.maxEpisodeDurationSeconds ?? Infinity),
    requireVertical: Boolean(pack?.requireVertical ?? GLOBAL.requireVertical),
    requireFiling: Boolean(pack?.requireFiling ?? GLOBAL.requireFiling),
    requireMaturityRating: Boolean(pack?.requireMaturityRating ?? GLOBAL.requireMaturityRating),
    requiredSubtitleLanguages: [...new Set([...(GLOBAL.requiredSubtitleLanguages ?? []), ...(pack?.requiredSubtitleLanguages ?? [])])],
    requireAiDisclosure: Boolean(pack?.requireAiDisclosure ?? GLOBAL.requireAiDisclosure),
    localization: canonicalRequirement((pack?.localization ?? GLOBAL.localization ?? null) as LocalizationRequirement | null),
    requirements,
    titleRules: [...(GLOBAL.titleRules ?? []), ...(pack?.titleRules ?? [])],
    rules: [...GLOBAL.rules, ...(pack?.rules ?? [])],
    thresholds: { ...GLOBAL.thresholds, ...pack?.thresholds },
    visualClassifierThresholds: { ...GLOBAL.visualClassifierThresholds, ...pack?.visualClassifierThresholds },
    profanity: pack?.profanity ?? GLOBAL.profanity ?? null,
    aiLabel: pack?.aiLabel ?? GLOBAL.aiLabel ?? null,
  };
}

/** Every rule id a finding may cite for these territories (model output is checked against it). */
export function knownRuleIds(policies: readonly EffectivePolicy[]): Set<string> {
  const ids = new Set<string>();
  for (const p of policies) {
    for (const r of p.rules) ids.add(r.id);
    for (const r of p.titleRules) ids.add(r.id);
    for (const r of Object.values(p.requirements)) ids.add(r.id);
    if (p.localization) ids.add(p.localization.id);
    if (p.aiLabel) ids.add(p.aiLabel.rule.id);
  }
  return ids;
}

export function ruleById(policy: EffectivePolicy, id: string): PolicyRule | TitleRule | Requirement | undefined {
  return policy.rules.find((r) => r.id === id) ?? policy.titleRules.find((r) => r.id === id) ?? Object.values(policy.requirements).find((r) => r.id === id) ?? (policy.aiLabel?.rule.id === id ? policy.aiLabel.rule : undefined);
}

/** The rule a moderation category maps to in a territory (first match), for citing. */
export function ruleForCategory(policy: EffectivePolicy, category: string): PolicyRule | undefined {
  return policy.rules.find((r) => r.category === category) ?? policy.rules.find((r) => category.startsWith(`${r.category}/`) || r.category.startsWith(`${category}/`));
}
