import { expect, test, type Locator, type Page } from '@playwright/test';
import { apiAs } from '../support/api';
import { makeDub } from '../support/episodes';
import { createReadyEpisode, submit, tokenOf } from '../support/review';
import { open, signIn } from '../support/session';
import { accounts, unique } from '../support/stack';

/** The player's audio choice beside `video`, and the dub playing with it. */
async function pickAudio(page: Page, scope: Locator, option: string) {
  await scope.getByLabel('Audio', { exact: true }).selectOption({ label: option });
  return page.locator('audio[data-dub-language]');
}

test('An editor uploads a Spanish dub, hears it with the video, and a dub of the wrong length or language is refused in words', async ({ page, request }) => {
  // The last step waits for the episode's screening before the reviewer opens it.
  test.setTimeout(150_000);
  const editor = await apiAs(request, accounts.editor);
  const title = unique('Dubbed');
  const { seriesId, episodeId } = await createReadyEpisode(editor, await tokenOf(request, accounts.editor), { title, subtitles: ['Where were you last night?'] });
  // The clip runs 4 s: a 4 s dub fits; an 8 s one does not (the tolerance is the larger of 1 s and 1 %).
  const [spanish, tooLong] = await Promise.all([makeDub('spanish-dub.wav', 4), makeDub('long-dub.wav', 8)]);

  await signIn(page, accounts.editor);
  await open(page, `/catalog/${seriesId}/episodes/${episodeId}`);
  const dubs = page.getByRole('region', { name: 'Dubbed audio' });
  await expect(dubs).toContainText('No dubs yet.');

  await test.step('the Spanish dub uploads with progress and is listed', async () => {
    await dubs.getByLabel('Dub language').fill('es');
    await dubs.getByLabel('Dub audio file').setInputFiles(spanish);
    await dubs.getByRole('button', { name: 'Upload the dub' }).click();
    const item = dubs.getByRole('list', { name: 'Dub uploads' }).getByRole('listitem').filter({ hasText: 'spanish-dub.wav' });
    await expect(item).toContainText('es dub of episode 1');
    await expect(item.getByRole('progressbar', { name: 'Upload of spanish-dub.wav to the es dub of episode 1' })).toHaveAttribute('value', '100', { timeout: 20_000 });
    await expect(item.getByRole('status')).toHaveText('Ready.', { timeout: 20_000 });
    const listed = dubs.getByRole('list', { name: 'Dubs' }).getByRole('listitem');
    await expect(listed).toHaveCount(1);
    await expect(listed).toContainText('es');
    await expect(listed).toContainText('pcm_s16le · 0:04');
    await expect(listed.getByLabel('Dub in es')).toHaveAttribute('src', /^\/media\/audio\/[0-9a-f-]+$/);
  });

  await test.step('the studio’s player plays the dub in step with the video instead of its sound', async () => {
    const player = page.getByRole('region', { name: 'Video' });
    const video = player.locator('video');
    const dub = await pickAudio(page, player, 'es dub');
    await expect(dub).toHaveAttribute('src', /^\/media\/audio\/[0-9a-f-]+$/);
    await expect(video).toHaveJSProperty('muted', true);
    await expect.poll(() => dub.evaluate((a: HTMLAudioElement) => a.readyState)).toBeGreaterThanOrEqual(1);
    await video.evaluate((v: HTMLVideoElement) => (v.currentTime = 2.5));
    await expect.poll(() => dub.evaluate((a: HTMLAudioElement) => a.currentTime)).toBeCloseTo(2.5, 0);
    await pickAudio(page, player, 'Original sound');
    await expect(page.locator('audio[data-dub-language]')).toHaveCount(0);
    await expect(video).toHaveJSProperty('muted', false);
  });

  await test.step('a dub of the wrong length is refused before it is sent, saying both durations', async () => {
    await dubs.getByLabel('Dub language').fill('es-MX');
    await dubs.getByLabel('Dub audio file').setInputFiles(tooLong);
    await dubs.getByRole('button', { name: 'Upload the dub' }).click();
    const item = dubs.getByRole('list', { name: 'Dub uploads' }).getByRole('listitem').filter({ hasText: 'long-dub.wav' });
    await expect(item.getByRole('alert')).toHaveText('"long-dub.wav" runs 8.0 s but the video runs 4.0 s; a dub must match it within 1.0 s.');
    await expect(item.getByRole('button', { name: /^Resume/ })).toHaveCount(0);
    await item.getByRole('button', { name: 'Dismiss the upload to the es-MX dub of episode 1' }).click();
  });

  await test.step('a language that is not a BCP 47 tag is refused by the API, in words', async () => {
    await dubs.getByLabel('Dub language').fill('Spanish please');
    await dubs.getByLabel('Dub audio file').setInputFiles(spanish);
    await dubs.getByRole('button', { name: 'Upload the dub' }).click();
    const item = dubs.getByRole('list', { name: 'Dub uploads' }).getByRole('listitem').filter({ hasText: 'spanish-dub.wav' }).last();
    await expect(item.getByRole('alert')).toHaveText('"Spanish please" is not a language tag. Use a BCP 47 tag such as es, es-MX or pt-BR.');
    await expect(dubs.getByRole('list', { name: 'Dubs' }).getByRole('listitem')).toHaveCount(1);
  });

  await test.step('the reviewer’s player offers the dub too', async () => {
    const caseId = await submit(editor, episodeId, ['US']);
    await page.context().clearCookies();
    await signIn(page, accounts.reviewer);
    await open(page, `/review/${caseId}`);
    const player = page.getByRole('region', { name: 'Video' });
    const dub = await pickAudio(page, player, 'es dub');
    await expect(dub).toHaveAttribute('src', /^\/media\/audio\/[0-9a-f-]+$/);
    await expect(player.getByLabel(/^Video of episode /)).toHaveJSProperty('muted', true);
    await expect.poll(() => dub.evaluate((a: HTMLAudioElement) => a.readyState)).toBeGreaterThanOrEqual(1);
  });
});

test('A dub for an episode in review shows what it cancels and uploads only once confirmed', async ({ page, request }) => {
  test.setTimeout(120_000);
  const editor = await apiAs(request, accounts.editor);
  const { episodeId, seriesId } = await createReadyEpisode(editor, await tokenOf(request, accounts.editor), { title: unique('Dub cancels'), subtitles: ['Hello.'] });
  await submit(editor, episodeId, ['US']);
  const spanish = await makeDub('cancelling-dub.wav', 4);

  await signIn(page, accounts.editor);
  await open(page, `/catalog/${seriesId}/episodes/${episodeId}`);
  const dubs = page.getByRole('region', { name: 'Dubbed audio' });
  await expect(dubs).toContainText('A dub cancels its review in US.');
  await dubs.getByLabel('Dub language').fill('es');
  await dubs.getByLabel('Dub audio file').setInputFiles(spanish);
  await expect(dubs.getByRole('button', { name: 'Upload the dub' })).toBeDisabled();
  await dubs.getByRole('checkbox', { name: 'Upload the dub anyway' }).check();
  await dubs.getByRole('button', { name: 'Upload the dub' }).click();
  const item = dubs.getByRole('list', { name: 'Dub uploads' }).getByRole('listitem').filter({ hasText: 'cancelling-dub.wav' });
  await expect(item.getByRole('progressbar', { name: 'Upload of cancelling-dub.wav to the es dub of episode 1' })).toHaveAttribute('value', '100', { timeout: 20_000 });
  await expect(dubs.getByRole('list', { name: 'Dubs' }).getByRole('listitem')).toHaveCount(1, { timeout: 20_000 });
});
