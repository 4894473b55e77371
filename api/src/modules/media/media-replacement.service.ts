import type { RequestContext } from '../../domain/request-context';
import type { DecisionService } from '../review/decision.service';
import type { ReleaseService } from '../publishing/release.service';
import { Decision } from '../review/review-decision.entity';
import { CaseStatus, ReviewCase } from '../review/review-case.entity';
import { replacementCancels, type ReplacementCancellationValue } from './media-replacement';

const OPEN_CASES = [CaseStatus.QUEUED, CaseStatus.SCREENING, CaseStatus.PENDING_REVIEW];

/** Reads where episodes stand in review and publication, for `replacementCancels`. */
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
    const live = await this.releases.liveTerritoriesOf(ctx, visible);
    const open = await ctx.em.find(ReviewCase, { episode: { $in: visible }, status: { $in: OPEN_CASES } });
    return new Map(
      visible.map((id) => [
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
