import { createReadStream } from 'node:fs';
import OpenAI from 'openai';
import { withRetries, type CallRecorder, type RetryPolicy } from '../ai-calls';
import type { SubtitleCue } from '../../media/subtitle-track.entity';
import { transcriptCues, transcriptionLanguage } from './transcript';

export interface TranscriptionSettings {
  apiKey: string;
  baseURL?: string;
  model: string;
  timeoutMs: number;
}

/** Speech to timed cues with the OpenAI transcription endpoint. */
export interface Transcriber {
  readonly model: string;
  transcribe(audio: { path: string; bytes: number }, language: string, audioSeconds: number, retry: RetryPolicy, calls: CallRecorder): Promise<SubtitleCue[]>;
}

/**
 * `audio.transcriptions.create` through the official client (its own retries off: ours honour
 * Retry-After and the screening's deadline, and every attempt is recorded), asking for
 * `verbose_json` so every segment comes with its timings. Throws AiUnavailableError when every
 * attempt failed (HTTP errors, timeouts, malformed answers).
 */
export class OpenAiTranscriber implements Transcriber {
  private readonly client: OpenAI;

  constructor(private readonly settings: TranscriptionSettings) {
    this.client = new OpenAI({ apiKey: settings.apiKey, baseURL: settings.baseURL, maxRetries: 0, timeout: settings.timeoutMs });
  }

  get model(): string {
    return this.settings.model;
  }

  transcribe(audio: { path: string; bytes: number }, language: string, audioSeconds: number, retry: RetryPolicy, calls: CallRecorder): Promise<SubtitleCue[]> {
    const iso = transcriptionLanguage(language);
    const request = { model: this.settings.model, language: iso, response_format: 'verbose_json', timestamp_granularities: ['segment'], file: `<audio ${Math.round(audio.bytes / 1024)} KiB mp3>` };
    return withRetries('transcription', request, retry, calls, async () => {
      const answer = await this.client.audio.transcriptions.create(
        { file: createReadStream(audio.path), model: this.settings.model, language: iso, response_format: 'verbose_json', timestamp_granularities: ['segment'] },
        { timeout: this.settings.timeoutMs, maxRetries: 0 },
      );
      const cues = transcriptCues(answer, audioSeconds);
      return { value: cues, response: { language: (answer as { language?: string }).language, segments: cues.length, text: String((answer as { text?: string }).text ?? '').slice(0, 2000) } };
    });
  }
}
