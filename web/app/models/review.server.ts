/** The operator's review work over GraphQL: the queue, cases, decisions, leads' tools and settings. */
import type { EpisodeStatus } from './catalog';
import { gql, type ApiResult } from './graphql.server';
import type { AiStatus, CaseKind, CaseStatus, Decision, Finding, PolicyPack, QueueFilter, Verdict } from './moderation';

export interface TerritoryVerdict {
  territory: string;
  verdict: Verdict;
  riskScore: number;
  reasons: string[];
}

export interface QueueCase {
  id: string;
  kind: CaseKind;
  territories: string[];
  riskScore: number | null;
  aiStatus: AiStatus;
  verdicts: TerritoryVerdict[];
  submittedAt: string;
  slaDueAt: string;
  escalated: boolean;
  awaitingSecondApproval: boolean;
  claimedBy: { email: string } | null;
  claimExpiresAt: string | null;
  episode: { id: string; number: number; title: string };
}

export interface QueuePage {
  cases: QueueCase[];
  /** Pass back as `after` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface QueueStats {
  pending: number;
  claimed: number;
  held: number;
  escalated: number;
  slaBreaches: number;
  aiUnavailable: number;
  oldestPendingSeconds: number | null;
  throughput: Array<{ reviewer: string; decisions: number }>;
}

export interface CalibrationRow {
  territory: string;
  category: string;
  decisions: number;
  agreed: number;
  overturned: number;
  uncertain: number;
}

export const QUEUE_PAGE_SIZE = 25;

const apiFilter = (filter: QueueFilter) => (Object.keys(filter).length ? filter : null);

const QUEUE_FIELDS = `id kind territories riskScore aiStatus submittedAt slaDueAt escalated awaitingSecondApproval claimExpiresAt
  claimedBy { email }
  verdicts { territory verdict riskScore reasons }
  episode { id number title }`;

/** Cases waiting for a human, highest priority first, with the queue's numbers and calibration. */
export async function getQueueOverview(
  request: Request,
  filter: QueueFilter,
  after: string | null,
  calibrationSince: string,
): Promise<ApiResult<{ page: QueuePage; stats: QueueStats; calibration: CalibrationRow[] }>> {
  const result = await gql<{
    reviewQueue: { nodes: QueueCase[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } };
    queueStats: QueueStats;
    reviewStats: CalibrationRow[];
  }>(
    request,
    `query ReviewQueue($filter: QueueFilterInput, $first: Int, $after: String, $since: DateTimeISO) {
      reviewQueue(filter: $filter, first: $first, after: $after) {
        nodes { ${QUEUE_FIELDS} }
        pageInfo { endCursor hasNextPage }
      }
      queueStats { pending claimed held escalated slaBreaches aiUnavailable oldestPendingSeconds throughput { reviewer decisions } }
      reviewStats(since: $since) { territory category decisions agreed overturned uncertain }
    }`,
    { filter: apiFilter(filter), first: QUEUE_PAGE_SIZE, after: after || null, since: calibrationSince },
  );
  if (!result.ok) return result;
  const { reviewQueue, queueStats, reviewStats } = result.data;
  return {
    ok: true,
    data: {
      page: { cases: reviewQueue.nodes, nextCursor: reviewQueue.pageInfo.hasNextPage ? reviewQueue.pageInfo.endCursor : null },
      stats: queueStats,
      calibration: reviewStats,
    },
  };
}

/** Claims the next case the filter allows; null when there is none to take. */
export async function claimNextCase(request: Request, filter: QueueFilter): Promise<ApiResult<{ id: string } | null>> {
  const result = await gql<{ claimNextCase: { id: string } | null }>(
    request,
    `mutation ClaimNextCase($filter: QueueFilterInput) { claimNextCase(filter: $filter) { id } }`,
    { filter: apiFilter(filter) },
  );
  return result.ok ? { ok: true, data: result.data.claimNextCase } : result;
}

export interface CaseDecision {
  id: string;
  territory: string;
  decision: Decision;
  citedRuleIds: string[];
  notes: string | null;
  actorLabel: string;
  pendingSecondApproval: boolean;
  createdAt: string;
}

export interface CaseComment {
  id: string;
  atSeconds: number | null;
  text: string;
  authorLabel: string;
  createdAt: string;
}

export interface CaseHistoryEvent {
  id: string;
  occurredAt: string;
  action: string;
  actorLabel: string;
  summary: Record<string, unknown>;
}

export interface EarlierCase {
  id: string;
  kind: CaseKind;
  status: CaseStatus;
  territories: string[];
  submittedAt: string;
  decidedAt: string | null;
  mediaSha256: string;
  decisions: CaseDecision[];
  comments: CaseComment[];
  previousCase: { id: string } | null;
}

export interface ReviewCaseDetail {
  id: string;
  kind: CaseKind;
  status: CaseStatus;
  version: number;
  territories: string[];
  riskScore: number | null;
  aiStatus: AiStatus;
  aiError: string | null;
  submittedAt: string;
  screenedAt: string | null;
  decidedAt: string | null;
  slaDueAt: string;
  plannedReleaseAt: string | null;
  mediaSha256: string;
  /** Only the id: the API cannot always say more about whoever holds the claim (see the case loader). */
  claimedBy: { id: string } | null;
  claimExpiresAt: string | null;
  escalated: boolean;
  escalationNote: string | null;
  held: boolean;
  holdReason: string | null;
  awaitingSecondApproval: boolean;
  invalidatedReason: string | null;
  appealStatement: string | null;
  verdicts: TerritoryVerdict[];
  findings: Finding[];
  assessment: { provider: string; model: string | null; policyVersion: string; aiCompleted: boolean; keyframes: unknown[] } | null;
  episode: {
    id: string;
    number: number;
    title: string;
    status: EpisodeStatus;
    seriesId: string;
    durationSeconds: number | null;
    media: { videoUrl: string; posterUrl: string | null; width: number; height: number; durationSeconds: number } | null;
  };
  previousCase: EarlierCase | null;
  changesSincePrevious: { mediaReplaced: boolean; previousMediaSha256: string; metadataChanges: Array<{ field: string; before: string; after: string }> } | null;
  decisions: CaseDecision[];
  comments: CaseComment[];
  history: CaseHistoryEvent[];
  contentMatches: ContentMatch[];
}

/** A perceptual-fingerprint match of the case's video with another episode's (operators only). */
export interface ContentMatch {
  id: string;
  message: string;
  sameStudio: boolean;
  matchedFrames: number;
  licensed: boolean;
  licenseNote: string | null;
  episodeNumber: number;
  seriesTitle: string;
  studioName: string;
  videoUrl: string;
  matchedEpisodeNumber: number;
  matchedSeriesTitle: string;
  matchedStudioName: string;
  matchedVideoUrl: string;
  moments: Array<{ atSeconds: number; matchedAtSeconds: number; distance: number }>;
}

const CONTENT_MATCH_FIELDS = `id message sameStudio matchedFrames licensed licenseNote episodeNumber seriesTitle studioName videoUrl
  matchedEpisodeNumber matchedSeriesTitle matchedStudioName matchedVideoUrl moments { atSeconds matchedAtSeconds distance }`;

const DECISION_FIELDS = 'id territory decision citedRuleIds notes actorLabel pendingSecondApproval createdAt';
const COMMENT_FIELDS = 'id atSeconds text authorLabel createdAt';

export async function getReviewCase(request: Request, id: string): Promise<ApiResult<ReviewCaseDetail>> {
  const result = await gql<{ reviewCase: ReviewCaseDetail }>(
    request,
    `query ReviewCase($id: ID!) {
      reviewCase(id: $id) {
        id kind status version territories riskScore aiStatus aiError submittedAt screenedAt decidedAt slaDueAt plannedReleaseAt mediaSha256
        claimedBy { id }
        claimExpiresAt escalated escalationNote held holdReason awaitingSecondApproval invalidatedReason appealStatement
        verdicts { territory verdict riskScore reasons }
        findings { id territory ruleId category severity source evidence explanation score }
        assessment { provider model policyVersion aiCompleted keyframes }
        episode {
          id number title status seriesId durationSeconds
          media { videoUrl posterUrl width height durationSeconds }
        }
        previousCase { id }
        changesSincePrevious { mediaReplaced previousMediaSha256 metadataChanges { field before after } }
        decisions { ${DECISION_FIELDS} }
        comments { ${COMMENT_FIELDS} }
        history { id occurredAt action actorLabel summary }
        contentMatches { ${CONTENT_MATCH_FIELDS} }
      }
    }`,
    { id },
  );
  if (!result.ok) return result;
  const reviewCase = result.data.reviewCase;
  if (!reviewCase.previousCase) return { ok: true, data: reviewCase };
  // The earlier case is read on its own: nested under a case, the API returns only its id.
  const earlier = await gql<{ reviewCase: EarlierCase }>(
    request,
    `query EarlierCase($id: ID!) {
      reviewCase(id: $id) {
        id kind status territories submittedAt decidedAt mediaSha256
        decisions { ${DECISION_FIELDS} }
        comments { ${COMMENT_FIELDS} }
        previousCase { id }
      }
    }`,
    { id: reviewCase.previousCase.id },
  );
  if (!earlier.ok) return earlier;
  return { ok: true, data: { ...reviewCase, previousCase: earlier.data.reviewCase } };
}

export interface SubtitleCue {
  start: number;
  end: number;
  text: string;
}

export interface SubtitleTrack {
  language: string;
  kind?: string;
  aiGenerated?: boolean;
  /** For the player; absent on cues gathered from findings. */
  webVttUrl?: string;
  cues: SubtitleCue[];
}

/**
 * The episode's subtitle tracks. Asked for on their own: when the API does not share them with
 * the reviewer, the rest of the case still loads.
 */
export async function getCaseSubtitles(request: Request, caseId: string): Promise<ApiResult<SubtitleTrack[]>> {
  const result = await gql<{ reviewCase: { episode: { subtitles: SubtitleTrack[] } } }>(
    request,
    `query CaseSubtitles($id: ID!) { reviewCase(id: $id) { episode { subtitles { language kind aiGenerated webVttUrl cues { start end text } } } } }`,
    { id: caseId },
  );
  return result.ok ? { ok: true, data: result.data.reviewCase.episode.subtitles } : result;
}

export interface CaseLicense {
  licensor: string;
  licenseKind: string;
  sourceWorkTitle: string;
  sourceWorkKind: string;
  territoriesIncluded: string[];
  territoriesExcluded: string[];
  windowStart: string | null;
  windowEnd: string | null;
  exclusive: boolean;
  payPerEpisode: boolean;
  avod: boolean;
  svod: boolean;
  holdbacks: Array<{ territory: string; until: string }>;
  aiGeneratedContent: boolean;
  aiDisclosure: string | null;
}

export interface TerritoryTerms {
  territory: string;
  availability: { available: boolean; reasons: Array<{ code: string; message: string }> };
  price: { priced: boolean; free: boolean; coins: number | null; currency: string | null; amount: string | null; explanation: string } | null;
}

export interface CaseSeries {
  title: string;
  license: CaseLicense | null;
  terms: TerritoryTerms[];
}

/**
 * The series' license, and availability and price of the episode in each target territory. Asked
 * for on their own, for the same reason as the subtitles.
 */
export async function getCaseSeries(request: Request, seriesId: string, episodeId: string, territories: readonly string[]): Promise<ApiResult<CaseSeries>> {
  const wanted = territories.slice(0, 20);
  const variables: Record<string, unknown> = { id: seriesId };
  wanted.forEach((t, i) => (variables[`t${i}`] = t));
  const result = await gql<{ series: Record<string, unknown> & { title: string; license: CaseLicense | null } }>(
    request,
    `query CaseSeries($id: ID!${wanted.map((_, i) => `, $t${i}: String!`).join('')}) {
      series(id: $id) {
        title
        license {
          licensor licenseKind sourceWorkTitle sourceWorkKind territoriesIncluded territoriesExcluded windowStart windowEnd
          exclusive payPerEpisode avod svod holdbacks { territory until } aiGeneratedContent aiDisclosure
        }
        ${wanted
          .map(
            (_, i) => `a${i}: availability(territory: $t${i}) { available reasons { code message } }
        p${i}: pricePreview(territory: $t${i}) { episode { id } price { priced free coins currency amount explanation } }`,
          )
          .join('\n')}
      }
    }`,
    variables,
  );
  if (!result.ok) return result;
  const { series } = result.data;
  const terms = wanted.map((territory, i) => {
    const prices = series[`p${i}`] as Array<{ episode: { id: string }; price: TerritoryTerms['price'] }>;
    return {
      territory,
      availability: series[`a${i}`] as TerritoryTerms['availability'],
      price: prices.find((p) => p.episode.id === episodeId)?.price ?? null,
    };
  });
  return { ok: true, data: { title: series.title, license: series.license, terms } };
}

export async function listPolicyPacks(request: Request): Promise<ApiResult<PolicyPack[]>> {
  const result = await gql<{ policyPacks: PolicyPack[] }>(request, `query PolicyPacks { policyPacks { territory version name description content } }`);
  return result.ok ? { ok: true, data: result.data.policyPacks } : result;
}

/** The operator's people: who holds a claim, and whom a lead can hand a case to. */
export async function listOperatorPeople(request: Request, organizationId: string): Promise<ApiResult<Array<{ id: string; name: string; email: string; role: string }>>> {
  const result = await gql<{ members: Array<{ role: string; user: { id: string; name: string; email: string } }> }>(
    request,
    `query OperatorPeople($organizationId: ID!) { members(organizationId: $organizationId) { role user { id name email } } }`,
    { organizationId },
  );
  return result.ok ? { ok: true, data: result.data.members.map((m) => ({ ...m.user, role: m.role })) } : result;
}

/** Studios an operator admin may narrow the queue to (others only see their own organizations). */
export async function listStudios(request: Request): Promise<ApiResult<Array<{ id: string; name: string }>>> {
  const result = await gql<{ organizations: Array<{ id: string; name: string; kind: string }> }>(request, `query Organizations { organizations { id name kind } }`);
  return result.ok ? { ok: true, data: result.data.organizations.filter((o) => o.kind === 'STUDIO').map(({ id, name }) => ({ id, name })) } : result;
}

export interface DecisionInput {
  territory: string;
  decision: Decision;
  citedRuleIds: string[];
  notes: string | null;
}

export interface CommentInput {
  atSeconds: number | null;
  text: string;
}

/** Decides every territory of a claimed case, with notes pinned to video times. */
export async function decideCase(
  request: Request,
  input: { caseId: string; version: number; decisions: DecisionInput[]; comments: CommentInput[] },
): Promise<ApiResult<{ id: string; status: CaseStatus; awaitingSecondApproval: boolean; episode: { status: string } }>> {
  const result = await gql<{ decideCase: { id: string; status: CaseStatus; awaitingSecondApproval: boolean; episode: { status: string } } }>(
    request,
    `mutation DecideCase($input: DecideCaseInput!) { decideCase(input: $input) { id status awaitingSecondApproval episode { status } } }`,
    { input },
  );
  return result.ok ? { ok: true, data: result.data.decideCase } : result;
}

/** Keeps the reviewer's claim alive; CONFLICT once it has lapsed or the case was decided. */
export async function extendClaim(request: Request, caseId: string): Promise<ApiResult<{ claimExpiresAt: string | null }>> {
  const result = await gql<{ extendClaim: { claimExpiresAt: string | null } }>(
    request,
    `mutation ExtendClaim($caseId: ID!) { extendClaim(caseId: $caseId) { claimExpiresAt } }`,
    { caseId },
  );
  return result.ok ? { ok: true, data: result.data.extendClaim } : result;
}

type CaseChange = ApiResult<{ id: string; version: number }>;

async function changeCase(request: Request, mutation: string, field: string, variables: Record<string, unknown>): Promise<CaseChange> {
  const result = await gql<Record<string, { id: string; version: number }>>(request, mutation, variables);
  return result.ok ? { ok: true, data: result.data[field]! } : result;
}

export const releaseCase = (request: Request, caseId: string) =>
  changeCase(request, `mutation ReleaseCase($caseId: ID!) { releaseCase(caseId: $caseId) { id version } }`, 'releaseCase', { caseId });

/** A lead rules a content match licensed (remembered for that pair of videos). */
export async function markContentMatchLicensed(request: Request, matchId: string, note: string): Promise<ApiResult<{ id: string; licensed: boolean }>> {
  const result = await gql<{ markContentMatchLicensed: { id: string; licensed: boolean } }>(
    request,
    `mutation MarkContentMatchLicensed($matchId: ID!, $note: String!) { markContentMatchLicensed(matchId: $matchId, note: $note) { id licensed } }`,
    { matchId, note },
  );
  return result.ok ? { ok: true, data: result.data.markContentMatchLicensed } : result;
}

export const escalateCase = (request: Request, caseId: string, note: string) =>
  changeCase(request, `mutation EscalateCase($caseId: ID!, $note: String!) { escalateCase(caseId: $caseId, note: $note) { id version } }`, 'escalateCase', { caseId, note });

export const holdCase = (request: Request, caseId: string, held: boolean, reason: string | null) =>
  changeCase(
    request,
    `mutation HoldCase($caseId: ID!, $held: Boolean!, $reason: String) { holdCase(caseId: $caseId, held: $held, reason: $reason) { id version } }`,
    'holdCase',
    { caseId, held, reason },
  );

export const assignCase = (request: Request, caseId: string, reviewerId: string) =>
  changeCase(request, `mutation AssignCase($caseId: ID!, $reviewerId: ID!) { assignCase(caseId: $caseId, reviewerId: $reviewerId) { id version } }`, 'assignCase', {
    caseId,
    reviewerId,
  });

export async function takeDownEpisode(request: Request, episodeId: string, reason: string): Promise<ApiResult<{ id: string; status: string }>> {
  const result = await gql<{ takeDownEpisode: { id: string; status: string } }>(
    request,
    `mutation TakeDownEpisode($episodeId: ID!, $reason: String!) { takeDownEpisode(episodeId: $episodeId, reason: $reason) { id status } }`,
    { episodeId, reason },
  );
  return result.ok ? { ok: true, data: result.data.takeDownEpisode } : result;
}

export interface ReviewSettings {
  autoApproveEnabled: boolean;
  autoApproveMaxRisk: number;
  studioSeesFindingsBeforeDecision: boolean;
}

export async function getReviewSettings(request: Request): Promise<ApiResult<ReviewSettings>> {
  const result = await gql<{ reviewSettings: ReviewSettings }>(request, `query ReviewSettings { reviewSettings { autoApproveEnabled autoApproveMaxRisk studioSeesFindingsBeforeDecision } }`);
  return result.ok ? { ok: true, data: result.data.reviewSettings } : result;
}

export async function updateReviewSettings(request: Request, input: ReviewSettings): Promise<ApiResult<ReviewSettings>> {
  const result = await gql<{ updateReviewSettings: ReviewSettings }>(
    request,
    `mutation UpdateReviewSettings($input: ReviewSettingsInput!) {
      updateReviewSettings(input: $input) { autoApproveEnabled autoApproveMaxRisk studioSeesFindingsBeforeDecision }
    }`,
    { input },
  );
  return result.ok ? { ok: true, data: result.data.updateReviewSettings } : result;
}

/** The episode a case reviews, for actions on the episode itself (a takedown). */
export async function caseEpisodeId(request: Request, caseId: string): Promise<ApiResult<string>> {
  const result = await gql<{ reviewCase: { episode: { id: string } } }>(request, `query CaseEpisode($id: ID!) { reviewCase(id: $id) { episode { id } } }`, { id: caseId });
  return result.ok ? { ok: true, data: result.data.reviewCase.episode.id } : result;
}
