import { hasVisibleText } from '../../domain/text-input';
import type { SubtitleCue } from './subtitle-track.entity';

export interface SubtitleProblem {
  line: number;
  message: string;
}

export type ParsedSubtitles = { ok: true; cues: SubtitleCue[] } | { ok: false; problems: SubtitleProblem[] };

// 00:01:02.345 (WebVTT, hours optional) or 00:01:02,345 (SRT, hours required).
const VTT_TIME = /^(?:(\d{1,3}):)?([0-5]\d):([0-5]\d)\.(\d{3})$/;
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

/** WebVTT: header, optional NOTE/STYLE/REGION blocks, cues with optional identifiers. */
export function parseWebVtt(text: string): ParsedSubtitles {
  const problems: SubtitleProblem[] = [];
  const all = blocks(text);
  if (!all[0] || !/^WEBVTT(\s|$)/.test(all[0].lines[0]!)) return { ok: false, problems: [{ line: 1, message: 'A WebVTT file must start with "WEBVTT".' }] };
  const cues: SubtitleCue[] = [];
  for (const block of all.slice(1)) {
    if (/^(NOTE|STYLE|REGION)(\s|$)/.test(block.lines[0]!)) continue;
    const timingIndex = block.lines[0]!.includes('-->') ? 0 : 1;
    const timingLine = block.lines[timingIndex];
    if (timingLine === undefined || !timingLine.includes('-->')) {
      problems.push({ line: block.line, message: 'Expected a cue timing line like "00:00:01.000 --> 00:00:03.500".' });
      continue;
    }
    const parsed = timing(timingLine.split(/\s+(?=[a-z]+:)/)[0]!, VTT_TIME, '00:00:01.000 --> 00:00:03.500');
    if (typeof parsed === 'string') problems.push({ line: block.line + timingIndex, message: parsed });
    else cues.push({ ...parsed, text: block.lines.slice(timingIndex + 1).join('\n') });
    if (problems.length >= MAX_PROBLEMS) break;
  }
  // A header alone is a valid WebVTT file, but as a subtitle track it would show nothing.
  if (!problems.length && !cues.length) problems.push({ line: 1, message: 'The file has no cues.' });
  return shown(problems, cues);
}


/** True when a cue draws something: its text without markup tags, invisible characters and their entities. */
export function cueHasVisibleText(cueText: string): boolean {
  const text = cueText
    .replace(/<[^>]*>/g, '')
    .replace(/&#x([0-9a-f]+);/gi, (_m, hex: string) => String.fromCodePoint(Math.min(parseInt(hex, 16), 0x10ffff)))
    .replace(/&#(\d+);/g, (_m, dec: string) => String.fromCodePoint(Math.min(Number(dec), 0x10ffff)))
    .replace(/&(nbsp|lrm|rlm);/g, ' ');
  return hasVisibleText(text);
}

/** A track whose cues all draw nothing would satisfy a subtitle requirement while showing nothing: refused. */
function shown(problems: SubtitleProblem[], cues: SubtitleCue[]): ParsedSubtitles {
  if (!problems.length && cues.length && !cues.some((c) => cueHasVisibleText(c.text))) problems.push({ line: 1, message: 'No cue has visible text.' });
  return problems.length ? { ok: false, problems } : { ok: true, cues };
}

/** SRT: numbered blocks of index, timing, text. */
export function parseSrt(text: string): ParsedSubtitles {
  const problems: SubtitleProblem[] = [];
  const cues: SubtitleCue[] = [];
  const all = blocks(text);
  if (!all.length) return { ok: false, problems: [{ line: 1, message: 'The file has no subtitles.' }] };
  for (const block of all) {
    if (!/^\d+$/.test(block.lines[0]!.trim())) {
      problems.push({ line: block.line, message: `Expected a cue number, found "${block.lines[0]!.slice(0, 40)}".` });
    } else if (block.lines[1] === undefined) {
      problems.push({ line: block.line + 1, message: 'Expected a timing line like "00:00:01,000 --> 00:00:03,500".' });
    } else {
      const parsed = timing(block.lines[1], SRT_TIME, '00:00:01,000 --> 00:00:03,500');
      if (typeof parsed === 'string') problems.push({ line: block.line + 1, message: parsed });
      else cues.push({ ...parsed, text: block.lines.slice(2).join('\n') });
    }
    if (problems.length >= MAX_PROBLEMS) break;
  }
  return shown(problems, cues);
}
