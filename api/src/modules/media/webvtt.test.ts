import { describe, expect, it } from 'vitest';
import { parseWebVtt } from './subtitles';
import { SubtitleFormat } from './subtitle-track.entity';
import { toWebVtt } from './webvtt';

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

  it('serves a WebVTT file as it was uploaded', () => {
    const vtt = 'WEBVTT\n\nNOTE kept\n\n00:00.500 --> 00:01.000 align:start\n- Hi\n';
    expect(toWebVtt(SubtitleFormat.WEBVTT, vtt)).toBe(vtt);
  });
});
