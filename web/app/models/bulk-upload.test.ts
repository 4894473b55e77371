import { describe, expect, it } from 'vitest';
import { bulkUploadRow, planBulkUpload, shownFileName, type BulkUploadRow, type ExistingEpisode } from './bulk-upload';

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
});
