import OpenAI from 'openai';
import { MalformedResponseError, redactForLog, withRetries } from '../ai-calls';
import { textsOf, type FindingDraft, type ReviewText } from '../material';
import { ruleForCategory, knownRuleIds, SEVERITY_ORDER, type EffectivePolicy, type Severity } from '../policy';
import type { ReviewProvider, ScreeningInput } from './provider';

export interface OpenAiSettings {
  apiKey: string;
  baseURL?: string;
  moderationModel: string;
  policyModel: string;
  timeoutMs: number;
}

/** Cues per moderation request: one result per string keeps evidence at the cue. */
const TEXT_BATCH = 32;

interface ModerationResult {
  flagged: boolean;
  category_scores: Record<string, number>;
}

/**
 * One entry per territory asked about, each with its findings (possibly none): a territory missing
 * from the answer was not checked, which is a failure, not a clean result.
 */
const POLICY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['territories'],
  properties: {
    territories: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['territory', 'findings'],
        properties: {
          territory: { type: 'string' },
          findings: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['ruleId', 'severity', 'explanation', 'cueStart'],
              properties: {
                ruleId: { type: 'string' },
                severity: { type: 'string', enum: ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'BLOCKING'] },
                explanation: { type: 'string' },
                cueStart: { type: ['number', 'null'], description: 'Start time in seconds of the subtitle cue the finding is about, if any.' },
              },
            },
          },
        },
      },
    },
  },
} as const;

type PolicyFinding = { territory: string; ruleId: string; severity: Severity; explanation: string; cueStart: number | null };

/** Moderation results, one per input asked about, each with numeric category scores; anything less is a failure. */
export function moderationResults(response: { results?: unknown }, inputs: number): ModerationResult[] {
  const results = response?.results;
  if (!Array.isArray(results)) throw new MalformedResponseError('The moderation answer has no results.');
  if (results.length !== inputs) throw new MalformedResponseError(`The moderation answer covers ${results.length} of ${inputs} inputs.`);
  for (const [i, r] of results.entries()) {
    const scores = (r as ModerationResult | null)?.category_scores;
    if (!scores || typeof scores !== 'object' || !Object.values(scores).every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new MalformedResponseError(`Moderation result ${i + 1} has no category scores.`);
    }
  }
  return results as ModerationResult[];
}

/**
 * The policy model's JSON, checked: every territory asked about answered (with findings or an empty
 * list), every finding well formed. Territories not asked about are ignored.
 */
export function policyFindings(content: string, territories: readonly string[]): PolicyFinding[] {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch (error) {
    throw new MalformedResponseError(`The policy model did not answer with JSON (${(error as Error).message}).`);
  }
  const entries = (value as { territories?: unknown })?.territories;
  if (!Array.isArray(entries)) throw new MalformedResponseError('The policy model did not answer with the JSON asked for (no territories list).');
  const findings: PolicyFinding[] = [];
  const answered = new Set<string>();
  for (const entry of entries as Array<{ territory?: unknown; findings?: unknown }>) {
    if (typeof entry?.territory !== 'string' || !Array.isArray(entry.findings)) throw new MalformedResponseError('The policy model answered a territory without its findings list.');
    if (!territories.includes(entry.territory)) continue;
    answered.add(entry.territory);
    for (const f of entry.findings as Array<Record<string, unknown>>) {
      const cueStart = f?.cueStart ?? null;
      const wellFormed = typeof f?.ruleId === 'string' && typeof f.explanation === 'string' && SEVERITY_ORDER.includes(f.severity as Severity) && (cueStart === null || (typeof cueStart === 'number' && Number.isFinite(cueStart)));
      if (!wellFormed) throw new MalformedResponseError(`The policy model answered a malformed finding for ${entry.territory}.`);
      findings.push({ territory: entry.territory, ruleId: f.ruleId as string, severity: f.severity as Severity, explanation: f.explanation as string, cueStart: cueStart as number | null });
    }
  }
  const missing = territories.filter((t) => !answered.has(t));
  if (missing.length) throw new MalformedResponseError(`The policy model's answer does not cover ${missing.join(', ')}.`);
  return findings;
}

const maxSeverity = (a: Severity, b: Severity): Severity => (SEVERITY_ORDER.indexOf(a) >= SEVERITY_ORDER.indexOf(b) ? a : b);

/**
 * Moderation of text (title, synopses, subtitle cues) and keyframes with the moderation model, and a
 * policy check with a chat model returning JSON that must cite rule ids from the packs. Calls go
 * through the official client with its own retries off: ours honour Retry-After and a deadline,
 * and every attempt is recorded. An answer that does not cover every input it was asked about is a
 * failure (retried, then AI unavailable), never a clean result.
 */
export class OpenAiProvider implements ReviewProvider {
  readonly name = 'openai' as const;
  readonly usesKeyframes = true;
  private readonly client: OpenAI;

  constructor(private readonly settings: OpenAiSettings) {
    this.client = new OpenAI({ apiKey: settings.apiKey, baseURL: settings.baseURL, maxRetries: 0, timeout: settings.timeoutMs });
  }

  get model(): string {
    return `${this.settings.moderationModel} + ${this.settings.policyModel}`;
  }

  async screen(input: ScreeningInput): Promise<FindingDraft[]> {
    const texts = textsOf(input.material);
    const findings: FindingDraft[] = [];
    const batches = Math.ceil(texts.length / TEXT_BATCH);
    const total = batches + input.keyframes.length + 1;
    let done = 0;

    for (let b = 0; b < batches; b++) {
      const batch = texts.slice(b * TEXT_BATCH, (b + 1) * TEXT_BATCH);
      const request = { model: this.settings.moderationModel, input: batch.map((t) => t.text) };
      const results = await withRetries(`moderation.text#${b + 1}`, redactForLog(request), input.retry(), input.calls, async () => {
        const response = await this.client.moderations.create(request, { timeout: this.settings.timeoutMs, maxRetries: 0 });
        return { value: moderationResults(response, batch.length), response: redactForLog(response) };
      });
      batch.forEach((text, i) => findings.push(...this.fromScores(input.policies, results[i], text, 'TEXT_MODERATION')));
      await input.progress('text moderation', ++done, total);
    }

    for (const [i, frame] of input.keyframes.entries()) {
      const request = { model: this.settings.moderationModel, input: [{ type: 'image_url' as const, image_url: { url: `data:image/jpeg;base64,${frame.jpeg.toString('base64')}` } }] };
      const results = await withRetries(`moderation.frame#${i + 1}`, redactForLog(request), input.retry(), input.calls, async () => {
        const response = await this.client.moderations.create(request, { timeout: this.settings.timeoutMs, maxRetries: 0 });
        return { value: moderationResults(response, 1), response: redactForLog(response) };
      });
      findings.push(...this.fromScores(input.policies, results[0], { text: '', evidence: { kind: 'FRAME', frameTime: frame.time, framePath: frame.path } }, 'VISUAL_MODERATION'));
      await input.progress('keyframe moderation', ++done, total);
    }

    findings.push(...(await this.policyCheck(input, texts)));
    await input.progress('policy check', ++done, total);
    return findings;
  }

  /** Category scores against each territory's thresholds. */
  private fromScores(policies: readonly EffectivePolicy[], result: ModerationResult, text: ReviewText, source: 'TEXT_MODERATION' | 'VISUAL_MODERATION'): FindingDraft[] {
    const out: FindingDraft[] = [];
    for (const policy of policies) {
      for (const [category, score] of Object.entries(result.category_scores ?? {})) {
        const threshold = policy.thresholds[category] ?? policy.thresholds[category.split('/')[0]!];
        if (!threshold || score < threshold.needsReview) continue;
        const rule = ruleForCategory(policy, category);
        if (!rule) continue;
        const severity: Severity = score >= threshold.likelyViolation ? maxSeverity(rule.severity, 'HIGH') : 'MEDIUM';
        out.push({
          territory: policy.territory,
          ruleId: rule.id,
          category,
          severity,
          source,
          score,
          evidence: text.evidence,
          explanation: `${source === 'VISUAL_MODERATION' ? 'A keyframe' : 'The text'} scored ${score.toFixed(2)} for ${category} (${policy.territory} flags from ${threshold.needsReview}, likely violation from ${threshold.likelyViolation}).`,
        });
      }
    }
    return out;
  }

  /** The chat model reads the packs and the material and answers with findings as JSON. */
  private async policyCheck(input: ScreeningInput, texts: ReviewText[]): Promise<FindingDraft[]> {
    const known = knownRuleIds(input.policies);
    const rules = input.policies.map((p) => `${p.territory}:\n${p.rules.map((r) => `- ${r.id} [${r.category}, ${r.severity}]: ${r.description}`).join('\n')}`).join('\n\n');
    const transcript = texts.map((t) => (t.evidence.kind === 'SUBTITLE_CUE' ? `[${t.evidence.cueStart}s ${t.evidence.language}] ${t.text}` : `[${String(t.evidence.field)}] ${t.text}`)).join('\n');
    const request = {
      model: this.settings.policyModel,
      temperature: 0,
      response_format: { type: 'json_schema' as const, json_schema: { name: 'policy_findings', strict: true, schema: POLICY_SCHEMA as unknown as Record<string, unknown> } },
      messages: [
        {
          role: 'system' as const,
          content: `You check short-drama episodes against territory content rules. Answer with one entry for every territory listed, with its findings, or an empty list when nothing breaches its rules. Report only clear breaches. Cite only rule ids from this list, for the territory they belong to:\n\n${rules}`,
        },
        { role: 'user' as const, content: `Territories: ${input.material.territories.join(', ')}\n\n${transcript}` },
      ],
    };
    const parsed = await withRetries('policy.chat', redactForLog(request), input.retry(), input.calls, async () => {
      const response = await this.client.chat.completions.create(request, { timeout: this.settings.timeoutMs, maxRetries: 0 });
      const content = response.choices[0]?.message?.content ?? '';
      return { value: policyFindings(content, input.material.territories), response: redactForLog(response) };
    });
    const findings: FindingDraft[] = [];
    const ignored: string[] = [];
    for (const f of parsed) {
      const policy = input.policies.find((p) => p.territory === f.territory);
      const rule = policy && known.has(f.ruleId) ? [...policy.rules, ...policy.titleRules].find((r) => r.id === f.ruleId) : undefined;
      if (!policy || !rule) {
        ignored.push(`${f.territory}/${f.ruleId}`);
        continue;
      }
      const cue = f.cueStart == null ? undefined : texts.find((t) => t.evidence.kind === 'SUBTITLE_CUE' && Math.abs(Number(t.evidence.cueStart) - f.cueStart!) < 0.01);
      findings.push({
        territory: f.territory,
        ruleId: rule.id,
        category: 'category' in rule ? rule.category : 'title',
        severity: f.severity,
        source: 'POLICY_MODEL',
        evidence: cue?.evidence ?? { kind: 'METADATA', field: 'episode' },
        explanation: f.explanation,
      });
    }
    if (ignored.length) await input.calls.note({ call: 'policy.chat', attempt: 0, startedAt: new Date().toISOString(), durationMs: 0, status: 'ok', error: `Ignored citations of rules that do not exist: ${ignored.join(', ')}` });
    return findings;
  }
}
