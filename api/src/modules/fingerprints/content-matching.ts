import { hammingDistance, type FrameHash } from './frame-hashes';

/** A frame of a copy differs from the original's by at most this many of its 64 hash bits. */
export const MATCH_MAX_DISTANCE = 10;
/** A match needs at least this many sampled frames (seconds) of the checked media within that distance. */
export const MATCH_MIN_FRAMES = 3;
/**
 * Media becomes a candidate once this many of the checked frames share a band with its frames: one
 * shared band happens by chance among many stored frames, two rarely; a real copy shares far more.
 */
export const CANDIDATE_MIN_FRAMES = 2;
/** Candidates compared frame by frame per lookup (most band hits first). */
export const MAX_CANDIDATES = 50;
/** Moments kept per match to show side by side. */
export const MAX_MOMENTS = 50;

/** One moment of a match: where the checked media and the other media show the same picture. */
export interface MatchMoment {
  /** Milliseconds into the checked media. */
  atMs: number;
  /** Milliseconds into the other media. */
  matchedAtMs: number;
  /** Differing bits of the two frame hashes (0–64). */
  distance: number;
}

/**
 * Compares the checked frames with one candidate's frames: each checked frame is paired with the
 * candidate's closest frame. It is a match when at least MATCH_MIN_FRAMES checked frames have a
 * partner within MATCH_MAX_DISTANCE; the moments are those pairs in time order. Null otherwise.
 */
export function compareFrames(checked: readonly FrameHash[], candidate: readonly FrameHash[]): MatchMoment[] | null {
  const moments: MatchMoment[] = [];
  for (const frame of checked) {
    let best: MatchMoment | null = null;
    for (const other of candidate) {
      const distance = hammingDistance(frame.hash, other.hash);
      if (distance <= MATCH_MAX_DISTANCE && (!best || distance < best.distance)) best = { atMs: frame.atMs, matchedAtMs: other.atMs, distance };
    }
    if (best) moments.push(best);
  }
  return moments.length >= MATCH_MIN_FRAMES ? moments : null;
}
