import { AiUnavailableError } from '../ai-calls';
import type { FindingDraft } from '../material';
import { ModelUnavailableError, type VisualClassifier } from '../visual-classifier/visual-classifier';
import { visualFindings } from '../visual-classifier/visual-findings';
import type { ReviewProvider, ScreeningInput } from './provider';
import { RulesProvider } from './rules-provider';

/**
 * The default install's screening, with no network: the built-in text rules, and every sampled
 * keyframe scored by a small embedded image model against each territory's thresholds. A model
 * that cannot load or run fails the screening closed (to reviewers, as AI unavailable).
 */
export class EmbeddedProvider implements ReviewProvider {
  readonly name = 'embedded' as const;
  readonly usesKeyframes = true;
  private readonly rules = new RulesProvider();

  constructor(private readonly classifier: VisualClassifier) {}

  get model(): string {
    return `keyword rules + obscenity + ${this.classifier.name} ${this.classifier.version}`;
  }

  async screen(input: ScreeningInput): Promise<FindingDraft[]> {
    const findings = await this.rules.screen(input);
    try {
      await this.classifier.ready();
      for (const [index, frame] of input.keyframes.entries()) {
        const scores = await this.classifier.classify(frame.jpeg);
        const scored = visualFindings(input.policies, frame, scores, this.classifier, new Date());
        findings.push(...scored.findings);
        input.recordFrame(index, scored.assessment);
        await input.progress('keyframe classification', index + 1, input.keyframes.length);
      }
    } catch (error) {
      if (error instanceof ModelUnavailableError) throw new AiUnavailableError(error.message);
      throw error;
    }
    return findings;
  }

  async close(): Promise<void> {
    await this.classifier.close?.();
  }
}
