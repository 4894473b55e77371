import { readFileSync } from 'node:fs';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { apiAs } from '../support/api';
import { episodeRow, episodesTable } from '../support/catalog';
import { createDraftSeries, makeClip } from '../support/episodes';
import { dropFiles } from '../support/file-drop';
import { open, reload, signIn } from '../support/session';
import { accounts, unique } from '../support/stack';
import { createReadyEpisode, submit, tokenOf } from '../support/review';

// A season named the way studios name files: every style mixed, in no particular order.
const SEASON: ReadonlyArray<[string, number]> = [
  ['S01E07.mp4', 7],
  ['ep01.mp4', 1],
  ['第12集.mp4', 12],
  ['Episode 3.mp4', 3],
  ['E02.mp4', 2],
  ['ep4_final_v2.mp4', 4],
  ['Drama_S01E05_1080p.mp4', 5],
  ['06.mp4', 6],
  ['Drama 2026 - 08.mp4', 8],
  ['EP09.mp4', 9],
  ['1x10.mp4', 10],
  ['第十一集.mp4', 11],
  ['Episode_13_720p_30fps.mp4', 13],
  ['S01 E14.mp4', 14],
  ['ep15.mp4', 15],
  ['16.mp4', 16],
  ['e17.mp4', 17],
  ['Drama.S01E18.x264.mp4', 18],
  ['episode 19 v3.mp4', 19],
  ['20.mp4', 20],
];

/** The preview's row for one file. */
const fileRow = (preview: Locator, name: string) => preview.getByRole('row').filter({ has: preview.page().getByRole('rowheader', { name, exact: true }) });

/** Makes the clips a few at a time (ffmpeg is CPU-bound and the machine is shared). */
async function makeClips(names: readonly string[], seconds = 1): Promise<Array<{ path: string; name: string }>> {
  const made: Array<{ path: string; name: string }> = [];
  for (let i = 0; i < names.length; i += 4) {
    const batch = names.slice(i, i + 4);
    made.push(...(await Promise.all(batch.map(async (name, j) => ({ name, path: await makeClip(`clip-${i + j}.mp4`, { seconds }) })))));
  }
  return made;
}

/** The largest number of upload requests (tus POST and PATCH) the page had on the wire at once. */
function watchUploadConcurrency(page: Page) {
  let inFlight = 0;
  let peak = 0;
  const isUpload = (url: string, method: string) => new URL(url).pathname.startsWith('/uploads') && (method === 'POST' || method === 'PATCH');
  page.on('request', (r) => {
    if (isUpload(r.url(), r.method())) peak = Math.max(peak, ++inFlight);
  });
  // A request leaves the wire when its response arrives: that comes before the page can react to it
  // (and start the next upload), where 'requestfinished' may be reported after the next request.
  page.on('response', (r) => {
    if (isUpload(r.url(), r.request().method())) inFlight--;
  });
  page.on('requestfailed', (r) => {
    if (isUpload(r.url(), r.method())) inFlight--;
  });
  return { peak: () => peak };
}

test('A studio drops a whole season of 20 clips on a new series and uploads it in two actions', async ({ page, request }) => {
  test.setTimeout(300_000);
  const series = await createDraftSeries(await apiAs(request, accounts.editor), unique('Dropped Season'), 0);
  const clips = await makeClips(SEASON.map(([name]) => name));

  await signIn(page, accounts.editor);
  await open(page, `/catalog/${series.id}`);
  const concurrency = watchUploadConcurrency(page);
  let actions = 0;
  const act = async <T,>(step: () => Promise<T>): Promise<T> => {
    actions++;
    return step();
  };

  const uploads = page.getByRole('region', { name: 'Upload videos' });
  await test.step('a new series offers the drop zone and the file pickers before it has episodes', async () => {
    await expect(page.getByText('No episodes yet.')).toBeVisible();
    await expect(uploads.getByLabel('Choose video files')).toBeVisible();
    await expect(uploads.getByLabel('Choose a folder')).toBeVisible();
  });

  await test.step('the season is dropped on the episodes list, and the page stays', async () => {
    const url = page.url();
    const { defaultPrevented } = await act(() => dropFiles(page.getByRole('heading', { name: 'Episodes', level: 2, exact: true }), clips));
    expect(defaultPrevented).toBe(true);
    expect(page.url()).toBe(url);
  });

  const preview = page.getByRole('region', { name: 'Check the files and their episodes' });
  await test.step('the preview reads each episode number from its file name, in episode order', async () => {
    await expect(preview).toBeFocused();
    await expect(preview).toContainText('20 files for episodes 1–20; 20 new episodes (1–20) will be created.');
    for (const [name, number] of SEASON) {
      await expect(preview.getByLabel(`Episode number for ${name}`)).toHaveValue(String(number));
    }
    const order = await preview.getByRole('rowheader').allTextContents();
    expect(order).toEqual([...SEASON].sort((a, b) => a[1] - b[1]).map(([name]) => name));
    await expect(fileRow(preview, '第12集.mp4')).toContainText('New episode 12');
  });

  await test.step('one confirmation creates the episodes and uploads every file', async () => {
    await act(() => preview.getByRole('button', { name: 'Upload 20 files' }).click());
    await expect(preview).toHaveCount(0);
    const list = uploads.getByRole('list', { name: 'Uploads' });
    await expect(list.getByRole('listitem')).toHaveCount(20);
    // An episode whose title is the default is named once.
    await expect(list.getByRole('listitem').first()).toContainText('ep01.mp4 → Episode 1 ·');
    await expect(list.getByRole('listitem').first()).not.toContainText('Episode 1 · Episode 1');
    await expect(uploads.getByRole('progressbar', { name: 'All uploads' })).toHaveAttribute('value', '100', { timeout: 120_000 });
    await expect(uploads.getByText('20 of 20 files uploaded · 20 ready.')).toBeVisible({ timeout: 180_000 });
    for (const [name, number] of SEASON) {
      await expect(list.getByRole('listitem').filter({ hasText: `${name} → Episode ${number} ·` }).getByRole('status')).toHaveText(/^Ready\. 0:01 · 360×640$/);
    }
  });

  await test.step('the series lists the 20 episodes, all ready', async () => {
    await expect(page.getByText('20 episodes · 20 ready')).toBeVisible();
    await expect(episodesTable(page).getByRole('row')).toHaveCount(21);
    await expect(episodeRow(page, 12).getByText('Ready', { exact: true })).toBeVisible();
  });

  // Three at a time, never more.
  expect(concurrency.peak()).toBeLessThanOrEqual(3);
  expect(concurrency.peak()).toBeGreaterThan(1);
  expect(actions).toBeLessThanOrEqual(4);
});

test('Two files for one episode, a file without a number and one named past the last episode are flagged until fixed or skipped', async ({ page, request }) => {
  test.setTimeout(120_000);
  const series = await createDraftSeries(await apiAs(request, accounts.editor), unique('Flagged Drop'), 1);
  const clips = await makeClips(['ep01.mp4', 'S01E01_final.mp4', 'trailer.mp4', 'ep02.mp4', 'ep12345.mp4']);
  const notes = { path: clips[0]!.path, name: 'notes.txt', type: 'text/plain' };

  await signIn(page, accounts.editor);
  await open(page, `/catalog/${series.id}`);
  await dropFiles(page.getByRole('heading', { name: 'Upload videos' }), [...clips, notes]);

  const preview = page.getByRole('region', { name: 'Check the files and their episodes' });
  const upload = preview.getByRole('button', { name: /^Upload/ });
  await test.step('each problem is named on its row, and nothing can start', async () => {
    await expect(preview).toContainText('1 file for episode 2; 1 new episode (2) will be created; 4 files need a number or a skip.');
    await expect(fileRow(preview, 'ep01.mp4')).toContainText('Episode 1 has 2 files: give each its own number, or skip all but one.');
    await expect(fileRow(preview, 'S01E01_final.mp4')).toContainText('Episode 1 has 2 files');
    await expect(fileRow(preview, 'trailer.mp4')).toContainText('No episode number in its name: enter one, or skip the file.');
    await expect(preview.getByLabel('Episode number for trailer.mp4')).toHaveValue('');
    // The number its name gives is read whole, and the API's largest episode number named.
    await expect(preview.getByLabel('Episode number for ep12345.mp4')).toHaveValue('12345');
    await expect(fileRow(preview, 'ep12345.mp4')).toContainText('Episode 12345 is past the largest episode number, 10,000: enter another, or skip the file.');
    await expect(fileRow(preview, 'notes.txt')).toContainText('Not a video Greenlight takes (MP4, MOV, WEBM): left out.');
    await expect(preview.getByRole('alert')).toHaveText('4 files need a decision: fix the episode number or skip the file.');
    await expect(upload).toBeDisabled();
  });

  await test.step('skipping the second copy and numbering the trailer clears the flags', async () => {
    await preview.getByRole('checkbox', { name: 'Skip S01E01_final.mp4' }).check();
    await preview.getByRole('checkbox', { name: 'Skip ep12345.mp4' }).check();
    await preview.getByLabel('Episode number for trailer.mp4').fill('3');
    await expect(fileRow(preview, 'ep01.mp4').getByRole('cell').nth(2)).toHaveText('Episode 1');
    await expect(fileRow(preview, 'trailer.mp4')).toContainText('New episode 3');
    await expect(preview.getByRole('alert')).toBeHidden();
    await expect(preview).toContainText('3 files for episodes 1–3; 2 new episodes (2–3) will be created.');
    await upload.click();
    // The button goes with the preview: focus follows the work to its progress.
    await expect(preview).toHaveCount(0);
    await expect(page.getByRole('region', { name: 'Upload progress' })).toBeFocused();
  });

  await test.step('the three files upload to episodes 1, 2 and 3', async () => {
    const list = page.getByRole('list', { name: 'Uploads' });
    for (const [name, number] of [
      ['ep01.mp4', 1],
      ['ep02.mp4', 2],
      ['trailer.mp4', 3],
    ] as const) {
      await expect(list.getByRole('listitem').filter({ hasText: `${name} → Episode ${number} ·` }).getByRole('status')).toHaveText(/^Ready\./, { timeout: 60_000 });
    }
    await expect(list.getByText('S01E01_final.mp4')).toHaveCount(0);
    await expect(page.getByText('3 episodes · 3 ready')).toBeVisible();
  });
});

test('Uploads stopped by leaving the page carry on when the same files are dropped again', async ({ page, request }) => {
  test.setTimeout(180_000);
  const series = await createDraftSeries(await apiAs(request, accounts.editor), unique('Resumed Drop'), 0);
  // The teaser's name gives no number: the studio types the episode it goes to.
  const clips = [
    { name: 'ep01.mp4', path: await makeClip('resumed-drop-01.mp4', { seconds: 20, size: '720x1280' }) },
    { name: 'teaser.mp4', path: await makeClip('resumed-drop-02.mp4', { seconds: 20, size: '720x1280' }) },
  ];

  await signIn(page, accounts.editor);
  await open(page, `/catalog/${series.id}`);
  const network = await page.context().newCDPSession(page);
  await network.send('Network.enable');
  const uploadSpeed = (bytesPerSecond: number) => network.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: bytesPerSecond });
  await uploadSpeed(64 * 1024);

  const uploads = page.getByRole('region', { name: 'Upload videos' });
  const preview = page.getByRole('region', { name: 'Check the files and their episodes' });
  await dropFiles(page.getByRole('heading', { name: 'Upload videos' }), clips);
  await preview.getByLabel('Episode number for teaser.mp4').fill('2');
  await preview.getByRole('button', { name: 'Upload 2 files' }).click();
  await expect.poll(async () => Number(await uploads.getByRole('progressbar', { name: 'All uploads' }).getAttribute('value')), { timeout: 30_000 }).toBeGreaterThanOrEqual(5);

  page.once('dialog', (dialog) => void dialog.accept());
  await reload(page);
  await expect(page.getByRole('note', { name: 'Unfinished uploads' })).toHaveText(
    '2 uploads stopped before they finished (episodes 1–2): ep01.mp4, teaser.mp4. Drop or choose the same files again and they carry on from where they stopped.',
  );

  await uploadSpeed(-1);
  await dropFiles(page.getByRole('heading', { name: 'Upload videos' }), clips);
  await expect(fileRow(preview, 'ep01.mp4').getByRole('cell').nth(2)).toHaveText('Episode 1');
  // The number typed before leaving holds: the teaser carries on to episode 2, not to no episode.
  await expect(preview.getByLabel('Episode number for teaser.mp4')).toHaveValue('2');
  await expect(fileRow(preview, 'teaser.mp4').getByRole('cell').nth(2)).toHaveText('Episode 2');
  await preview.getByRole('button', { name: 'Upload 2 files' }).click();
  await expect(page.getByRole('note', { name: 'Unfinished uploads' })).toHaveCount(0);
  const list = uploads.getByRole('list', { name: 'Uploads' });
  for (const number of [1, 2]) {
    await expect(list.getByRole('listitem').filter({ hasText: `→ Episode ${number} ·` }).getByRole('status')).toHaveText(/^Ready\. 0:20 · 720×1280$/, { timeout: 60_000 });
  }

  // One upload per episode on the server: the second drop continued the first.
  await episodeRow(page, 1).getByRole('link', { name: 'Episode 1' }).click();
  const history = page.getByRole('region', { name: 'Upload history' });
  await expect(history.getByRole('row')).toHaveCount(2);
  await expect(history.getByRole('row').nth(1)).toContainText('Succeeded');
});

test('Until the series’ episodes are known the preview claims none new, and a season other than 1 is flagged', async ({ page, request }) => {
  const series = await createDraftSeries(await apiAs(request, accounts.editor), unique('Checked Drop'), 1);
  const clip = await makeClip('checked-drop.mp4');

  await signIn(page, accounts.editor);
  await open(page, `/catalog/${series.id}`);
  // The check of existing episodes answers only when the test lets it.
  let answer: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (answer = resolve));
  await page.route('**/resources/upload-targets*', async (route) => {
    if (route.request().method() === 'GET') await held;
    await route.continue();
  });
  await dropFiles(page.getByRole('heading', { name: 'Upload videos' }), [
    { path: clip, name: 'ep01.mp4' },
    { path: clip, name: 'Drama_S02E04.mp4' },
  ]);

  const preview = page.getByRole('region', { name: 'Check the files and their episodes' });
  await test.step('while the check runs, episode 1 (which exists) is not called new', async () => {
    await expect(fileRow(preview, 'ep01.mp4').getByRole('cell').nth(2)).toHaveText('Episode 1 · Checking…');
    await expect(preview).not.toContainText('New episode');
    await expect(preview.getByRole('button', { name: /^Upload/ })).toBeDisabled();
    answer();
    await expect(fileRow(preview, 'ep01.mp4').getByRole('cell').nth(2)).toHaveText('Episode 1');
  });

  await test.step('S02E04 goes to episode 4, and the preview says its name gives season 2', async () => {
    const row = fileRow(preview, 'Drama_S02E04.mp4');
    await expect(preview.getByLabel('Episode number for Drama_S02E04.mp4')).toHaveValue('4');
    await expect(row).toContainText('New episode 4');
    await expect(row).toContainText('Its name says season 2');
    await expect(preview).toContainText('1 file names a season other than 1: check its number.');
    await expect(fileRow(preview, 'ep01.mp4')).not.toContainText('season');
    // A number the studio types is its decision: the flag goes.
    await preview.getByLabel('Episode number for Drama_S02E04.mp4').fill('24');
    await expect(row).not.toContainText('season 2');
    await expect(preview).not.toContainText('a season other than 1');
  });
});

test('A bulk upload with a failed file ends saying so, and Retry failed sends it again', async ({ page, request }) => {
  test.setTimeout(120_000);
  const series = await createDraftSeries(await apiAs(request, accounts.editor), unique('Retried Drop'), 0);
  const clips = await makeClips(['ep01.mp4', 'ep02.mp4', 'ep03.mp4']);

  await signIn(page, accounts.editor);
  await open(page, `/catalog/${series.id}`);
  // The server refuses the first attempt at ep02.mp4 (tus does not retry a 4xx); the next goes through.
  let refused = 0;
  await page.route('**/uploads', async (route) => {
    const named = route.request().headers()['upload-metadata'] ?? '';
    if (route.request().method() === 'POST' && refused === 0 && named.includes(`filename ${Buffer.from('ep02.mp4').toString('base64')}`)) {
      refused++;
      await route.fulfill({ status: 403, body: 'Refused for the test.' });
    } else await route.continue();
  });
  await dropFiles(page.getByRole('heading', { name: 'Upload videos' }), clips);
  const preview = page.getByRole('region', { name: 'Check the files and their episodes' });
  await preview.getByRole('button', { name: 'Upload 3 files' }).click();

  const uploads = page.getByRole('region', { name: 'Upload videos' });
  await expect(uploads.getByText('2 of 3 uploaded · 1 failed.')).toBeVisible({ timeout: 60_000 });
  expect(refused).toBe(1);
  // Several files travel at once: the failure names the one it happened to.
  await expect(uploads.getByRole('list', { name: 'Uploads' }).getByRole('alert')).toHaveText(
    'The upload of "ep02.mp4" was refused (403). Reload the page and try again; if it keeps happening, tell us the file\'s name.',
  );
  await uploads.getByRole('button', { name: 'Retry failed' }).click();
  await expect(uploads.getByText('3 of 3 files uploaded · 3 ready.')).toBeVisible({ timeout: 60_000 });
  await expect(uploads.getByRole('button', { name: 'Retry failed' })).toHaveCount(0);
  await expect(page.getByText('3 episodes · 3 ready')).toBeVisible();
});

test('Choosing the same files again skips them, and a replacement that would cancel a review waits for “Replace anyway”', async ({ page, request }) => {
  test.setTimeout(180_000);
  const editor = await apiAs(request, accounts.editor);
  // Episode 1 is in review for the US; episodes 2 and 3 come from a first bulk upload.
  const { seriesId, episodeId } = await createReadyEpisode(editor, await tokenOf(request, accounts.editor), { title: unique('Dropped Again'), subtitles: ['Hello.'] });
  await submit(editor, episodeId, ['US']);
  const clips = [
    { name: 'ep02.mp4', path: await makeClip('again-02.mp4', { seconds: 1 }) },
    { name: 'ep03.mp4', path: await makeClip('again-03.mp4', { seconds: 2 }) },
  ];
  const replacement = { name: 'ep01.mp4', path: await makeClip('again-01.mp4', { seconds: 3 }) };

  await signIn(page, accounts.editor);
  await open(page, `/catalog/${seriesId}`);
  const uploads = page.getByRole('region', { name: 'Upload videos' });
  const preview = page.getByRole('region', { name: 'Check the files and their episodes' });
  const list = uploads.getByRole('list', { name: 'Uploads' });
  await dropFiles(page.getByRole('heading', { name: 'Upload videos' }), clips);
  await preview.getByRole('button', { name: 'Upload 2 files' }).click();
  await expect(uploads.getByText('2 of 2 files uploaded · 2 ready.')).toBeVisible({ timeout: 60_000 });

  await test.step('the same files chosen again are recognised and skipped; nothing can start', async () => {
    await uploads.getByLabel('Choose video files').setInputFiles(clips.map((c) => ({ name: c.name, mimeType: 'video/mp4', buffer: readFileSync(c.path) })));
    for (const { name } of clips) {
      await expect(fileRow(preview, name)).toContainText('Same video already uploaded — skipped.');
      await expect(preview.getByRole('checkbox', { name: `Skip ${name}` })).toBeChecked();
    }
    await expect(preview).toContainText('No file to upload yet; 2 files are already uploaded and skipped.');
    await expect(preview.getByRole('button', { name: /^Upload/ })).toBeDisabled();
  });

  await test.step('a new video for the episode in review is held, naming what it cancels, until “Replace anyway”', async () => {
    await dropFiles(page.getByRole('heading', { name: 'Upload videos' }), [replacement]);
    const row = fileRow(preview, 'ep01.mp4');
    await expect(row).toContainText('Not uploaded: Replacing cancels its review in US. Tick “Replace anyway” to upload it.');
    await expect(preview.getByRole('button', { name: /^Upload/ })).toBeDisabled();
    await row.getByRole('checkbox', { name: 'Replace anyway' }).check();
    await expect(row).toContainText('Replacing cancels its review in US.');
    await expect(preview).toContainText('1 file for episode 1; 2 files are already uploaded and skipped.');
    await preview.getByRole('button', { name: 'Upload 1 file' }).click();
    await expect(list.getByRole('listitem').filter({ hasText: 'ep01.mp4 → Episode 1' }).getByRole('status')).toHaveText(/^Ready\. 0:03/, { timeout: 60_000 });
    // The skipped files were not sent again.
    await expect(list.getByRole('listitem')).toHaveCount(3);
  });
});

test('A replacement refused because a review began after the preview comes back to it, held with what it cancels now', async ({ page, request }) => {
  test.setTimeout(180_000);
  const editor = await apiAs(request, accounts.editor);
  const { seriesId, episodeId } = await createReadyEpisode(editor, await tokenOf(request, accounts.editor), { title: unique('Refused Replacement'), subtitles: ['Hello.'] });
  const replacement = { name: 'ep01.mp4', path: await makeClip('refused-01.mp4', { seconds: 3 }) };

  await signIn(page, accounts.editor);
  await open(page, `/catalog/${seriesId}`);
  const uploads = page.getByRole('region', { name: 'Upload videos' });
  const preview = page.getByRole('region', { name: 'Check the files and their episodes' });
  const list = uploads.getByRole('list', { name: 'Uploads' });
  await dropFiles(page.getByRole('heading', { name: 'Upload videos' }), [replacement]);
  const row = fileRow(preview, 'ep01.mp4');
  // Nothing is at stake yet: the preview lets it go without asking.
  await expect(row).toContainText('Replaces the video of');
  await expect(row).not.toContainText('Replacing cancels');

  // Someone submits the episode for review in the US while the preview is open.
  await submit(editor, episodeId, ['US']);
  await preview.getByRole('button', { name: 'Upload 1 file' }).click();

  await test.step('the refused file is back in the preview, held, naming the review it would cancel', async () => {
    await expect(row).toContainText('Not uploaded: Replacing cancels its review in US. Tick “Replace anyway” to upload it.', { timeout: 30_000 });
    await expect(preview.getByRole('button', { name: /^Upload/ })).toBeDisabled();
    // It left the progress list: no "Resume" that would be refused the same way.
    await expect(list.getByRole('listitem').filter({ hasText: 'ep01.mp4' })).toHaveCount(0);
    await expect(uploads.getByRole('button', { name: /^Resume/ })).toHaveCount(0);
  });

  await test.step('confirmed anew, it replaces the video', async () => {
    await row.getByRole('checkbox', { name: 'Replace anyway' }).check();
    await preview.getByRole('button', { name: 'Upload 1 file' }).click();
    await expect(list.getByRole('listitem').filter({ hasText: 'ep01.mp4 → Episode 1' }).getByRole('status')).toHaveText(/^Ready\. 0:03/, { timeout: 60_000 });
  });
});
