import type { CallRecorder, RetryPolicy } from '../ai-calls';
import type { Keyframe } from '../keyframes';
import type { FindingDraft, ReviewMaterial } from '../material';
import type { EffectivePolicy } from '../policy';

export interface ScreeningInput {
  material: ReviewMaterial;
  policies: readonly EffectivePolicy[];
  keyframes: ReadonlyArray<Keyframe & { path: string }>;
  calls: CallRecorder;
  retry: () => RetryPolicy;
  progress: (step: string, done: number, total: number) => Promise<void>;
}

/** A source of findings beyond the deterministic checks. */
export interface ReviewProvider {
  readonly name: 'openai' | 'rules';
  readonly model: string | null;
  /** Whether the pipeline should sample keyframes for this provider. */
  readonly usesKeyframes: boolean;
  screen(input: ScreeningInput): Promise<FindingDraft[]>;
}
