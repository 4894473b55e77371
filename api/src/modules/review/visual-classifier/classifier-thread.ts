import { workerData } from 'node:worker_threads';
import { NsfwjsClassifier, type TensorBackend } from './nsfwjs-classifier';
import type { FrameScores } from './visual-classifier';

/**
 * The body of one classifier thread (run by ThreadedClassifier's pool): the model is loaded once per
 * thread, on the first task, and every frame sent to this thread is scored by it.
 */
const { modelDir, backend } = workerData as { modelDir?: string; backend: TensorBackend };
const classifier = new NsfwjsClassifier(modelDir, backend);

export type ClassifierTask = { kind: 'ready' } | { kind: 'classify'; jpeg: Uint8Array };

export default async function run(task: ClassifierTask): Promise<FrameScores | null> {
  if (task.kind === 'ready') {
    await classifier.ready();
    return null;
  }
  return classifier.classify(Buffer.from(task.jpeg.buffer, task.jpeg.byteOffset, task.jpeg.byteLength));
}
