import { expect, test } from '@playwright/test';
import { apiAs, createPricedSeries } from '../support/api';
import { createDraftSeries, episodeUploads } from '../support/episodes';
import { open, signIn } from '../support/session';
import { accounts, unique } from '../support/stack';

/** Words that only GraphQL, the upload library or a proxy would write: none may reach the page. */
const RAW_TEXT = /Variable "\$|got invalid value|cannot represent|Int cannot|GraphQL|Expected type|Tus-Resumable|status_code|\bat Object\./;

test('An out-of-range price is refused beside its field in the dashboard’s words, never GraphQL’s', async ({ page, request }) => {
  const series = await createPricedSeries(await apiAs(request, accounts.editor), unique('Boundless Vows'));

  await signIn(page, accounts.editor);
  await open(page, `/catalog/${series.id}`);
  await page.getByLabel('Select episode 3', { exact: true }).check();
  const bulk = page.getByRole('region', { name: 'Price the selected episodes' });
  // More than a 32-bit integer: the API could not read it as Int, so the dashboard says so beside the field before sending.
  await bulk.getByLabel('Coins per episode').fill('3000000000');
  await bulk.getByRole('button', { name: 'Set price' }).click();
  await expect(bulk.getByLabel('Coins per episode')).toHaveAccessibleDescription('Coins is too large.');
  await expect(bulk.getByLabel('Coins per episode')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('body')).not.toContainText(RAW_TEXT);
});

test('A refused upload is worded by its reason from the API’s upload policy, never the upload library’s text', async ({ page, request }) => {
  const series = await createDraftSeries(await apiAs(request, accounts.editor), unique('Refused Formats'), 1);

  await signIn(page, accounts.editor);
  await open(page, `/catalog/${series.id}/episodes/${series.episodeIds[0]}`);
  const { video, list } = episodeUploads(page);
  // An extension the API does not accept, declared as a video so the picker lets it through.
  await video.getByLabel('Upload a video').setInputFiles({ name: 'scene.avi', mimeType: 'video/mp4', buffer: Buffer.from('not really a video\n') });
  const item = list.getByRole('listitem').filter({ hasText: 'scene.avi' });
  await expect(item.getByRole('alert')).toHaveText('Only MP4, MOV, WEBM videos are accepted; "scene.avi" is not one.');
  await expect(page.locator('body')).not.toContainText(RAW_TEXT);
});

test('Bytes beyond the size the upload declared are refused by reason, worded as the file having changed', async ({ page, request }) => {
  const series = await createDraftSeries(await apiAs(request, accounts.editor), unique('Growing File'), 1);

  await signIn(page, accounts.editor);
  await open(page, `/catalog/${series.id}/episodes/${series.episodeIds[0]}`);
  // The file grows on its way: each PATCH carries more bytes than the upload declared at creation.
  await page.route('**/uploads/*', async (route) => {
    const sent = route.request().postDataBuffer();
    if (route.request().method() !== 'PATCH' || !sent) return route.continue();
    await route.continue({ postData: Buffer.concat([sent, Buffer.from('appended while uploading\n')]) });
  });
  const { video, list } = episodeUploads(page);
  await video.getByLabel('Upload a video').setInputFiles({ name: 'growing.mp4', mimeType: 'video/mp4', buffer: Buffer.alloc(4096, 7) });
  const item = list.getByRole('listitem').filter({ hasText: 'growing.mp4' });
  await expect(item.getByRole('alert')).toHaveText('More data arrived than "growing.mp4" holds — the file may have changed while uploading. Choose it again to start over.');
  await expect(page.locator('body')).not.toContainText(RAW_TEXT);
});
