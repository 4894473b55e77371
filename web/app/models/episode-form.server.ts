import { data } from '@remix-run/node';
import { describeRuns, numberRuns, territoryName, type AiContentElement, type TerritoryOption } from './catalog';
import { acceptSubtitleDraft, appealCase, discardSubtitleDraft, removeAudioTrack, removeSubtitles, requestSubtitleTranslations, setSubtitles, submitForReview, updateEpisodeDetails } from './episode.server';
import type { FormOutcome } from './form-outcome';
import { formDay, formValues, renameField } from './form-values.server';
import { failed, formString, rejected, succeeded } from './forms.server';
import { statusOf, type ApiError } from './graphql.server';
import { handleLocalizationForm } from './localized-text.server';
import { subtitleFormatOf, subtitleKindOf, subtitleProblems, type SubtitleFormat } from './episode';

/** What the episode page's forms get back; subtitle refusals list each bad line. */
export interface EpisodeFormOutcome extends FormOutcome {
  problems?: Array<{ line: number | null; message: string }>;
  /** Accepting a subtitle draft was refused because the episode has subtitles in its language. */
  conflict?: 'SUBTITLES_EXIST';
}

/** The API's limit; checked here too so a huge file is not sent on only to be refused. */
const SUBTITLE_MAX_BYTES = 1024 * 1024;

const listOf = (territories: readonly string[], options: readonly TerritoryOption[]) => territories.map((code) => territoryName(options, code)).join(', ');

/** Submits episodes for review in the chosen territories, with an optional planned release day. */
export async function handleReviewSubmission(request: Request, form: FormData, episodeIds: string[], territories: readonly TerritoryOption[]) {
  const intent = 'submitForReview';
  const chosen = formValues(form, 'territories');
  const day = formDay(form, 'plannedReleaseAt');
  const fieldErrors: Record<string, string> = {};
  if (!episodeIds.length) fieldErrors.episodes = 'Select episodes that are ready for review first.';
  if (!chosen.length) fieldErrors.territories = 'Choose at least one territory to review for.';
  else if (chosen.some((code) => !territories.some((t) => t.code === code))) fieldErrors.territories = 'Choose territories from the list.';
  if (!day.ok) fieldErrors.plannedReleaseAt = day.error;
  if (Object.keys(fieldErrors).length || !day.ok) return rejected({ intent, fieldErrors });

  const result = await submitForReview(request, { episodeIds, territories: chosen, plannedReleaseAt: day.value });
  if (!result.ok) {
    // The API names a refused episode by its place in the list (`episodeIds.2`); the form shows it beside the selection.
    let error = renameField(result.error, (field) => (field.startsWith('episodeIds') ? 'episodes' : field));
    if (error.code === 'BAD_USER_INPUT' && error.field === 'input' && error.message.includes('plannedReleaseAt')) {
      // The API's submission input has no planned release date yet: say so beside the date, not as our fault.
      error = { ...error, field: 'plannedReleaseAt', message: 'A planned release date cannot be recorded yet. Leave the date empty to submit.' };
    }
    return failed(request, error, { intent, fields: ['episodes', 'territories', 'plannedReleaseAt'] });
  }
  const numbers = result.data.map((c) => c.episode.number);
  const runs = describeRuns(numberRuns(numbers));
  const which = numbers.length === 1 ? `Episode ${runs} is` : `Episodes ${runs} are`;
  return succeeded({ intent, notice: `${which} in review for ${listOf(chosen, territories)}. Screening starts now.` });
}

/** The episode page: details, subtitles, review submission and appeals. */
export async function handleEpisodeForm(request: Request, episodeId: string, territories: readonly TerritoryOption[]) {
  const form = await request.formData();
  const intent = formString(form, 'intent');

  if (intent === 'saveDetails') {
    const title = formString(form, 'title');
    const synopsis = formString(form, 'synopsis');
    if (!title) return rejected({ intent, fieldErrors: { title: 'Enter a title.' } });
    const result = await updateEpisodeDetails(request, { id: episodeId, title, synopsis, aiElements: formValues(form, 'aiElements') as AiContentElement[] });
    if (!result.ok) return failed(request, result.error, { intent, fields: ['title', 'synopsis', 'aiElements'] });
    return succeeded({ intent, notice: `Episode ${result.data.number} is saved.` });
  }

  if (intent === 'setSubtitles') return handleSubtitleUpload(request, form, episodeId);

  if (intent === 'acceptSubtitleDraft' || intent === 'replaceWithSubtitleDraft') {
    const draftId = formString(form, 'draftId');
    const content = formString(form, 'content');
    const result = await acceptSubtitleDraft(request, draftId, content || null, intent === 'replaceWithSubtitleDraft');
    // The episode has subtitles in that language already: the panel says which and offers to replace them.
    if (!result.ok && result.error.reason === 'SUBTITLES_EXIST') return data<EpisodeFormOutcome>({ intent, target: draftId, conflict: 'SUBTITLES_EXIST' }, { status: statusOf(result.error) });
    if (!result.ok) return failed(request, result.error, { intent, target: draftId, fields: ['content'] });
    return succeeded({ intent, target: draftId, notice: `The ${result.data.language} draft is now an AI-generated track of the episode (${result.data.cueCount} cues); it goes through review with the episode.` });
  }

  if (intent === 'discardSubtitleDraft') {
    const draftId = formString(form, 'draftId');
    const result = await discardSubtitleDraft(request, draftId);
    if (!result.ok) return failed(request, result.error, { intent, target: draftId });
    return succeeded({ intent, target: draftId, notice: 'The draft is discarded.' });
  }

  if (intent === 'removeSubtitles') {
    const language = formString(form, 'language');
    const result = await removeSubtitles(request, episodeId, language, subtitleKindOf(formString(form, 'kind')));
    if (!result.ok) return failed(request, result.error, { intent, target: language });
    return succeeded({ intent, target: language, notice: `The ${language} subtitles are removed.` });
  }

  if (intent === 'translateSubtitles') {
    const trackId = formString(form, 'trackId');
    // Tags separated by commas or spaces; the API checks each one and names a bad one by its place.
    const languages = formString(form, 'languages').split(/[\s,]+/).filter(Boolean);
    if (!languages.length) return rejected({ intent, fieldErrors: { languages: 'Enter at least one language tag, such as es or fr.' } });
    const result = await requestSubtitleTranslations(request, trackId, languages);
    if (!result.ok) {
      const error = renameField(result.error, (field) => (field.startsWith('languages') ? 'languages' : field));
      return failed(request, error, { intent, fields: ['languages'] });
    }
    return succeeded({ intent, notice: `Translation into ${result.data.map((t) => t.language).join(', ')} is queued. Each language becomes a draft marked AI-generated, to correct and accept under Subtitle drafts.` });
  }

  if (intent === 'editSubtitles') {
    const language = formString(form, 'language');
    const content = formString(form, 'content');
    const result = await setSubtitles(request, { episodeId, language, kind: subtitleKindOf(formString(form, 'kind')), format: formString(form, 'format') === 'SRT' ? 'SRT' : 'WEBVTT', aiGenerated: form.get('aiGenerated') === 'true', content });
    if (!result.ok) return failed(request, result.error, { intent, target: language, fields: ['content'] });
    return succeeded({ intent, target: language, notice: `The ${language} subtitles are saved (${result.data.cueCount} cues).` });
  }

  if (intent === 'removeAudioTrack') {
    const language = formString(form, 'language');
    const result = await removeAudioTrack(request, episodeId, language);
    if (!result.ok) return failed(request, result.error, { intent, target: language });
    return succeeded({ intent, target: language, notice: `The ${language} dub is removed.` });
  }

  if (intent === 'submitForReview') return handleReviewSubmission(request, form, [episodeId], territories);

  if (intent === 'setLocalization' || intent === 'removeLocalization') return handleLocalizationForm(request, form, { of: 'episode', id: episodeId });

  if (intent === 'appeal') {
    const caseId = formString(form, 'caseId');
    const statement = formString(form, 'statement');
    if (statement.length < 10) return rejected({ intent, target: caseId, fieldErrors: { statement: 'Explain the appeal in at least 10 characters.' } });
    const result = await appealCase(request, caseId, statement);
    if (!result.ok) return failed(request, result.error, { intent, target: caseId, fields: ['statement'] });
    return succeeded({ intent, target: caseId, notice: 'Your appeal is filed. A different reviewer or a lead will decide it.' });
  }

  return rejected({ intent, formError: 'That action is not known. Reload the page and try again.' });
}

async function handleSubtitleUpload(request: Request, form: FormData, episodeId: string) {
  const intent = 'setSubtitles';
  const language = formString(form, 'language');
  const file = form.get('file');
  const fieldErrors: Record<string, string> = {};
  if (!language) fieldErrors.language = 'Enter the language of the subtitles, such as en or zh-Hans.';
  let format: SubtitleFormat | undefined;
  if (!(file instanceof File) || !file.size) fieldErrors.file = 'Choose a .vtt or .srt file.';
  else if (file.size > SUBTITLE_MAX_BYTES) fieldErrors.file = `Subtitle files may be at most 1024 KiB; this one is ${Math.ceil(file.size / 1024)} KiB.`;
  else {
    const chosen = formString(form, 'format');
    format = chosen === 'WEBVTT' || chosen === 'SRT' ? chosen : subtitleFormatOf(file.name);
    if (!format) fieldErrors.file = 'Name the file .vtt (WebVTT) or .srt (SubRip), or choose its format.';
  }
  if (Object.keys(fieldErrors).length || !(file instanceof File) || !format) return rejected({ intent, fieldErrors });

  const kind = subtitleKindOf(formString(form, 'kind'));
  const result = await setSubtitles(request, { episodeId, language, format, kind, aiGenerated: form.get('aiGenerated') === 'on', content: await file.text() });
  if (!result.ok) return subtitleFailure(request, result.error);
  const { cueCount } = result.data;
  return succeeded({ intent, notice: `Subtitles in ${result.data.language} are saved: ${cueCount} cue${cueCount === 1 ? '' : 's'}.` });
}

/** A refused subtitle file: each bad line listed beside the file input. */
async function subtitleFailure(request: Request, error: ApiError) {
  const intent = 'setSubtitles';
  if (error.code === 'BAD_USER_INPUT' && error.field === 'content') {
    const problems = subtitleProblems(error.message);
    const counted = problems.filter((p) => p.line !== null).length;
    const summary = counted ? `The file has ${counted === 1 ? 'a problem' : `${counted} problems`}; fix ${counted === 1 ? 'it' : 'them'} and upload it again.` : error.message;
    return data<EpisodeFormOutcome>({ intent, fieldErrors: { file: summary }, problems: counted ? problems : undefined }, { status: statusOf(error) });
  }
  return failed(request, error, { intent, fields: ['language', 'format'] });
}
