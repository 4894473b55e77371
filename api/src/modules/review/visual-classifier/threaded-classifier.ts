import { existsSync } from 'node:fs';
import path from 'node:path';
import { Piscina } from 'piscina';
import type { ClassifierTask } from './classifier-thread';
import { modelName, NSFWJS_VERSION, type TensorBackend } from './nsfwjs-classifier';
import { ModelUnavailableError, type FrameScores, type VisualClassifier } from './visual-classifier';

/**
 * The compiled thread body. Under the test runner this module is TypeScript and Node cannot run a
 * .ts file in a thread, so it runs the build beside it (`npm test` builds first).
 */
function threadFile(): string {
  const here = path.join(__dirname, 'classifier-thread.js');
  if (existsSync(here)) return here;
  const built = path.resolve(__dirname, '../../../../dist/api/src/modules/review/visual-classifier/classifier-thread.js');
  if (existsSync(built)) return built;
  throw new ModelUnavailableError(`The visual classifier's thread code was not found at ${here} or ${built}: build the API first.`);
}

/**
 * The embedded image model (nsfwjs on TensorFlow.js WASM) run in worker threads, so inference never
 * holds up the event loop that answers HTTP when the review worker runs inside the API process.
 * Each thread loads the model once and scores one frame at a time; `threads` bounds memory (about
 * 60–90 MB per thread) and the queue is bounded too. A thread whose model cannot load or run makes
 * the call reject with ModelUnavailableError (the screening fails closed to reviewers).
 */
export class ThreadedClassifier implements VisualClassifier {
  readonly name: string;
  readonly version = NSFWJS_VERSION;
  private pool: Piscina | undefined;

  constructor(
    private readonly options: { modelDir?: string; backend?: TensorBackend; threads?: number } = {},
  ) {
    this.name = modelName(options.modelDir);
  }

  private threads(): Piscina {
    this.pool ??= new Piscina({
      filename: threadFile(),
      workerData: { modelDir: this.options.modelDir, backend: this.options.backend ?? 'wasm' },
      minThreads: 0,
      maxThreads: this.options.threads ?? 1,
      concurrentTasksPerWorker: 1,
      // A queue bounded by the screenings that can run at once (each sends one frame at a time).
      maxQueue: 256,
      // The model stays loaded while screenings come; an idle thread gives its memory back.
      idleTimeout: 5 * 60_000,
    });
    return this.pool;
  }

  private async run<T>(task: ClassifierTask, transfer?: ArrayBuffer[]): Promise<T> {
    try {
      return (await this.threads().run(task, { transferList: transfer })) as T;
    } catch (error) {
      if (error instanceof ModelUnavailableError) throw error;
      // Errors cross the thread boundary as plain Errors: every failure here means the model could not score.
      throw new ModelUnavailableError(error instanceof Error ? error.message : String(error));
    }
  }

  async ready(): Promise<void> {
    await this.run<null>({ kind: 'ready' });
  }

  classify(jpeg: Buffer): Promise<FrameScores> {
    // A copy the thread owns (transferred, not cloned): the caller's buffer may be a slice of a pool.
    const bytes = new Uint8Array(jpeg);
    return this.run<FrameScores>({ kind: 'classify', jpeg: bytes }, [bytes.buffer]);
  }

  /** Ends the threads (and frees their models); later calls start new ones. */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.destroy();
  }
}
