import { graphql } from '../../schema/graphql';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { apiAs } from '../support/api';
import { episodeRow } from '../support/catalog';
import {
  addOperatorReviewer,
  clearQueue,
  expectVideoReady,
  latestCaseOf,
  makeReviewClip,
  submitEpisodeForReview,
  tokenOf,
  videoTime,
  webvtt,
} from '../support/review';
import { loadDocument, open, reload, sections, signIn } from '../support/session';
import { accounts, unique, WEB_PORT } from '../support/stack';

/** A signed-in page in a browser context of its own, for a second person in the same test. */
async function pageFor(browser: Browser, email: string, password?: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: `http://localhost:${WEB_PORT}` });
  const page = await context.newPage();
  await signIn(page, email, password);
  return page;
}

const findingsOf = (page: Page) => page.getByRole('region', { name: /^Findings/ });
const decisionOf = (page: Page) => page.getByRole('region', { name: 'Decision', exact: true });

test('A reviewer requests changes, the studio fixes and resubmits, the reviewer approves with A', async ({ page, request, browser }) => {
  test.setTimeout(120_000);
  const editor = await apiAs(request, accounts.editor);
  const title = unique('Last Call');
  const submitted = await submitEpisodeForReview(editor, await tokenOf(request, accounts.editor), { title, subtitles: ['Pour me another whisky.'], territories: ['SA'] });

  await test.step('the reviewer claims the case from the queue, filtered to the alcohol rule in Saudi Arabia', async () => {
    await signIn(page, accounts.reviewer);
    await sections(page).getByRole('link', { name: 'Review queue' }).click();
    await expect(page.getByRole('heading', { name: 'Review queue', level: 1 })).toBeVisible();
    const filters = page.getByRole('form', { name: 'Filter the queue' });
    await filters.getByLabel('Territory').selectOption('SA');
    await filters.getByLabel('Rule').selectOption('SA-ALCOHOL-01');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page).toHaveURL(/territory=SA&ruleId=SA-ALCOHOL-01/);
    await expect(page.getByRole('table', { name: /Cases waiting/ }).getByRole('row')).toHaveCount(2);
    await page.getByRole('button', { name: 'Claim next' }).click();
    await expect(page).toHaveURL(new RegExp(`/review/${submitted.caseId}\\?territory=SA&ruleId=SA-ALCOHOL-01$`));
    await expect(page.getByText(/You hold this case until/)).toBeVisible();
  });

  await test.step('the AI finding jumps the video to the whisky line', async () => {
    const findings = findingsOf(page);
    await expect(findings.getByRole('listitem').filter({ hasText: 'SA-ALCOHOL-01' })).toContainText('Pour me another whisky.');
    await expectVideoReady(page);
    await findings.getByRole('button', { name: /SA-ALCOHOL-01 at 0:01/ }).click();
    await expect.poll(() => videoTime(page)).toBeCloseTo(1, 1);
    await expect(page.getByRole('region', { name: 'Subtitles' }).locator('li[aria-current="true"]')).toContainText('Pour me another whisky.');
    await expect(page.getByRole('list', { name: 'Findings and notes on the timeline' }).getByRole('button', { name: 'SA-ALCOHOL-01 (High) at 0:01' })).toHaveAttribute('aria-pressed', 'true');
  });

  await test.step('the reviewer requests changes citing the rule, with a note pinned to that moment', async () => {
    const decision = decisionOf(page);
    await decision.getByRole('radio', { name: 'Request changes' }).check();
    // The one rule flagged here is ticked already.
    await expect(decision.getByRole('checkbox', { name: /SA-ALCOHOL-01/ })).toBeChecked();
    await decision.getByLabel('Notes for the studio').fill('Alcohol may not be mentioned in Saudi Arabia.');
    await decision.getByLabel('Note', { exact: true }).fill('Replace the whisky with tea here.');
    await decision.getByRole('button', { name: 'Pin note at 0:01' }).click();
    await expect(decision.getByRole('listitem').filter({ hasText: 'Replace the whisky with tea here.' })).toContainText('0:01');
    await decision.getByRole('button', { name: 'Submit decision' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Your decision is recorded.' })).toContainText('Episode 1: Changes requested in SA.');
    await expect(page.getByRole('region', { name: 'Decisions', exact: true })).toContainText('SA-ALCOHOL-01');
  });

  const studio = await pageFor(browser, accounts.editor);
  await test.step('the studio reads the note at its moment, fixes the subtitles and the video, and resubmits', async () => {
    await open(studio, `/catalog/${submitted.seriesId}/episodes/${submitted.episodeId}`);
    await expect(studio.getByLabel('Status: Changes requested')).toBeVisible();
    const review = studio.getByRole('region', { name: 'Review', exact: true });
    const decided = review.getByRole('article').first();
    await expect(decided).toContainText('Alcohol may not be mentioned in Saudi Arabia.');
    await expect(decided).toContainText('Replace the whisky with tea here.');
    await expect(decided.getByRole('link', { name: 'Play from 0:01' })).toBeVisible();

    const subtitles = studio.getByRole('region', { name: 'Subtitles' });
    await subtitles.getByLabel('Language', { exact: true }).fill('en');
    await subtitles.getByLabel('Subtitle file').setInputFiles({ name: 'episode-1.en.vtt', mimeType: 'text/vtt', buffer: Buffer.from(webvtt(['Pour me another cup of tea.'])) });
    await subtitles.getByRole('button', { name: 'Upload subtitles' }).click();
    await expect(subtitles.getByRole('status')).toHaveText('Subtitles in en are saved: 1 cue.');

    const video = studio.getByRole('region', { name: 'Video' });
    await video.getByLabel('Replace the video').setInputFiles(await makeReviewClip(`${title}-fixed`, 3));
    await expect(video.getByRole('list', { name: 'Uploads' }).getByRole('status')).toContainText('Ready.', { timeout: 30_000 });
    await expect(studio.getByLabel('Status: Ready')).toBeVisible();

    const picker = review.getByRole('group', { name: 'Review for territories' });
    await picker.getByLabel('Find a territory').fill('SA');
    await picker.getByLabel('Find a territory').press('Enter');
    await review.getByRole('button', { name: 'Submit for review' }).click();
    await expect(review.getByRole('article').first().getByText('Waiting for a reviewer', { exact: true })).toBeVisible({ timeout: 30_000 });
  });
  const resubmitted = await latestCaseOf(editor, submitted.episodeId);
  expect(resubmitted.id).not.toBe(submitted.caseId);

  await test.step('the reviewer claims the resubmission and sees what changed', async () => {
    await open(page, '/review?territory=SA');
    await page.getByRole('button', { name: 'Claim next' }).click();
    await expect(page).toHaveURL(new RegExp(`/review/${resubmitted.id}`));
    const changes = page.getByRole('region', { name: 'What changed since the last review' });
    await expect(changes).toContainText('The video was replaced');
    await expect(changes.getByRole('row', { name: /^Subtitles/ })).toBeVisible();
    await expect(changes).toContainText('Replace the whisky with tea here.');
    await expect(findingsOf(page)).toContainText('The screening found nothing to flag.');
  });

  await test.step('A approves, and the shortcuts are explained on ?', async () => {
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(help).toBeVisible();
    await expect(help).toContainText('Approve the focused territory');
    await help.getByRole('button', { name: 'Close' }).click();
    await expect(help).toBeHidden();

    const decision = decisionOf(page);
    // The screening found it clear, so approval is chosen already; R and A change it.
    await expect(decision.getByRole('radio', { name: 'Approve' })).toBeChecked();
    await decision.getByLabel('Notes for the studio').fill('Thank you');
    await decision.getByLabel('Notes for the studio').press('r');
    await expect(decision.getByRole('radio', { name: 'Approve' })).toBeChecked();
    await decision.getByLabel('Notes for the studio').fill('');
    await page.getByRole('heading', { level: 1 }).click();
    await page.keyboard.press('r');
    await expect(decision.getByRole('radio', { name: 'Reject' })).toBeChecked();
    await page.keyboard.press('a');
    await expect(decision.getByRole('radio', { name: 'Approve' })).toBeChecked();
    await decision.getByRole('button', { name: 'Submit decision' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Your decision is recorded.' })).toContainText('Episode 1: Approved in SA.');
    // Announced once: no second live region still reads out what the A key chose before the decision.
    const live = page.locator('[role="status"], [role="alert"], [aria-live="polite"], [aria-live="assertive"]');
    await expect(live.filter({ hasText: 'Your decision is recorded.' })).toHaveCount(1);
    await expect(live.filter({ hasText: /Approve/ })).toHaveCount(1);
    // One badge says where the case stands; the episode's status is told beside it, not as a rival badge.
    const meta = page.locator('.case-meta');
    await expect(meta.locator('.badge')).toHaveCount(1);
    await expect(meta.locator('.badge')).toHaveText('Decided');
  });

  await test.step('the studio sees the episode approved', async () => {
    await open(studio, `/catalog/${submitted.seriesId}`);
    await expect(episodeRow(studio, 1).getByText('Approved', { exact: true })).toBeVisible();
  });

  await test.step('the queue’s calibration counts the decisions against each detector and model that screened the case', async () => {
    await open(page, '/review');
    const byDetector = page.getByRole('region', { name: 'Agreement by provider and model' });
    await expect(byDetector.locator('tr[data-detector="KEYWORD_RULES"]')).toContainText('Keyword rules');
    await expect(byDetector.locator('tr[data-detector="EMBEDDED_IMAGE_MODEL"]')).toContainText(/nsfwjs\/MobileNetV2 \d+\.\d+\.\d+/);
  });
  await studio.context().close();
});

test('Two reviewers never get the same case', async ({ browser, request }) => {
  test.setTimeout(90_000);
  const editor = await apiAs(request, accounts.editor);
  const token = await tokenOf(request, accounts.editor);
  // Malaysia is this test's own territory, so other tests' cases never mix in.
  const cases = await Promise.all(
    ['One', 'Two'].map((n) => submitEpisodeForReview(editor, token, { title: unique(`Twin Claims ${n}`), subtitles: ['Good morning.'], territories: ['MY'] })),
  );
  const second = { email: `${unique('rin')}@greenlight.test`, name: 'Rin Second', password: 'second-reviewer-pass' };
  await addOperatorReviewer(await apiAs(request, accounts.admin), request, second);

  const first = await pageFor(browser, accounts.reviewer);
  const other = await pageFor(browser, second.email, second.password);
  await Promise.all([open(first, '/review?territory=MY'), open(other, '/review?territory=MY')]);
  await Promise.all([first.getByRole('button', { name: 'Claim next' }).click(), other.getByRole('button', { name: 'Claim next' }).click()]);
  await Promise.all([first.waitForURL(/\/review\/[^?]+/), other.waitForURL(/\/review\/[^?]+/)]);
  const [firstCase, otherCase] = [first, other].map((p) => new URL(p.url()).pathname.split('/').pop()!);
  expect(firstCase).not.toBe(otherCase);
  expect([firstCase, otherCase].sort()).toEqual(cases.map((c) => c.caseId).sort());

  await test.step('with both cases taken, a third claim finds nothing', async () => {
    await first.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Review queue' }).click();
    await expect(first.getByRole('table', { name: /Cases waiting/ })).toContainText(second.email);
    await first.getByRole('button', { name: 'Claim next' }).click();
    await expect(first.getByRole('status').filter({ hasText: 'Nothing to claim right now' })).toBeVisible();
  });

  await test.step('the other reviewer’s case can be read, not decided', async () => {
    await open(first, `/review/${otherCase}?territory=MY`);
    await expect(first.getByText(`Claimed by ${second.email} until`)).toBeVisible();
    await expect(first.getByRole('region', { name: 'Decision', exact: true })).toHaveCount(0);
    await first.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Review queue' }).click();
  });

  await test.step('releasing a case puts it back for the next claim', async () => {
    await other.getByRole('button', { name: 'Release' }).click();
    await expect(other.getByRole('status').filter({ hasText: 'The case is back in the queue' })).toBeVisible();
    await first.getByRole('button', { name: 'Claim next' }).click();
    await expect(first).toHaveURL(new RegExp(`/review/${otherCase}`));
  });

  await first.context().close();
  await other.context().close();
  await clearQueue(await apiAs(request, accounts.reviewer), 'MY');
});

test('A reviewer claims the case they opened; the lead’s second approval starts from the first reviewer’s decisions', async ({ browser, request }) => {
  test.setTimeout(120_000);
  const editor = await apiAs(request, accounts.editor);
  const token = await tokenOf(request, accounts.editor);
  // Sweden and Denmark are this test's own territories, so other tests' cases never mix in.
  const [calm, graphic] = await Promise.all([
    submitEpisodeForReview(editor, token, { title: unique('Opened Vows'), subtitles: ['Good morning.'], territories: ['SE'] }),
    submitEpisodeForReview(editor, token, { title: unique('Second Look'), subtitles: ['There was blood everywhere.'], territories: ['SE', 'DK'] }),
  ]);
  const second = { email: `${unique('ola')}@greenlight.test`, name: 'Ola Second', password: 'second-reviewer-pass' };
  await addOperatorReviewer(await apiAs(request, accounts.admin), request, second);
  const reviewer = await pageFor(browser, accounts.reviewer);
  const other = await pageFor(browser, second.email, second.password);

  await test.step('the reviewer claims the case they opened, not the top of the queue', async () => {
    await Promise.all([open(reviewer, `/review/${calm.caseId}`), open(other, `/review/${calm.caseId}`)]);
    await expect(reviewer.getByText('Nobody holds this case. Claim it to decide it.')).toBeVisible();
    await reviewer.getByRole('button', { name: 'Claim this case' }).click();
    await expect(reviewer).toHaveURL(new RegExp(`/review/${calm.caseId}\\?notice=claimed`));
    await expect(reviewer.getByRole('status').filter({ hasText: 'The case is yours' })).toBeVisible();
    await expect(decisionOf(reviewer)).toBeVisible();
    // The claim button is gone: focus lands on the decision form's heading, not on the page.
    await expect(decisionOf(reviewer).getByRole('heading', { name: 'Decision', exact: true })).toBeFocused();
  });

  await test.step('a reviewer who opened it too is told who got there first, and until when', async () => {
    await other.getByRole('button', { name: 'Claim this case' }).click();
    await expect(other.getByRole('alert').filter({ hasText: 'claimed this case first' })).toContainText(new RegExp(`${accounts.reviewer}\\) claimed this case first and holds it until \\d\\d:\\d\\d UTC`));
    await expect(other.getByText(`Claimed by ${accounts.reviewer} until`)).toBeVisible();
    await expect(other.getByRole('button', { name: 'Claim this case' })).toHaveCount(0);
    await expect(decisionOf(other)).toHaveCount(0);
  });

  await test.step('the first reviewer approves against the likely violation in one territory and rejects in the other; the one rule screening flagged is ticked', async () => {
    await decisionOf(reviewer).getByRole('button', { name: 'Submit decision' }).click();
    await expect(reviewer.getByRole('status').filter({ hasText: 'Your decision is recorded.' })).toBeVisible();
    await open(reviewer, `/review/${graphic.caseId}`);
    await reviewer.getByRole('button', { name: 'Claim this case' }).click();
    const decision = decisionOf(reviewer);
    const sweden = decision.getByRole('group', { name: /^Sweden/ });
    const denmark = decision.getByRole('group', { name: /^Denmark/ });
    await sweden.getByRole('radio', { name: 'Approve' }).check();
    await sweden.getByLabel('Notes for the studio').fill('In context: a crime scene report.');
    await denmark.getByRole('radio', { name: 'Reject' }).check();
    await expect(denmark.getByRole('checkbox', { name: /GLOBAL-VIOLENCE-GRAPHIC-01/ })).toBeChecked();
    await decision.getByRole('button', { name: 'Submit decision' }).click();
    await expect(reviewer.getByRole('status').filter({ hasText: 'needs a lead’s second approval' })).toBeVisible();
  });

  await test.step('the lead claims it and finds the first reviewer’s decisions and cited rule preselected, naming who made them', async () => {
    const lead = await pageFor(browser, accounts.lead);
    await open(lead, `/review/${graphic.caseId}`);
    await expect(lead.locator('.badge').filter({ hasText: /^Escalated$/ })).toBeVisible();
    await lead.getByRole('button', { name: 'Claim this case' }).click();
    const decision = decisionOf(lead);
    await expect(decision).toContainText(`${accounts.reviewer} approved against a likely violation`);
    const sweden = decision.getByRole('group', { name: /^Sweden/ });
    const denmark = decision.getByRole('group', { name: /^Denmark/ });
    await expect(sweden.getByRole('radio', { name: 'Approve' })).toBeChecked();
    await expect(denmark.getByRole('radio', { name: 'Reject' })).toBeChecked();
    await expect(denmark.getByRole('checkbox', { name: /GLOBAL-VIOLENCE-GRAPHIC-01/ })).toBeChecked();
    await expect(sweden).toContainText(`Preselected from the first decision by ${accounts.reviewer}`);
    await decision.getByRole('button', { name: 'Submit decision' }).click();
    await expect(lead.getByRole('status').filter({ hasText: 'Your decision is recorded.' })).toContainText(/Approved in SE.*Rejected in DK|Rejected in DK.*Approved in SE/i);
    // The decision ended the escalation: the decided case no longer reads as escalated.
    await open(lead, `/review/${graphic.caseId}`);
    await expect(lead.locator('.badge').filter({ hasText: /^Decided$/ })).toBeVisible();
    await expect(lead.locator('.badge').filter({ hasText: /^Escalated$/ })).toHaveCount(0);
    await lead.context().close();
  });

  await reviewer.context().close();
  await other.context().close();
});

test('A decision on a case that changed meanwhile is refused with a way to reload', async ({ page, request }) => {
  const editor = await apiAs(request, accounts.editor);
  const submitted = await submitEpisodeForReview(editor, await tokenOf(request, accounts.editor), { title: unique('Stale Vows'), subtitles: ['Hello there.'], territories: ['ID'] });

  await signIn(page, accounts.reviewer);
  await open(page, '/review?territory=ID');
  await page.getByRole('button', { name: 'Claim next' }).click();
  await expect(page).toHaveURL(new RegExp(`/review/${submitted.caseId}`));

  // Meanwhile the same case is released and claimed again elsewhere: its version moves on.
  const reviewer = await apiAs(request, accounts.reviewer);
  await reviewer.call(graphql(`mutation ReleaseCase($id: ID!) { releaseCase(caseId: $id) { id } }`), { id: submitted.caseId });
  await reviewer.call(graphql(`mutation ClaimNextCase { claimNextCase(filter: { territory: "ID" }) { id } }`));

  const decision = decisionOf(page);
  await decision.getByRole('radio', { name: 'Approve' }).check();
  await decision.getByLabel('Notes for the studio').fill('Fine as it is.');
  await decision.getByRole('button', { name: 'Submit decision' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'Someone else changed this case since you opened it' });
  await expect(alert).toBeVisible();
  await loadDocument(page, () => alert.getByRole('link', { name: 'Reload the case' }).click());
  // The reloaded case starts afresh: what was typed is gone, only the screening's clear approval is chosen.
  await expect(decisionOf(page).getByLabel('Notes for the studio')).toHaveValue('');
  await decisionOf(page).getByRole('radio', { name: 'Approve' }).check();
  await decisionOf(page).getByRole('button', { name: 'Submit decision' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your decision is recorded.' })).toContainText('Episode 1: Approved in ID.');
});

test('An admin sets the auto-approve threshold and reads the active policy packs', async ({ page }) => {
  await signIn(page, accounts.admin);
  await sections(page).getByRole('link', { name: 'Review settings' }).click();
  await expect(page.getByRole('heading', { name: 'Review settings', level: 1 })).toBeVisible();
  const autoApprove = page.getByRole('switch', { name: 'Auto-approve low-risk cases' });
  await expect(autoApprove).not.toBeChecked();
  const threshold = page.getByLabel('Highest risk score to auto-approve');
  const before = await threshold.inputValue();

  await threshold.fill('150');
  await page.getByRole('button', { name: 'Save review settings' }).click();
  await expect(threshold).toHaveAccessibleDescription(/Use a whole number from 0 to 100\./);

  await threshold.fill('5');
  await page.getByRole('button', { name: 'Save review settings' }).click();
  await expect(page.getByRole('status')).toHaveText('Review settings saved. Every case goes to a reviewer.');
  await reload(page);
  await expect(threshold).toHaveValue('5');

  const saudi = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: /Saudi Arabia/ }) });
  await saudi.getByText(/\d+ rules/).click();
  await expect(saudi).toContainText('SA-ALCOHOL-01');

  await threshold.fill(before);
  await page.getByRole('button', { name: 'Save review settings' }).click();
  await expect(page.getByRole('status')).toHaveText('Review settings saved. Every case goes to a reviewer.');
});
