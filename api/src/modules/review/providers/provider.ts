import type { CallRecorder, RetryPolicy } from '../ai-calls';
import type { Keyframe } from '../keyframes';
import type { FindingDraft, ReviewMaterial } from '../material';
import type { EffectivePolicy } from '../policy';
import type { FrameAssessment } from '../visual-classifier/visual-findings';

export interface ScreeningInput {
  material: ReviewMaterial;
  policies: readonly EffectivePolicy[];
  keyframes: ReadonlyArray<Keyframe & { path: string }>;
  calls: CallRecorder;
  retry: () => RetryPolicy;
  progress: (step: string, done: number, total: number) => Promise<void>;
  /** Keeps a keyframe's scores with the assessment (by its index in `keyframes`). */
  recordFrame: (index: number, assessment: FrameAssessment) => void;
}

/** A source of findings beyond the deterministic checks. */
export interface ReviewProvider {
  /** `openai`; `embedded` (keyword rules, the profanity matcher and the embedded image model); `rules` (text rules only). */
  readonly name: 'openai' | 'embedded' | 'rules';
  readonly model: string | null;
  /** Whether the pipeline should sample keyframes for this provider. */
  readonly usesKeyframes: boolean;
  screen(input: ScreeningInput): Promise<FindingDraft[]>;
  /** Frees what the provider holds (e.g. classifier threads). */
  close?(): Promise<void>;
}
