/** Localized titles and synopses of a series or an episode, over GraphQL. */
import type { FormOutcome } from './form-outcome';
import { renameField } from './form-values.server';
import { failed, formString, rejected, succeeded } from './forms.server';
import { gql, type ApiResult } from './graphql.server';
import { graphql } from '~/graphql';
import { LocalizedTextFields, type LocalizedText } from '~/components/localized-texts-panel';

/** Whose texts: the series' own or one episode's. */
export type LocalizedTarget = { of: 'series' | 'episode'; id: string };

const SERIES_LOCALIZATIONS = graphql(
  `query SeriesLocalizations($id: ID!) { series(id: $id) { title originalLanguage localizations { ...LocalizedTextFields } } }`,
  [LocalizedTextFields],
);
const SET_SERIES_LOCALIZATIONS = graphql(
  `mutation SetSeriesLocalizations($id: ID!, $localizations: [LocalizedTextInput!]!) { setSeriesLocalizations(seriesId: $id, localizations: $localizations) { ...LocalizedTextFields } }`,
  [LocalizedTextFields],
);
const SET_EPISODE_LOCALIZATIONS = graphql(
  `mutation SetEpisodeLocalizations($id: ID!, $localizations: [LocalizedTextInput!]!) { setEpisodeLocalizations(episodeId: $id, localizations: $localizations) { ...LocalizedTextFields } }`,
  [LocalizedTextFields],
);
const REMOVE_SERIES_LOCALIZATION = graphql(`mutation RemoveSeriesLocalization($id: ID!, $language: String!) { removeSeriesLocalization(seriesId: $id, language: $language) { language } }`);
const REMOVE_EPISODE_LOCALIZATION = graphql(`mutation RemoveEpisodeLocalization($id: ID!, $language: String!) { removeEpisodeLocalization(episodeId: $id, language: $language) { language } }`);

export async function getSeriesLocalizations(request: Request, seriesId: string): Promise<ApiResult<{ title: string; originalLanguage: string; localizations: LocalizedText[] }>> {
  const result = await gql(request, SERIES_LOCALIZATIONS, { id: seriesId });
  return result.ok ? { ok: true, data: result.data.series } : result;
}

async function setLocalization(request: Request, target: LocalizedTarget, entry: LocalizedText): Promise<ApiResult<LocalizedText[]>> {
  const variables = { id: target.id, localizations: [entry] };
  if (target.of === 'series') {
    const result = await gql(request, SET_SERIES_LOCALIZATIONS, variables);
    return result.ok ? { ok: true, data: result.data.setSeriesLocalizations } : result;
  }
  const result = await gql(request, SET_EPISODE_LOCALIZATIONS, variables);
  return result.ok ? { ok: true, data: result.data.setEpisodeLocalizations } : result;
}

async function removeLocalization(request: Request, target: LocalizedTarget, language: string): Promise<ApiResult<true>> {
  const result = target.of === 'series' ? await gql(request, REMOVE_SERIES_LOCALIZATION, { id: target.id, language }) : await gql(request, REMOVE_EPISODE_LOCALIZATION, { id: target.id, language });
  return result.ok ? { ok: true, data: true } : result;
}

/**
 * The localization forms (intents `setLocalization` and `removeLocalization`): one form per
 * language, plus one to add a language (target `new`). The API's `localizations.0.title` is the
 * form's `title`; the API says what a good language tag is.
 */
export async function handleLocalizationForm(request: Request, form: FormData, target: LocalizedTarget) {
  const intent = formString(form, 'intent');
  const formTarget = formString(form, 'target') || 'new';
  const language = formString(form, 'language');
  if (intent === 'removeLocalization') {
    const result = await removeLocalization(request, target, language);
    if (!result.ok) return failed(request, result.error, { intent, target: formTarget });
    return succeeded({ intent, target: formTarget, notice: `The ${language} title and synopsis are removed.` });
  }
  const title = formString(form, 'title');
  const synopsis = formString(form, 'synopsis');
  const fieldErrors: Record<string, string> = {};
  if (!language) fieldErrors.language = 'Enter a language tag, such as es or es-MX.';
  if (!title) fieldErrors.title = 'Enter the title in this language.';
  if (Object.keys(fieldErrors).length) return rejected({ intent, target: formTarget, fieldErrors });
  const result = await setLocalization(request, target, { language, title, synopsis });
  if (!result.ok) {
    const error = renameField(result.error, (field) => field.replace(/^localizations\.\d+\./, ''));
    return failed(request, error, { intent, target: formTarget, fields: ['language', 'title', 'synopsis'] });
  }
  const saved = result.data.find((t) => t.language.toLowerCase() === language.toLowerCase());
  const whose = target.of === 'series' ? 'series’' : 'episode’s';
  return succeeded({ intent, target: formTarget, notice: `The ${whose} ${saved?.language ?? language} title and synopsis are saved. They are reviewed with the episodes before partners get them.` });
}

export type LocalizationOutcome = FormOutcome;
