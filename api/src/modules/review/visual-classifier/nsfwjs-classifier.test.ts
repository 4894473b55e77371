import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { NsfwjsClassifier } from './nsfwjs-classifier';
import { ModelUnavailableError } from './visual-classifier';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ffmpeg = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;

/** A JPEG frame made now by ffmpeg from one of its test sources. */
function frame(source: string, size = '288x512'): Buffer {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'greenlight-frame-')), 'f.jpg');
  execFileSync(ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', `${source}=size=${size}`, '-frames:v', '1', '-y', file]);
  return readFileSync(file);
}

describe('the embedded nsfwjs classifier', () => {
  const classifier = new NsfwjsClassifier();

  it('scores a frame with the five classes of the model shipped in the package, the same each time, without keeping tensors', async () => {
    expect(classifier.name).toBe('nsfwjs/MobileNetV2');
    expect(classifier.version).toMatch(/^\d+\.\d+\.\d+$/);
    const jpeg = frame('testsrc2');
    const first = await classifier.classify(jpeg);
    const tensors = tf.memory().numTensors;
    const again = await classifier.classify(jpeg);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(Object.keys(first.classes).sort()).toEqual(['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy']);
    expect(Object.values(first.classes).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    expect(first.sexual).toBeCloseTo(first.classes.Porn! + first.classes.Hentai!, 6);
    expect(first['sexual/suggestive']).toBe(first.classes.Sexy);
    expect(again).toEqual(first);
    // Different pictures get different scores: the model really looks at the pixels.
    const other = await classifier.classify(frame('mandelbrot'));
    expect(other.classes).not.toEqual(first.classes);
  });

  it('fails as unavailable when its model cannot be loaded, and a frame that is not a JPEG is refused', async () => {
    const missing = new NsfwjsClassifier(mkdtempSync(path.join(tmpdir(), 'greenlight-no-model-')));
    await expect(missing.ready()).rejects.toBeInstanceOf(ModelUnavailableError);
    await expect(missing.classify(frame('testsrc2'))).rejects.toThrow(/could not be loaded/);
    await expect(classifier.classify(Buffer.from('not a jpeg'))).rejects.toThrow();
  });
});
