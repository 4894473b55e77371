import seedrandom from 'seedrandom';

/**
 * A seeded generator of numbers in [0, 1) (seedrandom's default, ARC4-based), for randomized tests:
 * the same seed gives the same sequence, so a failing run can be replayed with the seed it printed.
 */
export function seededRandom(seed: number): () => number {
  const next = seedrandom(String(seed));
  return () => next();
}
