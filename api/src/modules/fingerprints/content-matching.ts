import type { FrameHash } from './frame-hashes';

/** A frame of a copy differs from the original's by at most this many of its 64 hash bits. */
export const MATCH_MAX_DISTANCE = 10;
/** A match needs at least this many sampled frames (seconds) of the checked media within that distance. */
export const MATCH_MIN_FRAMES = 3;
/**
 * Media becomes a candidate once this many of the checked frames share a hash window with its frames at one
 * shift in time: a shared window happens by chance among many stored frames, two at the same shift
 * hardly ever; a real copy shares many.
 */
export const CANDIDATE_MIN_FRAMES = 2;
/** Width of the time-shift buckets candidates are grouped by (a copy may start a little earlier or later). */
export const SHIFT_BUCKET_MS = 3000;
/** Candidates compared frame by frame per lookup (most window hits first). */
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

/** A match with one candidate: its moments, and whether the checked video shows the pictures mirrored. */
export interface FrameMatch {
  /** The checked video is the other flipped left to right (its frames' `mirroredHash` matched). */
  mirrored: boolean;
  moments: MatchMoment[];
}

/**
 * Compares the checked frames with one candidate's frames, as they are and mirrored left to right
 * (a copy is flipped as a whole or not at all, so the orientation with more matching frames wins):
 * each checked frame is paired with the candidate's closest frame. It is a match when at least
 * MATCH_MIN_FRAMES checked frames have a partner within MATCH_MAX_DISTANCE; the moments are those
 * pairs in time order. Null otherwise.
 */
export function compareFrames(checked: readonly FrameHash[], candidate: readonly FrameHash[]): FrameMatch | null {
  const others = candidate.map((f) => halves(f.hash));
  const inOrientation = (pick: (frame: FrameHash) => bigint | undefined): MatchMoment[] => {
    const moments: MatchMoment[] = [];
    for (const frame of checked) {
      const hash = pick(frame);
      if (hash === undefined) continue;
      const [high, low] = halves(hash);
      let best: MatchMoment | null = null;
      for (const [i, other] of others.entries()) {
        const distance = popcount32(high ^ other[0]) + popcount32(low ^ other[1]);
        if (distance <= MATCH_MAX_DISTANCE && (!best || distance < best.distance)) best = { atMs: frame.atMs, matchedAtMs: candidate[i]!.atMs, distance };
      }
      if (best) moments.push(best);
    }
    return moments;
  };
  const direct = inOrientation((f) => f.hash);
  const mirrored = inOrientation((f) => f.mirroredHash);
  const best = mirrored.length > direct.length ? { mirrored: true, moments: mirrored } : { mirrored: false, moments: direct };
  return best.moments.length >= MATCH_MIN_FRAMES ? best : null;
}

// Bit counting on two 32-bit halves: BigInt arithmetic would make comparing candidates the slow part.
function halves(hash: bigint): [number, number] {
  const unsigned = BigInt.asUintN(64, hash);
  return [Number(unsigned >> 32n) | 0, Number(unsigned & 0xffffffffn) | 0];
}

function popcount32(value: number): number {
  let x = value - ((value >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
