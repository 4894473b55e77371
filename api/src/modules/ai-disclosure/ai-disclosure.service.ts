import type { RequestContext } from '../../domain/request-context';
import { findSeries } from '../catalog/catalog-access';
import { Episode } from '../catalog/episode.entity';
import { SeriesLicense } from '../catalog/license.entity';
import { WORLDWIDE } from '../catalog/territories';
import { ACTIVE_PACKS, effectivePolicy } from '../review/policy';
import { aiContentDeclaration, aiLabelGap, territoriesWithAiLabelDuty, type AiContentElement } from './ai-content';

export interface AiLabelRequirementView {
  territory: string;
  ruleId: string;
  description: string;
  elements: AiContentElement[];
  missing: string[];
  met: boolean;
}

export class AiDisclosureService {
  /**
   * The pre-flight of AI labels for a series: every territory the license covers (every territory
   * without a license) whose policy requires a label for a use declared in the series or any of its
   * episodes, with what is still missing. The gate applies the same rule (AI_LABEL_MISSING).
   */
  async labelRequirements(ctx: RequestContext, seriesId: string): Promise<AiLabelRequirementView[]> {
    const series = await findSeries(ctx, seriesId, 'read');
    const license = await ctx.em.findOne(SeriesLicense, { series });
    const episodes = await ctx.em.find(Episode, { series }, { fields: ['aiElements'] });
    const declaration = aiContentDeclaration(license, episodes.flatMap((e) => e.aiElements));
    const covered = (t: string) => !license || ((license.territoriesIncluded.includes(WORLDWIDE) || license.territoriesIncluded.includes(t)) && !license.territoriesExcluded.includes(t));
    const out: AiLabelRequirementView[] = [];
    for (const territory of territoriesWithAiLabelDuty(ACTIVE_PACKS).filter(covered)) {
      const policy = effectivePolicy(territory).aiLabel!;
      const elements = declaration.elements.filter((e) => policy.requiredFor.includes(e));
      if (!elements.length) continue;
      const gap = aiLabelGap(declaration, territory, policy);
      out.push({ territory, ruleId: policy.rule.id, description: policy.rule.description, elements, missing: gap?.missing ?? [], met: !gap });
    }
    return out;
  }
}
