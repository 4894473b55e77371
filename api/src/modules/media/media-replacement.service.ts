import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../domain/request-context';
import type { DecisionService } from '../review/decision.service';
import type { ReleaseService } from '../publishing/release.service';
import type { TerritoryOutcomeValue } from '../review/territory-outcomes';
import type { Episode } from '../catalog/episode.entity';
import { Decision } from '../review/review-decision.entity';
import { CaseStatus, ReviewCase } from '../review/review-case.entity';
import { recordedAcknowledgment, replacementCancels, replacementRefusal, type ReplacementCancellationValue } from './media-replacement';

const OPEN_CASES = [CaseStatus.QUEUED, CaseStatus.SCREENING, CaseStatus.PENDING_REVIEW];

/** Reads where episodes stand in review and publication, for `replacementCancels` and `replacementRefusal`. */
export class MediaReplacementService {
  constructor(
    private readonly decisions: DecisionService,
    private readonly releases: ReleaseService,
  ) {}

  /**
   * Per episode the caller may read: what replacing its video with different bytes would cancel
   * (`replacementCancels`), from its open review cases, the decision in force and where it is live.
   */
  async cancelledByReplacement(ctx: RequestContext, episodeIds: readonly string[]): Promise<Map<string, ReplacementCancellationValue[]>> {
    const outcomes = await this.decisions.outcomesOfEpisodes(ctx, episodeIds);
    const visible = [...outcomes.keys()];
    if (!visible.length) return new Map();
    return this.cancelsFrom(ctx.em, visible, outcomes, await this.releases.liveTerritoriesOf(ctx, visible));
  }

  /**
   * Why replacing `episode`'s video with `fileName` (or adding it as the `dubLanguage` dub) may not go ahead, or null (`replacementRefusal`),
   * read from where the episode stands in `em` now, against the acknowledgment (as sent, or as its
   * upload keeps it). The one check, for an upload being created and for one whose video is about to
   * become current (called under the episode's lock); both already hold the right to replace the
   * episode's video. `recorded`: the acknowledgment to keep on a new upload, each territory with what
   * it stood to lose in this very read (`recordedAcknowledgment`).
   */
  async refusal(em: EntityManager, episode: Episode, fileName: string, acknowledged: readonly string[], dubLanguage?: string | null): Promise<string | null> {
    return (await this.check(em, episode, fileName, acknowledged, dubLanguage)).refusal;
  }

  async check(em: EntityManager, episode: Episode, fileName: string, acknowledged: readonly string[], dubLanguage?: string | null): Promise<{ refusal: string | null; recorded: string[] }> {
    const ids = [episode.id];
    const cancels = (await this.cancelsFrom(em, ids, await this.decisions.outcomesOfEpisodesIn(em, ids), await this.releases.liveTerritoriesIn(em, ids))).get(episode.id) ?? [];
    return { refusal: replacementRefusal({ episodeNumber: episode.number, fileName, dubLanguage }, cancels, acknowledged), recorded: recordedAcknowledgment(acknowledged, cancels) };
  }

  private async cancelsFrom(
    em: EntityManager,
    episodeIds: readonly string[],
    outcomes: Map<string, TerritoryOutcomeValue[]>,
    live: Map<string, string[]>,
  ): Promise<Map<string, ReplacementCancellationValue[]>> {
    const open = await em.find(ReviewCase, { episode: { $in: [...episodeIds] }, status: { $in: OPEN_CASES } });
    return new Map(
      episodeIds.map((id) => [
        id,
        replacementCancels({
          inReview: open.filter((c) => c.episode.id === id).flatMap((c) => c.territories),
          approved: (outcomes.get(id) ?? []).filter((o) => o.decision === Decision.APPROVE).map((o) => o.territory),
          live: live.get(id) ?? [],
        }),
      ]),
    );
  }
}
