import { describe, expect, it } from 'vitest';
import { parseWebVtt } from '../../media/subtitles';
import { needsTranscript, transcriptCues, transcriptWebVtt } from './transcript';

describe('transcripts', () => {
  it('are needed for an episode with sound and no subtitles in any form of its original language', () => {
    expect(needsTranscript('ko', [], true)).toBe(true);
    expect(needsTranscript('ko', ['en', 'ja'], true)).toBe(true);
    expect(needsTranscript('ko', ['ko-KR'], true)).toBe(false);
    expect(needsTranscript('zh-Hans', ['zh-Hant'], true)).toBe(false);
    expect(needsTranscript('ko', [], false)).toBe(false);
  });

  it('take their cues from verbose_json segments, leave out silent ones and make a valid WebVTT track', () => {
    const cues = transcriptCues({ text: 'a b', segments: [{ start: 0, end: 1.5, text: ' Hello. ' }, { start: 1.5, end: 1.5, text: ' ' }, { start: 2, end: 2, text: 'Bye.' }] }, 3);
    expect(cues).toEqual([{ start: 0, end: 1.5, text: 'Hello.' }, { start: 2, end: 2.2, text: 'Bye.' }]);
    const vtt = transcriptWebVtt(cues);
    const parsed = parseWebVtt(vtt);
    expect(parsed.ok && parsed.cues.map((c) => [c.start, c.end, c.text])).toEqual([[0, 1.5, 'Hello.'], [2, 2.2, 'Bye.']]);
  });

  it('refuse an answer without timed segments or with times outside the audio, never reading it as silence', () => {
    expect(() => transcriptCues({ text: 'Hello.' }, 3)).toThrow(/not verbose_json with timed segments \(segments/);
    expect(() => transcriptCues({ text: '', segments: [{ start: 2, end: 1, text: 'x' }] }, 3)).toThrow(/segment 1 runs from 2 s to 1 s/);
    expect(() => transcriptCues({ text: '', segments: [{ start: 30, end: 31, text: 'x' }] }, 3)).toThrow(/outside the 3.0 s of audio/);
    expect(() => transcriptCues('Hello.', 3)).toThrow(/verbose_json/);
  });
});
