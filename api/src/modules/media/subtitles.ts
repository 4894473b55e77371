import { normaliseWebVtt, webVttTimestamp } from './webvtt';
import { SubtitleFormat } from './subtitle-track.entity';

export { cueHasVisibleText } from './webvtt';
import type { SubtitleCue } from './subtitle-track.entity';

export interface SubtitleProblem {
  line: number;
  message: string;
}

// 00:01:02,345 (SRT, hours required).
const SRT_TIME = /^(\d{1,3}):([0-5]\d):([0-5]\d),(\d{3})$/;

function seconds(match: RegExpExecArray): number {
  return Number(match[1] ?? 0) * 3600 + Number(match[2]) * 60 + Number(match[3]) + Number(match[4]) / 1000;
}

/** Parses a cue timing line; returns a problem text instead when it is wrong. */
function timing(line: string, pattern: RegExp, example: string): { start: number; end: number } | string {
  const [startText, arrow, endText] = line.trim().split(/\s+/);
  if (arrow !== '-->' || !startText || !endText) return `Expected a timing line like "${example}".`;
  const start = pattern.exec(startText);
  const end = pattern.exec(endText);
  if (!start) return `"${startText}" is not a valid start time (expected like ${example.split(' ')[0]}).`;
  if (!end) return `"${endText}" is not a valid end time.`;
  const s = seconds(start);
  const e = seconds(end);
  if (e <= s) return `The cue ends (${endText}) before it starts (${startText}).`;
  return { start: s, end: e };
}

/** Splits into blocks separated by blank lines, remembering each block's first line number. */
function blocks(text: string): Array<{ line: number; lines: string[] }> {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const out: Array<{ line: number; lines: string[] }> = [];
  let current: { line: number; lines: string[] } | undefined;
  lines.forEach((l, i) => {
    if (l.trim() === '') {
      current = undefined;
      return;
    }
    if (!current) out.push((current = { line: i + 1, lines: [] }));
    current.lines.push(l);
  });
  return out;
}

const MAX_PROBLEMS = 20;

export type ParsedSubtitles = { ok: true; cues: SubtitleCue[]; webVtt: string } | { ok: false; problems: SubtitleProblem[] };

/**
 * WebVTT: parsed and normalised at the one WebVTT boundary (see normaliseWebVtt); `webVtt` is the
 * file to store, `cues` its cues.
 */
export function parseWebVtt(text: string): ParsedSubtitles {
  const normalised = normaliseWebVtt(text);
  return normalised.problems.length ? { ok: false, problems: normalised.problems } : { ok: true, cues: normalised.cues, webVtt: normalised.content };
}

/** SRT: numbered blocks of index, timing, text; each cue's text starts at `line`. */
function srtCues(text: string): { cues: Array<SubtitleCue & { line: number }>; problems: SubtitleProblem[] } {
  const problems: SubtitleProblem[] = [];
  const cues: Array<SubtitleCue & { line: number }> = [];
  const all = blocks(text);
  if (!all.length) return { cues, problems: [{ line: 1, message: 'The file has no subtitles.' }] };
  for (const block of all) {
    if (!/^\d+$/.test(block.lines[0]!.trim())) {
      problems.push({ line: block.line, message: `Expected a cue number, found "${block.lines[0]!.slice(0, 40)}".` });
    } else if (block.lines[1] === undefined) {
      problems.push({ line: block.line + 1, message: 'Expected a timing line like "00:00:01,000 --> 00:00:03,500".' });
    } else {
      const parsed = timing(block.lines[1], SRT_TIME, '00:00:01,000 --> 00:00:03,500');
      if (typeof parsed === 'string') problems.push({ line: block.line + 1, message: parsed });
      else cues.push({ ...parsed, text: block.lines.slice(2).join('\n'), line: block.line + 2 });
    }
    if (problems.length >= MAX_PROBLEMS) break;
  }
  return { cues, problems };
}

/**
 * An SRT file as WebVTT, cue by cue, with the SRT line of each WebVTT line. SRT's <font> tags
 * (colours, which WebVTT has no tag for) and the ASS/SSA override blocks many SRT tools write
 * (`{\an8}`, `{\i1}`: position and style, which players would show as text) are dropped; any other
 * markup meets the WebVTT rules.
 */
function srtWebVtt(cues: ReadonlyArray<SubtitleCue & { line: number }>): { webVtt: string; srtLine: (webVttLine: number) => number } {
  const lines = ['WEBVTT', ''];
  const origin = [1, 1];
  for (const cue of cues) {
    const text = cue.text.replace(/<\/?font\b[^>]*>/gi, '').replace(/\{\\[^}\n]*\}/g, '').split('\n');
    lines.push(`${webVttTimestamp(cue.start)} --> ${webVttTimestamp(cue.end)}`, ...text, '');
    origin.push(cue.line - 1, ...text.map((_, i) => cue.line + i), cue.line + text.length);
  }
  return { webVtt: lines.join('\n'), srtLine: (line) => origin[line - 1] ?? 1 };
}

/** SRT: numbered blocks of index, timing, text; the cue text follows the WebVTT rules, and `webVtt` is the file as WebVTT. */
export function parseSrt(text: string): ParsedSubtitles {
  const { cues, problems } = srtCues(text);
  if (problems.length) return { ok: false, problems };
  const { webVtt, srtLine } = srtWebVtt(cues);
  const normalised = normaliseWebVtt(webVtt);
  if (normalised.problems.length) return { ok: false, problems: normalised.problems.map((p) => ({ ...p, line: p.line === 1 ? 1 : srtLine(p.line) })) };
  return { ok: true, cues: normalised.cues, webVtt: normalised.content };
}

/** A stored SRT track as normalised WebVTT, for players (what it was checked as when stored). */
export function srtAsWebVtt(text: string): string {
  return normaliseWebVtt(srtWebVtt(srtCues(text).cues).webVtt).content;
}

/**
 * The track as WebVTT, what HTML players and partner apps load: a WebVTT file normalised (as stored,
 * or stripped if it was stored before normalisation), an SRT file converted cue by cue and normalised.
 */
export function toWebVtt(format: SubtitleFormat, content: string): string {
  return format === SubtitleFormat.WEBVTT ? normaliseWebVtt(content).content : srtAsWebVtt(content);
}
