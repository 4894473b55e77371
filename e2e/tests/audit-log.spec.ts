import { expect, test } from '@playwright/test';
import { sections, signIn } from '../support/session';
import { accounts, API_GRAPHQL_URL, DEMO_PASSWORD } from '../support/stack';

test('An admin reads older audit events with "Load more"', async ({ page, request }) => {
  // Every sign-in is recorded, so a few dozen of them fill more than one page of the log.
  for (let i = 0; i < 55; i++) {
    const response = await request.post(API_GRAPHQL_URL, {
      data: {
        query: 'mutation ($input: SignInInput!) { signIn(input: $input) { expiresAt } }',
        variables: { input: { email: accounts.lead, password: DEMO_PASSWORD } },
      },
    });
    expect(response.ok()).toBe(true);
  }

  await signIn(page, accounts.admin);
  await sections(page).getByRole('link', { name: 'Organizations' }).click();
  const log = page.getByRole('region', { name: 'Audit log' });
  const rows = log.locator('tbody tr');
  await expect(rows).toHaveCount(50);
  await expect(log.getByText('That is the beginning of the log.')).toHaveCount(0);

  // Other journeys (and earlier runs of this one) record events too: page back until the
  // beginning, every page adding older rows below.
  const loadMore = log.getByRole('button', { name: 'Load more' });
  let shown = 50;
  for (let pages = 0; await loadMore.isVisible(); pages++) {
    expect(pages, 'pages of audit events').toBeLessThan(100);
    await loadMore.click();
    await expect.poll(() => rows.count()).toBeGreaterThan(shown);
    shown = await rows.count();
  }
  expect(shown).toBeGreaterThan(50);
  await expect(log.getByText('That is the beginning of the log.')).toBeVisible();
  await expect(log).toContainText('seed.demo_data');
});
