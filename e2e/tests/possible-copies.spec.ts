import { print } from '@0no-co/graphql.web';
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
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ffmpegPath = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
const ORIGINAL_STUDIO = 'Crimson Reel Studio';

/** Moving stripes of random frequencies and phases: pictures no other test's clip shows. */
async function distinctClip(name: string): Promise<string> {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'greenlight-copy-')), `${name}.mp4`);
  const r = () => (0.5 + Math.random() * 3).toFixed(2);
  const lum = `128+60*sin(2*PI*(X/W*${r()}+T*0.3))+60*cos(2*PI*(Y/H*${r()}+floor(T/2)*${r()}))`;
  await run(ffmpegPath, ['-v', 'error', '-f', 'lavfi', '-i', 'color=c=black:s=180x320:r=12:d=6', '-vf', `geq=lum='${lum}':cb=128:cr=128,format=yuv420p`, '-c:v', 'libx264', '-preset', 'ultrafast', '-y', file]);
  return file;
}

test('A possible copy of another studio’s episode goes to a lead, who sees it side by side; a reviewer reads it but leaves it to leads; the uploader sees nothing of the original', async ({ page, request }) => {
  // Two uploads are processed and one screened in the background: allow for a busy machine.
  test.setTimeout(150_000);
  // A second studio, with its owner: the uploader of the copy.
  const admin = await apiAs(request, accounts.admin);
  const copycat = { studio: unique('Copycat Films'), email: `${unique('owner')}@copycat.test`, password: 'copycat-password-1' };
  const { createOrganization } = await admin.call(CREATE_ORGANIZATION, { input: { kind: 'STUDIO', name: copycat.studio } });
  const { inviteMember } = await admin.call(INVITE, { input: { organizationId: createOrganization.id, email: copycat.email, role: 'OWNER' } });
  const accepted = await request.post(API_GRAPHQL_URL, { data: { query: print(ACCEPT), variables: { input: { token: inviteMember.invitationToken, name: 'Cody Copycat', password: copycat.password } } } });
  expect(((await accepted.json()) as { errors?: unknown }).errors).toBeUndefined();

  // The original, in the demo studio; the same video re-uploaded under another title by the second studio
  // (the API tests cover re-encoded, rescaled, cropped, watermarked and mirrored copies).
  const editor = await apiAs(request, accounts.editor);
  const pirate = await apiAs(request, copycat.email, copycat.password);
  const clip = await distinctClip(unique('stripes'));
  const original = await createDraftSeries(editor, unique('Lantern Bride'), 1);
  const copy = await createDraftSeries(pirate, unique('Bride of Lanterns'), 1);
  await uploadClip(await tokenOf(request, accounts.editor), original.episodeIds[0]!, clip);
  await waitForEpisode(editor, original.episodeIds[0]!, 'READY');
  await uploadClip(await tokenOf(request, copycat.email, copycat.password), copy.episodeIds[0]!, clip);
  await waitForEpisode(pirate, copy.episodeIds[0]!, 'READY');
  const caseId = await submit(pirate, copy.episodeIds[0]!, ['US']);
  await waitForCase(pirate, caseId, 'PENDING_REVIEW');
  const copyMessage = `Possible copy of content owned by another studio: episode 1 of ${original.title} (${ORIGINAL_STUDIO})`;

  // The lead: the badge, both series and studios, the matching moments side by side, and the ruling.
  await signIn(page, accounts.lead);
  await open(page, `/review/${caseId}`);
  await expect(page.getByText('For a lead: possible copy')).toBeVisible();
  const panel = page.getByRole('region', { name: 'Matching content' });
  const match = panel.getByRole('article', { name: copyMessage });
  await expect(match).toContainText(`This case: episode 1 of ${copy.title} (${copycat.studio})`);
  await expect(match).toContainText(`Matched: episode 1 of ${original.title} (${ORIGINAL_STUDIO})`);
  await expect(match.getByLabel('This case’s video at the matching moment')).toHaveAttribute('src', /^\/media\/[^/]+\/video#t=\d+(\.\d+)?$/);
  await expect(match.getByLabel('The matched video at the matching moment')).toHaveAttribute('src', /^\/media\/[^/]+\/video#t=\d+(\.\d+)?$/);
  expect(await match.getByRole('list', { name: 'Matching moments' }).getByRole('button').count()).toBeGreaterThanOrEqual(3);
  await expect(match.getByRole('button', { name: 'Mark licensed' })).toBeVisible();
  await expect(page.getByText('This case is for a lead')).toHaveCount(0);

  // A reviewer: the same badge and matches (operators weigh them), told a lead works the case, no ruling.
  await page.context().clearCookies();
  await signIn(page, accounts.reviewer);
  await open(page, `/review/${caseId}`);
  await expect(page.getByText('For a lead: possible copy')).toBeVisible();
  await expect(page.getByText('This case is for a lead: the queue hands it to leads only. You can read it but not decide it.')).toBeVisible();
  const seenByReviewer = page.getByRole('region', { name: 'Matching content' }).getByRole('article', { name: copyMessage });
  await expect(seenByReviewer).toContainText(`Matched: episode 1 of ${original.title}`);
  await expect(seenByReviewer.getByRole('button', { name: 'Mark licensed' })).toHaveCount(0);

  // The uploading studio: its episode and its case read like any other; nothing names the original.
  await page.context().clearCookies();
  await signIn(page, copycat.email, copycat.password);
  await open(page, `/catalog/${copy.id}/episodes/${copy.episodeIds[0]}`);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Episode 1');
  await expect(page.getByRole('note', { name: 'Possible duplicates' })).toHaveCount(0);
  for (const secret of [original.title, ORIGINAL_STUDIO, 'possible copy', 'For a lead', 'Matching content']) {
    await expect(page.locator('body'), `the studio must not see "${secret}"`).not.toContainText(secret, { ignoreCase: true });
  }
  // The reviewer workspace is not the studio's.
  await open(page, `/review/${caseId}`);
  for (const secret of [original.title, ORIGINAL_STUDIO, 'possible copy', 'Matching content']) {
    await expect(page.locator('body'), `the studio must not see "${secret}" on the review page`).not.toContainText(secret, { ignoreCase: true });
  }
});

const CREATE_ORGANIZATION = graphql(`mutation CreateStudio($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }`);
const INVITE = graphql(`mutation InviteOwner($input: InviteMemberInput!) { inviteMember(input: $input) { invitationToken } }`);
const ACCEPT = graphql(`mutation AcceptOwner($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { email } }`);
