import { expect, test, type APIRequestContext } from '@playwright/test';
import { reload, sections, signIn } from '../support/session';
import { accounts, API_GRAPHQL_URL, unique } from '../support/stack';

interface ViewerAnswer {
  data?: { viewer: { kind: string } } | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/** Asks the API who the key belongs to, as a partner's system would. */
async function askViewerWith(request: APIRequestContext, key: string): Promise<ViewerAnswer> {
  const response = await request.post(API_GRAPHQL_URL, {
    headers: { authorization: `Bearer ${key}` },
    data: { query: '{ viewer { kind } }' },
  });
  return (await response.json()) as ViewerAnswer;
}

test('An admin creates a partner API key, sees it once, and it answers the API', async ({ page, request }) => {
  const keyName = unique('catalog sync');
  await signIn(page, accounts.admin);
  await sections(page).getByRole('link', { name: 'Partners' }).click();
  await expect(page.getByRole('heading', { name: 'Partners', level: 1 })).toBeVisible();

  const shortPlay = page.getByRole('region', { name: 'API keys for ShortPlay' });
  await shortPlay.getByLabel('New key name').fill(keyName);
  await shortPlay.getByRole('button', { name: 'Create API key' }).click();

  const shownOnce = shortPlay.getByRole('region', { name: 'New API key' });
  await expect(shownOnce).toContainText('It will not be shown again');
  const secret = (await shownOnce.locator('code').textContent())?.trim() ?? '';
  expect(secret).toMatch(/^glk_[0-9a-f]{8}_\S+$/);
  const prefix = secret.split('_').slice(0, 2).join('_');

  const answer = await askViewerWith(request, secret);
  expect(answer.errors).toBeUndefined();
  expect(answer.data?.viewer.kind).toBe('PARTNER_KEY');

  await reload(page);
  const row = shortPlay.getByRole('row').filter({ hasText: keyName });
  await expect(row).toContainText(`${prefix}…`);
  await expect(page.getByText(secret)).toHaveCount(0);
  await expect(shortPlay.getByRole('region', { name: 'New API key' })).toHaveCount(0);

  page.once('dialog', (dialog) => void dialog.accept());
  await row.getByRole('button', { name: `Revoke ${keyName}` }).click();
  await expect(shortPlay.getByRole('status')).toContainText('revoked');
  await expect(row).toContainText('Revoked');

  const afterRevoke = await askViewerWith(request, secret);
  expect(afterRevoke.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
});
