import { describe, expect, it } from 'vitest';
import { dubDurationMismatch, dubDurationToleranceSeconds } from './audio-tracks';

describe('dub duration tolerance', () => {
  it('is one second for short episodes and one percent for long ones', () => {
    expect(dubDurationToleranceSeconds(60)).toBe(1);
    expect(dubDurationToleranceSeconds(300)).toBe(3);
  });
  it('accepts a dub within the tolerance and refuses one outside it, saying both durations', () => {
    expect(dubDurationMismatch(60.9, 60)).toBeNull();
    expect(dubDurationMismatch(299, 300)).toBeNull();
    expect(dubDurationMismatch(58.5, 60)).toMatch(/58\.5 s.*60\.0 s.*1\.0 s/);
    expect(dubDurationMismatch(296, 300)).toMatch(/3\.0 s/);
  });
});
