import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as jpeg from 'jpeg-js';
import { NSFWJS } from 'nsfwjs/core';
import { ModelUnavailableError, type FrameScores, type VisualClassifier } from './visual-classifier';

/** Frames are sampled at 512 px wide at most; anything far larger is refused rather than decoded. */
const MAX_FRAME_MEGAPIXELS = 4;
const MAX_DECODE_MIB = 64;
/** The model's input edge (MobileNetV2 takes 224×224). */
const INPUT_SIZE = 224;

const packageDir = () => path.dirname(path.dirname(path.dirname(require.resolve('nsfwjs'))));
/** The version of the nsfwjs package that carries the weights. */
export const NSFWJS_VERSION: string = (JSON.parse(readFileSync(path.join(packageDir(), 'package.json'), 'utf8')) as { version: string }).version;

/**
 * The model's topology and weights as shipped inside the nsfwjs package (UMD files holding the
 * model JSON and a base64 weight shard), or from `modelDir` (a TensorFlow.js layers model:
 * `model.json` plus the weight files it lists) when an operator hosts their own.
 */
async function modelArtifacts(modelDir: string | undefined): Promise<tf.io.ModelArtifacts> {
  if (modelDir) {
    const json = JSON.parse(await readFile(path.join(modelDir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
    const specs: tf.io.WeightsManifestEntry[] = [];
    const buffers: Buffer[] = [];
    for (const group of json.weightsManifest) {
      specs.push(...group.weights);
      for (const file of group.paths) buffers.push(await readFile(path.join(modelDir, file)));
    }
    const weightData = Buffer.concat(buffers);
    return { modelTopology: json.modelTopology, weightSpecs: specs, weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength) };
  }
  // Required by path: the package's own loader spreads the 3.5 MB base64 string into an object key by key (slow).
  const dir = path.join(packageDir(), 'dist', 'models', 'mobilenet_v2');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- UMD files: loading them is the only way to read them.
  const json = require(path.join(dir, 'model.min.js')) as tf.io.ModelJSON;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const shard = Buffer.from(require(path.join(dir, 'group1-shard1of1.min.js')) as string, 'base64');
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  return { modelTopology: json.modelTopology, weightSpecs: specs, weightData: shard.buffer.slice(shard.byteOffset, shard.byteOffset + shard.byteLength) };
}

export type TensorBackend = 'wasm' | 'cpu';

/** e.g. "nsfwjs/MobileNetV2", or "nsfwjs/custom:<folder>" for an operator's own model. */
export const modelName = (modelDir: string | undefined): string => (modelDir ? `nsfwjs/custom:${path.basename(modelDir)}` : 'nsfwjs/MobileNetV2');

let backend: Promise<void> | undefined;
/**
 * TensorFlow.js on its WASM backend with one thread (the .wasm files ship in the npm package), or
 * the pure-JavaScript CPU backend (about ten times slower; benchmarks compare with it). One per process.
 */
function startBackend(kind: TensorBackend): Promise<void> {
  backend ??= (async () => {
    if (kind === 'wasm') {
      setWasmPaths(`${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}${path.sep}`);
      setThreadsCount(1);
    }
    if (!(await tf.setBackend(kind))) throw new Error(`the TensorFlow.js ${kind} backend did not start`);
    await tf.ready();
  })();
  return backend;
}

const loaded = new Map<string, Promise<NSFWJS>>();

/**
 * nsfwjs (MobileNetV2, five classes: Drawing, Hentai, Neutral, Porn, Sexy) on the TensorFlow.js WASM
 * backend, on the thread that calls it (the service runs it through ThreadedClassifier). The model is
 * loaded once per thread and shared by every screening on it; frames are scored one at a time, so memory stays at one decoded frame plus the model (about 60 MB).
 * A small model with known limits: it sees nudity and suggestive imagery, not violence, minors,
 * context or intent; it errs on skin-heavy but innocent frames (beaches, sport) and misses what is
 * small in the frame. Its scores route cases to people; they never approve or reject.
 */
export class NsfwjsClassifier implements VisualClassifier {
  readonly name: string;
  readonly version = NSFWJS_VERSION;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly modelDir?: string,
    private readonly backend: TensorBackend = 'wasm',
  ) {
    this.name = modelName(modelDir);
  }

  private model(): Promise<NSFWJS> {
    const key = this.modelDir ?? '';
    let model = loaded.get(key);
    if (!model) {
      model = (async () => {
        await startBackend(this.backend);
        const nsfw = new NSFWJS(tf.io.fromMemory(await modelArtifacts(this.modelDir)), { size: INPUT_SIZE });
        await nsfw.load();
        return nsfw;
      })();
      loaded.set(key, model);
      // A failed load is not cached: the next screening tries again (this one fails closed).
      model.catch(() => loaded.delete(key));
    }
    return model.catch((error: unknown) => {
      throw new ModelUnavailableError(`The visual classifier ${this.name} could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  async ready(): Promise<void> {
    await this.model();
  }

  classify(frame: Buffer): Promise<FrameScores> {
    // One frame at a time per process: bounded memory however many screenings run concurrently.
    const next = this.queue.then(() => this.classifyNow(frame));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async classifyNow(frame: Buffer): Promise<FrameScores> {
    const model = await this.model();
    const image = jpeg.decode(frame, { useTArray: true, formatAsRGBA: false, maxResolutionInMP: MAX_FRAME_MEGAPIXELS, maxMemoryUsageInMB: MAX_DECODE_MIB });
    const pixels = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
    try {
      const predictions = await model.classify(pixels, 5);
      const classes = Object.fromEntries(predictions.map((p) => [p.className, p.probability]));
      const score = (name: string) => classes[name] ?? 0;
      return { sexual: Math.min(1, score('Porn') + score('Hentai')), 'sexual/suggestive': score('Sexy'), classes };
    } catch (error) {
      throw new ModelUnavailableError(`The visual classifier ${this.name} failed on a frame: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      pixels.dispose();
    }
  }
}
