import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { acknowledgmentOf, bulkUploadRow, describeCancellations, needsComparing, planBulkUpload, SAME_VIDEO_NOTE, shownFileName, type BulkUploadRow, type ExistingEpisode } from './bulk-upload';
import { HASH_CHUNK_BYTES, sha256OfBlob } from './file-sha256';

// The file-name rule as the API's `uploadPolicy` sends it (`FILE_NAME_REFUSED_CHARACTERS` in the API).
const policy = { acceptedExtensions: ['mp4', 'mov', 'webm'], maxBytes: 1000, fileNameMaxLength: 255, fileNameRefusedCharacters: String.raw`[\p{Cc}\p{Bidi_Control}/\\]`, maxEpisodeNumber: 10_000 };
const rows = (...names: string[]): BulkUploadRow[] => names.map((name, i) => bulkUploadRow(`r${i}`, { name, size: 10 }));
const episodes = (...list: ExistingEpisode[]) => new Map(list.map((e) => [e.number, e]));

describe('planBulkUpload', () => {
  it('maps files named in mixed styles and out of order to their episodes, creating the missing ones', () => {
    const plan = planBulkUpload(rows('S01E03.mp4', 'ep01.mp4', 'Episode 2.mov', '第4集.mp4'), episodes({ id: 'e1', number: 1, title: 'Pilot', hasMedia: false }), policy);
    expect(plan.problems).toBe(0);
    expect(plan.numbers).toEqual([1, 2, 3, 4]);
    expect(plan.created).toEqual([2, 3, 4]);
    expect(plan.verdicts.get('r1')).toEqual({ kind: 'upload', number: 1, existing: { id: 'e1', number: 1, title: 'Pilot', hasMedia: false }, checking: false, note: 'Episode 1: Pilot' });
    expect(plan.verdicts.get('r0')).toMatchObject({ kind: 'upload', number: 3, existing: null, note: 'New episode 3' });
    expect(plan.summary).toBe('4 files for episodes 1–4; 3 new episodes (2–4) will be created.');
  });

  it('names an episode whose title is the default once', () => {
    const plan = planBulkUpload(rows('ep05.mp4', 'ep06.mp4'), episodes({ id: 'e5', number: 5, title: 'Episode 5', hasMedia: false }, { id: 'e6', number: 6, title: 'Episode 6', hasMedia: true }), policy);
    expect(plan.verdicts.get('r0')).toMatchObject({ note: 'Episode 5' });
    expect(plan.verdicts.get('r1')).toMatchObject({ note: 'Replaces the video of Episode 6' });
  });

  it('claims no episode new while the series’ episodes are still being checked', () => {
    const plan = planBulkUpload(rows('ep01.mp4', 'ep02.mp4'), null, policy);
    expect(plan.verdicts.get('r0')).toMatchObject({ kind: 'upload', number: 1, checking: true, note: 'Episode 1 · Checking…' });
    expect(plan.created).toEqual([]);
    expect(plan.summary).not.toMatch(/new episode/);
  });

  it('flags a file whose name names a season other than 1, until its number is changed', () => {
    const [second, first] = rows('S02E04.mp4', 'S01E05.mp4');
    const plan = planBulkUpload([second!, first!], new Map(), policy);
    expect(plan.verdicts.get('r0')).toMatchObject({ kind: 'upload', number: 4, warning: expect.stringMatching(/season 2/) });
    expect(plan.verdicts.get('r1')).toMatchObject({ kind: 'upload', number: 5, warning: undefined });
    expect(plan.warnings).toBe(1);
    expect(plan.summary).toBe('2 files for episodes 4–5; 2 new episodes (4–5) will be created; 1 file names a season other than 1: check its number.');
    const renumbered = planBulkUpload([{ ...second!, numberText: '24' }, first!], new Map(), policy);
    expect(renumbered.warnings).toBe(0);
  });

  it('proposes the number an interrupted upload of the same file went to, over the one its name gives', () => {
    expect(bulkUploadRow('r0', { name: 'trailer.mp4', size: 10 }, 7).numberText).toBe('7');
    expect(bulkUploadRow('r0', { name: 'ep03.mp4', size: 10 }, 9).numberText).toBe('9');
    expect(bulkUploadRow('r0', { name: 'ep03.mp4', size: 10 }).numberText).toBe('3');
  });

  it('flags two files for one episode, and clears the flag once one is skipped', () => {
    const both = rows('ep04.mp4', 'S01E04_final.mp4', 'ep05.mp4');
    const plan = planBulkUpload(both, new Map(), policy);
    expect(plan.problems).toBe(2);
    expect(plan.verdicts.get('r0')).toEqual({ kind: 'problem', problem: 'duplicate', note: 'Episode 4 has 2 files: give each its own number, or skip all but one.' });
    const fixed = planBulkUpload([both[0]!, { ...both[1]!, skipped: true }, both[2]!], new Map(), policy);
    expect(fixed.problems).toBe(0);
    expect(fixed.numbers).toEqual([4, 5]);
    expect(fixed.verdicts.get('r1')).toEqual({ kind: 'skipped', note: 'Skipped: not uploaded.' });
  });

  it('flags a file without a number until the person enters one', () => {
    const [trailer, ambiguous] = rows('trailer.mp4', 'Love 2 - 07.mp4');
    const plan = planBulkUpload([trailer!, ambiguous!], new Map(), policy);
    expect(plan.verdicts.get('r0')).toMatchObject({ kind: 'problem', problem: 'no-number' });
    expect(plan.verdicts.get('r1')).toMatchObject({ kind: 'problem', problem: 'ambiguous' });
    expect(plan.summary).toBe('No file to upload yet; 2 files need a number or a skip.');
    const typed = planBulkUpload([{ ...trailer!, numberText: '9' }, { ...ambiguous!, numberText: 'x' }], new Map(), policy);
    expect(typed.verdicts.get('r0')).toMatchObject({ kind: 'upload', number: 9 });
    expect(typed.verdicts.get('r1')).toMatchObject({ kind: 'problem', problem: 'invalid-number' });
  });

  it('flags a file whose number is past the highest episode number the API takes, as read from its policy', () => {
    const [named, typed] = rows('ep0150.mp4', 'ep02.mp4');
    const small = planBulkUpload([named!], new Map(), { ...policy, maxEpisodeNumber: 100 });
    expect(small.verdicts.get('r0')).toEqual({ kind: 'problem', problem: 'invalid-number', note: 'Episode 150 is past the largest episode number, 100: enter another, or skip the file.' });
    expect(planBulkUpload([named!], new Map(), policy).verdicts.get('r0')).toMatchObject({ kind: 'upload', number: 150 });
    const past = planBulkUpload([{ ...typed!, numberText: '10001' }], new Map(), policy);
    expect(past.verdicts.get('r1')).toMatchObject({ kind: 'problem', problem: 'invalid-number', note: 'Episode 10001 is past the largest episode number, 10,000: enter another, or skip the file.' });
    expect(planBulkUpload([{ ...typed!, numberText: '10000' }], new Map(), policy).verdicts.get('r1')).toMatchObject({ kind: 'upload', number: 10_000 });
  });

  it('says a number in a file’s name is out of range, not that the name has none', () => {
    const named = rows('ep12345.mp4', 'ep0.mp4', 'ep999999999999.mp4', 'ep03.mp4');
    expect(named.map((r) => r.numberText)).toEqual(['12345', '0', '999999999999', '3']);
    const plan = planBulkUpload(named, new Map(), policy);
    expect(plan.verdicts.get('r0')).toEqual({ kind: 'problem', problem: 'invalid-number', note: 'Episode 12345 is past the largest episode number, 10,000: enter another, or skip the file.' });
    expect(plan.verdicts.get('r1')).toEqual({ kind: 'problem', problem: 'invalid-number', note: 'Episode numbers start at 1: enter another, or skip the file.' });
    expect(plan.verdicts.get('r2')).toEqual({ kind: 'problem', problem: 'invalid-number', note: 'Episode 999999999999 is past the largest episode number, 10,000: enter another, or skip the file.' });
    expect(plan.verdicts.get('r3')).toMatchObject({ kind: 'upload', number: 3 });
    expect(plan.problems).toBe(3);
    const fixed = planBulkUpload([{ ...named[0]!, numberText: '45' }, { ...named[1]!, skipped: true }, { ...named[2]!, numberText: '2' }, named[3]!], new Map(), policy);
    expect(fixed.problems).toBe(0);
    expect(fixed.numbers).toEqual([2, 3, 45]);
  });

  it('leaves out files the upload policy does not take, without blocking the rest', () => {
    const plan = planBulkUpload([...rows('ep01.mp4', 'notes.txt', 'ep02.m4v'), bulkUploadRow('big', { name: 'ep03.mp4', size: 1001 })], new Map(), policy);
    expect(plan.problems).toBe(0);
    expect(plan.numbers).toEqual([1]);
    expect(plan.verdicts.get('r1')).toEqual({ kind: 'skipped', note: 'Not a video Greenlight takes (MP4, MOV, WEBM): left out.' });
    expect(plan.verdicts.get('r2')).toMatchObject({ kind: 'skipped' });
    expect(plan.verdicts.get('big')).toEqual({ kind: 'skipped', note: 'Larger than 1000 bytes, the most one upload may be: left out.' });
  });

  it('leaves out, before any episode is created, files whose names the upload refuses; shows them without their disguise', () => {
    const names = ['a\u0007b ep10.mp4', 'ep11\u202Egnp.mp4', 'S01E14\r\n.mp4', `ep15 ${'x'.repeat(260)}.mp4`, 'ep16.mp4', '第17集 👨‍👩‍👧.mp4'];
    const plan = planBulkUpload(rows(...names), new Map(), policy);
    expect(plan.problems).toBe(0);
    expect(plan.numbers).toEqual([16, 17]);
    for (const key of ['r0', 'r1', 'r2', 'r3']) expect(plan.verdicts.get(key)).toMatchObject({ kind: 'skipped', note: expect.stringMatching(/rename the file/) });
    expect(shownFileName(names[1]!, policy)).toBe('ep11\uFFFDgnp.mp4');
    expect(shownFileName(names[4]!, policy)).toBe('ep16.mp4');
  });

  it('says when a file replaces a video, and refuses an episode already receiving one', () => {
    const existing = episodes({ id: 'e1', number: 1, title: 'Pilot', hasMedia: true }, { id: 'e2', number: 2, title: 'Two', hasMedia: false });
    const plan = planBulkUpload(rows('ep01.mp4', 'ep02.mp4'), existing, policy, new Set(['e2']));
    expect(plan.verdicts.get('r0')).toMatchObject({ kind: 'upload', note: 'Replaces the video of Episode 1: Pilot' });
    expect(plan.verdicts.get('r1')).toMatchObject({ kind: 'problem', problem: 'busy' });
  });

  describe('a file dropped again, and a replacement that cancels a review', () => {
    const SHA = 'a'.repeat(64);
    const approved: ExistingEpisode = { id: 'e1', number: 1, title: 'Pilot', hasMedia: true, media: { sizeBytes: 10, sha256: SHA }, replacementCancels: [{ territory: 'CA', loss: 'APPROVED' }, { territory: 'GB', loss: 'APPROVED' }] };
    const plain: ExistingEpisode = { id: 'e2', number: 2, title: 'Two', hasMedia: true, media: { sizeBytes: 10, sha256: SHA }, replacementCancels: [] };

    it('compares a file as large as its episode’s video before anything starts, and never one of another size', () => {
      const [same, other] = rows('ep01.mp4', 'ep02.mp4');
      const plan = planBulkUpload([same!, { ...other!, size: 11 }], episodes(approved, plain), policy);
      expect(plan.verdicts.get('r0')).toEqual({ kind: 'comparing', number: 1, existing: approved, note: 'Episode 1 · Comparing with its video…' });
      expect(plan.comparing).toBe(1);
      expect(plan.summary).toMatch(/1 file is being compared with its episode’s video/);
      expect(needsComparing(same!, approved)).toBe(true);
      expect(needsComparing({ ...same!, size: 11 }, approved)).toBe(false);
      expect(needsComparing({ ...same!, sha256: SHA }, approved)).toBe(false);
      expect(needsComparing(same!, { ...approved, media: null, hasMedia: false })).toBe(false);
      expect(plan.verdicts.get('r1')).toMatchObject({ kind: 'upload', number: 2, note: 'Replaces the video of Episode 2: Two' });
    });

    it('skips, by default and whatever the episode’s review, a file that is the episode’s video already', () => {
      const [one, two] = rows('ep01.mp4', 'ep02.mp4');
      const plan = planBulkUpload([{ ...one!, sha256: SHA }, { ...two!, sha256: SHA }], episodes(approved, plain), policy);
      expect(plan.verdicts.get('r0')).toEqual({ kind: 'skipped', note: SAME_VIDEO_NOTE, same: true });
      expect(plan.verdicts.get('r1')).toEqual({ kind: 'skipped', note: 'Same video already uploaded — skipped.', same: true });
      expect(plan.numbers).toEqual([]);
      expect(plan.same).toBe(2);
      expect(plan.problems).toBe(0);
      expect(plan.summary).toBe('No file to upload yet; 2 files are already uploaded and skipped.');
      // Ticked "Replace anyway" changes nothing: the same bytes would change nothing.
      expect(planBulkUpload([{ ...one!, sha256: SHA, replaceAnyway: true }], episodes(approved), policy).verdicts.get('r0')).toMatchObject({ kind: 'skipped', same: true });
    });

    it('holds a different file for an approved episode, naming what it cancels, until “Replace anyway” is ticked', () => {
      const [one, two, three] = rows('ep01.mp4', 'ep02.mp4', 'ep03.mp4');
      const different = 'b'.repeat(64);
      const held = planBulkUpload([{ ...one!, sha256: different }, { ...two!, sha256: different }, three!], episodes(approved, plain), policy);
      expect(held.verdicts.get('r0')).toEqual({ kind: 'held', number: 1, existing: approved, note: 'Not uploaded: Replacing cancels its approval in CA, GB. Tick “Replace anyway” to upload it.' });
      expect(held.held).toBe(1);
      expect(held.problems).toBe(0);
      expect(held.numbers).toEqual([2, 3]);
      expect(held.verdicts.get('r1')).toMatchObject({ kind: 'upload', note: 'Replaces the video of Episode 2: Two' });
      expect(held.summary).toBe('2 files for episodes 2–3; 1 new episode (3) will be created; 1 file is held back: replacing would cancel reviews, approvals or live releases.');
      const confirmed = planBulkUpload([{ ...one!, sha256: different, replaceAnyway: true }], episodes(approved), policy);
      expect(confirmed.verdicts.get('r0')).toMatchObject({ kind: 'upload', number: 1, note: 'Replaces the video of Episode 1: Pilot. Replacing cancels its approval in CA, GB.' });
      expect(confirmed.numbers).toEqual([1]);
    });

    it('holds a file whose hash could not be read like any other replacement', () => {
      const plan = planBulkUpload([{ ...rows('ep01.mp4')[0]!, sha256: null }], episodes(approved), policy);
      expect(plan.verdicts.get('r0')).toMatchObject({ kind: 'held' });
    });

    it('words what a replacement cancels, the most it loses first', () => {
      expect(describeCancellations([])).toBe('');
      expect(describeCancellations([{ territory: 'US', loss: 'IN_REVIEW' }])).toBe('Replacing cancels its review in US.');
      expect(
        describeCancellations([
          { territory: 'CA', loss: 'APPROVED' },
          { territory: 'FR', loss: 'LIVE' },
          { territory: 'GB', loss: 'APPROVED' },
          { territory: 'US', loss: 'IN_REVIEW' },
        ]),
      ).toBe('Replacing cancels its live release in FR; its approval in CA, GB; its review in US.');
    });
  });
});

describe('sha256OfBlob', () => {
  it('hashes a file across several chunks as one sha256 of its bytes', async () => {
    const bytes = new Uint8Array(HASH_CHUNK_BYTES * 2 + 12345).map((_, i) => (i * 31) % 251);
    expect(await sha256OfBlob(new Blob([bytes]))).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(await sha256OfBlob(new Blob([]))).toBe(createHash('sha256').digest('hex'));
  });

  it('stops when aborted', async () => {
    const abort = new AbortController();
    abort.abort();
    await expect(sha256OfBlob(new Blob([new Uint8Array(10)]), abort.signal)).rejects.toThrow();
  });
});

describe('acknowledgmentOf: the cancels an upload sends for what the person confirmed', () => {
  it('names each territory with the loss shown, so more at stake by the upload’s creation is refused', () => {
    expect(acknowledgmentOf([{ territory: 'CA', loss: 'APPROVED' }, { territory: 'US', loss: 'IN_REVIEW' }, { territory: 'GB', loss: 'LIVE' }])).toEqual(['CA=APPROVED', 'US=IN_REVIEW', 'GB=LIVE']);
    expect(acknowledgmentOf([])).toEqual([]);
  });
});
