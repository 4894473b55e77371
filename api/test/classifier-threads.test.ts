import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../../schema/graphql';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { NsfwjsClassifier } from '../src/modules/review/visual-classifier/nsfwjs-classifier';
import { ThreadedClassifier } from '../src/modules/review/visual-classifier/threaded-classifier';
import { ModelUnavailableError } from '../src/modules/review/visual-classifier/visual-classifier';
import { TestServer, type SignedInMember } from './support/server';

const ORGANIZATIONS = graphql(`query ThreadsOrganizations { organizations { id } }`);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ffmpeg = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;

/** A JPEG frame made now by ffmpeg from one of its test sources. */
function frame(source: string): Buffer {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'greenlight-frame-')), 'f.jpg');
  execFileSync(ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', `${source}=size=288x512`, '-frames:v', '1', '-y', file]);
  return readFileSync(file);
}

let server: TestServer;
let studio: SignedInMember;
const threaded = new ThreadedClassifier();

beforeAll(async () => {
  server = await TestServer.start({ VISUAL_CLASSIFIER: 'nsfwjs' }, undefined, { runWorker: true });
  studio = await server.member(OrganizationKind.STUDIO, Role.OWNER);
});
afterAll(async () => {
  await threaded.close();
  await server?.stop();
});

describe('the embedded image model in worker threads', () => {
  it('leaves the API answering HTTP while it loads the model and scores frames', async () => {
    const frames = ['testsrc2', 'mandelbrot', 'smptebars', 'rgbtestsrc'].map(frame);
    let settled = false;
    // Loading the model and scoring 16 frames: seconds of inference in this very process.
    const classification = (async () => {
      for (let i = 0; i < 16; i++) await threaded.classify(frames[i % frames.length]!);
    })().finally(() => {
      settled = true;
    });

    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(settled, 'the health check was answered before the classification finished').toBe(false);
    const me = await server.gql(ORGANIZATIONS, {}, { token: studio.token });
    expect(me.data?.organizations.map((o) => o.id)).toEqual([studio.organizationId]);
    expect(settled, 'a GraphQL query was answered before the classification finished').toBe(false);
    await classification;
  });

  it('scores a frame exactly as the model does on the calling thread', async () => {
    const jpeg = frame('testsrc2');
    expect(await threaded.classify(jpeg)).toEqual(await new NsfwjsClassifier().classify(jpeg));
    expect(threaded.name).toBe('nsfwjs/MobileNetV2');
  });

  it('fails as unavailable when its thread cannot load the model, and a frame that is not a JPEG is refused', async () => {
    const missing = new ThreadedClassifier({ modelDir: mkdtempSync(path.join(tmpdir(), 'greenlight-no-model-')) });
    try {
      await expect(missing.ready()).rejects.toBeInstanceOf(ModelUnavailableError);
      await expect(missing.classify(frame('testsrc2'))).rejects.toThrow(/could not be loaded/);
    } finally {
      await missing.close();
    }
    await expect(threaded.classify(Buffer.from('not a jpeg'))).rejects.toBeInstanceOf(ModelUnavailableError);
  });
});
