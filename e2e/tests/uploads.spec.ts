import { expect, test } from '@playwright/test';
import { graphql } from '../../schema/graphql';
import { apiAs } from '../support/api';
import { episodeRow } from '../support/catalog';
import { createDraftSeries, episodeUploads, expectImageLoaded, makeClip } from '../support/episodes';
import { open, reload, signIn } from '../support/session';
import { accounts, unique } from '../support/stack';

test('An editor uploads two clips and sees both episodes READY', async ({ page, request }) => {
  const series = await createDraftSeries(await apiAs(request, accounts.editor), unique('Two Clips'), 2);
  const [first, second] = await Promise.all([makeClip('two-clips-01.mp4', { seconds: 2 }), makeClip('two-clips-02.mp4', { seconds: 3 })]);

  await signIn(page, accounts.editor);
  await open(page, `/catalog/${series.id}`);
  const uploads = page.getByRole('region', { name: 'Upload videos' });
  await uploads.getByLabel('Choose video files').setInputFiles([second, first]);

  await test.step('each file goes to the episode its name gives', async () => {
    await expect(uploads.getByLabel('Episode number for two-clips-01.mp4')).toHaveValue('1');
    await expect(uploads.getByLabel('Episode number for two-clips-02.mp4')).toHaveValue('2');
    await expect(uploads.getByText('2 files for episodes 1–2.')).toBeVisible();
    await uploads.getByRole('button', { name: 'Upload 2 files' }).click();
  });

  await test.step('each upload reaches 100% and is processed', async () => {
    const list = uploads.getByRole('list', { name: 'Uploads' });
    for (const [name, episode, length] of [
      ['two-clips-01.mp4', 1, '0:02'],
      ['two-clips-02.mp4', 2, '0:03'],
    ] as const) {
      const item = list.getByRole('listitem').filter({ hasText: name });
      await expect(item.getByRole('progressbar', { name: `Upload of ${name} to episode ${episode}` })).toHaveAttribute('value', '100', { timeout: 20_000 });
      await expect(item).toContainText('100%');
      await expect(item.getByRole('status')).toHaveText(`Ready. ${length} · 360×640`, { timeout: 20_000 });
      await expectImageLoaded(item.locator('img'));
    }
  });

  await test.step('the episodes table shows both READY with length and poster', async () => {
    for (const [episode, length] of [
      [1, '0:02'],
      [2, '0:03'],
    ] as const) {
      const row = episodeRow(page, episode);
      await expect(row.getByText('Ready', { exact: true })).toBeVisible();
      await expect(row).toContainText(length);
      await expectImageLoaded(row.locator('img'));
    }
    await expect(page.getByText('2 episodes · 2 ready')).toBeVisible();
  });

  await test.step('the episode page plays the new video', async () => {
    await episodeRow(page, 2).getByRole('link', { name: 'Episode 2' }).click();
    await expect(page.getByRole('heading', { name: 'Episode 2', exact: true, level: 1 })).toBeVisible();
    const video = page.getByRole('region', { name: 'Video' });
    await expect(video.locator('video')).toHaveAttribute('src', /^\/media\/[^/]+\/video$/);
    await expect(video).toContainText('360 × 640 (vertical)');
    await expect(video).toContainText('two-clips-02.mp4');
    await expect(page.getByRole('region', { name: 'Upload history' })).toContainText('Succeeded');
  });
});

test('A refused file says why', async ({ page, request }) => {
  const series = await createDraftSeries(await apiAs(request, accounts.editor), unique('Refused Clip'), 1);

  await signIn(page, accounts.editor);
  await open(page, `/catalog/${series.id}/episodes/${series.episodeIds[0]}`);
  const { video, list } = episodeUploads(page);
  // Named like a video, but the browser knows it is text: the server refuses it before any bytes are sent.
  await video.getByLabel('Upload a video').setInputFiles({ name: 'notes.mp4', mimeType: 'text/plain', buffer: Buffer.from('These are notes, not a video.\n') });

  const item = list.getByRole('listitem').filter({ hasText: 'notes.mp4' });
  await expect(item.getByRole('alert')).toHaveText('The file type text/plain does not match a .mp4 video (expected video/mp4).');
  await expect(item.getByRole('button', { name: 'Resume the upload to episode 1' })).toHaveCount(0);
  await item.getByRole('button', { name: 'Dismiss the upload to episode 1' }).click();
  await expect(list).toHaveCount(0);

  await reload(page);
  await expect(page.getByLabel('Status: Draft')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Upload history' })).toContainText('No uploads yet.');
});

test('An interrupted upload carries on from where it stopped', async ({ page, request }) => {
  const series = await createDraftSeries(await apiAs(request, accounts.editor), unique('Resumed Clip'), 1);
  const clip = await makeClip('resumed-clip-01.mp4', { seconds: 20, size: '720x1280' });

  await signIn(page, accounts.editor);
  await open(page, `/catalog/${series.id}/episodes/${series.episodeIds[0]}`);
  // A slow connection, so the page can be closed while the file is on its way.
  const network = await page.context().newCDPSession(page);
  await network.send('Network.enable');
  const uploadSpeed = (bytesPerSecond: number) => network.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: bytesPerSecond });
  await uploadSpeed(64 * 1024);

  const { video, list } = episodeUploads(page);
  await video.getByLabel('Upload a video').setInputFiles(clip);
  await expect.poll(async () => Number(await list.getByRole('progressbar').getAttribute('value')), { timeout: 20_000 }).toBeGreaterThanOrEqual(10);
  page.once('dialog', (dialog) => void dialog.accept());
  await reload(page);
  await expect(page.getByLabel('Status: Uploading')).toBeVisible();

  await uploadSpeed(256 * 1024);
  await video.getByLabel('Upload a video').setInputFiles(clip);
  await expect(list.getByRole('status')).toHaveText('Uploading, carrying on from where an earlier attempt stopped…');
  await uploadSpeed(-1);
  await expect(list.getByRole('status')).toContainText('Ready. 0:20 · 720×1280', { timeout: 30_000 });

  // One upload on the server: the second choice of the file continued the first.
  const history = page.getByRole('region', { name: 'Upload history' });
  await expect(history.getByRole('row')).toHaveCount(2);
  await expect(history.getByRole('row').nth(1)).toContainText('Succeeded');
});

test('The file picker offers exactly the formats the API accepts', async ({ page, request }) => {
  const api = await apiAs(request, accounts.editor);
  const series = await createDraftSeries(api, unique('Formats'), 1);
  const { uploadPolicy } = await api.call(graphql(`query UploadPolicy { uploadPolicy { acceptedTypes acceptedExtensions } }`));

  await signIn(page, accounts.editor);
  await open(page, `/catalog/${series.id}`);
  const accept = await page.getByRole('region', { name: 'Upload videos' }).getByLabel('Choose video files').getAttribute('accept');
  expect(accept?.split(',')).toEqual([...uploadPolicy.acceptedTypes, ...uploadPolicy.acceptedExtensions.map((e) => `.${e}`)]);
  expect(accept).not.toContain('.m4v');
});

test('A request that fails for a moment is sent again, and the page says so meanwhile', async ({ page, request }) => {
  const series = await createDraftSeries(await apiAs(request, accounts.editor), unique('Retried Clip'), 1);
  const clip = await makeClip('retried-clip-01.mp4', { seconds: 2 });

  await signIn(page, accounts.editor);
  await open(page, `/catalog/${series.id}/episodes/${series.episodeIds[0]}`);
  // The first two PATCHes meet an API without its database; the upload library tries again by itself.
  let refused = 0;
  await page.route('**/uploads/*', async (route) => {
    if (route.request().method() !== 'PATCH' || refused >= 2) return route.continue();
    refused++;
    await route.fulfill({ status: 503, headers: { 'Tus-Resumable': '1.0.0', 'Upload-Refusal-Reason': 'SERVICE_UNAVAILABLE', 'Retry-After': '5' }, body: 'The service cannot reach its database just now. Try again in 5 seconds.\n' });
  });

  const { video, list } = episodeUploads(page);
  await video.getByLabel('Upload a video').setInputFiles(clip);
  await expect(list.getByRole('status')).toHaveText('Sending "retried-clip-01.mp4" paused: Greenlight is briefly unavailable. Trying again in 1 s…');
  await expect(list.getByRole('status')).toContainText('Ready. 0:02 · 360×640', { timeout: 30_000 });
  expect(refused).toBe(2);
  await expect(page.getByRole('region', { name: 'Upload history' }).getByRole('row').nth(1)).toContainText('Succeeded');
});
