import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { graphql } from '../../schema/graphql';
import { apiAs, createPricedSeries, studioIdOf, type ApiClient } from '../support/api';
import { createDraftSeries } from '../support/episodes';
import { clearQueue, submitEpisodeForReview, tokenOf } from '../support/review';
import { open, signIn } from '../support/session';
import { accounts, unique } from '../support/stack';

/**
 * Every page a studio owner, a reviewer, a lead, an admin and a partner can reach, at a desktop width
 * and a phone's (390 × 844): no WCAG 2.1 A/AA violation axe-core can find, and no sideways scrolling
 * of the page itself (wide tables become cards or scroll inside their own box, which stays on the
 * screen). A full-page screenshot of each page at each width is kept in the test's output folder and
 * attached to its result.
 *
 * The pages show real data the test creates first: a priced and licensed series of 20 episodes, an
 * episode decided per territory (approved in one, changes requested in another, with a comment), and
 * one waiting in the review queue, so tables, histories and the case workspace are scanned filled in,
 * not as empty states.
 */
const WIDTHS = [
  { name: 'desktop', viewport: { width: 1440, height: 900 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
] as const;

/** Territories no other journey submits to, so this file's cases never meet theirs in a queue. */
const APPROVED_IN = 'PT';
const CHANGES_IN = 'NO';

interface Fixture {
  studioId: string;
  priced: { id: string };
  decided: { seriesId: string; episodeId: string; caseId: string };
  waiting: { seriesId: string; episodeId: string; caseId: string };
  invitationToken: string;
}

let fixture: Fixture;

test.beforeAll(async ({ playwright }) => {
  test.setTimeout(180_000);
  const request = await playwright.request.newContext();
  try {
    const owner = await apiAs(request, accounts.owner);
    const editor = await apiAs(request, accounts.editor);
    const reviewer = await apiAs(request, accounts.reviewer);
    const token = await tokenOf(request, accounts.editor);
    // Cases a stopped earlier run left behind would be claimed instead of this run's.
    for (const territory of [APPROVED_IN, CHANGES_IN]) await clearQueue(reviewer, territory);
    const priced = await createPricedSeries(owner, unique('Axe Bride'));
    const decided = await submitEpisodeForReview(editor, token, {
      title: unique('Axe Verdict'),
      subtitles: ['Good morning.', 'The tea is ready.'],
      territories: [APPROVED_IN, CHANGES_IN],
    });
    await decide(reviewer, decided.caseId);
    const waiting = await submitEpisodeForReview(editor, token, { title: unique('Axe Waiting'), subtitles: ['Good evening.'], territories: [APPROVED_IN] });
    fixture = { studioId: await studioIdOf(owner), priced, decided, waiting, invitationToken: await invite(owner) };
  } finally {
    await request.dispose();
  }
});

test.afterAll(async ({ playwright }) => {
  const request = await playwright.request.newContext();
  try {
    await clearQueue(await apiAs(request, accounts.reviewer), APPROVED_IN);
  } finally {
    await request.dispose();
  }
});

for (const width of WIDTHS) {
  test.describe(`at ${width.viewport.width} px`, () => {
    test.use({ viewport: width.viewport });

    test(`the sign-in and invitation pages are accessible and fit (${width.name})`, async ({ page }, testInfo) => {
      await checkPage(page, testInfo, '/login');
      await checkPage(page, testInfo, `/invite/${fixture.invitationToken}`);
    });

    test(`a studio owner's pages are accessible and fit (${width.name})`, async ({ page }, testInfo) => {
      test.setTimeout(240_000);
      await signIn(page, accounts.owner);
      const { priced, decided } = fixture;
      for (const path of [
        '/catalog',
        '/catalog/new',
        `/catalog/${priced.id}`,
        `/catalog/${priced.id}/edit`,
        `/catalog/${priced.id}/license`,
        `/catalog/${priced.id}/pricing`,
        `/catalog/${priced.id}/distribution`,
        `/catalog/${priced.id}/localization`,
        `/catalog/${decided.seriesId}`,
        `/catalog/${decided.seriesId}/episodes/${decided.episodeId}`,
        '/team',
      ]) {
        await checkPage(page, testInfo, path);
      }
      await open(page, `/catalog/${priced.id}`);
      const episode = await page.getByRole('link', { name: /^Episode 1\b/ }).first().getAttribute('href');
      expect(episode).toMatch(/\/episodes\//);
      await checkPage(page, testInfo, episode!);
    });

    test(`a reviewer's queue and cases are accessible and fit (${width.name})`, async ({ page }, testInfo) => {
      test.setTimeout(120_000);
      await signIn(page, accounts.reviewer);
      await checkPage(page, testInfo, '/review');
      await expect(page.getByText(/Axe Waiting/).first(), 'the waiting case is in the queue').toBeVisible();
      await checkPage(page, testInfo, `/review/${fixture.waiting.caseId}`);
      await checkPage(page, testInfo, `/review/${fixture.decided.caseId}`);
    });

    test(`a lead's queue and cases are accessible and fit (${width.name})`, async ({ page }, testInfo) => {
      test.setTimeout(120_000);
      await signIn(page, accounts.lead);
      await checkPage(page, testInfo, '/review');
      await checkPage(page, testInfo, `/review/${fixture.waiting.caseId}`);
    });

    test(`an admin's pages are accessible and fit (${width.name})`, async ({ page }, testInfo) => {
      test.setTimeout(180_000);
      await signIn(page, accounts.admin);
      for (const path of ['/admin', '/admin/partners', '/admin/review', '/team', `/team?organization=${fixture.studioId}`]) {
        await checkPage(page, testInfo, path);
      }
    });

    test(`a partner's API access page is accessible and fits (${width.name})`, async ({ page }, testInfo) => {
      await signIn(page, accounts.partner);
      await checkPage(page, testInfo, '/api-access');
    });
  });
}

test.describe('at 390 px', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('a 200-character title without a space wraps on every page that shows it, clipped nowhere', async ({ page, request }, testInfo) => {
    test.setTimeout(120_000);
    const editor = await apiAs(request, accounts.editor);
    const title = `${unique('Unbroken').replace(/[^A-Za-z0-9]/g, '')}${'W'.repeat(200)}`.slice(0, 200);
    const series = await createDraftSeries(editor, title, 1);
    const episodeId = series.episodeIds[0]!;
    await editor.call(UPDATE_EPISODE, { input: { id: episodeId, title } });

    await signIn(page, accounts.editor);
    for (const path of ['/catalog', `/catalog/${series.id}`, `/catalog/${series.id}/edit`, `/catalog/${series.id}/episodes/${episodeId}`]) {
      await checkPage(page, testInfo, path);
      const shown = await page.evaluate(titleShown, title.slice(0, 60));
      expect.soft(shown.visible, `${path} shows the title`).toBeGreaterThan(0);
      expect.soft(shown.clipped, `the title on ${path} at 390 px runs past the screen or its box`).toEqual([]);
    }
  });
});

/**
 * Where the text starting with `start` is shown (not visually hidden): how many times, and each time
 * a line of it runs past the screen or is cut off by a box around it.
 */
function titleShown(start: string): { visible: number; clipped: string[] } {
  const clipped: string[] = [];
  let visible = 0;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const holder = node.parentElement;
    if (!holder || !node.textContent?.includes(start) || holder.closest('.visually-hidden, option, [hidden]')) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const lines = [...range.getClientRects()].filter((r) => r.width > 0);
    if (!lines.length) continue;
    visible++;
    const name = `${holder.tagName.toLowerCase()}${[...holder.classList].map((c) => `.${c}`).join('')}`;
    // Inside a box that scrolls sideways (a wide table's) a line may start past the screen, but it still wraps: no line is wider than the screen.
    const scrolls = holder.closest('.table-scroll, [data-scrolls-inside]');
    for (const line of lines) {
      if (line.width > window.innerWidth) clipped.push(`${name} (a line ${Math.round(line.width)} px wide)`);
      else if (!scrolls && (line.left < -0.5 || line.right > window.innerWidth + 0.5)) clipped.push(`${name} (line from ${Math.round(line.left)} to ${Math.round(line.right)})`);
      for (let box: HTMLElement | null = holder; box && box !== document.body; box = box.parentElement) {
        const overflow = getComputedStyle(box).overflowX;
        if (overflow !== 'hidden' && overflow !== 'clip') continue;
        const b = box.getBoundingClientRect();
        if (line.left < b.left - 0.5 || line.right > b.right + 0.5) clipped.push(`${name} cut off by ${box.tagName.toLowerCase()}${[...box.classList].map((c) => `.${c}`).join('')}`);
      }
    }
  }
  return { visible, clipped: [...new Set(clipped)] };
}

/** Opens `path`, scans it with axe-core, checks it does not scroll sideways, and keeps a screenshot. */
async function checkPage(page: Page, testInfo: TestInfo, path: string): Promise<void> {
  await open(page, path);
  const width = page.viewportSize()!.width;
  const scan = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const violations = scan.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
  expect.soft(violations, `axe on ${path} at ${width} px`).toEqual([]);
  const overflow = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    // What sticks out, to say where to look when the page does scroll sideways.
    widest: [...document.querySelectorAll('body *')]
      .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 0.5 && !element.closest('.table-scroll, [data-scrolls-inside]'))
      .slice(0, 5)
      .map((element) => `${element.tagName.toLowerCase()}.${[...element.classList].join('.')} (right ${Math.round(element.getBoundingClientRect().right)})`),
  }));
  expect.soft(overflow.scrollWidth, `${path} scrolls sideways at ${width} px: ${overflow.widest.join(', ')}`).toBeLessThanOrEqual(overflow.innerWidth);
  // A table wider than the screen is read by scrolling its own box, which itself stays on screen;
  // one cut off by its page (no box of its own that scrolls) cannot be read at all.
  const unreachable = await page.evaluate(() =>
    [...document.querySelectorAll('table')]
      .filter((table) => {
        const r = table.getBoundingClientRect();
        if (r.width <= 1 || (r.left >= -0.5 && r.right <= window.innerWidth + 0.5)) return false;
        for (let box = table.parentElement; box && box !== document.body; box = box.parentElement) {
          const sideways = getComputedStyle(box).overflowX;
          if (sideways === 'auto' || sideways === 'scroll') {
            const b = box.getBoundingClientRect();
            return b.left < -0.5 || b.right > window.innerWidth + 0.5;
          }
        }
        return true;
      })
      .map((table) => table.caption?.textContent?.trim() || table.className || 'table'),
  );
  expect.soft(unreachable, `tables on ${path} that reach past the screen at ${width} px without a box of their own that scrolls`).toEqual([]);
  const file = testInfo.outputPath(`${path.replace(/[^a-z0-9]+/gi, '_').replace(/^_|_$/g, '') || 'root'}-${width}.png`);
  await page.screenshot({ path: file, fullPage: true, timeout: 30_000 });
  await testInfo.attach(`${path} at ${width} px`, { path: file, contentType: 'image/png' });
}

/** Claims the case (the only one waiting in its territories), approves it in one territory and requests changes in the other, with a comment at 0:01. */
async function decide(reviewer: ApiClient, caseId: string): Promise<void> {
  const { claimNextCase } = await reviewer.call(CLAIM_NEXT, { filter: { territory: APPROVED_IN } });
  expect(claimNextCase?.id).toBe(caseId);
  await reviewer.call(DECIDE, {
    input: {
      caseId,
      version: claimNextCase!.version,
      decisions: [
        { territory: APPROVED_IN, decision: 'APPROVE', citedRuleIds: [], notes: null },
        { territory: CHANGES_IN, decision: 'REQUEST_CHANGES', citedRuleIds: ['GLOBAL-VIOLENCE-01'], notes: 'Trim the fight at 0:01 before release.' },
      ],
      comments: [{ atSeconds: 1, text: 'The title card is cut off here.' }],
    },
  });
}

/** An invitation to the owner's studio for a new person, whose link the invitation page opens. */
async function invite(owner: ApiClient): Promise<string> {
  const { inviteMember } = await owner.call(INVITE, { input: { organizationId: await studioIdOf(owner), email: `${unique('axe-invitee')}@crimsonreel.test`, role: 'VIEWER' } });
  expect(inviteMember.invitationToken).toBeTruthy();
  return inviteMember.invitationToken!;
}

const CLAIM_NEXT = graphql(`mutation ClaimNext($filter: QueueFilterInput) { claimNextCase(filter: $filter) { id version } }`);
const DECIDE = graphql(`mutation Decide($input: DecideCaseInput!) { decideCase(input: $input) { id } }`);
const UPDATE_EPISODE = graphql(`mutation RenameEpisode($input: UpdateEpisodeInput!) { updateEpisode(input: $input) { id } }`);
const INVITE = graphql(`mutation Invite($input: InviteMemberInput!) { inviteMember(input: $input) { invitationToken } }`);
