import { Form, Link, useLocation } from '@remix-run/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { FormAlert } from '~/components/forms';
import { Time } from '~/components/time';
import { statusLabel, territoryName, type TerritoryOption } from '~/models/catalog';
import { caseStatusTone, episodeHeading } from '~/models/episode';
import type { ApiError } from '~/models/graphql.server';
import {
  caseStatusLabel,
  decisionLabel,
  describeDue,
  needsCitation,
  findingTime,
  orderFindings,
  parseKeyframes,
  type Decision,
  type Finding,
  type PolicyRule,
} from '~/models/moderation';
import type { ReviewOutcome } from '~/models/review-form.server';
import type { CaseSeries, ReviewCaseDetail, SubtitleTrack } from '~/models/review.server';
import { ClaimActions, LeadTools } from './case-actions';
import { AppealPanel, ChangesPanel, CommentList, DecisionList, HistoryPanel, LocalizedTextsReviewed, RightsPanel } from './case-context';
import { CasePlayer } from './case-player';
import { DECISION_FORM_ID, DecisionForm, type NoteDraft, type TerritoryDraft } from './decision-form';
import { FindingsPanel } from './findings-panel';
import { KeyframeGallery } from './keyframe-gallery';
import { RiskScore } from './review-badges';
import { ShortcutsDialog } from './shortcuts-dialog';
import { SubtitleTranscript } from './subtitle-transcript';
import { useClaimKeepAlive } from './use-claim-keep-alive';
import { useReviewShortcuts } from './use-review-shortcuts';
import { useVideoPlayer } from './use-video-player';
import { ContentMatches } from './content-matches';
import type { PlayerAudio } from '../player-tracks';

export interface CaseWorkspaceProps {
  reviewCase: ReviewCaseDetail;
  /** The full tracks, or null when the API did not share them (the flagged cues stand in). */
  subtitles: SubtitleTrack[] | null;
  /** Dubbed audio tracks the player offers instead of the original sound (none when not shared). */
  audioTracks: PlayerAudio[] | null;
  series: CaseSeries | null;
  seriesUnavailable: ApiError | null;
  rules: Record<string, PolicyRule[]>;
  territories: TerritoryOption[];
  me: { id: string; email: string };
  isLead: boolean;
  /** Who holds the claim, if anyone. */
  claimer: { id: string; name: string; email: string } | null;
  people: Array<{ id: string; name: string; email: string }>;
  filterSearch: string;
  now: string;
  notice: string | undefined;
  outcome: ReviewOutcome | undefined;
  /** The intent of the form being submitted, if any. */
  busy: string | null;
}

/** Cues the screening flagged, as a stand-in transcript when the full tracks are not shared. */
function flaggedCues(findings: readonly Finding[]): SubtitleTrack[] {
  const byLanguage = new Map<string, Map<string, { start: number; end: number; text: string }>>();
  for (const f of findings) {
    const e = f.evidence;
    if (e.kind !== 'SUBTITLE_CUE' || typeof e.cueStart !== 'number') continue;
    const language = typeof e.language === 'string' ? e.language : 'und';
    const cues = byLanguage.get(language) ?? new Map();
    const text = String(e.text ?? '');
    cues.set(`${e.cueStart}|${text}`, { start: e.cueStart, end: typeof e.cueEnd === 'number' ? e.cueEnd : e.cueStart + 2, text });
    byLanguage.set(language, cues);
  }
  return [...byLanguage].map(([language, cues]) => ({ language, cues: [...cues.values()].sort((a, b) => a.start - b.start) }));
}

const CHANGED_FIELDS: Record<string, string> = {
  seriesTitle: 'series title',
  seriesSynopsis: 'series synopsis',
  episodeTitle: 'episode title',
  episodeSynopsis: 'episode synopsis',
  subtitles: 'subtitles',
  localizations: 'titles in other languages',
};

/** "New video; subtitles and episode title changed." */
function describeChanges(changes: NonNullable<ReviewCaseDetail['changesSincePrevious']>): string {
  const fields = changes.metadataChanges.map((c) => CHANGED_FIELDS[c.field] ?? c.field);
  const text = fields.length ? `${fields.join(', ')} changed` : 'text unchanged';
  return `${changes.mediaReplaced ? 'New video' : 'Same video'}; ${text}.`;
}

export { episodeHeading };

/** The decision each territory starts with, as the API preselects it (a four-eyes case: the first reviewer's). */
function preselectedDrafts(preselected: ReviewCaseDetail['preselectedDecisions']): Record<string, TerritoryDraft> {
  return Object.fromEntries(preselected.filter((p) => p.decision).map((p) => [p.territory, { decision: p.decision as Decision, citedRuleIds: [...p.citedRuleIds], notes: '' }]));
}

/** The case page's working area: video, findings, transcript, keyframes, decision and context. */
export function CaseWorkspace(props: CaseWorkspaceProps) {
  const { reviewCase: rc, subtitles, audioTracks, series, seriesUnavailable, rules, territories, me, isLead, claimer, people, filterSearch, now, notice, outcome, busy } = props;
  const media = rc.episode.media;
  const player = useVideoPlayer(media?.durationSeconds ?? rc.episode.durationSeconds ?? 0);
  const findings = useMemo(() => orderFindings(rc.findings), [rc.findings]);
  const [activeFindingId, setActiveFindingId] = useState<string | null>(null);
  // Territories the AI screened as clear start approved (a clean case needs only a submit); a
  // second approval starts from the first reviewer's decisions. The API says which.
  const [drafts, setDrafts] = useState<Record<string, TerritoryDraft>>(() => preselectedDrafts(rc.preselectedDecisions));
  const [notes, setNotes] = useState<NoteDraft[]>([]);
  const [announcement, setAnnouncement] = useState('');
  // A new notice or case is news of its own: what a shortcut did before it is no longer.
  useEffect(() => setAnnouncement(''), [notice, rc.id]);
  const help = useRef<HTMLDialogElement>(null);

  const location = useLocation();
  const pending = rc.status === 'PENDING_REVIEW';
  // The API judges the claim on the database's clock; the page only reads its answer.
  const claimedByMe = rc.claim.heldByViewer;
  const claim = useClaimKeepAlive(rc.id, rc.claim.expiresAt, claimedByMe, player.ref);
  const canDecide = claimedByMe && !claim.lost;
  // Claiming replaces the claim button with the decision form: focus goes to the form's heading
  // (the notice, read out from the live region, says the case is yours), not to the page.
  const justClaimed = new URLSearchParams(location.search).get('notice') === 'claimed';
  useEffect(() => {
    if (justClaimed && canDecide) document.getElementById('decision-heading')?.focus();
    // Once per arrival at the page, not on every change of the claim.
  }, [location.key]);
  const targets = rc.territories.map((code) => ({ code, name: territoryName(territories, code) }));
  const flagged = useMemo(() => {
    const byTerritory: Record<string, string[]> = {};
    for (const f of rc.findings) byTerritory[f.territory] = [...new Set([...(byTerritory[f.territory] ?? []), f.ruleId])];
    return byTerritory;
  }, [rc.findings]);

  const selectFinding = (finding: Finding) => {
    setActiveFindingId(finding.id);
    const time = findingTime(finding);
    if (time !== null) player.seek(time);
  };

  const step = (by: 1 | -1) => {
    if (!findings.length) return;
    const at = findings.findIndex((f) => f.id === activeFindingId);
    const next = at < 0 ? (by === 1 ? 0 : findings.length - 1) : (at + by + findings.length) % findings.length;
    const finding = findings[next]!;
    selectFinding(finding);
    setAnnouncement(`Finding ${next + 1} of ${findings.length}: ${finding.ruleId}`);
  };

  const changeDraft = (territory: string, change: Partial<TerritoryDraft>) =>
    setDrafts((all) => {
      const next = { ...(all[territory] ?? { decision: null, citedRuleIds: [], notes: '' }), ...change };
      // Citing rules where screening flagged only one: the API names it, and it is ticked already.
      const only = rc.preselectedDecisions.find((p) => p.territory === territory)?.ruleToCite ?? null;
      if (change.decision && needsCitation(change.decision) && !next.citedRuleIds.length && only) next.citedRuleIds = [only];
      return { ...all, [territory]: next };
    });

  useReviewShortcuts({
    decide: canDecide
      ? (decision: Decision, focused: Element | null) => {
          const inside = focused?.closest<HTMLElement>('[data-territory]')?.dataset.territory;
          let chosen = targets;
          if (targets.length > 1) chosen = inside ? targets.filter((t) => t.code === inside) : targets.filter((t) => !drafts[t.code]?.decision).slice(0, 1);
          if (!chosen.length) {
            setAnnouncement('Every territory has a decision; move into a territory to change its decision.');
            return;
          }
          for (const t of chosen) changeDraft(t.code, { decision });
          setAnnouncement(`${chosen.map((t) => t.name).join(', ')}: ${decisionLabel(decision)}`);
        }
      : undefined,
    submit: canDecide
      ? () => {
          const form = document.getElementById(DECISION_FORM_ID);
          if (form instanceof HTMLFormElement) form.requestSubmit(form.querySelector<HTMLButtonElement>('button[value="decide"]'));
        }
      : undefined,
    nextFinding: () => step(1),
    previousFinding: () => step(-1),
    togglePlay: player.togglePlay,
    showHelp: () => help.current?.showModal(),
  });

  const transcript = subtitles ?? flaggedCues(rc.findings);
  const keyframes = parseKeyframes(rc.assessment?.keyframes);
  const due = describeDue(rc.slaDueAt, now);
  const firstApprovals = rc.decisions.filter((d) => d.pendingSecondApproval);
  const settledDecisions = rc.decisions.filter((d) => !d.pendingSecondApproval);
  const queueLink = filterSearch ? `/review?${filterSearch}` : '/review';
  const claimNextOutcome = outcome?.intent === 'claimNext' ? outcome : undefined;
  const claimOutcome = outcome?.intent === 'claim' ? outcome : undefined;

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={queueLink}>Review queue</Link>
        <span aria-hidden="true"> / </span>
      </nav>
      <header className="page-header case-header">
        <div className="page-header-actions">
          <div>
            <h1>{episodeHeading(rc.episode)}</h1>
            <p className="case-series">
              {rc.seriesTitle} <span className="muted">· {rc.studio.name}</span>
            </p>
            <p className="case-meta">
              {rc.kind === 'APPEAL' ? <span className="badge badge-warning">Appeal</span> : null}
              {/* One badge for the case's state, coloured by its decisions; the episode's own status is context, not a second state. */}
              <span className={`badge badge-${caseStatusTone(rc.status, rc.decisions)}`}>{caseStatusLabel(rc.status)}</span>
              <span>Episode {statusLabel(rc.episode.status).toLowerCase()}</span>
              {rc.aiStatus === 'AI_UNAVAILABLE' ? <span className="badge badge-danger">AI unavailable</span> : null}
              {rc.escalated ? <span className="badge badge-warning">Escalated</span> : null}
              {rc.routedToLead ? <span className="badge badge-danger" title="Screening found a possible copy of another studio’s content">For a lead: possible copy</span> : null}
              {rc.held ? <span className="badge badge-warning">On hold</span> : null}
              <span>
                Risk <RiskScore score={rc.riskScore} />
              </span>
              <span>For {targets.map((t) => t.name).join(', ')}</span>
              {pending ? <span className={due.overdue ? 'sla-overdue' : undefined}>SLA {due.text}</span> : null}
            </p>
          </div>
          <div className="header-actions">
            <button type="button" className="button button-secondary button-small" onClick={() => help.current?.showModal()} aria-keyshortcuts="?">
              Shortcuts <kbd>?</kbd>
            </button>
            <ClaimActions canRelease={claimedByMe || (pending && isLead && rc.claimedBy !== null)} canEscalate={pending && !rc.escalated && (claimedByMe || isLead)} filterSearch={filterSearch} outcome={outcome} busy={busy} />
          </div>
        </div>
      </header>

      {/* The page's one polite live region: the notice after a decision (shown) and what a shortcut
          did (read out only), so nothing is announced from two places at once. */}
      <div className="alert-region" role="status" aria-live="polite">
        {notice ? <p className="alert alert-success">{notice}</p> : null}
        {announcement ? <p className="visually-hidden">{announcement}</p> : null}
      </div>
      {outcome?.conflict ? (
        <div className="alert alert-error conflict-alert" role="alert">
          <p>
            <strong>{outcome.formError}</strong>
          </p>
          <p>
            Nothing was saved.{' '}
            <Link to={location.pathname + location.search} reloadDocument>
              Reload the case
            </Link>{' '}
            to see its latest state.
          </p>
        </div>
      ) : null}
      {claim.lost ? (
        <div className="alert alert-error" role="alert">
          <p>
            <strong>Your claim on this case has lapsed.</strong> {claim.lost} <Link to={queueLink}>Back to the queue</Link>
          </p>
        </div>
      ) : null}

      <p className="claim-status">
        {claimedByMe ? (
          <>
            You hold this case until <Time value={claim.expiresAt ?? rc.claim.expiresAt!} withTime />; it stays yours while you work on it.
          </>
        ) : rc.claim.held && rc.claim.expiresAt ? (
          <>
            Claimed by {claimer?.email} until <Time value={rc.claim.expiresAt} withTime />. You can read it but not decide it.
          </>
        ) : pending && rc.forLeadsOnly && !isLead ? (
          <>This case is for a lead: the queue hands it to leads only. You can read it but not decide it.</>
        ) : pending ? (
          rc.viewerCanClaim ? (
            <>Nobody holds this case. Claim it to decide it.</>
          ) : (
            <>Nobody holds this case, but it is not one you can claim. You can read it but not decide it.</>
          )
        ) : rc.decidedAt ? (
          <>
            Decided <Time value={rc.decidedAt} withTime />.
          </>
        ) : (
          <>{caseStatusLabel(rc.status)}{rc.invalidatedReason ? `: ${rc.invalidatedReason}` : '.'}</>
        )}
      </p>
      {rc.escalationNote && pending ? <p className="alert alert-warning">Escalated: {rc.escalationNote}</p> : null}
      {rc.changesSincePrevious && rc.kind === 'REVIEW' ? (
        <p className="change-hint">
          <strong>Resubmission.</strong> {describeChanges(rc.changesSincePrevious)} <a href="#changes-heading">See what changed</a>
        </p>
      ) : null}

      {/* What the studio argues frames everything else on an appeal, so it comes first. */}
      {rc.appealStatement ? <AppealPanel statement={rc.appealStatement} /> : null}

      <div className="case-layout">
        <div className="case-main">
          <CasePlayer
            player={player}
            media={media}
            title={`episode ${rc.episode.number}`}
            findings={findings}
            activeFindingId={activeFindingId}
            onSelectFinding={selectFinding}
            notes={canDecide ? [...rc.comments, ...notes] : rc.comments}
            tracks={subtitles ?? []}
            audioTracks={audioTracks ?? []}
          />
          <ContentMatches matches={rc.contentMatches} isLead={isLead} outcome={outcome} busy={busy} />
          <SubtitleTranscript tracks={transcript} complete={subtitles !== null} currentTime={player.currentTime} seek={player.seek} />
          <KeyframeGallery caseId={rc.id} keyframes={keyframes} findings={rc.findings} seek={player.seek} />
        </div>
        <div className="case-side">
          <FindingsPanel
            findings={findings}
            verdicts={rc.verdicts}
            aiStatus={rc.aiStatus}
            aiError={rc.aiError}
            assessment={rc.assessment}
            territories={territories}
            activeFindingId={activeFindingId}
            onSelectFinding={selectFinding}
          />
          {canDecide ? (
            <DecisionForm
              version={rc.version}
              filterSearch={filterSearch}
              territories={targets}
              verdicts={rc.verdicts}
              rules={rules}
              flagged={flagged}
              drafts={drafts}
              onDraftChange={changeDraft}
              notes={notes}
              onNotesChange={setNotes}
              currentTime={player.currentTime}
              firstApprovals={firstApprovals}
              preselected={rc.preselectedDecisions}
              outcome={outcome}
              busy={busy === 'decide' || busy === 'decideAndNext'}
            />
          ) : (
            <section className="panel" aria-labelledby="decisions-heading">
              <h2 id="decisions-heading">Decisions</h2>
              <DecisionList decisions={[...settledDecisions, ...firstApprovals]} />
              {rc.comments.length ? (
                <>
                  <h3>Notes on the video</h3>
                  <CommentList comments={rc.comments} seek={player.seek} />
                </>
              ) : null}
              <Form method="post" className="claim-next-form">
                <input type="hidden" name="filter" value={filterSearch} />
                {rc.viewerCanClaim ? (
                  <button type="submit" name="intent" value="claim" className="button" disabled={busy === 'claim'}>
                    {busy === 'claim' ? 'Claiming…' : 'Claim this case'}
                  </button>
                ) : null}
                <button type="submit" name="intent" value="claimNext" className={rc.viewerCanClaim ? 'button button-secondary' : 'button'} disabled={busy === 'claimNext'}>
                  {busy === 'claimNext' ? 'Claiming…' : 'Claim next case'}
                </button>
              </Form>
              <FormAlert fieldErrors={claimOutcome?.fieldErrors}>{claimOutcome?.formError}</FormAlert>
              {claimNextOutcome?.empty ? <p role="status">Nothing is waiting for you right now.</p> : null}
              <FormAlert fieldErrors={claimNextOutcome?.fieldErrors}>{claimNextOutcome?.formError}</FormAlert>
            </section>
          )}
        </div>
      </div>

      <ChangesPanel reviewCase={rc} filterSearch={filterSearch} />
      <LocalizedTextsReviewed texts={rc.reviewedLocalizations} />
      <RightsPanel series={series} unavailable={seriesUnavailable} targets={rc.territories} territories={territories} />
      {isLead ? (
        <LeadTools
          pending={pending}
          held={rc.held}
          holdReason={rc.holdReason}
          episode={{ number: rc.episode.number, status: rc.episode.status, canTakeDown: rc.episode.viewerCanTakeDown }}
          people={people}
          me={me.id}
          outcome={outcome}
          busy={busy}
        />
      ) : null}
      <HistoryPanel history={rc.history} />

      <ShortcutsDialog ref={help} />
    </>
  );
}
