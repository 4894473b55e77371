import { data, redirect } from '@remix-run/node';
import type { FormOutcome } from './form-outcome';
import { failed, formString, rejected, succeeded } from './forms.server';
import { redirectToLogin, statusOf, type ApiError } from './graphql.server';
import { decisionLabel, filterFromSearch, filterToSearch, isDecision, needsCitation, withSearch, type QueueFilter } from './moderation';
import {
  assignCase,
  caseEpisodeId,
  claimCase,
  claimNextCase,
  decideCase,
  escalateCase,
  markContentMatchLicensed,
  holdCase,
  releaseCase,
  takeDownEpisode,
  updateReviewSettings,
  type CommentInput,
  type DecisionInput,
} from './review.server';

/** What the review pages' forms get back. */
export interface ReviewOutcome extends FormOutcome {
  /** The case changed under the reviewer (stale version, lapsed claim): reload before going on. */
  conflict?: boolean;
  /** "Claim next" found nothing to take. */
  empty?: boolean;
}

/** Notices the queue and case pages show after a redirect, by their `?notice=` key. */
export const REVIEW_NOTICES = {
  decided: 'Your decision is recorded.',
  'decided-empty': 'Your decision is recorded. Nothing else is waiting for you right now.',
  'second-approval': 'Your approval is recorded. Approving against a likely violation needs a lead’s second approval, so the case is with the leads now.',
  claimed: 'The case is yours: decide it below.',
  released: 'The case is back in the queue for someone else to claim.',
  escalated: 'The case is escalated: only leads can claim it now.',
  next: 'Your decision is recorded. This is the next case.',
} as const;

export type ReviewNoticeKey = keyof typeof REVIEW_NOTICES;

export const noticeOf = (params: URLSearchParams): string | undefined => {
  const key = params.get('notice');
  return key && key in REVIEW_NOTICES ? REVIEW_NOTICES[key as ReviewNoticeKey] : undefined;
};

function casePath(caseId: string, filter: QueueFilter, notice?: ReviewNoticeKey): string {
  const params = new URLSearchParams(filterToSearch(filter));
  if (notice) params.set('notice', notice);
  return withSearch(`/review/${encodeURIComponent(caseId)}`, params.toString());
}

function queuePath(filter: QueueFilter, notice?: ReviewNoticeKey): string {
  const params = new URLSearchParams(filterToSearch(filter));
  if (notice) params.set('notice', notice);
  return withSearch('/review', params.toString());
}

/** The filter a form carries along (as `filter`, a query string), so the next claim keeps it. */
const carriedFilter = (form: FormData): QueueFilter => filterFromSearch(new URLSearchParams(formString(form, 'filter')));

/** Claims the next case the filter allows and opens it; an empty queue is said on the page. */
async function claimNext(request: Request, filter: QueueFilter, intent: string) {
  const result = await claimNextCase(request, filter);
  if (!result.ok) return failed(request, result.error, { intent });
  if (!result.data) return data<ReviewOutcome>({ intent, empty: true });
  throw redirect(casePath(result.data.id, filter));
}

/** The queue page: "Claim next" with the filters shown. */
export async function handleQueueForm(request: Request) {
  const form = await request.formData();
  const intent = formString(form, 'intent');
  if (intent === 'claimNext') return claimNext(request, carriedFilter(form), intent);
  return rejected({ intent, formError: 'That action is not known. Reload the page and try again.' });
}

/** A stale version or a lapsed claim: the reviewer must reload, whatever they were doing. */
async function caseFailure(request: Request, error: ApiError, outcome: { intent: string; fields?: readonly string[] }) {
  if (error.code === 'CONFLICT') {
    // Worded by reason (CASE_VERSION_STALE, CLAIM_LAPSED, …) in graphql.server.ts.
    return data<ReviewOutcome>({ intent: outcome.intent, conflict: true, formError: error.message }, { status: statusOf(error) });
  }
  if (error.code === 'UNAUTHENTICATED') throw await redirectToLogin(request);
  return failed(request, error, outcome);
}

interface ParsedDecision {
  input: { caseId: string; version: number; decisions: DecisionInput[]; comments: CommentInput[] };
}

/** The decision form: `decisions.<n>.{territory,decision,citedRuleIds,notes}` and `comments.<n>.{atSeconds,text}`. */
function parseDecision(form: FormData, caseId: string, territoryNames: Record<string, string>): ParsedDecision | { fieldErrors: Record<string, string> } {
  const fieldErrors: Record<string, string> = {};
  const version = Number(formString(form, 'version'));
  const decisions: DecisionInput[] = [];
  for (let i = 0; form.has(`decisions.${i}.territory`); i++) {
    const territory = formString(form, `decisions.${i}.territory`);
    const decision = formString(form, `decisions.${i}.decision`);
    const citedRuleIds = [...new Set(form.getAll(`decisions.${i}.citedRuleIds`).map((v) => String(v).trim()).filter(Boolean))];
    const name = territoryNames[territory] ?? territory;
    if (!isDecision(decision)) {
      fieldErrors[`decisions.${i}.decision`] = `Choose a decision for ${name}.`;
      continue;
    }
    if (needsCitation(decision) && !citedRuleIds.length) fieldErrors[`decisions.${i}.citedRuleIds`] = `Cite the rule behind “${decisionLabel(decision)}” in ${name}.`;
    decisions.push({ territory, decision, citedRuleIds, notes: formString(form, `decisions.${i}.notes`) || null });
  }
  const comments: CommentInput[] = [];
  for (let i = 0; form.has(`comments.${i}.text`); i++) {
    const text = formString(form, `comments.${i}.text`);
    const at = formString(form, `comments.${i}.atSeconds`);
    if (!text) continue;
    comments.push({ text, atSeconds: at && Number.isFinite(Number(at)) ? Math.max(0, Number(at)) : null });
  }
  if (!Number.isInteger(version)) return { fieldErrors: { ...fieldErrors, form: 'The form is incomplete. Reload the page and try again.' } };
  if (Object.keys(fieldErrors).length) return { fieldErrors };
  return { input: { caseId, version, decisions, comments } };
}

/** The case page: decide (and claim the next), release, escalate, and the leads' hold, hand-over and takedown. */
export async function handleCaseForm(request: Request, scope: { caseId: string; territoryNames: Record<string, string> }) {
  const form = await request.formData();
  const intent = formString(form, 'intent');
  const filter = carriedFilter(form);
  const { caseId } = scope;

  if (intent === 'decide' || intent === 'decideAndNext') {
    const parsed = parseDecision(form, caseId, scope.territoryNames);
    if ('fieldErrors' in parsed) {
      const { form: formError, ...fieldErrors } = parsed.fieldErrors;
      return data<ReviewOutcome>({ intent, fieldErrors, formError: formError ?? 'Some decisions are incomplete; see the marked territories.' }, { status: 400 });
    }
    const result = await decideCase(request, parsed.input);
    if (!result.ok) return caseFailure(request, result.error, { intent, fields: ['decisions', 'comments'] });
    if (result.data.awaitingSecondApproval) throw redirect(queuePath(filter, 'second-approval'));
    if (intent === 'decide') throw redirect(casePath(caseId, filter, 'decided'));
    const next = await claimNextCase(request, filter);
    if (next.ok && next.data) throw redirect(casePath(next.data.id, filter, 'next'));
    throw redirect(queuePath(filter, next.ok ? 'decided-empty' : 'decided'));
  }

  if (intent === 'claimNext') return claimNext(request, filter, intent);

  if (intent === 'claim') {
    const result = await claimCase(request, caseId);
    if (result.ok) throw redirect(casePath(caseId, filter, 'claimed'));
    const { error } = result;
    if (error.reason === 'CLAIM_HELD_BY_OTHER' && error.claimedBy) {
      const until = error.claimExpiresAt ? ` until ${new Date(error.claimExpiresAt).toISOString().slice(11, 16)} UTC` : '';
      return data<ReviewOutcome>({ intent, formError: `${error.claimedBy} claimed this case first and holds it${until}. Claim another case, or ask a lead to release it.` }, { status: statusOf(error) });
    }
    return failed(request, error, { intent });
  }

  if (intent === 'release') {
    const result = await releaseCase(request, caseId);
    if (!result.ok) return caseFailure(request, result.error, { intent });
    throw redirect(queuePath(filter, 'released'));
  }

  if (intent === 'escalate') {
    const note = formString(form, 'note');
    if (!note) return rejected({ intent, fieldErrors: { note: 'Say why the case needs a lead.' } });
    const result = await escalateCase(request, caseId, note);
    if (!result.ok) return caseFailure(request, result.error, { intent, fields: ['note'] });
    throw redirect(queuePath(filter, 'escalated'));
  }

  if (intent === 'hold' || intent === 'unhold') {
    const reason = formString(form, 'reason');
    if (intent === 'hold' && !reason) return rejected({ intent, fieldErrors: { reason: 'Say why the case is held.' } });
    const result = await holdCase(request, caseId, intent === 'hold', intent === 'hold' ? reason : null);
    if (!result.ok) return caseFailure(request, result.error, { intent, fields: ['reason'] });
    return succeeded({ intent, notice: intent === 'hold' ? 'The case is on hold: out of the queue until a lead puts it back.' : 'The case is back in the queue.' });
  }

  if (intent === 'assign') {
    const reviewerId = formString(form, 'reviewerId');
    if (!reviewerId) return rejected({ intent, fieldErrors: { reviewerId: 'Choose who takes the case.' } });
    const result = await assignCase(request, caseId, reviewerId);
    if (!result.ok) return caseFailure(request, result.error, { intent, fields: ['reviewerId'] });
    // The lease is the API's (REVIEW_LEASE_MINUTES): say when it ends rather than how long it is.
    const until = result.data.claimExpiresAt ? ` until ${new Date(result.data.claimExpiresAt).toISOString().slice(11, 16)} UTC` : '';
    return succeeded({ intent, notice: `The case is handed over; their claim runs${until} unless they keep working on it.` });
  }

  if (intent === 'markLicensed') {
    const matchId = formString(form, 'matchId');
    const note = formString(form, 'note');
    if (!note) return rejected({ intent, fieldErrors: { note: 'Say why this reuse is licensed, e.g. the contract.' } });
    const result = await markContentMatchLicensed(request, matchId, note);
    if (!result.ok) return caseFailure(request, result.error, { intent, fields: ['note'] });
    return succeeded({ intent, notice: 'Marked licensed: later uploads of these two series are not sent to leads for it again.' });
  }

  if (intent === 'takeDown') {
    const reason = formString(form, 'reason');
    if (reason.length < 3) return rejected({ intent, fieldErrors: { reason: 'Give the reason for the takedown.' } });
    const episode = await caseEpisodeId(request, caseId);
    if (!episode.ok) return failed(request, episode.error, { intent });
    const result = await takeDownEpisode(request, episode.data, reason);
    if (!result.ok) return failed(request, result.error, { intent, fields: ['reason'] });
    return succeeded({ intent, notice: 'The episode is taken down; partners no longer see it.' });
  }

  return rejected({ intent, formError: 'That action is not known. Reload the page and try again.' });
}

/** Admin: the auto-approve policy and when studios see findings. */
export async function handleReviewSettingsForm(request: Request) {
  const form = await request.formData();
  const intent = formString(form, 'intent');
  if (intent !== 'saveReviewSettings') return rejected({ intent, formError: 'That action is not known. Reload the page and try again.' });
  const riskText = formString(form, 'autoApproveMaxRisk');
  const risk = Number(riskText);
  if (!/^\d+$/.test(riskText) || risk > 100) return rejected({ intent, fieldErrors: { autoApproveMaxRisk: 'Use a whole number from 0 to 100.' } });
  const result = await updateReviewSettings(request, {
    autoApproveEnabled: form.has('autoApproveEnabled'),
    autoApproveMaxRisk: risk,
    studioSeesFindingsBeforeDecision: form.has('studioSeesFindingsBeforeDecision'),
  });
  if (!result.ok) return failed(request, result.error, { intent, fields: ['autoApproveEnabled', 'autoApproveMaxRisk', 'studioSeesFindingsBeforeDecision'] });
  const s = result.data;
  return succeeded({
    intent,
    notice: s.autoApproveEnabled
      ? `Review settings saved. Cases clear in every territory with risk up to ${s.autoApproveMaxRisk} are approved without a reviewer.`
      : 'Review settings saved. Every case goes to a reviewer.',
  });
}
