import OpenAI from 'openai';
import { MalformedResponseError } from '../review/ai-calls';
import type { SubtitleCue } from './subtitle-track.entity';

/** Cues per chat request: small enough for one answer, large enough to keep the dialogue's context. */
export const TRANSLATION_BATCH = 40;

/** The answer asked for: one translated text per cue id, in the order given. */
const TRANSLATION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['cues'],
  properties: {
    cues: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'text'],
        properties: { id: { type: 'string' }, text: { type: 'string' } },
      },
    },
  },
} as const;

/**
 * The model's JSON, checked: exactly one text per cue id asked about, in the same order, each a
 * cue text WebVTT can carry (not empty, no blank line, no "-->"). A missing, extra, repeated or
 * reordered cue, or any other shape, is refused: timings are kept by position, so a text must never
 * land on another cue.
 */
export function translatedTexts(content: string, ids: readonly string[]): string[] {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch (error) {
    throw new MalformedResponseError(`The translation model did not answer with JSON (${(error as Error).message}).`);
  }
  const cues = (value as { cues?: unknown })?.cues;
  if (!Array.isArray(cues)) throw new MalformedResponseError('The translation model did not answer with the JSON asked for (no cues list).');
  if (cues.length !== ids.length) throw new MalformedResponseError(`The translation model answered ${cues.length} cues for ${ids.length} asked.`);
  return cues.map((cue: { id?: unknown; text?: unknown } | null, i) => {
    if (cue?.id !== ids[i]) throw new MalformedResponseError(`The translation model answered cue ${JSON.stringify(cue?.id ?? null).slice(0, 40)} where cue ${ids[i]} was expected.`);
    const text = typeof cue.text === 'string' ? cue.text.replace(/\r\n?/g, '\n').trim() : '';
    if (!text) throw new MalformedResponseError(`The translation model left cue ${ids[i]} empty.`);
    if (/\n\s*\n/.test(text) || text.includes('-->')) throw new MalformedResponseError(`The translation model's text for cue ${ids[i]} would break the WebVTT cue (a blank line or "-->").`);
    return text;
  });
}

export interface TranslatorSettings {
  apiKey: string;
  baseURL?: string;
  model: string;
  timeoutMs: number;
}

/**
 * Translates cue texts with a chat model through the official client, in batches, with structured
 * output (json_schema, strict): one text per cue id. Transport failures (429, 5xx, timeouts) are
 * retried by the client (which honours Retry-After); a wrong answer throws MalformedResponseError.
 */
export class SubtitleTranslator {
  private readonly client: OpenAI;

  constructor(private readonly settings: TranslatorSettings) {
    this.client = new OpenAI({ apiKey: settings.apiKey, baseURL: settings.baseURL, maxRetries: 2, timeout: settings.timeoutMs });
  }

  /** One translated text per cue, in order; throws when any batch is answered wrongly. */
  async translate(cues: readonly SubtitleCue[], from: string, to: string): Promise<string[]> {
    const out: string[] = [];
    for (let first = 0; first < cues.length; first += TRANSLATION_BATCH) {
      const batch = cues.slice(first, first + TRANSLATION_BATCH).map((cue, i) => ({ id: String(first + i + 1), text: cue.text }));
      const response = await this.client.chat.completions.create(
        {
          model: this.settings.model,
          temperature: 0,
          response_format: { type: 'json_schema', json_schema: { name: 'subtitle_translation', strict: true, schema: TRANSLATION_SCHEMA as unknown as Record<string, unknown> } },
          messages: [
            {
              role: 'system',
              content: `You translate subtitles of a short drama from the language tagged ${from} into the language tagged ${to} (BCP 47). Answer with every cue id given, in the same order, each with its translated text only. Keep line breaks inside a cue and WebVTT markup such as <i>; never merge, split or drop cues.`,
            },
            { role: 'user', content: JSON.stringify({ from, to, cues: batch }) },
          ],
        },
        { timeout: this.settings.timeoutMs },
      );
      const choice = response.choices[0];
      if (choice?.message?.refusal) throw new MalformedResponseError(`The translation model refused: ${choice.message.refusal.slice(0, 200)}`);
      if (choice?.finish_reason === 'length') throw new MalformedResponseError('The translation model stopped before finishing its answer (length).');
      out.push(...translatedTexts(choice?.message?.content ?? '', batch.map((c) => c.id)));
    }
    return out;
  }
}
