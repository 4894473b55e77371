import { describe, expect, it } from 'vitest';
import { replacementCancels, repeatsCurrentMedia, ReplacementLoss } from './media-replacement';

const SHA = 'a'.repeat(64);

describe('repeatsCurrentMedia', () => {
  it('holds only for the same size and the same sha256', () => {
    expect(repeatsCurrentMedia({ sizeBytes: 10, sha256: SHA }, { sizeBytes: 10, sha256: SHA })).toBe(true);
    expect(repeatsCurrentMedia({ sizeBytes: 10, sha256: SHA }, { sizeBytes: 11, sha256: SHA })).toBe(false);
    expect(repeatsCurrentMedia({ sizeBytes: 10, sha256: SHA }, { sizeBytes: 10, sha256: 'b'.repeat(64) })).toBe(false);
    expect(repeatsCurrentMedia(null, { sizeBytes: 10, sha256: SHA })).toBe(false);
    expect(repeatsCurrentMedia(undefined, { sizeBytes: 10, sha256: SHA })).toBe(false);
  });
});

describe('replacementCancels', () => {
  it('names each territory once, with the most it would lose, in territory order', () => {
    expect(replacementCancels({ inReview: ['US', 'CA', 'FR'], approved: ['GB', 'CA', 'FR'], live: ['FR'] })).toEqual([
      { territory: 'CA', loss: ReplacementLoss.APPROVED },
      { territory: 'FR', loss: ReplacementLoss.LIVE },
      { territory: 'GB', loss: ReplacementLoss.APPROVED },
      { territory: 'US', loss: ReplacementLoss.IN_REVIEW },
    ]);
  });

  it('is empty for an episode with nothing under review, approved or live', () => {
    expect(replacementCancels({ inReview: [], approved: [], live: [] })).toEqual([]);
  });
});
