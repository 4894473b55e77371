import { expect, test } from '@playwright/test';
import { apiAs } from '../support/api';
import { storeSubtitleDraft } from '../support/drafts';
import { createDraftSeries } from '../support/episodes';
import { makeReviewClip, setSubtitles, tokenOf, uploadClip, waitForEpisode, webvtt } from '../support/review';
import { open, signIn } from '../support/session';
import { accounts, unique } from '../support/stack';

test('A studio accepts a transcript over the subtitles it already has only after choosing to replace them', async ({ page, request }) => {
  test.setTimeout(180_000);
  const editor = await apiAs(request, accounts.editor);
  const series = await createDraftSeries(editor, unique('Echo Vows'), 1);
  const episodeId = series.episodeIds[0]!;

  await test.step('set up through the API: a processed episode with uploaded English subtitles, and an English transcript draft', async () => {
    await uploadClip(await tokenOf(request, accounts.editor), episodeId, await makeReviewClip('echo-vows', 3));
    await waitForEpisode(editor, episodeId, 'READY');
    await setSubtitles(editor, episodeId, ['Where is the contract?']);
    const cues = [
      { start: 1, end: 2, text: 'Where is the contract now?' },
      { start: 2, end: 3, text: 'In the safe.' },
    ];
    await storeSubtitleDraft(episodeId, { language: 'en', cues, content: webvtt(cues.map((c) => c.text)) });
  });

  await signIn(page, accounts.editor);
  await open(page, `/catalog/${series.id}/episodes/${episodeId}`);
  const subtitles = page.getByRole('region', { name: 'Subtitles', exact: true });
  const englishRow = subtitles.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'en' }) });
  const draft = page.getByRole('region', { name: 'Subtitle drafts' }).getByRole('article', { name: 'Draft en subtitles' });

  await test.step('accepting is refused in words: the uploaded track is named, and nothing changes', async () => {
    await draft.getByRole('button', { name: 'Accept as subtitles' }).click();
    const conflict = draft.getByRole('alert').filter({ hasText: 'This episode already has' });
    await expect(conflict).toContainText('This episode already has uploaded subtitles in en (1 cue, updated');
    await expect(conflict).toContainText('Accepting this transcript replaces them');
    await expect(englishRow).not.toContainText('AI-generated');
  });

  await test.step('an edit with markup outside WebVTT is refused naming its line, the choice to replace still there', async () => {
    const transcript = draft.getByLabel('Transcript (en, WebVTT)');
    const text = await transcript.inputValue();
    await transcript.fill(text.replace('In the safe.', 'In the safe. <img src=x onerror=alert(1)>'));
    await draft.getByRole('button', { name: 'Replace the existing subtitles' }).click();
    await expect(transcript).toHaveAccessibleDescription(/Line 7: "<img src=x onerror=alert\(1\)>" is not a WebVTT cue-text tag/);
    await expect(englishRow).not.toContainText('AI-generated');
    await transcript.fill(text.replace('In the safe.', 'In the vault.'));
  });

  await test.step('the studio replaces the existing subtitles with its edited transcript', async () => {
    await draft.getByRole('button', { name: 'Accept as subtitles' }).click();
    await draft.getByRole('button', { name: 'Replace the existing subtitles' }).click();
    await expect(page.getByRole('region', { name: 'Subtitle drafts' }).getByRole('status')).toHaveText('The en draft is now an AI-generated track of the episode (2 cues); it goes through review with the episode.');
    await expect(draft).toHaveCount(0);
    await expect(englishRow).toContainText('AI-generated');
    await expect(englishRow).toContainText('2');
  });
});
