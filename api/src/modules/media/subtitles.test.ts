import { describe, expect, it } from 'vitest';
import { cueHasVisibleText, parseSrt, parseWebVtt } from './subtitles';

describe('WebVTT', () => {
  it('parses cues with identifiers, settings and notes', () => {
    const r = parseWebVtt('WEBVTT\n\nNOTE a comment\n\nintro\n00:00:01.000 --> 00:00:02.500 align:start\nHello\nthere\n\n01:02.000 --> 01:03.000\nBye\n');
    expect(r).toEqual({
      ok: true,
      cues: [{ start: 1, end: 2.5, text: 'Hello\nthere' }, { start: 62, end: 63, text: 'Bye' }],
      // Written back normalised: the note dropped, timestamps in full, the identifier and setting kept.
      webVtt: 'WEBVTT\n\nintro\n00:00:01.000 --> 00:00:02.500 align:start\nHello\nthere\n\n00:01:02.000 --> 00:01:03.000\nBye\n',
    });
  });

  it('names the line of each problem', () => {
    const r = parseWebVtt('WEBVTT\n\n00:00:01.000 --> 00:00:00.500\nBackwards\n\n00:00:xx.000 --> 00:00:02.000\nBad\n');
    expect(r).toEqual({
      ok: false,
      problems: [
        { line: 3, message: 'The cue ends (00:00:00.500) before it starts (00:00:01.000).' },
        { line: 6, message: 'Must be exactly two digits.' },
      ],
    });
  });

  it('refuses a file with a header and no cues, which would satisfy a subtitle requirement with nothing', () => {
    expect(parseWebVtt('WEBVTT\n')).toEqual({ ok: false, problems: [{ line: 1, message: 'The file has no cues.' }] });
    expect(parseWebVtt('WEBVTT\n\nNOTE only a note\n')).toMatchObject({ ok: false });
  });

  it('requires the header', () => {
    expect(parseWebVtt('1\n00:00:01,000 --> 00:00:02,000\nhi')).toEqual({ ok: false, problems: [{ line: 1, message: 'A WebVTT file must start with "WEBVTT".' }] });
  });
});

describe('SRT', () => {
  it('parses numbered cues', () => {
    expect(parseSrt('1\r\n00:00:01,000 --> 00:00:02,000\r\nHi\r\n\r\n2\r\n00:00:03,000 --> 00:00:04,250\r\nBye\r\n')).toEqual({
      ok: true,
      cues: [{ start: 1, end: 2, text: 'Hi' }, { start: 3, end: 4.25, text: 'Bye' }],
      webVtt: 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHi\n\n00:00:03.000 --> 00:00:04.250\nBye\n',
    });
  });

  it('names the line of each problem', () => {
    const r = parseSrt('1\n00:00:01.000 --> 00:00:02,000\nHi\n\nsecond\n00:00:03,000 --> 00:00:04,000\nBye\n');
    expect(r).toEqual({
      ok: false,
      problems: [
        { line: 2, message: '"00:00:01.000" is not a valid start time (expected like 00:00:01,000).' },
        { line: 5, message: 'Expected a cue number, found "second".' },
      ],
    });
  });
});

describe('visible text', () => {
  it.each(['', ' \t', '\u00a0\u00a0', '\u200b', '\u200e\ufeff', '<i>\u200b</i>', '&nbsp;&#8203;', '<c.yellow></c>', '\u2800', '\u3164'])('%j draws nothing', (text) => {
    expect(cueHasVisibleText(text)).toBe(false);
  });

  it.each(['Hi', '<i>…</i>', '&amp;', '&#65;', '你好', '♪'])('%j is visible', (text) => {
    expect(cueHasVisibleText(text)).toBe(true);
  });

  it('a track whose every cue draws nothing is refused, in WebVTT and in SRT; one visible cue is enough', () => {
    expect(parseWebVtt('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n\u00a0\n\n00:00:03.000 --> 00:00:04.000\n\u200b\n')).toEqual({ ok: false, problems: [{ line: 1, message: 'No cue has visible text.' }] });
    expect(parseSrt('1\n00:00:01,000 --> 00:00:02,000\n\u200b\n')).toEqual({ ok: false, problems: [{ line: 1, message: 'No cue has visible text.' }] });
    expect(parseWebVtt('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n\u00a0\n\n00:00:03.000 --> 00:00:04.000\nHi\n').ok).toBe(true);
  });
});
