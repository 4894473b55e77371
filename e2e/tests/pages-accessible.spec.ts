import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { apiAs } from '../support/api';
import { createPricedSeries } from '../support/api';
import { open, signIn } from '../support/session';
import { accounts, unique } from '../support/stack';

/**
 * Every page, at a desktop width and a phone's (390 × 844): no WCAG 2.1 A/AA violation axe-core can
 * find, and on the phone no sideways scrolling of the page itself (wide tables scroll inside their
 * own box). A screenshot of each page at each width is kept with the test's results.
 */
const WIDTHS = [
  { name: 'desktop', viewport: { width: 1440, height: 900 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
] as const;

async function checkPage(page: Page, testInfo: TestInfo, path: string, width: (typeof WIDTHS)[number]): Promise<void> {
  await open(page, path);
  const scan = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const violations = scan.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
  expect(violations, `axe on ${path} at ${width.viewport.width} px`).toEqual([]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `${path} scrolls sideways by ${overflow} px at ${width.viewport.width} px`).toBeLessThanOrEqual(0);
  await testInfo.attach(`${path.replaceAll('/', '_') || 'root'}-${width.viewport.width}.png`, { body: await page.screenshot({ timeout: 30_000 }), contentType: 'image/png' });
}

for (const width of WIDTHS) {
  test.describe(`at ${width.viewport.width} px`, () => {
    test.use({ viewport: width.viewport });

    test(`the sign-in page is accessible (${width.name})`, async ({ page }, testInfo) => {
      await checkPage(page, testInfo, '/login', width);
    });

    test(`a studio owner's pages are accessible and fit (${width.name})`, async ({ page, request }, testInfo) => {
      test.setTimeout(180_000);
      const owner = await apiAs(request, accounts.owner);
      const series = await createPricedSeries(owner, unique('Axe Bride'));
      await signIn(page, accounts.owner);
      for (const path of ['/catalog', '/catalog/new', `/catalog/${series.id}`, `/catalog/${series.id}/edit`, `/catalog/${series.id}/license`, `/catalog/${series.id}/pricing`, `/catalog/${series.id}/distribution`, `/catalog/${series.id}/localization`, '/team']) {
        await checkPage(page, testInfo, path, width);
      }
      await open(page, `/catalog/${series.id}`);
      const episode = await page.getByRole('link', { name: /^Episode 1\b/ }).first().getAttribute('href');
      expect(episode).toMatch(/\/episodes\//);
      await checkPage(page, testInfo, episode!, width);
    });

    test(`a reviewer's queue is accessible and fits (${width.name})`, async ({ page }, testInfo) => {
      await signIn(page, accounts.reviewer);
      await checkPage(page, testInfo, '/review', width);
    });

    test(`an admin's pages are accessible and fit (${width.name})`, async ({ page }, testInfo) => {
      test.setTimeout(120_000);
      await signIn(page, accounts.admin);
      for (const path of ['/admin', '/admin/partners', '/admin/review', '/team']) await checkPage(page, testInfo, path, width);
    });

    test(`a partner's API access page is accessible and fits (${width.name})`, async ({ page }, testInfo) => {
      await signIn(page, accounts.partner);
      await checkPage(page, testInfo, '/api-access', width);
    });
  });
}
