import { expect, test, type Page } from '@playwright/test';
import { apiAs } from '../support/api';
import { episodeRow } from '../support/catalog';
import { clearQueue, submitEpisodeForReview, tokenOf } from '../support/review';
import { open, signIn } from '../support/session';
import { accounts, unique } from '../support/stack';

const decisionOf = (page: Page) => page.getByRole('region', { name: 'Decision', exact: true });
const territoryOf = (page: Page, name: string) => decisionOf(page).getByRole('group', { name: new RegExp(`^${name}`) });

test('A clean case is decided in three actions from the queue: claim, the approval the AI made ready, Ctrl+Enter', async ({ page, request }) => {
  test.setTimeout(120_000);
  const editor = await apiAs(request, accounts.editor);
  // Fiji is this test's own territory, so no other case is claimed first.
  const submitted = await submitEpisodeForReview(editor, await tokenOf(request, accounts.editor), { title: unique('Quiet Harbour'), subtitles: ['Good morning.', 'The tea is ready.'], territories: ['FJ'] });
  await signIn(page, accounts.reviewer);
  await open(page, '/review?territory=FJ');

  let actions = 0;
  await page.getByRole('button', { name: 'Claim next' }).click();
  actions++;
  await expect(page).toHaveURL(new RegExp(`/review/${submitted.caseId}`));
  // The AI found Fiji clear: approval is already chosen, nothing to click.
  await expect(territoryOf(page, 'Fiji').getByRole('radio', { name: 'Approve' })).toBeChecked();
  await page.keyboard.press('Control+Enter');
  actions++;
  await expect(page.getByRole('status').filter({ hasText: 'Your decision is recorded.' })).toContainText('Episode 1: Approved in FJ.');
  expect(actions).toBeLessThanOrEqual(3);
});

test('A partial rejection reads per territory in the episode list, on the episode page and in its history', async ({ page, browser, request }) => {
  test.setTimeout(150_000);
  const editor = await apiAs(request, accounts.editor);
  const title = unique('Split Verdict');
  const submitted = await submitEpisodeForReview(editor, await tokenOf(request, accounts.editor), { title, subtitles: ['Good evening.', 'See you tomorrow.'], territories: ['IE', 'NZ', 'PH'] });

  await test.step('the reviewer approves Ireland and New Zealand, rejects the Philippines citing a rule, and sends it with ⌘+Enter from the notes', async () => {
    await signIn(page, accounts.reviewer);
    await open(page, '/review?territory=PH');
    await page.getByRole('button', { name: 'Claim next' }).click();
    await expect(page).toHaveURL(new RegExp(`/review/${submitted.caseId}`));
    await expect(territoryOf(page, 'Ireland').getByRole('radio', { name: 'Approve' })).toBeChecked();
    await expect(territoryOf(page, 'New Zealand').getByRole('radio', { name: 'Approve' })).toBeChecked();
    const philippines = territoryOf(page, 'Philippines');
    await philippines.getByRole('radio', { name: 'Reject' }).check();
    // Nothing was flagged here, so no rule is ticked for the reviewer.
    await expect(philippines.getByRole('checkbox', { checked: true })).toHaveCount(0);
    await philippines.getByText('Rules of the').click();
    await philippines.getByRole('checkbox', { name: /GLOBAL-VIOLENCE-GRAPHIC-01/ }).check();
    await philippines.getByLabel('Notes for the studio').fill('The fight scene is too graphic for the Philippines.');
    await philippines.getByLabel('Notes for the studio').press('Meta+Enter');
    await expect(page.getByRole('status').filter({ hasText: 'Your decision is recorded.' })).toContainText('Episode 1: Approved in IE, NZ · Rejected in PH.');
  });

  const studio = await browser.newPage();
  await signIn(studio, accounts.editor);
  await test.step('the studio’s episode list says where it is approved and where rejected', async () => {
    await open(studio, `/catalog/${submitted.seriesId}`);
    await expect(episodeRow(studio, 1)).toContainText('Approved in IE, NZ · Rejected in PH');
  });

  await test.step('so do the episode page and its review history', async () => {
    await episodeRow(studio, 1).getByRole('link', { name: 'Episode 1', exact: true }).click();
    // A default title is said once.
    await expect(studio.getByRole('heading', { name: 'Episode 1', exact: true, level: 1 })).toBeVisible();
    // Beside the status under the title, and on the decided review in the history.
    await expect(studio.getByText('Approved in IE, NZ · Rejected in PH')).toHaveCount(2);
    const history = studio.getByRole('region', { name: 'Review', exact: true }).getByRole('article').first();
    await expect(history).toContainText('Approved in IE, NZ · Rejected in PH');
    await expect(history).toContainText('The fight scene is too graphic for the Philippines.');
  });
  await studio.close();
});

test('Queue rows name the series, the studio and the episode, and group by series with the filters on', async ({ page, request }) => {
  test.setTimeout(150_000);
  const editor = await apiAs(request, accounts.editor);
  const token = await tokenOf(request, accounts.editor);
  const [first, second] = [unique('Jade Throne'), unique('Crimson Vows')];
  // Two series, each with its "Episode 1", in Kenya only (this test's own territory).
  const a = await submitEpisodeForReview(editor, token, { title: first, subtitles: ['Good morning.'], territories: ['KE'] });
  const b = await submitEpisodeForReview(editor, token, { title: second, subtitles: ['Good night.'], territories: ['KE'] });

  await signIn(page, accounts.reviewer);
  await open(page, '/review?territory=KE');
  const table = page.getByRole('table', { name: /Cases waiting/ });
  const rowOf = (series: string) => table.getByRole('row').filter({ hasText: series });
  for (const series of [first, second]) {
    await expect(rowOf(series)).toHaveCount(1);
    await expect(rowOf(series)).toContainText('Crimson Reel Studio');
    // The default title is said once: "Episode 1", never "Episode 1: Episode 1".
    await expect(rowOf(series).getByRole('link')).toHaveText('Episode 1');
  }

  await page.getByRole('form', { name: 'Filter the queue' }).getByLabel('Group by series').check();
  await expect(page).toHaveURL(/territory=KE.*group=series/);
  for (const [series, submitted] of [[first, a], [second, b]] as const) {
    const group = table.getByRole('rowgroup').filter({ has: page.getByRole('columnheader', { name: new RegExp(series) }) });
    await expect(group.getByRole('columnheader', { name: new RegExp(series) })).toContainText('Crimson Reel Studio');
    await expect(group.getByRole('link', { name: 'Episode 1', exact: true })).toHaveAttribute('href', new RegExp(submitted.caseId));
  }

  await test.step('the case page names the series and the studio too', async () => {
    await rowOf(first).getByRole('link', { name: 'Episode 1' }).click();
    await expect(page.getByRole('heading', { name: 'Episode 1', level: 1 })).toBeVisible();
    await expect(page.getByText(`${first} · Crimson Reel Studio`)).toBeVisible();
  });
  await clearQueue(await apiAs(request, accounts.reviewer), 'KE');
});
