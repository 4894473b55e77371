import type { EpisodeStatus } from './catalog';
import { gql, type ApiResult } from './graphql.server';
import { LOCALIZATION_PREFLIGHT_FIELDS, type LocalizationCheck } from './localization';
import type { CaseKind, CaseStatus, Decision, SubtitleFormat, SubtitleKind, UploadStatus, Verdict } from './episode';

/** The current (or an earlier) uploaded video of an episode. */
export interface MediaInfo {
  id: string;
  sha256: string;
  sizeBytes: number;
  fileName: string;
  container: string;
  videoCodec: string;
  audioCodec: string | null;
  durationSeconds: number;
  width: number;
  height: number;
  warnings: string[];
  /** Paths on the dashboard's own origin (passed through to the API with the session). */
  videoUrl: string;
  posterUrl: string | null;
  createdAt: string;
}

export interface UploadRecord {
  id: string;
  fileName: string;
  fileType: string;
  declaredSize: number;
  status: UploadStatus;
  failureReason: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface SubtitleTrackInfo {
  id: string;
  language: string;
  kind: SubtitleKind;
  aiGenerated: boolean;
  webVttUrl: string;
  format: SubtitleFormat;
  cueCount: number;
  updatedAt: string;
}

export interface ReviewCaseInfo {
  id: string;
  kind: CaseKind;
  status: CaseStatus;
  territories: string[];
  submittedAt: string;
  screenedAt: string | null;
  decidedAt: string | null;
  plannedReleaseAt: string | null;
  progress: Record<string, unknown>;
  aiStatus: 'PENDING' | 'COMPLETED' | 'AI_UNAVAILABLE';
  invalidatedReason: string | null;
  appealStatement: string | null;
  previousCase: { id: string } | null;
  verdicts: Array<{ territory: string; verdict: Verdict; riskScore: number; reasons: string[] }>;
  decisions: Array<{ id: string; territory: string; decision: Decision; actorLabel: string; notes: string | null; citedRuleIds: string[]; pendingSecondApproval: boolean; createdAt: string }>;
  comments: Array<{ id: string; atSeconds: number | null; text: string; authorLabel: string; createdAt: string }>;
  findings: Array<{ id: string; territory: string; ruleId: string; category: string; severity: string; explanation: string }>;
}

export interface EpisodeDetail {
  id: string;
  seriesId: string;
  number: number;
  title: string;
  synopsis: string;
  status: EpisodeStatus;
  durationSeconds: number | null;
  uploadError: string | null;
  takedownReason: string | null;
  updatedAt: string;
  media: MediaInfo | null;
  mediaRevisions: MediaInfo[];
  uploads: UploadRecord[];
  subtitles: SubtitleTrackInfo[];
  reviewCases: ReviewCaseInfo[];
  localizationPreflight: LocalizationCheck[];
}

const MEDIA_FIELDS = 'id sha256 sizeBytes fileName container videoCodec audioCodec durationSeconds width height warnings videoUrl posterUrl createdAt';
const UPLOAD_FIELDS = 'id fileName fileType declaredSize status failureReason createdAt finishedAt';
const CASE_FIELDS = `id kind status territories submittedAt screenedAt decidedAt plannedReleaseAt progress aiStatus invalidatedReason appealStatement
  previousCase { id }
  verdicts { territory verdict riskScore reasons }
  decisions { id territory decision actorLabel notes citedRuleIds pendingSecondApproval createdAt }
  comments { id atSeconds text authorLabel createdAt }
  findings { id territory ruleId category severity explanation }`;

/** Everything the episode page shows, with the title of its series and where it is licensed. */
export async function getEpisodeDetail(
  request: Request,
  seriesId: string,
  episodeId: string,
): Promise<ApiResult<{ episode: EpisodeDetail; series: { id: string; title: string; licensedTerritories: string[] } }>> {
  const result = await gql<{ episode: EpisodeDetail; series: { id: string; title: string; license: { territoriesIncluded: string[] } | null } }>(
    request,
    `query EpisodePage($id: ID!, $seriesId: ID!) {
      series(id: $seriesId) { id title license { territoriesIncluded } }
      episode(id: $id) {
        id seriesId number title synopsis status durationSeconds uploadError takedownReason updatedAt
        media { ${MEDIA_FIELDS} }
        mediaRevisions { ${MEDIA_FIELDS} }
        uploads(first: 10) { ${UPLOAD_FIELDS} }
        subtitles { id language kind aiGenerated webVttUrl format cueCount updatedAt }
        reviewCases { ${CASE_FIELDS} }
        localizationPreflight { ${LOCALIZATION_PREFLIGHT_FIELDS} }
      }
    }`,
    { id: episodeId, seriesId },
  );
  if (!result.ok) return result;
  // An episode of another series is not at this address.
  const { episode, series } = result.data;
  if (episode.seriesId !== series.id) return { ok: false, error: { code: 'NOT_FOUND', message: 'That episode is not in this series.' } };
  return { ok: true, data: { episode, series: { id: series.id, title: series.title, licensedTerritories: series.license?.territoriesIncluded ?? [] } } };
}

/** Where an episode's media stands, for pages waiting on uploads they started. */
export interface EpisodeMediaState {
  id: string;
  number: number;
  status: EpisodeStatus;
  durationSeconds: number | null;
  uploadError: string | null;
  media: { posterUrl: string | null; durationSeconds: number; width: number; height: number; warnings: string[] } | null;
  uploads: Array<{ id: string; status: UploadStatus; failureReason: string | null }>;
}

export const MEDIA_STATE_LIMIT = 20;

export async function getEpisodeMediaStates(request: Request, ids: readonly string[]): Promise<ApiResult<EpisodeMediaState[]>> {
  const wanted = [...new Set(ids)].slice(0, MEDIA_STATE_LIMIT);
  if (!wanted.length) return { ok: true, data: [] };
  // One request for all of them: each episode under its own alias.
  const variables = Object.fromEntries(wanted.map((id, i) => [`id${i}`, id]));
  const query = `query EpisodeMediaStates(${wanted.map((_, i) => `$id${i}: ID!`).join(', ')}) {
    ${wanted
      .map(
        (_, i) => `e${i}: episode(id: $id${i}) {
      id number status durationSeconds uploadError
      media { posterUrl durationSeconds width height warnings }
      uploads(first: 5) { id status failureReason }
    }`,
      )
      .join('\n')}
  }`;
  const result = await gql<Record<string, EpisodeMediaState>>(request, query, variables);
  return result.ok ? { ok: true, data: wanted.map((_, i) => result.data[`e${i}`]!) } : result;
}

export async function updateEpisodeDetails(request: Request, input: { id: string; title: string; synopsis: string }): Promise<ApiResult<{ number: number; title: string }>> {
  const result = await gql<{ updateEpisode: { number: number; title: string } }>(
    request,
    `mutation UpdateEpisode($input: UpdateEpisodeInput!) { updateEpisode(input: $input) { number title } }`,
    { input },
  );
  return result.ok ? { ok: true, data: result.data.updateEpisode } : result;
}

export async function setSubtitles(
  request: Request,
  input: { episodeId: string; language: string; format: SubtitleFormat; kind: SubtitleKind; aiGenerated: boolean; content: string },
): Promise<ApiResult<{ language: string; cueCount: number }>> {
  const result = await gql<{ setSubtitles: { language: string; cueCount: number } }>(
    request,
    `mutation SetSubtitles($input: SubtitlesInput!) { setSubtitles(input: $input) { language cueCount } }`,
    { input },
  );
  return result.ok ? { ok: true, data: result.data.setSubtitles } : result;
}

export async function removeSubtitles(request: Request, episodeId: string, language: string, kind: SubtitleKind): Promise<ApiResult<boolean>> {
  const result = await gql<{ removeSubtitles: boolean }>(
    request,
    `mutation RemoveSubtitles($episodeId: ID!, $language: String!, $kind: SubtitleKind) { removeSubtitles(episodeId: $episodeId, language: $language, kind: $kind) }`,
    { episodeId, language, kind },
  );
  return result.ok ? { ok: true, data: result.data.removeSubtitles } : result;
}

/** Sends episodes with media to review for the territories; one case per episode. */
export async function submitForReview(
  request: Request,
  input: { episodeIds: string[]; territories: string[]; plannedReleaseAt: string | null },
): Promise<ApiResult<Array<{ id: string; episode: { number: number } }>>> {
  const { plannedReleaseAt, ...required } = input;
  // Sent only when chosen, so a submission without a date never depends on the field.
  const variables = { input: plannedReleaseAt ? { ...required, plannedReleaseAt } : required };
  const result = await gql<{ submitForReview: Array<{ id: string; episode: { number: number } }> }>(
    request,
    `mutation SubmitForReview($input: SubmitForReviewInput!) { submitForReview(input: $input) { id episode { number } } }`,
    variables,
  );
  return result.ok ? { ok: true, data: result.data.submitForReview } : result;
}

export async function appealCase(request: Request, caseId: string, statement: string): Promise<ApiResult<{ id: string }>> {
  const result = await gql<{ appealCase: { id: string } }>(
    request,
    `mutation AppealCase($caseId: ID!, $statement: String!) { appealCase(caseId: $caseId, statement: $statement) { id } }`,
    { caseId, statement },
  );
  return result.ok ? { ok: true, data: result.data.appealCase } : result;
}
