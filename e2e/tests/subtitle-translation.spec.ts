import { expect, test } from '@playwright/test';
import { graphql } from '../../schema/graphql';
import { apiAs } from '../support/api';
import { createReadyEpisode, tokenOf } from '../support/review';
import { open, signIn } from '../support/session';
import { accounts, unique } from '../support/stack';

// The stack's API translates against the fake OpenAI server (support/stack.ts), which answers each
// cue as "[<tag>] <source text>" through the real client and wire format.
test('An editor translates the English subtitles into Spanish, corrects the AI draft and accepts it as AI-generated subtitles', async ({ page, request }) => {
  const editor = await apiAs(request, accounts.editor);
  const { seriesId, episodeId } = await createReadyEpisode(editor, await tokenOf(request, accounts.editor), { title: unique('Translated'), subtitles: ['Where were you last night?', 'At the office.'] });

  await signIn(page, accounts.editor);
  await open(page, `/catalog/${seriesId}/episodes/${episodeId}`);
  const subtitles = page.getByRole('region', { name: 'Subtitles' });

  await test.step('Translate… queues Spanish from the English track', async () => {
    await subtitles.getByText('Translate…').click();
    await expect(subtitles.getByLabel('Track to translate').locator('option:checked')).toHaveText('en');
    await subtitles.getByLabel('Into languages').fill('es');
    await subtitles.getByRole('button', { name: 'Translate', exact: true }).click();
    await expect(subtitles.getByRole('status').filter({ hasText: 'Translation into es is queued.' })).toBeVisible();
  });

  const draft = page.getByRole('article', { name: 'Draft es subtitles' });
  await test.step('the translation arrives as a draft marked AI-generated, not yet a track', async () => {
    await expect(subtitles.getByRole('list', { name: 'Translation requests' })).toContainText('en → es: Draft ready under Subtitle drafts', { timeout: 30_000 });
    await expect(draft).toContainText('AI-generated');
    await expect(draft).toContainText('Translated by gpt-4o-mini from the en track');
    await expect(draft.getByLabel('Translation (es, WebVTT)')).toHaveValue(/\[es\] Where were you last night\?\n\n[\s\S]*\[es\] At the office\./);
    await expect(subtitles.getByRole('row')).toHaveCount(2);
  });

  await test.step('the editor corrects a line and accepts it: an AI-generated Spanish track, the draft gone', async () => {
    const text = draft.getByLabel('Translation (es, WebVTT)');
    const corrected = (await text.inputValue()).replace('[es] Where were you last night?', '¿Dónde estabas anoche?').replace('[es] At the office.', 'En la oficina.');
    await text.fill(corrected);
    await draft.getByRole('button', { name: 'Accept as subtitles' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'The es draft is now an AI-generated track of the episode (2 cues)' })).toBeVisible();
    await expect(draft).toHaveCount(0);
    const row = subtitles.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'es', exact: true }) });
    await expect(row).toContainText('AI-generated');
    await expect(row).toContainText('2');
  });

  await test.step('the accepted text is what the players load', async () => {
    const { episode } = await editor.call(EPISODE_SUBTITLES, { id: episodeId });
    expect(episode.subtitles.find((s) => s.language === 'es')).toMatchObject({ aiGenerated: true, cues: [{ text: '¿Dónde estabas anoche?' }, { text: 'En la oficina.' }] });
    expect(episode.subtitleDrafts).toEqual([]);
  });
});

const EPISODE_SUBTITLES = graphql(`query EpisodeSubtitlesAfterTranslation($id: ID!) { episode(id: $id) { subtitles { language aiGenerated cues { text } } subtitleDrafts { id } } }`);
