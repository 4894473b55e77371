/** The operator's review work over GraphQL: the queue, cases, decisions, leads' tools and settings. */
import { parse, print } from '@0no-co/graphql.web';
import { graphql, type ResultOf, type TadaDocumentNode, type VariablesOf } from '~/graphql';
import { gql, type ApiResult } from './graphql.server';
import type { QueueFilter } from './moderation';
import { FindingFields, PolicyPackFields, type PolicyPack } from './moderation';
import { PlayerAudioFields, PlayerTrackFields, type PlayerAudio, type PlayerTrack } from '~/components/player-tracks';
import { ContentMatchFields } from '~/components/review/content-matches';
import { ReviewedLocalizationFields } from '~/components/review/case-context';
import { TerritoryOutcomeFields } from '~/components/territory-outcomes';

const QueueCaseFields = graphql(`
  fragment QueueCaseFields on ReviewCase {
    id kind territories riskScore aiStatus submittedAt slaDueAt escalated routedToLead awaitingSecondApproval
    claim { held }
    claimedBy { email }
    verdicts { territory verdict riskScore reasons }
    seriesTitle
    studio { id name }
    episode { id number title seriesId }
  }
`);
const DecisionFields = graphql(`
  fragment DecisionFields on ReviewDecision { id territory decision citedRuleIds notes actorLabel pendingSecondApproval createdAt }
`);
const CommentFields = graphql(`fragment CommentFields on ReviewComment { id atSeconds text authorLabel createdAt }`);

const REVIEW_QUEUE = graphql(
  `query ReviewQueue($filter: QueueFilterInput, $first: Int, $after: String, $since: DateTimeISO, $groupBySeries: Boolean) {
    reviewQueue(filter: $filter, first: $first, after: $after, groupBySeries: $groupBySeries) {
      nodes { ...QueueCaseFields }
      pageInfo { endCursor hasNextPage }
    }
    queueStats { pending claimed held escalated slaBreaches aiUnavailable oldestPendingSeconds throughput { reviewer decisions } }
    reviewStats(since: $since) { territory category decisions agreed overturned uncertain }
    reviewStatsByDetector(since: $since) { detector model decisions agreed overturned missed }
  }`,
  [QueueCaseFields],
);
const CLAIM_NEXT_CASE = graphql(`mutation ClaimNextCase($filter: QueueFilterInput) { claimNextCase(filter: $filter) { id } }`);
const CLAIM_CASE = graphql(`mutation ClaimCase($caseId: ID!) { claimCase(caseId: $caseId) { id claimExpiresAt } }`);
const REVIEW_CASE = graphql(
  `query ReviewCase($id: ID!) {
    reviewCase(id: $id) {
      id kind status version territories riskScore aiStatus aiError submittedAt screenedAt decidedAt slaDueAt plannedReleaseAt mediaSha256
      seriesTitle
      studio { id name }
      claimedBy { id }
      claim { held heldByViewer expiresAt }
      viewerCanClaim
      preselectedDecisions { territory decision citedRuleIds ruleToCite firstDecision { actorLabel createdAt } }
      escalated escalationNote held holdReason awaitingSecondApproval invalidatedReason appealStatement
      verdicts { territory verdict riskScore reasons }
      findings { ...FindingFields }
      assessment { provider model policyVersion aiCompleted keyframes }
      episode {
        id number title status seriesId durationSeconds viewerCanTakeDown
        media { videoUrl posterUrl width height durationSeconds }
      }
      previousCase { id }
      changesSincePrevious { mediaReplaced previousMediaSha256 metadataChanges { field before after } }
      reviewedLocalizations { ...ReviewedLocalizationFields }
      decisions { ...DecisionFields }
      territoryOutcomes { ...TerritoryOutcomeFields }
      comments { ...CommentFields }
      history { id occurredAt action actorLabel summary }
      contentMatches { ...ContentMatchFields }
      routedToLead
      forLeadsOnly
    }
  }`,
  [FindingFields, DecisionFields, CommentFields, ContentMatchFields, ReviewedLocalizationFields, TerritoryOutcomeFields],
);
const EARLIER_CASE = graphql(
  `query EarlierCase($id: ID!) {
    reviewCase(id: $id) {
      id kind status territories submittedAt decidedAt mediaSha256
      decisions { ...DecisionFields }
      comments { ...CommentFields }
      previousCase { id }
    }
  }`,
  [DecisionFields, CommentFields],
);
const CASE_SUBTITLES = graphql(
  `query CaseSubtitles($id: ID!) { reviewCase(id: $id) { episode { subtitles { ...PlayerTrackFields cues { start end text } } } } }`,
  [PlayerTrackFields],
);
const CASE_DUBS = graphql(`query CaseDubs($id: ID!) { reviewCase(id: $id) { episode { audioTracks { ...PlayerAudioFields } } } }`, [PlayerAudioFields]);
const MARK_CONTENT_MATCH_LICENSED = graphql(`mutation MarkContentMatchLicensed($matchId: ID!, $note: String!) { markContentMatchLicensed(matchId: $matchId, note: $note) { id licensed } }`);
const CaseSeriesFields = graphql(`
  fragment CaseSeriesFields on Series {
    title
    license {
      licensor licenseKind sourceWorkTitle sourceWorkKind territoriesIncluded territoriesExcluded windowStart windowEnd
      exclusive payPerEpisode avod svod holdbacks { territory until } aiGeneratedContent aiDisclosure
    }
  }
`);
const AvailabilityFields = graphql(`fragment AvailabilityFields on Availability { available reasons { code message } }`);
const PreviewPriceFields = graphql(`fragment PreviewPriceFields on EpisodePrice { episode { id } price { priced free coins currency amount explanation } }`);
const POLICY_PACKS = graphql(`query PolicyPacks { policyPacks { ...PolicyPackFields } }`, [PolicyPackFields]);
const OPERATOR_PEOPLE = graphql(`query OperatorPeople($organizationId: ID!) { members(organizationId: $organizationId) { role user { id name email } } }`);

type QueueResult = ResultOf<typeof REVIEW_QUEUE>;
export type QueueCase = ResultOf<typeof QueueCaseFields>;
export type QueueStats = QueueResult['queueStats'];
export type CalibrationRow = QueueResult['reviewStats'][number];
/** Reviewer agreement with one detector of the screening (rules, the profanity matcher, a model with its version). */
export type DetectorCalibrationRow = QueueResult['reviewStatsByDetector'][number];
export type ReviewCaseDetail = Omit<ResultOf<typeof REVIEW_CASE>['reviewCase'], 'previousCase'> & { previousCase: EarlierCase | null };
export type TerritoryVerdict = ReviewCaseDetail['verdicts'][number];
/** Where the decision form starts for a territory, and the rule it ticks when citing: the API's rule. */
export type PreselectedDecision = ReviewCaseDetail['preselectedDecisions'][number];
export type CaseDecision = ResultOf<typeof DecisionFields>;
export type CaseComment = ResultOf<typeof CommentFields>;
export type CaseHistoryEvent = ReviewCaseDetail['history'][number];
export type EarlierCase = ResultOf<typeof EARLIER_CASE>['reviewCase'];
type CaseSubtitleTrack = ResultOf<typeof CASE_SUBTITLES>['reviewCase']['episode']['subtitles'][number];
export type SubtitleCue = CaseSubtitleTrack['cues'][number];
/** A track for the reviewer's transcript and player; tracks gathered from findings carry only language and cues. */
export type SubtitleTrack = PlayerTrack & Pick<CaseSubtitleTrack, 'cues'>;
export type CaseLicense = NonNullable<ResultOf<typeof CaseSeriesFields>['license']>;

export interface QueuePage {
  cases: QueueCase[];
  /** Pass back as `after` for the next page; null on the last page. */
  nextCursor: string | null;
}

export const QUEUE_PAGE_SIZE = 25;

const apiFilter = (filter: QueueFilter) => (Object.keys(filter).length ? filter : null);

/** Cases waiting for a human, highest priority first, with the queue's numbers and calibration. */
export async function getQueueOverview(
  request: Request,
  filter: QueueFilter,
  after: string | null,
  calibrationSince: string,
  groupBySeries = false,
): Promise<ApiResult<{ page: QueuePage; stats: QueueStats; calibration: CalibrationRow[]; detectorCalibration: DetectorCalibrationRow[] }>> {
  const result = await gql(request, REVIEW_QUEUE, { filter: apiFilter(filter), first: QUEUE_PAGE_SIZE, after: after || null, since: calibrationSince, groupBySeries });
  if (!result.ok) return result;
  const { reviewQueue, queueStats, reviewStats, reviewStatsByDetector } = result.data;
  return {
    ok: true,
    data: {
      page: { cases: reviewQueue.nodes, nextCursor: reviewQueue.pageInfo.hasNextPage ? reviewQueue.pageInfo.endCursor : null },
      stats: queueStats,
      calibration: reviewStats,
      detectorCalibration: reviewStatsByDetector,
    },
  };
}

/** Claims the next case the filter allows; null when there is none to take. */
export async function claimNextCase(request: Request, filter: QueueFilter): Promise<ApiResult<{ id: string } | null>> {
  const result = await gql(request, CLAIM_NEXT_CASE, { filter: apiFilter(filter) });
  return result.ok ? { ok: true, data: result.data.claimNextCase } : result;
}

/** Claims this case, under the rules "Claim next" picks by; the API names why not (who holds it, and until when). */
export async function claimCase(request: Request, caseId: string): Promise<ApiResult<{ id: string; claimExpiresAt: string | null }>> {
  const result = await gql(request, CLAIM_CASE, { caseId });
  return result.ok ? { ok: true, data: result.data.claimCase } : result;
}

export async function getReviewCase(request: Request, id: string): Promise<ApiResult<ReviewCaseDetail>> {
  const result = await gql(request, REVIEW_CASE, { id });
  if (!result.ok) return result;
  const reviewCase = result.data.reviewCase;
  if (!reviewCase.previousCase) return { ok: true, data: { ...reviewCase, previousCase: null } };
  // The earlier case is read on its own: nested under a case, the API returns only its id.
  const earlier = await gql(request, EARLIER_CASE, { id: reviewCase.previousCase.id });
  if (!earlier.ok) return earlier;
  return { ok: true, data: { ...reviewCase, previousCase: earlier.data.reviewCase } };
}

/**
 * The episode's subtitle tracks. Asked for on their own: when the API does not share them with
 * the reviewer, the rest of the case still loads.
 */
export async function getCaseSubtitles(request: Request, caseId: string): Promise<ApiResult<SubtitleTrack[]>> {
  const result = await gql(request, CASE_SUBTITLES, { id: caseId });
  return result.ok ? { ok: true, data: result.data.reviewCase.episode.subtitles } : result;
}

/** The episode's dubbed audio tracks, asked for on their own like the subtitles. */
export async function getCaseDubs(request: Request, caseId: string): Promise<ApiResult<PlayerAudio[]>> {
  const result = await gql(request, CASE_DUBS, { id: caseId });
  return result.ok ? { ok: true, data: result.data.reviewCase.episode.audioTracks } : result;
}

export interface TerritoryTerms {
  territory: string;
  availability: ResultOf<typeof AvailabilityFields>;
  price: ResultOf<typeof PreviewPriceFields>['price'] | null;
}

export interface CaseSeries {
  title: string;
  license: CaseLicense | null;
  terms: TerritoryTerms[];
}

type CaseSeriesResult = {
  series: ResultOf<typeof CaseSeriesFields> & Record<string, ResultOf<typeof AvailabilityFields> | Array<ResultOf<typeof PreviewPriceFields>>>;
};

/**
 * The series' license, and availability and price of the episode in each target territory. Asked
 * for on their own, for the same reason as the subtitles.
 */
export async function getCaseSeries(request: Request, seriesId: string, episodeId: string, territories: readonly string[]): Promise<ApiResult<CaseSeries>> {
  const wanted = territories.slice(0, 20);
  const variables: Record<string, string> = { id: seriesId };
  wanted.forEach((t, i) => (variables[`t${i}`] = t));
  // The aliases vary with the territories, so the operation is assembled here around typed fragments.
  const operation = `query CaseSeries($id: ID!${wanted.map((_, i) => `, $t${i}: String!`).join('')}) {
    series(id: $id) {
      ...CaseSeriesFields
      ${wanted.map((_, i) => `a${i}: availability(territory: $t${i}) { ...AvailabilityFields }\n      p${i}: pricePreview(territory: $t${i}) { ...PreviewPriceFields }`).join('\n')}
    }
  }`;
  const fragments = [CaseSeriesFields, AvailabilityFields, PreviewPriceFields].map((f) => print(f as Parameters<typeof print>[0]));
  const document = parse([operation, ...fragments].join('\n')) as unknown as TadaDocumentNode<CaseSeriesResult, Record<string, string>>;
  const result = await gql(request, document, variables);
  if (!result.ok) return result;
  const { series } = result.data;
  const terms = wanted.map((territory, i) => {
    const prices = series[`p${i}`] as Array<ResultOf<typeof PreviewPriceFields>>;
    return {
      territory,
      availability: series[`a${i}`] as ResultOf<typeof AvailabilityFields>,
      price: prices.find((p) => p.episode.id === episodeId)?.price ?? null,
    };
  });
  return { ok: true, data: { title: series.title, license: series.license, terms } };
}

export async function listPolicyPacks(request: Request): Promise<ApiResult<PolicyPack[]>> {
  const result = await gql(request, POLICY_PACKS, {});
  return result.ok ? { ok: true, data: result.data.policyPacks } : result;
}

/** The operator's people: who holds a claim, and whom a lead can hand a case to. */
export async function listOperatorPeople(request: Request, organizationId: string): Promise<ApiResult<Array<{ id: string; name: string; email: string; role: string }>>> {
  const result = await gql(request, OPERATOR_PEOPLE, { organizationId });
  return result.ok ? { ok: true, data: result.data.members.map((m) => ({ ...m.user, role: m.role })) } : result;
}

const STUDIOS = graphql(`query StudioOrganizations { organizations { id name kind } }`);
const DECIDE_CASE = graphql(`mutation DecideCase($input: DecideCaseInput!) { decideCase(input: $input) { id status awaitingSecondApproval episode { status } } }`);
const EXTEND_CLAIM = graphql(`mutation ExtendClaim($caseId: ID!) { extendClaim(caseId: $caseId) { claimExpiresAt } }`);
const RELEASE_CASE = graphql(`mutation ReleaseCase($caseId: ID!) { releaseCase(caseId: $caseId) { id version } }`);
const ESCALATE_CASE = graphql(`mutation EscalateCase($caseId: ID!, $note: String!) { escalateCase(caseId: $caseId, note: $note) { id version } }`);
const HOLD_CASE = graphql(`mutation HoldCase($caseId: ID!, $held: Boolean!, $reason: String) { holdCase(caseId: $caseId, held: $held, reason: $reason) { id version } }`);
const ASSIGN_CASE = graphql(`mutation AssignCase($caseId: ID!, $reviewerId: ID!) { assignCase(caseId: $caseId, reviewerId: $reviewerId) { id version claimExpiresAt } }`);
const TAKE_DOWN_EPISODE = graphql(`mutation TakeDownEpisode($episodeId: ID!, $reason: String!) { takeDownEpisode(episodeId: $episodeId, reason: $reason) { id status } }`);
const ReviewSettingsFields = graphql(`fragment ReviewSettingsFields on ReviewSettings { autoApproveEnabled autoApproveMaxRisk studioSeesFindingsBeforeDecision }`);
const REVIEW_SETTINGS = graphql(`query ReviewSettings { reviewSettings { ...ReviewSettingsFields } }`, [ReviewSettingsFields]);
const UPDATE_REVIEW_SETTINGS = graphql(
  `mutation UpdateReviewSettings($input: ReviewSettingsInput!) { updateReviewSettings(input: $input) { ...ReviewSettingsFields } }`,
  [ReviewSettingsFields],
);
const CASE_EPISODE = graphql(`query CaseEpisode($id: ID!) { reviewCase(id: $id) { episode { id } } }`);

export type ReviewSettings = ResultOf<typeof ReviewSettingsFields>;
type DecideCaseInput = VariablesOf<typeof DECIDE_CASE>['input'];
export type DecisionInput = DecideCaseInput['decisions'][number];
export type CommentInput = NonNullable<DecideCaseInput['comments']>[number];

/** Studios an operator admin may narrow the queue to (others only see their own organizations). */
export async function listStudios(request: Request): Promise<ApiResult<Array<{ id: string; name: string }>>> {
  const result = await gql(request, STUDIOS, {});
  return result.ok ? { ok: true, data: result.data.organizations.filter((o) => o.kind === 'STUDIO').map(({ id, name }) => ({ id, name })) } : result;
}

/** Decides every territory of a claimed case, with notes pinned to video times. */
export async function decideCase(
  request: Request,
  input: { caseId: string; version: number; decisions: DecisionInput[]; comments: CommentInput[] },
): Promise<ApiResult<ResultOf<typeof DECIDE_CASE>['decideCase']>> {
  const result = await gql(request, DECIDE_CASE, { input });
  return result.ok ? { ok: true, data: result.data.decideCase } : result;
}

/** Keeps the reviewer's claim alive; CONFLICT once it has lapsed or the case was decided. */
export async function extendClaim(request: Request, caseId: string): Promise<ApiResult<{ claimExpiresAt: string | null }>> {
  const result = await gql(request, EXTEND_CLAIM, { caseId });
  return result.ok ? { ok: true, data: result.data.extendClaim } : result;
}

type CaseChange = ApiResult<{ id: string; version: number }>;

export async function releaseCase(request: Request, caseId: string): Promise<CaseChange> {
  const result = await gql(request, RELEASE_CASE, { caseId });
  return result.ok ? { ok: true, data: result.data.releaseCase } : result;
}

export async function escalateCase(request: Request, caseId: string, note: string): Promise<CaseChange> {
  const result = await gql(request, ESCALATE_CASE, { caseId, note });
  return result.ok ? { ok: true, data: result.data.escalateCase } : result;
}

export async function holdCase(request: Request, caseId: string, held: boolean, reason: string | null): Promise<CaseChange> {
  const result = await gql(request, HOLD_CASE, { caseId, held, reason });
  return result.ok ? { ok: true, data: result.data.holdCase } : result;
}

/** A lead rules a content match licensed (remembered for that pair of videos). */
export async function markContentMatchLicensed(request: Request, matchId: string, note: string): Promise<ApiResult<{ id: string; licensed: boolean }>> {
  const result = await gql(request, MARK_CONTENT_MATCH_LICENSED, { matchId, note });
  return result.ok ? { ok: true, data: result.data.markContentMatchLicensed } : result;
}

/** Hands the case to a reviewer; `claimExpiresAt` is when their claim lapses unless they keep working. */
export async function assignCase(request: Request, caseId: string, reviewerId: string): Promise<ApiResult<{ id: string; version: number; claimExpiresAt: string | null }>> {
  const result = await gql(request, ASSIGN_CASE, { caseId, reviewerId });
  return result.ok ? { ok: true, data: result.data.assignCase } : result;
}

export async function takeDownEpisode(request: Request, episodeId: string, reason: string): Promise<ApiResult<{ id: string; status: string }>> {
  const result = await gql(request, TAKE_DOWN_EPISODE, { episodeId, reason });
  return result.ok ? { ok: true, data: result.data.takeDownEpisode } : result;
}

export async function getReviewSettings(request: Request): Promise<ApiResult<ReviewSettings>> {
  const result = await gql(request, REVIEW_SETTINGS, {});
  return result.ok ? { ok: true, data: result.data.reviewSettings } : result;
}

export async function updateReviewSettings(request: Request, input: ReviewSettings): Promise<ApiResult<ReviewSettings>> {
  const result = await gql(request, UPDATE_REVIEW_SETTINGS, { input });
  return result.ok ? { ok: true, data: result.data.updateReviewSettings } : result;
}

/** The episode a case reviews, for actions on the episode itself (a takedown). */
export async function caseEpisodeId(request: Request, caseId: string): Promise<ApiResult<string>> {
  const result = await gql(request, CASE_EPISODE, { id: caseId });
  return result.ok ? { ok: true, data: result.data.reviewCase.episode.id } : result;
}
