import { z } from 'zod';
import { parseWebVtt } from '../../media/subtitles';
import { plainCueText, webVttOf } from '../../media/webvtt';
import type { SubtitleCue } from '../../media/subtitle-track.entity';
import { MalformedResponseError } from '../ai-calls';

/** The parts of the transcription endpoint's `verbose_json` answer a draft is made of. */
const verboseJson = z.object({
  text: z.string(),
  segments: z.array(z.object({ start: z.number().nonnegative(), end: z.number().nonnegative(), text: z.string() })),
});

/**
 * Whether an episode needs a transcript: it has audio and no subtitle track in its original
 * language (any region or script of it: a `ko-KR` track covers a `ko` original).
 */
export function needsTranscript(originalLanguage: string, trackLanguages: readonly string[], hasAudio: boolean): boolean {
  const primary = (tag: string) => tag.split('-')[0]!.toLowerCase();
  return hasAudio && !trackLanguages.some((language) => primary(language) === primary(originalLanguage));
}

/** The ISO 639-1 code the transcription endpoint takes for a BCP 47 tag (its primary language subtag). */
export const transcriptionLanguage = (tag: string): string => tag.split('-')[0]!.toLowerCase();

/**
 * Cues from a `verbose_json` transcription answer: one per segment with speech, timings in seconds.
 * An answer without segments, with times out of order, or beyond the audio is malformed (never read
 * as "nothing said"); an answer whose segments are all silent is an empty transcript.
 */
export function transcriptCues(answer: unknown, audioSeconds: number): SubtitleCue[] {
  const parsed = verboseJson.safeParse(answer);
  if (!parsed.success) throw new MalformedResponseError(`The transcription answer is not verbose_json with timed segments (${parsed.error.issues[0]?.path.join('.') || 'answer'}: ${parsed.error.issues[0]?.message}).`);
  const cues: SubtitleCue[] = [];
  for (const [i, segment] of parsed.data.segments.entries()) {
    if (segment.end < segment.start || segment.start > audioSeconds + 1) throw new MalformedResponseError(`Transcript segment ${i + 1} runs from ${segment.start} s to ${segment.end} s, outside the ${audioSeconds.toFixed(1)} s of audio.`);
    const text = segment.text.trim();
    // A cue must last a little (players skip zero-length cues) and not run past the audio.
    if (text) cues.push({ start: segment.start, end: Math.min(Math.max(segment.end, segment.start + 0.2), audioSeconds + 1), text });
  }
  return cues;
}

/**
 * The cues as a WebVTT file, through the same normalisation as an uploaded track: what was said is
 * plain text, so "<", ">" and "&" are escaped and never read as markup.
 */
export function transcriptWebVtt(cues: readonly SubtitleCue[]): string {
  const checked = parseWebVtt(webVttOf(cues.map((c) => ({ start: c.start, end: c.end, text: plainCueText(c.text) }))));
  if (!checked.ok) throw new MalformedResponseError(`The transcript does not make a valid WebVTT track: ${checked.problems.map((p) => `line ${p.line}: ${p.message}`).join(' ')}`);
  return checked.webVtt;
}
