/**
 * Scores of one keyframe from an embedded image model, each 0–1. `sexual` is explicit content
 * (the model's Porn and Hentai classes together), `sexual/suggestive` is revealing but not explicit
 * (its Sexy class); `classes` keeps every class the model answered, for the record.
 */
export interface FrameScores {
  sexual: number;
  'sexual/suggestive': number;
  classes: Record<string, number>;
}

/** The categories an embedded visual classifier scores; policy packs set a threshold per category. */
export const VISUAL_CATEGORIES = ['sexual', 'sexual/suggestive'] as const;
export type VisualCategory = (typeof VISUAL_CATEGORIES)[number];

/** A small image model that runs inside the worker, with no network. */
export interface VisualClassifier {
  /** e.g. "nsfwjs/MobileNetV2" */
  readonly name: string;
  /** The version of the package that carries the weights, e.g. "4.4.0". */
  readonly version: string;
  /** Loads the model now (once per process); rejects with ModelUnavailableError when it cannot. */
  ready(): Promise<void>;
  /** Scores one JPEG frame; rejects with ModelUnavailableError when the model cannot run. */
  classify(jpeg: Buffer): Promise<FrameScores>;
  /** Frees the model (and any threads running it). */
  close?(): Promise<void>;
}

/** The model could not be loaded or run: the screening fails closed to reviewers. */
export class ModelUnavailableError extends Error {}
