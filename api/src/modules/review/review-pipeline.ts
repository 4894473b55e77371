import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { LockMode, type EntityManager, type MikroORM } from '@mikro-orm/postgresql';
import pLimit from 'p-limit';
import type { Config } from '../../config';
import type { RequestContext } from '../../domain/request-context';
import type { Logger } from '../../logger';
import type { MediaStorage } from '../../uploads/storage';
import type { AuditService } from '../audit/audit.service';
import { transitionEpisodesInSql } from '../catalog/episode-lifecycle';
import { SeriesLicense } from '../catalog/license.entity';
import { SubtitleDraft, SubtitleDraftOrigin } from '../media/subtitle-draft.entity';
import { offerSubtitleDraft } from '../media/subtitle.service';
import { SubtitleKind, SubtitleTrack, type SubtitleCue } from '../media/subtitle-track.entity';
import { AiUnavailableError, CallRecorder, type CallEntry, type CallSink, type RetryPolicy } from './ai-calls';
import { aggregate } from './aggregate';
import { deterministicFindings } from './deterministic-checks';
import { Finding, FindingSeverity, FindingSource } from './finding.entity';
import { sampleKeyframes } from './keyframes';
import type { FindingDraft, ReviewMaterial } from './material';
import type { ReviewedSnapshot } from './reviewed-material';
import type { FrameAssessment } from './visual-classifier/visual-findings';
import { effectivePolicy } from './policy';
import type { ReviewProvider } from './providers/provider';
import { AiStatus, CaseStatus, ReviewCase, Verdict } from './review-case.entity';
import { Decision, ReviewDecision } from './review-decision.entity';
import type { ReviewService } from './review.service';
import type { FingerprintService } from '../fingerprints/fingerprint.service';
import { extractAudio } from './transcription/audio';
import { OpenAiTranscriber, type Transcriber } from './transcription/transcriber';
import { needsTranscript, transcriptWebVtt } from './transcription/transcript';

export type CaseOutcome = 'screened' | 'auto-approved' | 'skipped' | 'ai-unavailable';

/** A failure that retrying cannot mend: the stored media is missing or is not the file that was submitted. */
export class ScreeningInputError extends Error {}

/** A transcript made in this screening, stored as a subtitle draft with the screening's outcome. */
type Transcript = { language: string; cues: SubtitleCue[]; content: string; model: string; mediaSha256: string };

/** A call's answer, written with the next statement that touches the call record (see callSink). */
type AnsweredCall = { id: string; entry: CallEntry; finishedAt: string };

type Screened = { answered?: AnsweredCall[]; transcript?: Transcript; startedAt: Date; findings: FindingDraft[]; verdicts: ReturnType<typeof aggregate>; riskScore: number; aiError: string | null; keyframes: Array<Record<string, unknown>>; policyVersion: string; possibleCopy?: boolean };

/**
 * Screens one case: deterministic checks, then the provider, then per-territory verdicts. It fails
 * closed end to end: a provider failure, and any other failure once retries are spent (missing or
 * altered media at once), sends the case to humans as AI_UNAVAILABLE. The assessment is written once
 * per case; a retried job that finds it already written does nothing.
 *
 * A worker holds the case under a lease (`screening_lease_until`) that a heartbeat renews while it
 * screens; `sweep` takes over cases whose lease lapsed (their worker died) and routes to humans any
 * case screening longer than the limit. A per-case lease rather than a short pg-boss expiry: the
 * expiry would also cut off long but healthy screenings (a slow provider within its deadline), while a
 * heartbeat tells a live worker from a dead one within one lease whatever the screening's length.
 * Every provider call is written as it is made (`screening_call`), so a dead worker's calls stay on
 * record and the assessment lists the calls of every run.
 */
export class ReviewPipeline {
  private readonly transcriber?: Transcriber;
  /**
   * The provider requests in flight, `concurrency` at most across the worker's screenings. A worker
   * runs more screenings than that (see startWorkers), so claims, reads, checks, the writes before
   * each call and the records go on while the provider is kept busy.
   */
  private readonly providerSlots: <T>(request: () => Promise<T>) => Promise<T>;

  constructor(
    private readonly orm: MikroORM,
    private readonly config: Config,
    private readonly logger: Logger,
    private readonly storage: MediaStorage,
    private readonly provider: ReviewProvider,
    private readonly reviews: ReviewService,
    private readonly audit: AuditService,
    private readonly fingerprints?: FingerprintService,
    transcriber?: Transcriber,
  ) {
    this.providerSlots = pLimit(config.review.concurrency);
    const settings = config.review.transcription;
    this.transcriber = transcriber ?? (settings ? new OpenAiTranscriber(settings) : undefined);
  }

  async run(caseId: string, options: { lastTry?: boolean } = {}): Promise<CaseOutcome> {
    const em = this.orm.em.fork();
    // Read while the case is claimed (the claim decides whether it is screened at all): what is read
    // is what the case was submitted with, which the claim does not change.
    const loading = em.findOne(ReviewCase, caseId, { populate: ['episode', 'episode.series', 'mediaRevision'] });
    loading.catch(() => undefined);
    const claimed = await this.claim(caseId);
    if (claimed === null) {
      await loading.catch(() => undefined);
      return 'skipped';
    }
    const run = claimed;
    const log = this.logger.child({ caseId, run });
    if (run > this.config.review.screeningMaxRuns) {
      await loading.catch(() => undefined);
      log.error('screening started too many times without finishing; the case goes to reviewers as AI unavailable');
      return this.routeToHumans(caseId, `Screening was started ${run - 1} times without finishing (its workers stopped).`);
    }
    const renew = () => this.renewLease(caseId, run).catch((err) => log.warn({ err }, 'could not renew the screening lease'));
    const heartbeat = setInterval(renew, Math.max(200, Math.floor(this.config.review.screeningLeaseMs / 3)));
    let media: { path: string; release: () => Promise<void> } | undefined;
    const answered: AnsweredCall[] = [];
    const progress = new PendingProgress((json) => this.writeProgress(caseId, run, json), PROGRESS_DELAY_MS, (err) => log.warn({ err }, 'could not record the screening progress'));
    // The copy check runs beside the provider's calls; settled (never rejected) so it can be waited for in `finally`.
    let copyCheck: Promise<{ possibleCopy: boolean } | { error: unknown }> | undefined;
    try {
      const reviewCase = await loading;
      if (!reviewCase) throw new Error(`Review case ${caseId} not found.`);
      const startedAt = new Date();
      media = await this.localMedia(reviewCase.mediaRevision.storageKey);
      const mediaPath = media.path;
      // The file check (disk and hashing) and the material's reads run side by side.
      const [, material] = await Promise.all([verifyMedia(mediaPath, reviewCase.mediaRevision.sizeBytes, reviewCase.mediaSha256), this.material(em, reviewCase, mediaPath)]);
      const policies = material.territories.map(effectivePolicy);
      const findings: FindingDraft[] = deterministicFindings(material, policies);
      // Another studio's pictures: recorded for operators only (never a finding the studio could read).
      // Independent of the provider, so it runs beside its calls, on its own entity manager.
      const fingerprints = this.fingerprints;
      copyCheck = fingerprints
        ? fingerprints.screen(this.systemContext(this.orm.em.fork()), reviewCase.mediaRevision.id, mediaPath).then(
            (r) => ({ possibleCopy: r.unlicensedCopies.length > 0 }),
            (error: unknown) => ({ error }),
          )
        : Promise.resolve({ possibleCopy: false });
      const calls = new CallRecorder(this.callSink(caseId, run, answered, progress), this.providerSlots);
      const deadline = Date.now() + this.config.review.deadlineMs;
      const retry = (): RetryPolicy => ({ maxAttempts: this.config.review.maxAttempts, baseDelayMs: this.config.review.retryBaseMs, deadline });
      // Written with the next statement about the case's calls, or on its own if none comes soon.
      const reportProgress = async (step: string, done: number, total: number) => progress.set({ step, done, total });

      const keyframes = [];
      if (this.provider.usesKeyframes && this.config.review.maxKeyframes > 0) {
        await reportProgress('sampling keyframes', 0, 1);
        for (const frame of await sampleKeyframes(mediaPath, material.media.durationSeconds, this.config.review.maxKeyframes)) {
          const key = `frames/${createHash('sha256').update(frame.jpeg).digest('hex')}.jpg`;
          await this.storage.putBuffer(key, frame.jpeg);
          keyframes.push({ ...frame, path: key });
        }
      }

      let aiError: string | null = null;
      // After the deterministic checks (a transcript never stands in for required subtitles), before the provider reads the texts.
      let transcript: Transcript | undefined;
      try {
        transcript = await this.transcript(em, reviewCase, material, mediaPath, calls, retry, reportProgress);
      } catch (error) {
        const why = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.replace(/\/[^\s'"]+/g, '<path>').slice(0, 300);
        log.warn({ err: error }, 'transcription failed; the dialogue goes to reviewers unscreened');
        aiError = `Transcription failed: ${why}`;
        for (const policy of policies) {
          findings.push({
            territory: policy.territory,
            ruleId: policy.requirements.dialogue.id,
            category: 'dialogue',
            severity: policy.requirements.dialogue.severity,
            source: 'DETERMINISTIC',
            evidence: { kind: 'MEDIA', language: reviewCase.episode.series.originalLanguage, transcription: 'failed' },
            explanation: `The episode has no subtitles in its original language (${reviewCase.episode.series.originalLanguage}) and could not be transcribed (${why}). Nothing it says was screened: a reviewer must listen to it.`,
          });
        }
      }
      const frameAssessments = new Map<number, FrameAssessment>();
      const recordFrame = (index: number, assessment: FrameAssessment) => void frameAssessments.set(index, assessment);
      try {
        findings.push(...(await this.provider.screen({ material, policies, keyframes, calls, retry, progress: reportProgress, recordFrame })));
      } catch (error) {
        if (!(error instanceof AiUnavailableError)) log.error({ err: error }, 'the review provider failed unexpectedly');
        aiError = [aiError, error instanceof Error ? error.message : String(error)].filter(Boolean).join(' ');
      }
      const verdicts = aggregate(material.territories, findings, aiError === null);
      const riskScore = Math.max(0, ...verdicts.map((v) => v.riskScore));
      const checked = await copyCheck;
      if ('error' in checked) throw checked.error;
      // The assessment's own write says 'screened': a progress not yet written is not news any more.
      await progress.stop();
      return await this.record(caseId, {
        answered,
        transcript,
        startedAt,
        findings,
        verdicts,
        riskScore,
        aiError,
        keyframes: keyframes.map((k, i) => ({ time: k.time, index: i, key: k.path, ...frameAssessments.get(i) })),
        policyVersion: [...new Set(policies.map((p) => p.version))].join(', '),
        possibleCopy: checked.possibleCopy,
      });
    } catch (error) {
      await progress.stop();
      // Shown to reviewers (and the studio's progress): the first line, without server paths.
      const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.replace(/\/[^\s'"]+/g, '<path>').slice(0, 500);
      // Answers not yet written stay on record for the next run or the reviewers.
      if (answered.length) await this.writeAnswered(answered.splice(0)).catch((err: unknown) => log.warn({ err }, 'could not record the answered calls'));
      if (error instanceof ScreeningInputError || options.lastTry || run >= this.config.review.screeningMaxRuns) {
        log.error({ err: error }, 'screening failed; the case goes to reviewers as AI unavailable');
        return await this.routeToHumans(caseId, `Screening failed: ${reason}`);
      }
      log.warn({ err: error }, 'screening failed; it will be retried');
      await this.releaseForRetry(caseId, run);
      throw error;
    } finally {
      clearInterval(heartbeat);
      await progress.stop();
      // The copy check may still be reading the file (it fingerprints media that has none).
      await copyCheck;
      await media?.release();
    }
  }

  /**
   * Takes the case for one screening run: a queued case, or one whose previous worker's lease lapsed.
   * Returns the run number, or null when the case is screened, decided, or held by a live worker.
   */
  private async claim(caseId: string): Promise<number | null> {
    const rows = (await this.orm.em.getConnection().execute(
      `update review_case set status = 'SCREENING', screening_started_at = coalesce(screening_started_at, now()),
         screening_lease_until = now() + ? * interval '1 millisecond', screening_runs = screening_runs + 1, progress = '{"step":"starting"}'
       where id = ? and not exists (select 1 from ai_assessment a where a.review_case_id = review_case.id)
         and (status = 'QUEUED' or (status = 'SCREENING' and (screening_lease_until is null or screening_lease_until < now())))
       returning screening_runs`,
      [this.config.review.screeningLeaseMs, caseId],
    )) as Array<{ screening_runs: number }>;
    return rows[0]?.screening_runs ?? null;
  }

  private async renewLease(caseId: string, run: number): Promise<void> {
    await this.orm.em.getConnection().execute(`update review_case set screening_lease_until = now() + ? * interval '1 millisecond' where id = ? and screening_runs = ? and status = 'SCREENING'`, [this.config.review.screeningLeaseMs, caseId, run]);
  }

  /** Back to the queue until pg-boss retries the job (not left in SCREENING meanwhile). */
  private async releaseForRetry(caseId: string, run: number): Promise<void> {
    await this.orm.em.getConnection().execute(`update review_case set status = 'QUEUED', screening_lease_until = null, progress = ? where id = ? and screening_runs = ? and status = 'SCREENING'`, [JSON.stringify({ step: 'waiting to retry', run }), caseId, run]);
  }

  /**
   * Writes each provider call before it is made. Its answer is kept until the next statement that
   * touches the call record — the next call's insert, or the assessment — and written with it, so a
   * screening costs one statement per call: a worker that stops leaves on record every call it made,
   * all answered up to the one before the last.
   */
  private callSink(caseId: string, run: number, answered: AnsweredCall[], progress: PendingProgress): CallSink {
    return {
      started: async (entry) => {
        // Dropped from memory only once written: a failed statement leaves them for the next one.
        const pending = answered.slice();
        // The progress reported since the last statement goes with this one (lost, not retried, if it fails).
        const reported = progress.take();
        const rows = (await this.orm.em.getConnection().execute(
          `with answered as (${ANSWERED_SQL}), progress as (${PROGRESS_SQL})
           insert into screening_call (review_case_id, run, call, attempt, entry, started_at) values (?, ?, ?, ?, ?, ?) returning id`,
          [answeredJson(pending), reported, caseId, run, caseId, run, entry.call, entry.attempt, JSON.stringify(entry), entry.startedAt],
        )) as Array<{ id: string }>;
        answered.splice(0, pending.length);
        return String(rows[0]!.id);
      },
      finished: async (id, entry) => {
        answered.push({ id, entry, finishedAt: new Date().toISOString() });
      },
    };
  }

  private async writeProgress(caseId: string, run: number, json: string): Promise<void> {
    await this.orm.em.getConnection().execute(PROGRESS_SQL, [json, caseId, run]);
  }

  private async writeAnswered(answered: AnsweredCall[], em: EntityManager = this.orm.em): Promise<void> {
    await em.getConnection().execute(ANSWERED_SQL, [answeredJson(answered)], 'all', em.getTransactionContext());
  }

  /**
   * Sends a case that could not be screened to the human queue as AI_UNAVAILABLE, with no findings
   * and every territory NEEDS_REVIEW. Never approves. Does nothing once the case has left screening.
   */
  async routeToHumans(caseId: string, reason: string): Promise<CaseOutcome> {
    const rows = (await this.orm.em.getConnection().execute('select territories, screening_started_at from review_case where id = ?', [caseId])) as Array<{ territories: string[]; screening_started_at: Date | null }>;
    if (!rows[0]) return 'skipped';
    const territories = rows[0].territories;
    const verdicts = aggregate(territories, [], false).map((v) => ({ ...v, reasons: [`The screening could not run (${reason}); nothing was checked automatically.`] }));
    const outcome = await this.record(caseId, {
      startedAt: rows[0].screening_started_at ?? new Date(),
      findings: [],
      verdicts,
      riskScore: Math.max(0, ...verdicts.map((v) => v.riskScore)),
      aiError: reason.slice(0, 1000),
      keyframes: [],
      policyVersion: [...new Set(territories.map((t) => effectivePolicy(t).version))].join(', '),
    });
    if (outcome !== 'skipped') this.logger.warn({ caseId, reason }, 'case sent to reviewers as AI unavailable');
    return outcome === 'skipped' ? 'skipped' : 'ai-unavailable';
  }

  /**
   * Run periodically by every worker (safe concurrently): cases whose screening lease lapsed go back to
   * the queue through `requeue` (or to humans once their runs are spent), and cases screening longer
   * than the limit go to humans as AI unavailable.
   */
  async sweep(requeue: (tx: EntityManager, caseId: string) => Promise<void>): Promise<{ requeued: number; routed: number }> {
    const { screeningLeaseMs, screeningLimitMs, screeningMaxRuns } = this.config.review;
    let routed = 0;
    const overdue = (await this.orm.em.getConnection().execute(
      `select id from review_case where status in ('QUEUED', 'SCREENING') and screening_started_at < now() - ? * interval '1 millisecond' limit 100`,
      [screeningLimitMs],
    )) as Array<{ id: string }>;
    for (const { id } of overdue) {
      if ((await this.routeToHumans(id, `Screening did not finish within ${Math.round(screeningLimitMs / 60_000)} minutes.`)) !== 'skipped') routed++;
    }
    const spent: string[] = [];
    const requeued = await this.orm.em.fork().transactional(async (tx) => {
      const lapsed = (await tx.getConnection().execute(
        `select id, screening_runs from review_case where status = 'SCREENING' and screening_lease_until < now() order by screening_lease_until limit 100 for update skip locked`,
        [],
        'all',
        tx.getTransactionContext(),
      )) as Array<{ id: string; screening_runs: number }>;
      let n = 0;
      for (const c of lapsed) {
        if (c.screening_runs >= screeningMaxRuns) {
          spent.push(c.id);
          continue;
        }
        await tx.getConnection().execute(
          `update review_case set status = 'QUEUED', screening_lease_until = null, progress = ? where id = ?`,
          [JSON.stringify({ step: 'taken over', reason: `The worker screening run ${c.screening_runs} stopped renewing its lease (${Math.round(screeningLeaseMs / 1000)} s).` }), c.id],
          'all',
          tx.getTransactionContext(),
        );
        await requeue(tx, c.id);
        this.logger.warn({ caseId: c.id, run: c.screening_runs }, 'screening lease lapsed: the case is queued again for another worker');
        n++;
      }
      return n;
    });
    for (const id of spent) {
      if ((await this.routeToHumans(id, `The workers screening it stopped ${screeningMaxRuns} times.`)) !== 'skipped') routed++;
    }
    return { requeued, routed };
  }

  /**
   * Writes the assessment with the record of every call of every run, in the order made, after
   * writing the answers `answered` — one statement; calls a dead worker never finished say so.
   * Returns the number of calls listed, or null when the case already has its assessment.
   */
  private async writeAssessment(tx: EntityManager, caseId: string, result: Screened): Promise<number | null> {
    const inserted = (await tx.getConnection().execute(
      `with answered as (${ANSWERED_SQL} returning c.id, c.run, c.entry, c.finished_at),
       made as (select id, run, entry, finished_at from answered
                union all select id, run, entry, finished_at from screening_call where review_case_id = ? and id not in (select id from answered)),
       record as (select count(*)::int as n, jsonb_build_object(
                    'retries', count(*) filter (where (entry->>'attempt')::int > 1),
                    'entries', coalesce(jsonb_agg(entry || jsonb_build_object('run', run) || case when finished_at is null then jsonb_build_object('status', 'unanswered', 'error', ?::text) else '{}'::jsonb end order by id), '[]'::jsonb)) as calls
                  from made)
       insert into ai_assessment (id, review_case_id, provider, model, policy_version, ai_completed, risk_score, verdicts, calls, keyframes, started_at, finished_at)
       select gen_random_uuid(), ?::uuid, ?::text, ?::text, ?::text, ?::boolean, ?::int, ?::jsonb, record.calls, ?::jsonb, ?::timestamptz, now() from record
       on conflict (review_case_id) do nothing returning (select n from record) as calls`,
      [
        answeredJson(result.answered ?? []),
        caseId,
        UNANSWERED_CALL,
        caseId,
        this.provider.name,
        this.provider.model,
        result.policyVersion,
        result.aiError === null,
        result.riskScore,
        JSON.stringify(result.verdicts),
        JSON.stringify(result.keyframes),
        result.startedAt,
      ],
      'all',
      tx.getTransactionContext(),
    )) as Array<{ calls: number }>;
    return inserted[0]?.calls ?? null;
  }

  private async record(caseId: string, result: Screened): Promise<CaseOutcome> {
    // Read beside the transaction's first statements rather than after them: each statement reads
    // the latest committed settings either way (read committed).
    const settingsRead = this.reviews.settings(this.orm.em.fork());
    settingsRead.catch(() => undefined);
    return this.orm.em.fork().transactional(async (tx) => {
      // Locked as it is read: it may have been invalidated, or routed to humans, while the screening ran.
      const reviewCase = await tx.findOne(ReviewCase, caseId, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (reviewCase?.status !== CaseStatus.SCREENING && reviewCase?.status !== CaseStatus.QUEUED) {
        // The calls were made all the same: their answers stay on record (as when a screening fails).
        if (result.answered?.length) await this.writeAnswered(result.answered, tx);
        return 'skipped';
      }
      const callCount = await this.writeAssessment(tx, caseId, result);
      if (callCount === null) return 'skipped';
      if (result.transcript) {
        // With the screening that read it, or not at all: a failed screening leaves no draft behind.
        const t = result.transcript;
        await offerSubtitleDraft(tx, { episode: reviewCase.episode, language: t.language, kind: SubtitleKind.SUBTITLES, origin: SubtitleDraftOrigin.TRANSCRIPTION, sourceLanguage: null, content: t.content, cues: t.cues, mediaSha256: t.mediaSha256, model: t.model, reviewCaseId: caseId });
      }
      for (const f of result.findings) {
        tx.create(Finding, { reviewCase, territory: f.territory, ruleId: f.ruleId, category: f.category, severity: f.severity as FindingSeverity, source: f.source as FindingSource, evidence: f.evidence, explanation: f.explanation, score: f.score ?? null });
      }
      reviewCase.verdicts = result.verdicts;
      reviewCase.riskScore = result.riskScore;
      reviewCase.aiStatus = result.aiError === null ? AiStatus.COMPLETED : AiStatus.AI_UNAVAILABLE;
      reviewCase.aiError = result.aiError;
      reviewCase.screenedAt = new Date();
      reviewCase.screeningLeaseUntil = null;
      reviewCase.progress = { step: 'screened' };
      reviewCase.status = CaseStatus.PENDING_REVIEW;
      if (result.possibleCopy) {
        // A possible copy of another studio's content is a lead's call. Routed through a flag only
        // operators read: `escalated` and its note are on the studio's own case, and a visible
        // difference would let a studio probe what another studio holds.
        reviewCase.routedToLead = true;
      }
      const system = this.systemContext(tx);
      this.audit.record(system, tx, {
        action: 'review.screened',
        actorLabel: `review provider: ${this.provider.name}`,
        organizationId: reviewCase.studio.id,
        subjectType: 'ReviewCase',
        subjectId: caseId,
        summary: { provider: this.provider.name, aiStatus: reviewCase.aiStatus, aiError: result.aiError, riskScore: result.riskScore, verdicts: result.verdicts.map((v) => `${v.territory}:${v.verdict}`), findings: result.findings.length, calls: callCount },
      });

      const settings = await settingsRead;
      const autoApprove = settings.autoApproveEnabled && !result.possibleCopy && result.aiError === null && result.verdicts.every((v) => v.verdict === Verdict.CLEAR && v.riskScore <= settings.autoApproveMaxRisk);
      if (autoApprove) {
        const actorLabel = `policy: auto-approve (risk ≤ ${settings.autoApproveMaxRisk})`;
        for (const v of result.verdicts) tx.create(ReviewDecision, { reviewCase, territory: v.territory, decision: Decision.APPROVE, actorLabel, citedRuleIds: [], notes: 'Every territory CLEAR below the auto-approve threshold.', createdAt: new Date() });
        reviewCase.status = CaseStatus.DECIDED;
        // Only if still in review: new material may have sent the episode back meanwhile.
        await transitionEpisodesInSql(tx, [reviewCase.episode.id], 'approve');
        this.audit.record(system, tx, { action: 'review.auto_approve', actorLabel, organizationId: reviewCase.studio.id, subjectType: 'ReviewCase', subjectId: caseId, summary: { riskScore: result.riskScore, territories: reviewCase.territories } });
      }
      return autoApprove ? 'auto-approved' : 'screened';
    });
  }

  private async material(em: EntityManager, reviewCase: ReviewCase, mediaPath: string): Promise<ReviewMaterial> {
    const episode = reviewCase.episode;
    const series = episode.series;
    const [license, subtitles] = await Promise.all([em.findOne(SeriesLicense, { series }), em.find(SubtitleTrack, { episode }, { orderBy: { language: 'asc' } })]);
    const media = reviewCase.mediaRevision;
    return {
      territories: reviewCase.territories,
      at: new Date(),
      episode: { id: episode.id, number: episode.number, title: episode.title, synopsis: episode.synopsis, aiElements: episode.aiElements },
      series: { title: series.title, synopsis: series.synopsis, filings: series.filings, maturityRatings: series.maturityRatings },
      license: license ? { ...license, holdbacks: license.holdbacks } : null,
      media: { path: mediaPath, sha256: media.sha256, durationSeconds: media.durationSeconds, width: media.width, height: media.height },
      subtitles: subtitles.map((s) => ({ language: s.language, cues: s.cues })),
      // The localized texts as submitted: the case is bound to them.
      localizations: (reviewCase.metadataSnapshot as Partial<ReviewedSnapshot>).localizations ?? [],
    };
  }

  /**
   * The transcript of an episode with audio and no subtitles in its original language (made now, or
   * the draft already made from this very video), added to the material as an AI transcript; null
   * when none is needed or no transcriber is configured. Throws when it cannot be made.
   */
  private async transcript(
    em: EntityManager,
    reviewCase: ReviewCase,
    material: ReviewMaterial,
    mediaPath: string,
    calls: CallRecorder,
    retry: () => RetryPolicy,
    progress: (step: string, done: number, total: number) => Promise<void>,
  ): Promise<Transcript | undefined> {
    const settings = this.config.review.transcription;
    const language = reviewCase.episode.series.originalLanguage;
    if (!this.transcriber || !settings || !needsTranscript(language, material.subtitles.map((s) => s.language), Boolean(reviewCase.mediaRevision.audioCodec))) return undefined;
    const drafted = await em.findOne(SubtitleDraft, { episode: reviewCase.episode, language, kind: SubtitleKind.SUBTITLES, origin: SubtitleDraftOrigin.TRANSCRIPTION });
    if (drafted && drafted.mediaSha256 === reviewCase.mediaSha256) {
      material.subtitles.push({ language, cues: drafted.cues, aiTranscript: true });
      return undefined;
    }
    await progress('transcription', 0, 1);
    const audioSeconds = Math.min(material.media.durationSeconds, settings.maxSeconds);
    const audio = await extractAudio(mediaPath, { maxSeconds: settings.maxSeconds });
    let cues: SubtitleCue[];
    try {
      cues = await this.transcriber.transcribe(audio, language, audioSeconds, retry(), calls);
    } finally {
      await audio.release();
    }
    await progress('transcription', 1, 1);
    // Nothing said: nothing to screen and no draft to offer.
    if (!cues.length) return undefined;
    material.subtitles.push({ language, cues, aiTranscript: true });
    return { language, cues, content: transcriptWebVtt(cues), model: this.transcriber.model, mediaSha256: reviewCase.mediaSha256 };
  }

  /** The reviewed media as a local file (downloaded to a temp file when storage is remote). */
  private async localMedia(key: string): Promise<{ path: string; release: () => Promise<void> }> {
    const local = this.storage.localPath?.(key);
    if (local) return { path: local, release: async () => {} };
    if (!(await this.storage.exists(key))) throw new ScreeningInputError('The stored media file is missing.');
    const dir = await mkdtemp(path.join(tmpdir(), 'greenlight-review-'));
    const file = path.join(dir, path.basename(key));
    await pipeline(this.storage.read(key), createWriteStream(file));
    return { path: file, release: () => rm(dir, { recursive: true, force: true }) };
  }

  private systemContext(em: EntityManager): RequestContext {
    return { em, actor: { kind: 'anonymous' }, requestId: 'review-pipeline', config: this.config, logger: this.logger };
  }
}

/** Writes answers of calls (a jsonb array of `{ id, entry, finished_at }`) onto their records. */
const ANSWERED_SQL = `update screening_call c set entry = a.entry, finished_at = a.finished_at
  from jsonb_to_recordset(?::jsonb) as a(id bigint, entry jsonb, finished_at timestamptz) where c.id = a.id`;

/**
 * Writes a screening run's progress (`?::jsonb`, null: nothing) while that run holds the case, so a
 * late write never overwrites what came after it (the assessment, a retry, another worker's run).
 */
const PROGRESS_SQL = `update review_case set progress = p.value from (select ?::jsonb as value) p
  where p.value is not null and review_case.id = ? and review_case.screening_runs = ? and review_case.status = 'SCREENING'`;

const UNANSWERED_CALL = 'No answer was recorded: the worker stopped during the call.';

const answeredJson = (answered: AnsweredCall[]): string => JSON.stringify(answered.map((a) => ({ id: a.id, entry: a.entry, finished_at: a.finishedAt })));

/** The file about to be screened is the one submitted: present, the recorded size, the bound sha256. */
async function verifyMedia(file: string, sizeBytes: number, sha256: string): Promise<void> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ScreeningInputError('The stored media file is missing.');
    throw error;
  }
  if (size !== Number(sizeBytes)) throw new ScreeningInputError(`The stored media file has ${size} bytes; the submitted revision has ${sizeBytes}.`);
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  if (hash.digest('hex') !== sha256) throw new ScreeningInputError('The stored media file is not the submitted revision (its sha256 differs).');
}

/** How long a reported progress waits for a statement to carry it before it is written on its own. */
const PROGRESS_DELAY_MS = 1000;

/**
 * A screening's progress for the studio and reviewers, kept until the next statement about the
 * case's calls carries it (`take`) — written on its own only when none comes within `delayMs`
 * (a long step such as sampling keyframes). Writes are made one at a time, in order.
 */
class PendingProgress {
  private value: { step: string; done: number; total: number } | null = null;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (json: string) => Promise<void>,
    private readonly delayMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  set(value: { step: string; done: number; total: number }): void {
    this.value = value;
    this.timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

  /** The progress not yet written (as JSON), now the caller's to write; null when there is none. */
  take(): string | null {
    clearTimeout(this.timer);
    this.timer = undefined;
    const value = this.value;
    this.value = null;
    return value ? JSON.stringify(value) : null;
  }

  /** Drops what was not written and waits for a write under way. */
  async stop(): Promise<void> {
    this.take();
    await this.writing;
  }

  private flush(): void {
    const json = this.take();
    if (json) this.writing = this.writing.then(() => this.write(json)).catch(this.onError);
  }
}
