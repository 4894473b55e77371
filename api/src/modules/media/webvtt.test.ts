import { describe, expect, it } from 'vitest';
import { parseWebVtt, toWebVtt } from './subtitles';
import { SubtitleFormat } from './subtitle-track.entity';
import { normaliseWebVtt, plainCueText } from './webvtt';
import { hostileCue, SETTING_RANGES, seededRandom, tagsOutsideWebVtt } from '../../../test/support/hostile-webvtt';

describe('toWebVtt', () => {
  it('converts SRT to WebVTT keeping every cue, its timing to the millisecond and its text', () => {
    const srt = '\uFEFF1\r\n00:00:01,000 --> 00:00:02,345\r\nHola, <i>mundo</i>\r\n\r\n2\r\n01:02:03,004 --> 01:02:05,000\r\nDos líneas\r\nen un cue\r\n';
    const vtt = toWebVtt(SubtitleFormat.SRT, srt);
    expect(vtt.startsWith('WEBVTT')).toBe(true);
    const parsed = parseWebVtt(vtt);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(parsed.cues.map((c) => [Math.round(c.start * 1000), Math.round(c.end * 1000), c.text])).toEqual([
      [1000, 2345, 'Hola, <i>mundo</i>'],
      [3723004, 3725000, 'Dos líneas\nen un cue'],
    ]);
  });

  it('serves a WebVTT file as stored, normalised: notes dropped, cues and settings kept', () => {
    const vtt = 'WEBVTT\n\nNOTE dropped\n\n00:00.500 --> 00:01.000 align:start\n- Hi\n';
    expect(toWebVtt(SubtitleFormat.WEBVTT, vtt)).toBe('WEBVTT\n\n00:00:00.500 --> 00:00:01.000 align:start\n- Hi\n');
  });

  it('strips, when serving a file stored before the checks, what a write would refuse', () => {
    const legacy = 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000 position:999% line:150% size:-1%\n<script>alert(1)</script><b onclick="x">Hi</b> <c.a"b>there</c>\n';
    expect(toWebVtt(SubtitleFormat.WEBVTT, legacy)).toBe('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nalert(1)<b>Hi</b> <c>there</c>\n');
  });
});

const problemsOf = (text: string) => normaliseWebVtt(text).problems;
const cue = (text: string, settings = '') => `WEBVTT\n\n00:00:01.000 --> 00:00:03.000${settings}\n${text}\n`;

describe('normaliseWebVtt: markup outside the WebVTT cue-text tags is refused, naming the line', () => {
  it.each([
    ['a script element', '<script>alert(1)</script>', '"<script>" is not a WebVTT cue-text tag'],
    ['an image with a handler', 'Hi <img src=x onerror=alert(1)>', '"<img src=x onerror=alert(1)>" is not a WebVTT cue-text tag'],
    ['an iframe end tag alone', 'Hi </iframe>', '"</iframe>" is not a WebVTT cue-text tag'],
    ['an HTML attribute on <b>', '<b onclick="x">Hi</b>', '"<b onclick="x">" carries an annotation'],
    ['a class that is not a CSS class', '<c.a"b>Hi</c>', 'has a class that is not a CSS class name'],
    ['a <lang> without a language tag', '<lang !!>Hi</lang>', 'needs a BCP 47 language tag'],
    ['a voice name with markup', '<v Bob<script>Hi</v>', 'names a voice with "<"'],
    ['a bare "<"', '1 < 2', '"< 2" is not a WebVTT cue-text tag; write &lt;'],
    ['SRT colour markup in a WebVTT file', '<font color="red">Hi</font>', '"<font color="red">" is not a WebVTT cue-text tag'],
    ['a timestamp outside the cue', 'Hi <00:00:09.000>there', 'Timestamp must be between start timestamp and end timestamp.'],
  ])('%s', (_name, text, message) => {
    const problems = problemsOf(cue(`First line\n${text}`));
    expect(problems[0]).toEqual({ line: 5, message: expect.stringContaining(message) });
  });

  it('keeps every WebVTT cue-text tag, entity and timestamp', () => {
    const text = '<v.loud Mary Jane>Hey</v> <c.yellow.bg_1>x</c> <i>i</i> <b>b</b> <u>u</u> <ruby>漢<rt>kan</rt></ruby> <lang pt-BR>oi</lang> <00:00:02.000>&lt;3 &amp; &gt;';
    const result = normaliseWebVtt(cue(text));
    expect(result.problems).toEqual([]);
    expect(result.cues[0]!.text).toBe(text);
  });

  it('repairs what is harmless: a bare "&", an unclosed tag, header metadata, cues out of order', () => {
    const result = normaliseWebVtt('WEBVTT\nKind: captions\nLanguage: en\n\n00:00:05.000 --> 00:00:06.000\nTom & Jerry\n\n00:00:01.000 --> 00:00:02.000\n<i>unclosed\n');
    expect(result.problems).toEqual([]);
    expect(result.content).toBe('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<i>unclosed</i>\n\n00:00:05.000 --> 00:00:06.000\nTom &amp; Jerry\n');
  });

  it('drops STYLE and REGION blocks and region settings (the player owns presentation; a STYLE block can load remote resources)', () => {
    const result = normaliseWebVtt('WEBVTT\n\nSTYLE\n::cue { background: url(https://tracker.example/p.gif) }\n\nREGION\nid:fred\nwidth:40%\n\n00:00:01.000 --> 00:00:02.000 region:fred align:left\nHi\n');
    expect(result.problems).toEqual([]);
    expect(result.content).toBe('WEBVTT\n\n00:00:01.000 --> 00:00:02.000 align:left\nHi\n');
  });
});

describe('normaliseWebVtt: characters text input refuses are refused in cue text, written or referenced', () => {
  const cue = (text: string) => `WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n${text}\n`;
  it.each([
    ['&#0;x', 'refers to no Unicode character'],
    ['&#x110000;', 'refers to no Unicode character'],
    ['&#xD800;', 'refers to no Unicode character'],
    ['&#8238;gnp.exe', 'U+202E'],
    ['&#x2066;left', 'U+2066'],
    ['&#27;[31mred', 'U+001B'],
    ['&#x7;', 'U+0007'],
    ['&#127;', 'U+007F'],
    ['bell\u0007', 'U+0007'],
    ['rlo\u202e', 'U+202E'],
  ])('%j is refused at line 4', (text, message) => {
    const { problems } = normaliseWebVtt(cue(text));
    expect(problems).toEqual(expect.arrayContaining([expect.objectContaining({ line: 4, message: expect.stringContaining(message) })]));
  });
  it('keeps references to ordinary characters and the marks', () => {
    expect(normaliseWebVtt(cue('caf&#233; &#x263A; &lrm;x')).problems).toEqual([]);
  });
});

describe('plainCueText: a model\'s plain text as cue text', () => {
  it('escapes markup, removes refused characters and folds line breaks, so it is one valid cue', () => {
    const text = plainCueText(' bell\u0007 rlo\u202e <b>end</b>\n\nWEBVTT\n00:00:01.000 --> 00:00:02.000 & more\u0000 ');
    expect(text).toBe('bell rlo &lt;b&gt;end&lt;/b&gt; WEBVTT 00:00:01.000 --&gt; 00:00:02.000 &amp; more');
    expect(normaliseWebVtt(`WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n${text}\n`).problems).toEqual([]);
  });
});

describe('normaliseWebVtt: cue settings out of range are refused, naming the setting and its line', () => {
  it.each([
    ['position:999%', 'Text position needs to be between 0 and 100%.'],
    ['position:100.5%', 'Percentages run from 0% to 100%.'],
    ['position:50', 'Text position must be a percentage.'],
    ['line:150%', 'Line position cannot be >100%.'],
    ['line:-5%', 'Line position cannot be a negative percentage.'],
    ['line:9999', 'A line number is a whole number from -100 to 100 (or give a percentage).'],
    ['line:2.5', 'A line number is a whole number from -100 to 100 (or give a percentage).'],
    ['line:50%,middle', 'Line alignment needs to be one of start, center or end'],
    ['size:101%', 'Size cannot be >100%.'],
    ['size:-1%', 'Size needs to be between 0 and 100%.'],
    ['align:middle', 'Alignment can only be set to one of start, center, end, left, right.'],
    ['position:10%,top', 'Position alignment needs to be one of line-left, center or line-right'],
    ['vertical:up', "Writing direction can only be set to 'rl' or 'rl'."],
    ['onload:x', 'Invalid setting.'],
  ])('%s', (setting, message) => {
    expect(problemsOf(`WEBVTT\n\nintro\n00:00:01.000 --> 00:00:02.000 align:start ${setting}\nHi\n`)).toEqual([{ line: 4, message: `The cue setting "${setting}" is not allowed: ${message}` }]);
  });

  it('accepts the edges of every range', () => {
    expect(problemsOf(cue('Hi', ' position:0%,line-left line:100%,end size:0% align:right'))).toEqual([]);
    expect(problemsOf(cue('Hi', ' position:100% line:-100 size:100% vertical:lr align:start'))).toEqual([]);
  });
});

describe('normaliseWebVtt over seeded random hostile cues', () => {
  const SEED = Number(process.env.WEBVTT_SEED ?? Math.floor(Math.random() * 1e9));
  it(`refuses every cue with foreign markup or a setting out of range at its line, accepts the rest, and writes only WebVTT (seed ${SEED})`, () => {
    const random = seededRandom(SEED);
    for (let n = 0; n < 400; n++) {
      const cues = Array.from({ length: 1 + Math.floor(random() * 4) }, (_, i) => hostileCue(random, i));
      const lines = ['WEBVTT', ''];
      const badLines: number[] = [];
      for (const c of cues) {
        lines.push(`${c.timing}${c.settings}`);
        if (c.badSetting) badLines.push(lines.length);
        if (c.badMarkup) badLines.push(lines.length + 1);
        lines.push(c.text, '');
      }
      const file = lines.join('\n');
      const result = normaliseWebVtt(file);
      const context = `seed ${SEED}, file ${n}:\n${file}`;
      expect(result.problems.map((p) => p.line), context).toEqual(expect.arrayContaining(badLines));
      if (!badLines.length) expect(result.problems, context).toEqual([]);
      // Whatever came in, what is written is WebVTT only, within range, and normalising it again changes nothing.
      expect(tagsOutsideWebVtt(result.content), context).toEqual([]);
      for (const [setting, min, max] of SETTING_RANGES) {
        for (const m of result.content.matchAll(new RegExp(`${setting}:(-?[\\d.]+)`, 'g'))) {
          expect(Number(m[1]), context).toBeGreaterThanOrEqual(min);
          expect(Number(m[1]), context).toBeLessThanOrEqual(max);
        }
      }
      if (!result.problems.length) {
        const again = normaliseWebVtt(result.content);
        expect([again.content, again.problems], context).toEqual([result.content, []]);
      }
    }
  });
});
