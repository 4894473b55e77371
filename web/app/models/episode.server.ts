import { parse, print } from '@0no-co/graphql.web';
import { MediaFields } from '~/components/episode-panels';
import { ReviewCaseCardFields } from '~/components/review-history';
import { graphql, type ResultOf, type TadaDocumentNode, type VariablesOf } from '~/graphql';
import { gql, type ApiResult } from './graphql.server';
import { GoLiveCheckFields } from '~/components/go-live-preflight';
import { LocalizationCheckFields } from '~/components/localization-preflight';
import { LocalizedTextFields } from '~/components/localized-texts-panel';
import { PlayerTrackFields } from '~/components/player-tracks';
import { PossibleDuplicateFields } from '~/components/possible-duplicates';
import { TerritoryOutcomeFields } from '~/components/territory-outcomes';
import type { SubtitleKind } from './episode';

const EPISODE_PAGE = graphql(
  `query EpisodePage($id: ID!, $seriesId: ID!) {
    series(id: $seriesId) { id title originalLanguage license { territoriesIncluded } }
    subtitleTranslationCapability { available unavailableReason }
    episode(id: $id) {
      id seriesId number title synopsis status durationSeconds uploadError takedownReason updatedAt viewerCanSubmitForReview
      replacementCancels { territory loss }
      media { ...MediaFields }
      mediaRevisions { ...MediaFields }
      uploads(first: 10) { id fileName fileType declaredSize status failureReason createdAt finishedAt }
      subtitles { id ...PlayerTrackFields format cueCount updatedAt content }
      subtitleTranslations { id language sourceLanguage kind state failureReason requestedAt updatedAt }
      subtitleDrafts { id language kind origin sourceLanguage content cueCount model createdAt }
      aiElements
      audioTracks { id language audioCodec durationSeconds durationMismatch url createdAt }
      dubDurationToleranceSeconds
      reviewCases { ...ReviewCaseCardFields }
      territoryOutcomes { ...TerritoryOutcomeFields }
      liveTerritories
      localizationPreflight { ...LocalizationCheckFields }
      goLivePreflight { ...GoLiveCheckFields }
      localizations { ...LocalizedTextFields }
      possibleDuplicates { ...PossibleDuplicateFields }
    }
  }`,
  [MediaFields, ReviewCaseCardFields, LocalizationCheckFields, GoLiveCheckFields, PlayerTrackFields, LocalizedTextFields, PossibleDuplicateFields, TerritoryOutcomeFields],
);

export type EpisodeDetail = ResultOf<typeof EPISODE_PAGE>['episode'];
export type UploadRecord = EpisodeDetail['uploads'][number];

/** Where an episode's media stands, for pages waiting on uploads they started. */
const EpisodeMediaStateFields = graphql(`
  fragment EpisodeMediaStateFields on Episode {
    id number status durationSeconds uploadError
    media { posterUrl durationSeconds width height warnings }
    uploads(first: 5) { id status failureReason identicalToCurrentMedia }
  }
`);
export type EpisodeMediaState = ResultOf<typeof EpisodeMediaStateFields>;

const UPDATE_EPISODE = graphql(`mutation UpdateEpisode($input: UpdateEpisodeInput!) { updateEpisode(input: $input) { number title } }`);
const SET_SUBTITLES = graphql(`mutation SetSubtitles($input: SubtitlesInput!) { setSubtitles(input: $input) { language cueCount } }`);
const REMOVE_SUBTITLES = graphql(`mutation RemoveSubtitles($episodeId: ID!, $language: String!, $kind: SubtitleKind) { removeSubtitles(episodeId: $episodeId, language: $language, kind: $kind) }`);
const REQUEST_SUBTITLE_TRANSLATIONS = graphql(`mutation RequestSubtitleTranslations($input: SubtitleTranslationsInput!) { requestSubtitleTranslations(input: $input) { id language } }`);
const REMOVE_AUDIO_TRACK = graphql(`mutation RemoveAudioTrack($episodeId: ID!, $language: String!) { removeAudioTrack(episodeId: $episodeId, language: $language) }`);
const SUBMIT_FOR_REVIEW = graphql(`mutation SubmitForReview($input: SubmitForReviewInput!) { submitForReview(input: $input) { id episode { number } } }`);
const ACCEPT_SUBTITLE_DRAFT = graphql(`mutation AcceptSubtitleDraft($id: ID!, $content: String, $replace: Boolean) { acceptSubtitleDraft(id: $id, content: $content, replace: $replace) { language cueCount } }`);
const DISCARD_SUBTITLE_DRAFT = graphql(`mutation DiscardSubtitleDraft($id: ID!) { discardSubtitleDraft(id: $id) }`);
const APPEAL_CASE = graphql(`mutation AppealCase($caseId: ID!, $statement: String!) { appealCase(caseId: $caseId, statement: $statement) { id } }`);

/** Everything the episode page shows, with the title of its series and where it is licensed. */
export async function getEpisodeDetail(
  request: Request,
  seriesId: string,
  episodeId: string,
): Promise<ApiResult<{ episode: EpisodeDetail; series: { id: string; title: string; originalLanguage: string; licensedTerritories: string[] }; translation: TranslationCapability }>> {
  const result = await gql(request, EPISODE_PAGE, { id: episodeId, seriesId });
  if (!result.ok) return result;
  // An episode of another series is not at this address.
  const { episode, series, subtitleTranslationCapability: translation } = result.data;
  if (episode.seriesId !== series.id) return { ok: false, error: { code: 'NOT_FOUND', reason: 'NOT_FOUND', message: 'That episode is not in this series.' } };
  return { ok: true, data: { episode, series: { id: series.id, title: series.title, originalLanguage: series.originalLanguage, licensedTerritories: series.license?.territoriesIncluded ?? [] }, translation } };
}

/** Whether the server can translate subtitles with AI, and why not — as the API says. */
export type TranslationCapability = ResultOf<typeof EPISODE_PAGE>['subtitleTranslationCapability'];

export const MEDIA_STATE_LIMIT = 20;

export async function getEpisodeMediaStates(request: Request, ids: readonly string[]): Promise<ApiResult<EpisodeMediaState[]>> {
  const wanted = [...new Set(ids)].slice(0, MEDIA_STATE_LIMIT);
  if (!wanted.length) return { ok: true, data: [] };
  // One request for all of them: each episode under its own alias.
  const variables = Object.fromEntries(wanted.map((id, i) => [`id${i}`, id]));
  // The aliases vary with the count, so the operation is assembled here around the typed fragment.
  const operation = `query EpisodeMediaStates(${wanted.map((_, i) => `$id${i}: ID!`).join(', ')}) {
    ${wanted.map((_, i) => `e${i}: episode(id: $id${i}) { ...EpisodeMediaStateFields }`).join('\n')}
  }`;
  const document = parse(operation + '\n' + printFragment(EpisodeMediaStateFields)) as unknown as TadaDocumentNode<Record<string, EpisodeMediaState>, Record<string, string>>;
  const result = await gql(request, document, variables);
  return result.ok ? { ok: true, data: wanted.map((_, i) => result.data[`e${i}`]!) } : result;
}

export async function updateEpisodeDetails(request: Request, input: VariablesOf<typeof UPDATE_EPISODE>['input']): Promise<ApiResult<{ number: number; title: string }>> {
  const result = await gql(request, UPDATE_EPISODE, { input });
  return result.ok ? { ok: true, data: result.data.updateEpisode } : result;
}

export async function setSubtitles(
  request: Request,
  input: VariablesOf<typeof SET_SUBTITLES>['input'],
): Promise<ApiResult<{ language: string; cueCount: number }>> {
  const result = await gql(request, SET_SUBTITLES, { input });
  return result.ok ? { ok: true, data: result.data.setSubtitles } : result;
}

/**
 * Makes a subtitle draft the episode's AI-generated track, as made or with the studio's edits (a
 * WebVTT file). Over a track already there the API refuses (reason SUBTITLES_EXIST) unless `replace`.
 */
export async function acceptSubtitleDraft(request: Request, id: string, content: string | null, replace: boolean): Promise<ApiResult<{ language: string; cueCount: number }>> {
  const result = await gql(request, ACCEPT_SUBTITLE_DRAFT, { id, content, replace });
  return result.ok ? { ok: true, data: result.data.acceptSubtitleDraft } : result;
}

export async function discardSubtitleDraft(request: Request, id: string): Promise<ApiResult<boolean>> {
  const result = await gql(request, DISCARD_SUBTITLE_DRAFT, { id });
  return result.ok ? { ok: true, data: result.data.discardSubtitleDraft } : result;
}

export async function removeSubtitles(request: Request, episodeId: string, language: string, kind: SubtitleKind): Promise<ApiResult<boolean>> {
  const result = await gql(request, REMOVE_SUBTITLES, { episodeId, language, kind });
  return result.ok ? { ok: true, data: result.data.removeSubtitles } : result;
}

/** Queues AI translations of a subtitle track into the languages (BCP 47 tags). */
export async function requestSubtitleTranslations(request: Request, trackId: string, languages: string[]): Promise<ApiResult<Array<{ id: string; language: string }>>> {
  const result = await gql(request, REQUEST_SUBTITLE_TRANSLATIONS, { input: { trackId, languages } });
  return result.ok ? { ok: true, data: result.data.requestSubtitleTranslations } : result;
}

/** Removes the dub in one language; an approved episode goes back to review. */
export async function removeAudioTrack(request: Request, episodeId: string, language: string): Promise<ApiResult<boolean>> {
  const result = await gql(request, REMOVE_AUDIO_TRACK, { episodeId, language });
  return result.ok ? { ok: true, data: result.data.removeAudioTrack } : result;
}

/** Sends episodes with media to review for the territories; one case per episode. */
export async function submitForReview(
  request: Request,
  input: { episodeIds: string[]; territories: string[]; plannedReleaseAt: string | null },
): Promise<ApiResult<Array<{ id: string; episode: { number: number } }>>> {
  const { plannedReleaseAt, ...required } = input;
  // Sent only when chosen, so a submission without a date never depends on the field.
  const variables = { input: plannedReleaseAt ? { ...required, plannedReleaseAt } : required };
  const result = await gql(request, SUBMIT_FOR_REVIEW, variables);
  return result.ok ? { ok: true, data: result.data.submitForReview } : result;
}

export async function appealCase(request: Request, caseId: string, statement: string): Promise<ApiResult<{ id: string }>> {
  const result = await gql(request, APPEAL_CASE, { caseId, statement });
  return result.ok ? { ok: true, data: result.data.appealCase } : result;
}

/** A fragment's definition as text, for an operation assembled at run time. */
function printFragment(fragment: unknown): string {
  return print(fragment as Parameters<typeof print>[0]);
}
