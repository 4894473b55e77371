import { WebVTTCueTimingsAndSettingsParser, WebVTTParser, type Cue, type TreeNode, type TreeNodeObjectTagNameWithRt } from 'webvtt-parser';
import { acceptText, hasVisibleText, withoutRefusedCharacters } from '../../domain/text-input';
import { canonicalLanguageTag } from '../catalog/language-tags';
import type { SubtitleCue } from './subtitle-track.entity';

/*
 * The one boundary every subtitle write goes through (uploads, accepted drafts, AI translations,
 * transcripts) and every WebVTT served passes: the file is parsed by `webvtt-parser` (the W3C
 * validator's parser) and written back from what it understood. Partner apps and players load these
 * files, so markup outside the WebVTT cue-text tags and cue settings outside their ranges are refused,
 * each problem naming its line; what is dropped on the way (NOTE, STYLE and REGION blocks, header
 * metadata) is presentation the partner's player owns, and a STYLE block could load remote resources.
 */

export interface WebVttProblem {
  /** 1-based line in the file as given. */
  line: number;
  message: string;
}

export interface NormalisedWebVtt {
  /** The file written back from the parsed cues: `WEBVTT`, then each cue's identifier, timing, settings and text. */
  content: string;
  cues: SubtitleCue[];
  /** Why the file is refused; empty when it may be stored. `content` strips what these name. */
  problems: WebVttProblem[];
}

/** The cue-text tags WebVTT defines (plus timestamps, `<00:01.000>`); anything else is refused. */
export const WEBVTT_CUE_TAGS = ['c', 'i', 'b', 'u', 'ruby', 'rt', 'v', 'lang'] as const;
const TAGS: ReadonlySet<string> = new Set(WEBVTT_CUE_TAGS);
const TAG_LIST = '<c>, <i>, <b>, <u>, <ruby>, <rt>, <v>, <lang> and timestamps';
// A class is a CSS class name: players turn it into one, and partner apps may write it into HTML.
const CSS_CLASS = /^[A-Za-z_-][A-Za-z0-9_-]*$/;
// Line numbers past this put a cue off any screen; percentages are 0–100 by the WebVTT spec.
const MAX_LINE_NUMBER = 100;
const MAX_PROBLEMS = 20;
// A voice is a name; these would read as markup or end an HTML attribute in a partner's renderer.
const VOICE_REFUSED = /[<>"]/g;
// The escapes WebVTT defines (the parser's own table has them without ";", which garbles "&lt;").
const ENTITIES = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&lrm;': '\u200e', '&rlm;': '\u200f', '&nbsp;': '\u00a0' } as const;

/** Errors of `webvtt-parser` that normalisation repairs rather than refuses (the written file is conforming). */
const REPAIRED = new Set([
  'No blank line after the signature.', // header metadata such as "Kind: captions", dropped
  'Incorrect escape.', // a bare "&", written back as &amp;
  'Required end tag missing.', // closed on writing
  'Incorrect end tag.', // a stray end tag of a WebVTT tag (other names are refused by the tag scan)
  'Incorrect start tag.', // named with the tag by the tag scan; left here for <rt> outside <ruby>, dropped
  'Only <v> and <lang> can have an annotation.', // named by the tag scan
  'Start timestamp is not greater than or equal to start timestamp of previous cue.', // written in order
]);
const STRAY_IDENTIFIER = new Set(['Cue identifier needs to be followed by timestamp.', 'Cue identifier cannot be standalone.']);
/** Errors about cue settings: each setting is checked on its own below, to name it. */
const SETTING_ERROR = /setting|Writing direction|Line position|Line alignment|Text position|Position alignment|Size|Alignment/;

const isTimingLine = (line: string | undefined) => line !== undefined && line.includes('-->');

/** Blanks REGION blocks and drops `region:` settings (regions are the player's), keeping line numbers. */
function withoutRegions(lines: string[]): string[] {
  const out = [...lines];
  for (let i = 1; i < out.length; i++) {
    if (/^REGION($|[ \t])/.test(out[i]!) && out[i - 1] === '') {
      for (let j = i; j < out.length && out[j] !== ''; j++) out[j] = '';
    } else if (isTimingLine(out[i])) {
      out[i] = out[i]!.replace(/[ \t]+region:\S*/g, '');
    }
  }
  return out;
}

/** The parser's word for a cue that ends before it starts, with the times as written. */
function timingMessage(message: string, line: string): string {
  if (message !== 'End timestamp is not greater than start timestamp.') return message;
  const [start, , end] = line.trim().split(/[ \t]+/);
  return `The cue ends (${end}) before it starts (${start}).`;
}

/** Each cue setting of a timing line checked alone, so a problem names the setting as written. */
function settingProblems(line: string, lineNumber: number): WebVttProblem[] {
  const settings = line.split('-->')[1]?.trim().split(/[ \t]+/).slice(1) ?? [];
  const problems: WebVttProblem[] = [];
  for (const setting of settings) {
    const messages: string[] = [];
    const cue = { linePosition: 'auto', textPosition: 'auto', size: 100, snapToLines: true } as unknown as Cue;
    new WebVTTCueTimingsAndSettingsParser(`00:00.000 --> 00:01.000 ${setting}`, (message) => messages.push(message)).parse(cue, 0);
    if (!messages.length) {
      const percent = (v: number | 'auto') => v === 'auto' || (v >= 0 && v <= 100);
      if (!percent(cue.textPosition) || cue.size < 0 || cue.size > 100 || (!cue.snapToLines && !percent(cue.linePosition))) messages.push('Percentages run from 0% to 100%.');
      else if (cue.snapToLines && cue.linePosition !== 'auto' && (!Number.isInteger(cue.linePosition) || Math.abs(cue.linePosition) > MAX_LINE_NUMBER)) {
        messages.push(`A line number is a whole number from -${MAX_LINE_NUMBER} to ${MAX_LINE_NUMBER} (or give a percentage).`);
      }
    }
    if (messages.length) problems.push({ line: lineNumber, message: `The cue setting "${setting.slice(0, 40)}" is not allowed: ${messages[0]}` });
  }
  return problems;
}

/** The markup of one cue-text line checked against the WebVTT cue-text tags, naming each tag refused. */
function tagProblems(text: string, lineNumber: number): WebVttProblem[] {
  const problems: WebVttProblem[] = [];
  // As the WebVTT tokenizer reads it: every "<" opens a tag, which runs to ">" or the end of the line.
  for (const match of text.matchAll(/<([^>]*)>?/g)) {
    const tag = match[0].slice(0, 40);
    const body = match[1]!;
    if (/^\d/.test(body)) continue; // a timestamp tag, checked by the parser
    const problem = (message: string) => problems.push({ line: lineNumber, message });
    if (body.startsWith('/')) {
      if (!TAGS.has(body.slice(1))) problem(`"${tag}" is not a WebVTT cue-text tag; cue text may use only ${TAG_LIST}.`);
      continue;
    }
    const [, name = '', classText = '', annotation = ''] = /^([^\s.]*)((?:\.[^\s.]*)*)(?:\s+([\s\S]*))?$/.exec(body) ?? [];
    if (!name) {
      problem(`"${tag}" is not a WebVTT cue-text tag; write &lt; for a "<" in the text.`);
    } else if (!TAGS.has(name)) {
      problem(`"${tag}" is not a WebVTT cue-text tag; cue text may use only ${TAG_LIST}.`);
    } else if (classText.split('.').slice(1).some((c) => !CSS_CLASS.test(c))) {
      problem(`"${tag}" has a class that is not a CSS class name (letters, digits, "-" and "_").`);
    } else if (annotation.trim() && name !== 'v' && name !== 'lang') {
      problem(`"${tag}" carries an annotation; only <v> (a voice) and <lang> (a language) take one.`);
    } else if (name === 'lang' && !canonicalLanguageTag(annotation.trim())) {
      problem(`"${tag}" needs a BCP 47 language tag, such as <lang es>.`);
    } else if (name === 'v' && new RegExp(VOICE_REFUSED.source).test(annotation)) {
      problem(`"${tag}" names a voice with "<", ">" or a quote; a voice is a plain name.`);
    }
  }
  return problems;
}

/** A parsed cue-text tree written back: text escaped, every tag closed, timestamps in full. */
function treeText(nodes: readonly TreeNode<TreeNodeObjectTagNameWithRt>[]): string {
  return nodes
    .map((node) => {
      if (node.type === 'text') return webVttCueText(node.value);
      if (node.type === 'timestamp') return `<${webVttTimestamp(node.value)}>`;
      const annotation = node.name === 'lang' ? (canonicalLanguageTag(node.value) ?? '') : node.name === 'v' ? node.value.replace(VOICE_REFUSED, '') : '';
      const open = node.name + node.classes.filter((c) => CSS_CLASS.test(c)).map((c) => `.${c}`).join('') + (annotation ? ` ${annotation}` : '');
      return `<${open}>${treeText(node.children)}</${node.name}>`;
    })
    .join('');
}

/** The settings a cue has beyond the defaults, as WebVTT writes them. */
function settingsText(cue: Cue): string {
  const out: string[] = [];
  // Clamped, so a file stored before these checks is served within range too.
  const percent = (v: number) => Math.min(100, Math.max(0, v));
  const line = cue.linePosition === 'auto' ? 'auto' : cue.snapToLines ? Math.min(MAX_LINE_NUMBER, Math.max(-MAX_LINE_NUMBER, Math.round(cue.linePosition))) : percent(cue.linePosition);
  if (cue.direction !== 'horizontal') out.push(`vertical:${cue.direction}`);
  if (line !== 'auto') out.push(`line:${line}${cue.snapToLines ? '' : '%'}${cue.lineAlign !== 'start' ? `,${cue.lineAlign}` : ''}`);
  if (cue.textPosition !== 'auto') out.push(`position:${percent(cue.textPosition)}%${cue.positionAlign !== 'auto' ? `,${cue.positionAlign}` : ''}`);
  if (cue.size !== 100) out.push(`size:${percent(cue.size)}%`);
  if (cue.alignment !== 'center') out.push(`align:${cue.alignment}`);
  return out.length ? ` ${out.join(' ')}` : '';
}

/**
 * Parses a WebVTT file and writes it back normalised; `problems` lists, by line, why it may not be
 * stored (bad timings or structure, tags outside the WebVTT cue-text tags, cue settings out of range,
 * no cues, no visible text). Idempotent: normalising `content` again gives the same file, no problems.
 */
export function normaliseWebVtt(text: string): NormalisedWebVtt {
  const lines = withoutRegions(text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/));
  const problems: WebVttProblem[] = [];
  const parsed = new WebVTTParser(ENTITIES).parse(lines.join('\n'), 'subtitles');

  const cueTextErrorLine = (errorLine: number, col: number | undefined): number | null => {
    // The cue-text parser reports at the line after the cue's text; find the cue's timing line above.
    const index = errorLine - 1;
    if (isTimingLine(lines[index]) || !lines[index - 1]) return null;
    let timing = index - 1;
    while (timing > 0 && !isTimingLine(lines[timing]) && lines[timing] !== '') timing--;
    if (!isTimingLine(lines[timing])) return null;
    const before = lines.slice(timing + 1, index).join('\n').slice(0, Math.max(0, (col ?? 1) - 1));
    return timing + 2 + (before.match(/\n/g)?.length ?? 0);
  };
  if (parsed.errors.some((e) => e.message.startsWith('No valid signature'))) {
    // Not a WebVTT file at all (an SRT file under the wrong format, say): the rest would be noise.
    return { content: 'WEBVTT\n', cues: [], problems: [{ line: 1, message: 'A WebVTT file must start with "WEBVTT".' }] };
  }
  for (const error of parsed.errors) {
    if (REPAIRED.has(error.message)) continue;
    const onTimingLine = isTimingLine(lines[error.line - 1]);
    if (onTimingLine && SETTING_ERROR.test(error.message)) continue;
    if (STRAY_IDENTIFIER.has(error.message)) {
      // Reported at the line after it; a line that is neither a cue's timing nor its text is the problem.
      const message = 'Expected a cue timing line like "00:00:01.000 --> 00:00:03.500".';
      // One block of stray lines is one problem (the parser reports each of its lines).
      if (!problems.some((p) => p.message === message && p.line === error.line - 2)) problems.push({ line: error.line - 1, message });
      continue;
    }
    problems.push({ line: (!onTimingLine && cueTextErrorLine(error.line, error.col)) || error.line, message: onTimingLine ? timingMessage(error.message, lines[error.line - 1]!) : error.message });
  }

  // Identifiers, settings and markup, line by line (the parser drops what it does not know silently).
  let inCueText = false;
  lines.forEach((line, i) => {
    if (line === '') inCueText = false;
    else if (isTimingLine(line)) {
      inCueText = true;
      const id = lines[i - 1];
      if (i > 1 && id && !isTimingLine(id) && /[<>&]/.test(id)) problems.push({ line: i, message: 'A cue identifier is plain text: it may not contain "<", ">" or "&".' });
      problems.push(...settingProblems(line, i + 1));
    } else if (inCueText) problems.push(...tagProblems(line, i + 1), ...characterProblems(line, i + 1));
  });

  const cues = parsed.cues.map((cue) => ({ cue, text: treeText(cue.tree.children) }));
  const blocks = cues.map(({ cue, text }) => `${cue.id ? `${cue.id}\n` : ''}${webVttTimestamp(cue.startTime)} --> ${webVttTimestamp(cue.endTime)}${settingsText(cue)}\n${text}`);
  const content = `WEBVTT\n\n${blocks.join('\n\n')}\n`;
  if (!problems.length && !cues.length) problems.push({ line: 1, message: 'The file has no cues.' });
  if (!problems.length && !cues.some((c) => cueHasVisibleText(c.text))) problems.push({ line: 1, message: 'No cue has visible text.' });
  problems.sort((a, b) => a.line - b.line);
  return { content, cues: cues.map(({ cue, text }) => ({ start: cue.startTime, end: cue.endTime, text })), problems: problems.slice(0, MAX_PROBLEMS) };
}

/** Text as WebVTT cue text: "&", "<" and ">" escaped, so it is never markup. */
export function webVttCueText(plain: string): string {
  return plain.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A machine's plain text (a model's transcript) as one cue's text: escaped like `webVttCueText`, the
 * characters text input refuses removed, and line breaks folded into spaces, so a blank line or a
 * "-->" line in what was said cannot end the cue or start another.
 */
export function plainCueText(plain: string): string {
  return webVttCueText(withoutRefusedCharacters(plain).replace(/\s*[\r\n]+\s*/g, ' ').trim());
}

/**
 * What one line of cue text may not carry: a character text input refuses (control, bidi override),
 * written directly or as a character reference (`&#8238;`, `&#x1B;`), which the parser would decode
 * into the stored file; and references to no character at all (`&#0;`, `&#x110000;`).
 */
function characterProblems(text: string, lineNumber: number): WebVttProblem[] {
  const problems: WebVttProblem[] = [];
  const direct = acceptText(text);
  if (!direct.ok) problems.push({ line: lineNumber, message: direct.problem });
  for (const match of text.matchAll(/&#(x[0-9a-f]+|\d+);?/gi)) {
    const digits = match[1]!;
    const code = digits[0] === 'x' || digits[0] === 'X' ? parseInt(digits.slice(1), 16) : Number(digits);
    const reference = match[0].slice(0, 20);
    if (!(code > 0 && code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff)) {
      problems.push({ line: lineNumber, message: `"${reference}" refers to no Unicode character.` });
      continue;
    }
    const decoded = acceptText(String.fromCodePoint(code));
    if (!decoded.ok) problems.push({ line: lineNumber, message: `"${reference}" writes a refused character. ${decoded.problem}` });
  }
  return problems;
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

/** Seconds as a WebVTT timestamp (hh:mm:ss.ttt), to the millisecond. */
export function webVttTimestamp(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
}

/** A WebVTT file of these cues, their texts as given (cue text); pass it through normaliseWebVtt before storing. */
export function webVttOf(cues: readonly SubtitleCue[]): string {
  return `WEBVTT\n\n${cues.map((c) => `${webVttTimestamp(c.start)} --> ${webVttTimestamp(c.end)}\n${c.text}`).join('\n\n')}\n`;
}

/** The HTML `<track kind>` of a subtitle kind (FORCED tracks are subtitles a player shows by default). */
export function htmlTrackKind(kind: string): 'subtitles' | 'captions' {
  return kind === 'CLOSED_CAPTIONS' ? 'captions' : 'subtitles';
}
