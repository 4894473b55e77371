import { expect, test } from '@playwright/test';
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { graphql } from '../../schema/graphql';
import { apiAs } from '../support/api';
import { createDraftSeries } from '../support/episodes';
import { submit, tokenOf, uploadClip, waitForCase, waitForEpisode } from '../support/review';
import { open, signIn } from '../support/session';
import { accounts, API_GRAPHQL_URL, unique } from '../support/stack';

const run = promisify(execFile);
const SET_LICENSE = graphql(`mutation SetLicense($id: ID!, $i: LicenseInput!) { setLicense(seriesId: $id, input: $i) { id } }`);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ffmpegPath = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;

/** Moving stripes of random frequencies and phases: pictures no other test's clip shows. */
async function distinctClip(name: string): Promise<string> {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'greenlight-match-')), `${name}.mp4`);
  const r = () => (0.5 + Math.random() * 3).toFixed(2);
  const lum = `128+60*sin(2*PI*(X/W*${r()}+T*0.3))+60*cos(2*PI*(Y/H*${r()}+floor(T/2)*${r()}))`;
  await run(ffmpegPath, ['-v', 'error', '-f', 'lavfi', '-i', 'color=c=black:s=180x320:r=12:d=6', '-vf', `geq=lum='${lum}':cb=128:cr=128,format=yuv420p`, '-c:v', 'libx264', '-preset', 'ultrafast', '-y', file]);
  return file;
}

test('A lead sees an episode’s matching content side by side and marks the reuse licensed', async ({ page, request }) => {
  // Two uploads are processed and one screened in the background: allow for a busy machine.
  test.setTimeout(120_000);
  const editor = await apiAs(request, accounts.editor);
  const token = await tokenOf(request, accounts.editor);
  const clip = await distinctClip(unique('stripes'));
  const original = await createDraftSeries(editor, unique('Jade Original'), 1);
  const reissue = await createDraftSeries(editor, unique('Jade Reissue'), 1);
  await uploadClip(token, original.episodeIds[0]!, clip);
  await waitForEpisode(editor, original.episodeIds[0]!, 'READY');
  await uploadClip(token, reissue.episodeIds[0]!, clip);
  await waitForEpisode(editor, reissue.episodeIds[0]!, 'READY');
  // The original's chain of title, for the lead to weigh.
  await editor.call(SET_LICENSE, {
    id: original.id,
    i: { sourceWorkTitle: 'Jade (novel)', sourceWorkKind: 'NOVEL', licensor: 'Jade Press', licenseKind: 'ADAPTATION', territoriesIncluded: ['US'] },
  });
  // License documents have their own route: the PDF as the body.
  const attached = await request.post(new URL(`/license-documents?${new URLSearchParams({ seriesId: original.id, fileName: 'jade-agreement.pdf' })}`, API_GRAPHQL_URL).toString(), {
    headers: { 'content-type': 'application/pdf', authorization: `Bearer ${token}` },
    data: Buffer.from('%PDF-1.7\n% Jade Press agreement\n%%EOF\n'),
  });
  expect(attached.status()).toBe(201);

  // Before submitting, the studio sees that the reissue shows the same pictures as its original.
  await signIn(page, accounts.editor);
  await open(page, `/catalog/${reissue.id}/episodes/${reissue.episodeIds[0]}`);
  const duplicates = page.getByRole('note', { name: 'Possible duplicates' });
  await expect(duplicates.getByRole('link', { name: `Possible duplicate of episode 1 of ${original.title}` })).toHaveAttribute('href', `/catalog/${original.id}/episodes/${original.episodeIds[0]}`);
  await expect(page.getByRole('button', { name: 'Submit for review' })).toBeVisible();
  const caseId = await submit(editor, reissue.episodeIds[0]!, ['US']);
  await waitForCase(editor, caseId, 'PENDING_REVIEW');

  await page.context().clearCookies();
  await signIn(page, accounts.lead);
  await open(page, `/review/${caseId}`);
  const panel = page.getByRole('region', { name: 'Matching content' });
  const match = panel.getByRole('article', { name: `Possible duplicate of episode 1 of ${original.title}` });
  await expect(match).toBeVisible();
  await expect(match).toContainText(`This case: episode 1 of ${reissue.title}`);
  await expect(match).toContainText(`Matched: episode 1 of ${original.title}`);
  // Both videos at the same moment, side by side.
  await expect(match.getByLabel('This case’s video at the matching moment')).toHaveAttribute('src', /^\/media\/[^/]+\/video#t=0$/);
  await expect(match.getByLabel('The matched video at the matching moment')).toHaveAttribute('src', /^\/media\/[^/]+\/video#t=0$/);
  // Both sides' chains of title: the original's contract, signed for download.
  await expect(match.getByRole('list', { name: `License documents of ${original.title}` }).getByRole('link', { name: 'jade-agreement.pdf' })).toHaveAttribute('href', /^\/media\/license-documents\//);
  await expect(match).toContainText('None attached.');
  // A same-studio duplicate is not a possible copy: the case is not routed to a lead.
  await expect(page.getByText('For a lead: possible copy')).toHaveCount(0);
  const moments = match.getByRole('list', { name: 'Matching moments' }).getByRole('button');
  expect(await moments.count()).toBeGreaterThanOrEqual(3);
  await moments.nth(2).click();
  await expect(moments.nth(2)).toHaveAttribute('aria-pressed', 'true');
  await expect(match.getByLabel('The matched video at the matching moment')).toHaveAttribute('src', /#t=2$/);

  await match.getByRole('button', { name: 'Mark licensed' }).click();
  await expect(match.getByText('Say why this reuse is licensed, e.g. the contract.')).toBeVisible();
  await match.getByLabel('Why this reuse is licensed').fill('Reissue under contract CR-2026-07');
  await match.getByRole('button', { name: 'Mark licensed' }).click();
  await expect(panel.getByRole('status')).toContainText('Marked licensed');
  await expect(panel.getByRole('article', { name: `Possible duplicate of episode 1 of ${original.title}` })).toContainText('licensed: Reissue under contract CR-2026-07');
});
