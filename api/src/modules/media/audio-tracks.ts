/** The one list of accepted dub formats: file extension → media types. */
export const ACCEPTED_AUDIO = {
  m4a: ['audio/mp4', 'audio/x-m4a', 'audio/m4a'],
  aac: ['audio/aac'],
  mp3: ['audio/mpeg', 'audio/mp3'],
  wav: ['audio/wav', 'audio/x-wav', 'audio/wave'],
} as const;

/** How far a dub's duration may differ from its episode's video, in seconds: the larger of 1 s and 1 %. */
export function dubDurationToleranceSeconds(videoSeconds: number): number {
  return Math.max(1, videoSeconds * 0.01);
}

/**
 * Whether a dub of `audioSeconds` fits a video of `videoSeconds` (within `dubDurationToleranceSeconds`).
 * Null when it does; otherwise a sentence saying both durations and the tolerance.
 */
export function dubDurationMismatch(audioSeconds: number, videoSeconds: number): string | null {
  const tolerance = dubDurationToleranceSeconds(videoSeconds);
  if (Math.abs(audioSeconds - videoSeconds) <= tolerance) return null;
  return `The dub runs ${audioSeconds.toFixed(1)} s but the episode's video runs ${videoSeconds.toFixed(1)} s; they must match within ${tolerance.toFixed(1)} s (the larger of 1 s and 1 %).`;
}

/**
 * The dubs that no longer fit the video (a video replaced after the dub was uploaded), each with a
 * sentence naming its language and both durations; empty when every dub fits. An episode with one
 * cannot be submitted for review, so no approval — the only way to partners — covers it.
 */
export function mismatchedDubs(dubs: ReadonlyArray<{ language: string; durationSeconds: number }>, videoSeconds: number): Array<{ language: string; durationSeconds: number; message: string }> {
  return dubs.flatMap((dub) => {
    if (!dubDurationMismatch(dub.durationSeconds, videoSeconds)) return [];
    return [{ language: dub.language, durationSeconds: dub.durationSeconds, message: `the ${dub.language} dub runs ${dub.durationSeconds.toFixed(1)} s` }];
  });
}
