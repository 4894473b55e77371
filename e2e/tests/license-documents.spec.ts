import { expect, test } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { apiAs, createPricedSeries } from '../support/api';
import { open, signIn } from '../support/session';
import { accounts, unique } from '../support/stack';

const CONTRACT = Buffer.from('%PDF-1.7\n% Moonlight Press adaptation agreement\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

test('An editor attaches the contract PDF to a license and downloads it; a file that is not a PDF is refused at the file field', async ({ page, request }) => {
  const editor = await apiAs(request, accounts.editor);
  const series = await createPricedSeries(editor, unique('Moonlit Contract'));
  await signIn(page, accounts.editor);
  await open(page, `/catalog/${series.id}/license`);
  const panel = page.getByRole('region', { name: 'License documents' });
  await expect(panel).toContainText('No documents attached.');

  // Named .pdf, but its bytes say otherwise: refused beside the file field, nothing listed.
  await panel.getByLabel('Contract (PDF)').setInputFiles({ name: 'agreement.pdf', mimeType: 'application/pdf', buffer: Buffer.from('Scanned later, promise.') });
  await panel.getByRole('button', { name: 'Attach document' }).click();
  await expect(panel.getByLabel('Contract (PDF)')).toHaveAccessibleDescription(/"agreement\.pdf" is not a PDF: license documents must be PDF files\./);
  await expect(panel).toContainText('No documents attached.');

  await panel.getByLabel('Contract (PDF)').setInputFiles({ name: 'agreement.pdf', mimeType: 'application/pdf', buffer: CONTRACT });
  await panel.getByRole('button', { name: 'Attach document' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'is attached to the license' })).toContainText('“agreement.pdf” is attached to the license.');
  const link = panel.getByRole('link', { name: 'agreement.pdf' });
  await expect(link).toHaveAttribute('href', /^\/media\/license-documents\/[0-9a-f-]+\?expires=\d+&signature=/);
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  expect(download.suggestedFilename()).toBe('agreement.pdf');
  expect((await readFile((await download.path())!)).equals(CONTRACT)).toBe(true);

  await panel.getByRole('button', { name: 'Remove agreement.pdf' }).click();
  await expect(panel).toContainText('No documents attached.');
});
