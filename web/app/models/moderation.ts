/** Review vocabulary shared by loaders and components: the API's enums, labels, times and policy rules. */

import { graphql, type EnumOf, type ResultOf } from '~/graphql';

export type CaseStatus = EnumOf<'CaseStatus'>;
export type CaseKind = EnumOf<'CaseKind'>;
export type AiStatus = EnumOf<'AiStatus'>;
export type Verdict = EnumOf<'Verdict'>;
export type Decision = EnumOf<'Decision'>;
export type Severity = EnumOf<'FindingSeverity'>;
export type FindingSource = EnumOf<'FindingSource'>;

export const DECISIONS: readonly Decision[] = ['APPROVE', 'REQUEST_CHANGES', 'REJECT'];

export const isDecision = (value: unknown): value is Decision => typeof value === 'string' && (DECISIONS as readonly string[]).includes(value);

const DECISION_LABELS: Record<Decision, string> = { APPROVE: 'Approve', REQUEST_CHANGES: 'Request changes', REJECT: 'Reject' };
export const decisionLabel = (decision: Decision): string => DECISION_LABELS[decision] ?? decision;

/** Decisions that must cite the rules behind them. */
export const needsCitation = (decision: Decision | undefined): boolean => decision === 'REQUEST_CHANGES' || decision === 'REJECT';

const VERDICT_LABELS: Record<Verdict, string> = { CLEAR: 'Clear', NEEDS_REVIEW: 'Needs review', LIKELY_VIOLATION: 'Likely violation' };
export const verdictLabel = (verdict: Verdict): string => VERDICT_LABELS[verdict] ?? verdict;

export function verdictTone(verdict: Verdict): 'success' | 'warning' | 'danger' {
  if (verdict === 'CLEAR') return 'success';
  return verdict === 'LIKELY_VIOLATION' ? 'danger' : 'warning';
}

export function decisionTone(decision: Decision): 'success' | 'warning' | 'danger' {
  if (decision === 'APPROVE') return 'success';
  return decision === 'REJECT' ? 'danger' : 'warning';
}

const SEVERITY_LABELS: Record<Severity, string> = { INFO: 'Info', LOW: 'Low', MEDIUM: 'Medium', HIGH: 'High', BLOCKING: 'Blocking' };
export const severityLabel = (severity: Severity): string => SEVERITY_LABELS[severity] ?? severity;
export const SEVERITY_RANK: Record<Severity, number> = { INFO: 0, LOW: 1, MEDIUM: 2, HIGH: 3, BLOCKING: 4 };

const SOURCE_LABELS: Record<FindingSource, string> = {
  DETERMINISTIC: 'Deterministic check',
  TEXT_MODERATION: 'Text moderation',
  VISUAL_MODERATION: 'Visual moderation',
  POLICY_MODEL: 'Policy model',
  RULES: 'Keyword rules',
};
export const sourceLabel = (source: FindingSource): string => SOURCE_LABELS[source] ?? source;

const STATUS_LABELS: Record<CaseStatus, string> = {
  QUEUED: 'Queued',
  SCREENING: 'Screening',
  PENDING_REVIEW: 'Awaiting a reviewer',
  DECIDED: 'Decided',
  INVALIDATED: 'Invalidated',
};
export const caseStatusLabel = (status: CaseStatus): string => STATUS_LABELS[status] ?? status;

/** "0:42", "12:05" or "1:02:03": a time in the video. */
export function formatClock(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** "45 s", "12 min", "5 h 10 min", "3 d 4 h": how long something has waited. */
export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

/** "due in 5 h" or "overdue by 20 min", measured from `now` (the loader's clock, so hydration agrees). */
export function describeDue(dueAt: string, now: string): { text: string; overdue: boolean } {
  const seconds = (Date.parse(dueAt) - Date.parse(now)) / 1000;
  return seconds >= 0 ? { text: `due in ${formatAge(seconds)}`, overdue: false } : { text: `overdue by ${formatAge(-seconds)}`, overdue: true };
}

/**
 * What a finding points at: a JSON object whose `kind` (SUBTITLE_CUE, FRAME, METADATA, MEDIA,
 * LICENSE) says which other keys are present (`cueStart`, `frameTime`, `field`, `match`, …).
 */
export type Evidence = Readonly<Record<string, unknown>>;

export const FindingFields = graphql(`
  fragment FindingFields on Finding { id territory ruleId category severity source evidence explanation score }
`);
export type Finding = ResultOf<typeof FindingFields>;

/** Where in the video a finding is, if anywhere: a subtitle cue's start or a frame's time. */
export function findingTime(finding: Pick<Finding, 'evidence'>): number | null {
  const e = finding.evidence;
  if (e.kind === 'SUBTITLE_CUE' && typeof e.cueStart === 'number') return e.cueStart;
  if (e.kind === 'FRAME' && typeof e.frameTime === 'number') return e.frameTime;
  return null;
}

/** Findings in the order a reviewer walks them: through the video first, then the rest by severity. */
export function orderFindings<T extends Finding>(findings: readonly T[]): T[] {
  return [...findings].sort((a, b) => {
    const ta = findingTime(a);
    const tb = findingTime(b);
    if (ta !== null && tb !== null) return ta - tb || SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity];
    if (ta !== null) return -1;
    if (tb !== null) return 1;
    return SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.territory.localeCompare(b.territory);
  });
}

/** Sexual and violent material is hidden until the reviewer chooses to look. */
export const isSensitiveCategory = (category: string): boolean => /^(sexual|violence)(\/|$)/.test(category);

export interface Keyframe {
  time: number;
  index: number;
  key?: string;
  /** The embedded image model's scores per category (0–1), when it scored the frame. */
  scores?: Record<string, number>;
  /** "nsfwjs/MobileNetV2 4.4.0" */
  model?: string;
  /** The API says so when a score reached some territory's threshold. */
  blurred: boolean;
}

/** Keyframes as the assessment lists them (a JSON list of `{ time, index, key, scores?, model?, modelVersion?, blurred? }`). */
export function parseKeyframes(raw: unknown): Keyframe[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((k): k is Record<string, unknown> => Boolean(k) && typeof k === 'object')
    .map((k, i) => ({
      time: typeof k.time === 'number' ? k.time : 0,
      index: typeof k.index === 'number' ? k.index : i,
      key: typeof k.key === 'string' ? k.key : undefined,
      scores: k.scores && typeof k.scores === 'object' ? (k.scores as Record<string, number>) : undefined,
      model: typeof k.model === 'string' ? `${k.model}${typeof k.modelVersion === 'string' ? ` ${k.modelVersion}` : ''}` : undefined,
      blurred: k.blurred === true,
    }));
}

/**
 * The sexual or violent findings a keyframe shows: a frame finding for that very frame, or a
 * finding whose moment (a subtitle cue) covers the frame's time.
 */
export function sensitiveFindingsAt(keyframe: Keyframe, findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => {
    if (!isSensitiveCategory(f.category)) return false;
    const e = f.evidence;
    if (e.kind === 'FRAME') return (keyframe.key !== undefined && e.framePath === keyframe.key) || (typeof e.frameTime === 'number' && Math.abs(e.frameTime - keyframe.time) < 0.5);
    if (e.kind === 'SUBTITLE_CUE' && typeof e.cueStart === 'number') {
      const end = typeof e.cueEnd === 'number' ? e.cueEnd : e.cueStart;
      return keyframe.time >= e.cueStart - 0.5 && keyframe.time <= end + 0.5;
    }
    return false;
  });
}

/** A rule a decision may cite, as the territory's policy states it. */
export interface PolicyRule {
  id: string;
  description: string;
  severity?: string;
  category?: string;
}

export const PolicyPackFields = graphql(`fragment PolicyPackFields on PolicyPackType { territory version name description content }`);
export type PolicyPack = ResultOf<typeof PolicyPackFields>;

function rulesOf(content: Record<string, unknown>): PolicyRule[] {
  const rules: PolicyRule[] = [];
  const take = (item: unknown, category?: string) => {
    if (!item || typeof item !== 'object') return;
    const r = item as Record<string, unknown>;
    if (typeof r.id !== 'string') return;
    rules.push({
      id: r.id,
      description: typeof r.description === 'string' ? r.description : '',
      severity: typeof r.severity === 'string' ? r.severity : undefined,
      category: typeof r.category === 'string' ? r.category : category,
    });
  };
  const requirements = content.requirements;
  if (requirements && typeof requirements === 'object') for (const item of Object.values(requirements)) take(item, 'requirement');
  if (Array.isArray(content.titleRules)) for (const item of content.titleRules) take(item, 'title');
  if (Array.isArray(content.rules)) for (const item of content.rules) take(item);
  return rules;
}

/** Every rule id of a pack: requirements, title rules and content rules. */
export const ruleCount = (pack: PolicyPack): number => rulesOf(pack.content).length;

export const packRules = (pack: PolicyPack): PolicyRule[] => rulesOf(pack.content);

/**
 * What a decision in `territory` may cite: the global baseline plus the territory's own pack, where
 * a territory requirement replaces the global one of the same kind (as the API merges them).
 */
export function rulesForTerritory(packs: readonly PolicyPack[], territory: string): PolicyRule[] {
  const global = packs.find((p) => p.territory === 'GLOBAL');
  const own = packs.find((p) => p.territory === territory);
  const requirements = {
    ...((global?.content.requirements as Record<string, unknown> | undefined) ?? {}),
    ...((own?.content.requirements as Record<string, unknown> | undefined) ?? {}),
  };
  const merged = (key: 'titleRules' | 'rules') => [...((global?.content[key] as unknown[] | undefined) ?? []), ...((own?.content[key] as unknown[] | undefined) ?? [])];
  const rules = rulesOf({ requirements, titleRules: merged('titleRules'), rules: merged('rules') });
  const seen = new Set<string>();
  return rules.filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)));
}

/** Finding categories the packs and the deterministic checks use, for the queue filter. */
export function knownCategories(packs: readonly PolicyPack[]): string[] {
  const categories = new Set(['rights', 'regulatory', 'format', 'title', 'accessibility', 'disclosure']);
  for (const pack of packs) for (const rule of packRules(pack)) if (rule.category && rule.category !== 'requirement') categories.add(rule.category);
  return [...categories].sort();
}

/** The queue filter as the API takes it; empty values mean "any". */
export interface QueueFilter {
  territory?: string;
  ruleId?: string;
  category?: string;
  studioId?: string;
  aiUnavailable?: boolean;
}

const FILTER_PARAMS = ['territory', 'ruleId', 'category', 'studioId'] as const;

/** The filter from a URL's query (`?territory=SA&aiUnavailable=1`), as the queue page writes it. */
export function filterFromSearch(params: URLSearchParams): QueueFilter {
  const filter: QueueFilter = {};
  for (const name of FILTER_PARAMS) {
    const value = params.get(name)?.trim();
    if (value) filter[name] = name === 'territory' ? value.toUpperCase() : value;
  }
  if (params.get('aiUnavailable')) filter.aiUnavailable = true;
  return filter;
}

/** The filter as a query string (without `?`), to carry it from the queue to a case and back. */
export function filterToSearch(filter: QueueFilter): string {
  const params = new URLSearchParams();
  for (const name of FILTER_PARAMS) if (filter[name]) params.set(name, filter[name]!);
  if (filter.aiUnavailable) params.set('aiUnavailable', '1');
  return params.toString();
}

export const withSearch = (path: string, search: string): string => (search ? `${path}?${search}` : path);
