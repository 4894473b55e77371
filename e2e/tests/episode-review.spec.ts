import { expect, test, type Page } from '@playwright/test';
import { graphql } from '../../schema/graphql';
import { apiAs } from '../support/api';
import { episodeRow } from '../support/catalog';
import { createDraftSeries, decideNextCase, episodeUploads, makeClip } from '../support/episodes';
import { open, reload, signIn } from '../support/session';
import { accounts, unique } from '../support/stack';

/** Uploads a fresh clip on the open episode page and waits until the episode is READY. */
async function uploadOnEpisodePage(page: Page, name: string) {
  const clip = await makeClip(name);
  const { video, list } = episodeUploads(page);
  await video.getByLabel('Upload a video').setInputFiles(clip);
  await expect(list.getByRole('status')).toContainText('Ready.', { timeout: 20_000 });
  await expect(page.getByLabel('Status: Ready')).toBeVisible();
  await expect(video.locator('video')).toHaveAttribute('poster', /^\/media\/[^/]+\/poster\.jpg$/);
}

/** Picks a territory in the review form's territory picker. */
async function chooseTerritory(page: Page, code: string) {
  const picker = page.getByRole('region', { name: 'Review', exact: true }).getByRole('group', { name: 'Review for territories' });
  await picker.getByLabel('Find a territory').fill(code);
  await picker.getByLabel('Find a territory').press('Enter');
}

test('An editor submits an episode for review and sees it in review', async ({ page, request }) => {
  const series = await createDraftSeries(await apiAs(request, accounts.editor), unique('Review Vows'), 1);

  await signIn(page, accounts.editor);
  await open(page, `/catalog/${series.id}`);
  await episodeRow(page, 1).getByRole('link', { name: 'Episode 1' }).click();
  await expect(page.getByRole('heading', { name: 'Episode 1', exact: true, level: 1 })).toBeVisible();
  const review = page.getByRole('region', { name: 'Review', exact: true });
  await expect(review).toContainText('Upload a video first');

  await uploadOnEpisodePage(page, 'review-vows-01.mp4');

  await chooseTerritory(page, 'US');
  await review.getByRole('button', { name: 'Submit for review' }).click();
  await expect(review.getByRole('status').filter({ hasText: 'Episode 1 is in review for United States. Screening starts now.' })).toBeVisible();
  await expect(page.getByLabel('Status: In review')).toBeVisible();

  const latest = review.getByRole('article').first();
  await expect(latest).toContainText('For United States');
  // Screening runs in the background; the page follows it until a reviewer is needed.
  await expect(latest.getByText('Waiting for a reviewer', { exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(latest).toContainText('Waiting for a reviewer to decide.');

  await page.getByRole('link', { name: series.title }).click();
  await expect(episodeRow(page, 1).getByText('In review', { exact: true })).toBeVisible();
});

test('An editor submits the selected ready episodes for review from the series page', async ({ page, request }) => {
  // Two uploads are processed (hashed, probed, poster) in the background: allow for a busy machine.
  test.setTimeout(120_000);
  const series = await createDraftSeries(await apiAs(request, accounts.editor), unique('Bulk Review'), 3);
  const clips = await Promise.all([makeClip('bulk-review-01.mp4'), makeClip('bulk-review-02.mp4')]);

  await signIn(page, accounts.editor);
  await open(page, `/catalog/${series.id}`);
  const uploads = page.getByRole('region', { name: 'Upload videos' });
  await uploads.getByLabel('Choose video files').setInputFiles(clips);
  await uploads.getByRole('button', { name: 'Upload 2 files' }).click();
  await expect(episodeRow(page, 2).getByText('Ready', { exact: true })).toBeVisible({ timeout: 60_000 });
  await expect(episodeRow(page, 1).getByText('Ready', { exact: true })).toBeVisible({ timeout: 30_000 });

  await page.getByRole('button', { name: 'Select all shown' }).click();
  const bulk = page.getByRole('region', { name: 'Submit the selected episodes for review' });
  await expect(bulk).toContainText('2 selected episodes ready for review: 1–2. 1 other selected episode is left out');
  const picker = bulk.getByRole('group', { name: 'Review for territories' });
  await picker.getByLabel('Find a territory').fill('CA');
  await picker.getByLabel('Find a territory').press('Enter');
  await bulk.getByRole('button', { name: 'Submit for review' }).click();
  await expect(bulk.getByRole('status')).toHaveText('Episodes 1–2 are in review for Canada. Screening starts now.');
  await expect(episodeRow(page, 1).getByText('In review', { exact: true })).toBeVisible();
  await expect(episodeRow(page, 2).getByText('In review', { exact: true })).toBeVisible();
  await expect(episodeRow(page, 3).getByText('Draft', { exact: true })).toBeVisible();
});

test('A rejected episode shows the reviewer’s notes and comments, and takes one appeal', async ({ page, request }) => {
  const series = await createDraftSeries(await apiAs(request, accounts.editor), unique('Appealed Vows'), 1);

  await signIn(page, accounts.editor);
  await open(page, `/catalog/${series.id}/episodes/${series.episodeIds[0]}`);
  await uploadOnEpisodePage(page, 'appealed-vows-01.mp4');
  await chooseTerritory(page, 'SA');
  const review = page.getByRole('region', { name: 'Review', exact: true });
  await review.getByRole('button', { name: 'Submit for review' }).click();
  await expect(review.getByRole('article').first().getByText('Waiting for a reviewer', { exact: true })).toBeVisible({ timeout: 30_000 });

  await decideNextCase(await apiAs(request, accounts.reviewer), {
    territory: 'SA',
    decision: 'REJECT',
    citedRuleIds: ['GLOBAL-VIOLENCE-01'],
    notes: 'The slap in the opening scene is too violent for this rating.',
    comments: [{ atSeconds: 1, text: 'The slap lands here.' }, { text: 'Otherwise fine.' }],
  });
  await reload(page);

  const decided = review.getByRole('article', { name: /^Review of/ });
  await expect(page.getByLabel('Status: Rejected')).toBeVisible();
  await expect(decided.getByText('Decided', { exact: true })).toBeVisible();
  const saudi = decided.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Saudi Arabia' }) });
  await expect(saudi).toContainText('Rejected');
  // Signed by the team: a studio never learns which reviewer decided.
  await expect(saudi).toContainText('by Greenlight review team');
  await expect(saudi).not.toContainText('reviewer@greenlight.test');
  await expect(saudi).toContainText('The slap in the opening scene is too violent for this rating.');
  await expect(saudi).toContainText('Rules: GLOBAL-VIOLENCE-01');

  await test.step('a comment pinned to a moment seeks the video there', async () => {
    await decided.getByRole('link', { name: 'Play from 0:01' }).click();
    await expect(page).toHaveURL(/#t=1$/);
    await expect.poll(() => page.locator('#episode-video').evaluate((v: HTMLVideoElement) => v.currentTime)).toBeCloseTo(1, 1);
    await expect(decided).toContainText('Otherwise fine.');
  });

  await test.step('the studio appeals once', async () => {
    await decided.getByLabel('Statement').fill('The slap is stage combat shown in one second, with no injury; comparable titles were approved.');
    await decided.getByRole('button', { name: 'File the appeal' }).click();
    await expect(decided.getByRole('status')).toHaveText('Your appeal is filed. A different reviewer or a lead will decide it.');
    await expect(page.getByLabel('Status: In review')).toBeVisible();
    const appeal = review.getByRole('article').first();
    await expect(appeal.getByRole('heading')).toContainText('Appeal of');
    await expect(review.getByRole('article')).toHaveCount(2);
    await expect(appeal).toContainText('The slap is stage combat');
    await expect(appeal.getByText('Waiting for a reviewer', { exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: 'File the appeal' })).toHaveCount(0);
  });
});

test('A subtitle file with mistakes is refused line by line', async ({ page, request }) => {
  const series = await createDraftSeries(await apiAs(request, accounts.editor), unique('Subtitled Vows'), 1);

  await signIn(page, accounts.editor);
  await open(page, `/catalog/${series.id}/episodes/${series.episodeIds[0]}`);
  const subtitles = page.getByRole('region', { name: 'Subtitles' });
  const broken = ['WEBVTT', '', '00:00:02.000 --> 00:00:01.000', 'Backwards', '', 'Not a timing line', 'Hello', ''].join('\n');
  await subtitles.getByLabel('Language', { exact: true }).fill('en');
  await subtitles.getByLabel('Subtitle file').setInputFiles({ name: 'episode-1.en.vtt', mimeType: 'text/vtt', buffer: Buffer.from(broken) });
  await subtitles.getByRole('button', { name: 'Upload subtitles' }).click();
  await expect(subtitles.getByLabel('Subtitle file')).toHaveAttribute('aria-invalid', 'true');
  await expect(subtitles.getByLabel('Subtitle file')).toHaveAccessibleDescription(/The file has 2 problems/);
  await expect(subtitles.getByRole('listitem').filter({ hasText: /^Line \d+:/ })).toHaveText([
    'Line 3: The cue ends (00:00:01.000) before it starts (00:00:02.000).',
    'Line 6: Expected a cue timing line like "00:00:01.000 --> 00:00:03.500".',
  ]);

  const fixed = ['WEBVTT', '', '00:00:00.500 --> 00:00:01.500', 'Forwards', '', '00:00:01.500 --> 00:00:02.000', 'Hello', ''].join('\n');
  await subtitles.getByLabel('Language', { exact: true }).fill('en');
  await subtitles.getByLabel('Subtitle file').setInputFiles({ name: 'episode-1.en.vtt', mimeType: 'text/vtt', buffer: Buffer.from(fixed) });
  await subtitles.getByRole('button', { name: 'Upload subtitles' }).click();
  await expect(subtitles.getByRole('status')).toHaveText('Subtitles in en are saved: 2 cues.');
  await expect(subtitles.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'en' }) })).toContainText('WebVTT');
});

test('An editor adds AI-generated Spanish closed captions as SRT and the episode’s player offers them as WebVTT', async ({ page, request }) => {
  const series = await createDraftSeries(await apiAs(request, accounts.editor), unique('Captioned Vows'), 1);

  await signIn(page, accounts.editor);
  await open(page, `/catalog/${series.id}/episodes/${series.episodeIds[0]}`);
  await uploadOnEpisodePage(page, 'captioned-vows.mp4');
  const subtitles = page.getByRole('region', { name: 'Subtitles' });
  const srt = ['1', '00:00:00,500 --> 00:00:01,250', '[puerta] ¿Quién anda ahí?', '', '2', '00:00:01,500 --> 00:00:02,000', 'Nadie.', ''].join('\n');
  await subtitles.getByLabel('Language', { exact: true }).fill('es-MX');
  await subtitles.getByLabel('Kind').selectOption({ label: 'Closed captions (dialogue and sounds)' });
  await subtitles.getByLabel('AI generated this track (transcription or translation)').check();
  await subtitles.getByLabel('Subtitle file').setInputFiles({ name: 'episode-1.es.srt', mimeType: 'application/x-subrip', buffer: Buffer.from(srt) });
  await subtitles.getByRole('button', { name: 'Upload subtitles' }).click();
  await expect(subtitles.getByRole('status')).toHaveText('Subtitles in es-MX are saved: 2 cues.');
  const row = subtitles.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'es-MX' }) });
  await expect(row).toContainText('Closed captions');
  await expect(row).toContainText('AI-generated');
  await expect(row).toContainText('SRT');

  // The player carries the track, and the browser gets it as WebVTT.
  const track = page.getByRole('region', { name: 'Video' }).locator('video track');
  await expect(track).toHaveAttribute('srclang', 'es-MX');
  await expect(track).toHaveAttribute('kind', 'captions');
  await expect(track).toHaveAttribute('label', 'es-MX (closed captions) · AI-generated');
  const vtt = await page.request.get((await track.getAttribute('src'))!);
  expect(vtt.headers()['content-type']).toMatch(/^text\/vtt/);
  expect(await vtt.text()).toContain('00:00:00.500 --> 00:00:01.250\n[puerta] ¿Quién anda ahí?');
});

test('Before submitting, an editor sees that Mexico needs Spanish audio or subtitles, and that a licensed Spanish track meets it', async ({ page, request }) => {
  const editor = await apiAs(request, accounts.editor);
  const series = await createDraftSeries(editor, unique('Localized Vows'), 2);
  const license = (subtitleLanguages: string[]) =>
    editor.call(graphql(`mutation SetLicense($id: ID!, $i: LicenseInput!) { setLicense(seriesId: $id, input: $i) { id } }`), {
      id: series.id,
      i: { sourceWorkTitle: 'Localized Vows', sourceWorkKind: 'ORIGINAL', licensor: 'Crimson Reel', licenseKind: 'ORIGINAL', territoriesIncluded: ['US', 'MX'], windowStart: '2026-01-01T00:00:00Z', subtitleLanguages },
    });
  await license([]);
  await editor.call(graphql(`mutation SetSubtitles($i: SubtitlesInput!) { setSubtitles(input: $i) { id } }`), {
    i: { episodeId: series.episodeIds[0], language: 'es-MX', format: 'SRT', content: '1\n00:00:00,500 --> 00:00:01,500\nHola.\n' },
  });

  await signIn(page, accounts.editor);
  await open(page, `/catalog/${series.id}`);
  const preflight = page.getByRole('region', { name: 'Localization pre-flight' });
  await expect(preflight.getByRole('listitem')).toHaveText(['MX needs audio or subtitles in es (MX-LOCALIZATION-01): Missing episodes 1–2']);

  // The Spanish track counts once the license allows Spanish subtitles: only episode 2 is missing then.
  await license(['es']);
  await reload(page);
  await expect(preflight.getByRole('listitem')).toHaveText(['MX needs audio or subtitles in es (MX-LOCALIZATION-01): Missing episodes 2']);
  await open(page, `/catalog/${series.id}/episodes/${series.episodeIds[0]}`);
  await expect(page.getByRole('region', { name: 'Localization pre-flight' }).getByRole('listitem')).toHaveText(['MX needs audio or subtitles in es (MX-LOCALIZATION-01): Met']);
});
