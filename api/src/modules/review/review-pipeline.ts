import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../../config';
import type { RequestContext } from '../../domain/request-context';
import type { Logger } from '../../logger';
import type { MediaStorage } from '../../uploads/storage';
import type { AuditService } from '../audit/audit.service';
import { Episode, EpisodeStatus } from '../catalog/episode.entity';
import { SeriesLicense } from '../catalog/license.entity';
import { SubtitleTrack } from '../media/subtitle-track.entity';
import { AiAssessment } from './ai-assessment.entity';
import { AiUnavailableError, CallRecorder, type RetryPolicy } from './ai-calls';
import { aggregate } from './aggregate';
import { deterministicFindings } from './deterministic-checks';
import { Finding, FindingSeverity, FindingSource } from './finding.entity';
import { sampleKeyframes } from './keyframes';
import type { FindingDraft, ReviewMaterial } from './material';
import { effectivePolicy } from './policy';
import type { ReviewProvider } from './providers/provider';
import { AiStatus, CaseStatus, ReviewCase, Verdict } from './review-case.entity';
import { Decision, ReviewDecision } from './review-decision.entity';
import type { ReviewService } from './review.service';

export type CaseOutcome = 'screened' | 'auto-approved' | 'skipped';

/**
 * Screens one case: deterministic checks, then the provider (failing closed to humans as
 * AI_UNAVAILABLE), then per-territory verdicts. The assessment is written once per case; a retried
 * job that finds it already written does nothing.
 */
export class ReviewPipeline {
  constructor(
    private readonly orm: MikroORM,
    private readonly config: Config,
    private readonly logger: Logger,
    private readonly storage: MediaStorage,
    private readonly provider: ReviewProvider,
    private readonly reviews: ReviewService,
    private readonly audit: AuditService,
  ) {}

  async run(caseId: string): Promise<CaseOutcome> {
    const em = this.orm.em.fork();
    const reviewCase = await em.findOne(ReviewCase, caseId, { populate: ['episode', 'episode.series', 'mediaRevision'] });
    if (!reviewCase || ![CaseStatus.QUEUED, CaseStatus.SCREENING].includes(reviewCase.status)) return 'skipped';
    if (await em.count(AiAssessment, { reviewCase })) return 'skipped';
    const log = this.logger.child({ caseId });
    const startedAt = new Date();
    await em.nativeUpdate(ReviewCase, { id: caseId, status: { $in: [CaseStatus.QUEUED, CaseStatus.SCREENING] } }, { status: CaseStatus.SCREENING, progress: { step: 'starting' } });

    const media = await this.localMedia(reviewCase.mediaRevision.storageKey);
    try {
      const material = await this.material(em, reviewCase, media.path);
      const policies = material.territories.map(effectivePolicy);
      const findings: FindingDraft[] = deterministicFindings(material, policies);
      const calls = new CallRecorder();
      const deadline = Date.now() + this.config.review.deadlineMs;
      const retry = (): RetryPolicy => ({ maxAttempts: this.config.review.maxAttempts, baseDelayMs: this.config.review.retryBaseMs, deadline });
      const progress = async (step: string, done: number, total: number) => {
        await this.orm.em.fork().nativeUpdate(ReviewCase, { id: caseId }, { progress: { step, done, total } });
      };

      const keyframes = [];
      if (this.provider.usesKeyframes && this.config.review.maxKeyframes > 0) {
        await progress('sampling keyframes', 0, 1);
        for (const frame of await sampleKeyframes(media.path, material.media.durationSeconds, this.config.review.maxKeyframes)) {
          const key = `frames/${createHash('sha256').update(frame.jpeg).digest('hex')}.jpg`;
          await this.storage.putBuffer(key, frame.jpeg);
          keyframes.push({ ...frame, path: key });
        }
      }

      let aiError: string | null = null;
      try {
        findings.push(...(await this.provider.screen({ material, policies, keyframes, calls, retry, progress })));
      } catch (error) {
        if (!(error instanceof AiUnavailableError)) log.error({ err: error }, 'the review provider failed unexpectedly');
        aiError = error instanceof Error ? error.message : String(error);
      }
      const verdicts = aggregate(material.territories, findings, aiError === null);
      const riskScore = Math.max(0, ...verdicts.map((v) => v.riskScore));
      return await this.record(em, caseId, {
        startedAt,
        findings,
        verdicts,
        riskScore,
        aiError,
        calls,
        keyframes: keyframes.map((k, i) => ({ time: k.time, index: i, key: k.path })),
        policyVersion: [...new Set(policies.map((p) => p.version))].join(', '),
      });
    } finally {
      await media.release();
    }
  }

  private async record(
    em: EntityManager,
    caseId: string,
    result: { startedAt: Date; findings: FindingDraft[]; verdicts: ReturnType<typeof aggregate>; riskScore: number; aiError: string | null; calls: CallRecorder; keyframes: Array<Record<string, unknown>>; policyVersion: string },
  ): Promise<CaseOutcome> {
    return em.transactional(async (tx) => {
      // Lock the case: it may have been invalidated while the screening ran.
      const locked = (await tx.getConnection().execute('select status from review_case where id = ? for update', [caseId], 'all', tx.getTransactionContext())) as Array<{ status: CaseStatus }>;
      if (locked[0]?.status !== CaseStatus.SCREENING && locked[0]?.status !== CaseStatus.QUEUED) return 'skipped';
      const reviewCase = await tx.findOneOrFail(ReviewCase, caseId, { populate: ['episode', 'episode.series'] });
      const inserted = (await tx.getConnection().execute(
        `insert into ai_assessment (id, review_case_id, provider, model, policy_version, ai_completed, risk_score, verdicts, calls, keyframes, started_at, finished_at)
         values (gen_random_uuid(), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now()) on conflict (review_case_id) do nothing returning id`,
        [caseId, this.provider.name, this.provider.model, result.policyVersion, result.aiError === null, result.riskScore, JSON.stringify(result.verdicts), JSON.stringify({ retries: result.calls.retries, entries: result.calls.entries }), JSON.stringify(result.keyframes), result.startedAt],
        'all',
        tx.getTransactionContext(),
      )) as Array<{ id: string }>;
      if (!inserted.length) return 'skipped';
      for (const f of result.findings) {
        tx.create(Finding, { reviewCase, territory: f.territory, ruleId: f.ruleId, category: f.category, severity: f.severity as FindingSeverity, source: f.source as FindingSource, evidence: f.evidence, explanation: f.explanation, score: f.score ?? null });
      }
      reviewCase.verdicts = result.verdicts;
      reviewCase.riskScore = result.riskScore;
      reviewCase.aiStatus = result.aiError === null ? AiStatus.COMPLETED : AiStatus.AI_UNAVAILABLE;
      reviewCase.aiError = result.aiError;
      reviewCase.screenedAt = new Date();
      reviewCase.progress = { step: 'screened' };
      reviewCase.status = CaseStatus.PENDING_REVIEW;
      const system = this.systemContext(tx);
      this.audit.record(system, tx, {
        action: 'review.screened',
        actorLabel: `review provider: ${this.provider.name}`,
        organizationId: reviewCase.studio.id,
        subjectType: 'ReviewCase',
        subjectId: caseId,
        summary: { provider: this.provider.name, aiStatus: reviewCase.aiStatus, riskScore: result.riskScore, verdicts: result.verdicts.map((v) => `${v.territory}:${v.verdict}`), findings: result.findings.length },
      });

      const settings = await this.reviews.settings(tx);
      const autoApprove = settings.autoApproveEnabled && result.aiError === null && result.verdicts.every((v) => v.verdict === Verdict.CLEAR && v.riskScore <= settings.autoApproveMaxRisk);
      if (autoApprove) {
        const actorLabel = `policy: auto-approve (risk ≤ ${settings.autoApproveMaxRisk})`;
        for (const v of result.verdicts) tx.create(ReviewDecision, { reviewCase, territory: v.territory, decision: Decision.APPROVE, actorLabel, citedRuleIds: [], notes: 'Every territory CLEAR below the auto-approve threshold.', createdAt: new Date() });
        reviewCase.status = CaseStatus.DECIDED;
        await tx.nativeUpdate(Episode, { id: reviewCase.episode.id, status: EpisodeStatus.IN_REVIEW }, { status: EpisodeStatus.APPROVED });
        this.audit.record(system, tx, { action: 'review.auto_approve', actorLabel, organizationId: reviewCase.studio.id, subjectType: 'ReviewCase', subjectId: caseId, summary: { riskScore: result.riskScore, territories: reviewCase.territories } });
      }
      return autoApprove ? 'auto-approved' : 'screened';
    });
  }

  private async material(em: EntityManager, reviewCase: ReviewCase, mediaPath: string): Promise<ReviewMaterial> {
    const episode = reviewCase.episode;
    const series = episode.series;
    const license = await em.findOne(SeriesLicense, { series });
    const subtitles = await em.find(SubtitleTrack, { episode }, { orderBy: { language: 'asc' } });
    const media = reviewCase.mediaRevision;
    return {
      territories: reviewCase.territories,
      at: new Date(),
      episode: { id: episode.id, number: episode.number, title: episode.title, synopsis: episode.synopsis },
      series: { title: series.title, synopsis: series.synopsis, filings: series.filings },
      license: license ? { ...license, holdbacks: license.holdbacks } : null,
      media: { path: mediaPath, sha256: media.sha256, durationSeconds: media.durationSeconds, width: media.width, height: media.height },
      subtitles: subtitles.map((s) => ({ language: s.language, cues: s.cues })),
    };
  }

  /** The reviewed media as a local file (downloaded to a temp file when storage is remote). */
  private async localMedia(key: string): Promise<{ path: string; release: () => Promise<void> }> {
    const local = this.storage.localPath?.(key);
    if (local) return { path: local, release: async () => {} };
    const dir = await mkdtemp(path.join(tmpdir(), 'greenlight-review-'));
    const file = path.join(dir, path.basename(key));
    await pipeline(this.storage.read(key), createWriteStream(file));
    return { path: file, release: () => rm(dir, { recursive: true, force: true }) };
  }

  private systemContext(em: EntityManager): RequestContext {
    return { em, actor: { kind: 'anonymous' }, requestId: 'review-pipeline', config: this.config, logger: this.logger };
  }
}
