import { parseSync, stringifySync } from 'subtitle';
import { SubtitleFormat } from './subtitle-track.entity';

/**
 * The track as WebVTT, what HTML players and partner apps load: a WebVTT file as stored, an SRT file
 * converted cue by cue (timings kept to the millisecond) by the `subtitle` library.
 */
export function toWebVtt(format: SubtitleFormat, content: string): string {
  if (format === SubtitleFormat.WEBVTT) return content;
  return stringifySync(parseSync(content.replace(/^\uFEFF/, '')), { format: 'WebVTT' });
}

/** The HTML `<track kind>` of a subtitle kind (FORCED tracks are subtitles a player shows by default). */
export function htmlTrackKind(kind: string): 'subtitles' | 'captions' {
  return kind === 'CLOSED_CAPTIONS' ? 'captions' : 'subtitles';
}
