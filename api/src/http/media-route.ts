import type { MikroORM } from '@mikro-orm/postgresql';
import { Router, type Request, type Response } from 'express';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Config } from '../config';
import { DomainError } from '../domain/errors';
import { requestContext } from '../graphql/context';
import type { Logger } from '../logger';
import type { Services } from '../services';
import { contentTypeOf, type MediaStorage } from '../uploads/storage';
import { byteRangeOf, ifRangeHolds } from './byte-range';
import { answerFailure } from './failure';

/**
 * Authenticated, range-capable media: `/media/<revisionId>/video` and `/media/<revisionId>/poster.jpg`.
 * Nothing is public; revisions are immutable, so browsers may cache them privately.
 */
export function mediaRouter(deps: { orm: MikroORM; config: Config; logger: Logger; services: Services; storage: MediaStorage }): Router {
  const router = Router();
  const serve = (part: 'video' | 'poster') => async (req: Request, res: Response) => {
    try {
      const ctx = await requestContext(deps, req, res);
      const revision = await deps.services.media.playable(ctx, String(req.params.revisionId));
      const key = part === 'video' ? revision.storageKey : revision.posterKey;
      if (!key) throw new Error('media revision without a poster');
      res.setHeader('Cache-Control', 'private, max-age=86400, immutable');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      // Every media and playback route answers ranges through sendStored, whatever the storage.
      await sendStored(req, res, deps.storage, key);
    } catch (error) {
      if (error instanceof DomainError) {
        const status = error.code === 'UNAUTHENTICATED' ? 401 : error.code === 'FORBIDDEN' ? 403 : 404;
        res.status(status).json({ error: error.message, code: error.code });
        return;
      }
      answerFailure(res, error, deps.logger, 'serving media failed');
    }
  };
  // A subtitle track as WebVTT for the dashboard's players (SRT converted), for whoever may read the episode.
  router.get('/media/subtitles/:file', async (req: Request, res: Response) => {
    try {
      const ctx = await requestContext(deps, req, res);
      const vtt = await deps.services.subtitles.webVtt(ctx, String(req.params.file).replace(/\.vtt$/, ''));
      res.setHeader('Cache-Control', 'private, no-cache');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      await sendText(req, res, vtt, 'text/vtt; charset=utf-8');
    } catch (error) {
      if (error instanceof DomainError) {
        res.status(error.code === 'UNAUTHENTICATED' ? 401 : error.code === 'FORBIDDEN' ? 403 : 404).json({ error: error.message, code: error.code });
        return;
      }
      answerFailure(res, error, deps.logger, 'serving subtitles failed');
    }
  });
  // A dubbed audio track for the studio's and the reviewers' players, for whoever may read the episode.
  router.get('/media/audio/:trackId', async (req: Request, res: Response) => {
    try {
      const ctx = await requestContext(deps, req, res);
      const track = await deps.services.media.playableAudio(ctx, String(req.params.trackId));
      res.setHeader('Cache-Control', 'private, max-age=86400, immutable');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      await sendStored(req, res, deps.storage, track.storageKey);
    } catch (error) {
      if (error instanceof DomainError) {
        res.status(error.code === 'UNAUTHENTICATED' ? 401 : error.code === 'FORBIDDEN' ? 403 : 404).json({ error: error.message, code: error.code });
        return;
      }
      answerFailure(res, error, deps.logger, 'serving audio failed');
    }
  });
  router.get('/media/:revisionId/video', serve('video'));
  router.get('/media/:revisionId/poster.jpg', serve('poster'));
  return router;
}

/** What `sendRepresentation` serves: its size in bytes, a strong ETag, its type and a reader of byte ranges. */
interface Representation {
  size: number;
  etag: string;
  contentType: string;
  /** `Content-Disposition`; `inline` when not given. */
  disposition?: string;
  read(range?: { start: number; end: number }): Readable;
}

/**
 * Serves a stored object through this process: one byte range per request (206, as players ask;
 * RFC 9110 suffix ranges and If-Range), or the whole object; HEAD answers the same headers. The key names the content's hash, so it
 * doubles as a strong ETag.
 */
export async function sendStored(req: Request, res: Response, storage: MediaStorage, key: string, options: { disposition?: string } = {}): Promise<void> {
  await sendRepresentation(req, res, { size: await storage.size(key), etag: `"${path.basename(key)}"`, contentType: contentTypeOf(key), disposition: options.disposition, read: (range) => storage.read(key, range) });
}

/** A text built per request (a subtitle track as WebVTT), served like stored media; its SHA-256 is the strong ETag. */
export async function sendText(req: Request, res: Response, text: string, contentType: string): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
  const etag = `"${createHash('sha256').update(bytes).digest('base64url')}"`;
  await sendRepresentation(req, res, { size: bytes.length, etag, contentType, read: (range) => Readable.from([range ? bytes.subarray(range.start, range.end + 1) : bytes], { objectMode: false }) });
}

/** The RFC 9110 conditional and range handling every media, playback and subtitle route answers through. */
async function sendRepresentation(req: Request, res: Response, representation: Representation): Promise<void> {
  const { size, etag } = representation;
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('ETag', etag);
  res.setHeader('Content-Type', representation.contentType);
  res.setHeader('Content-Disposition', representation.disposition ?? 'inline');
  if (req.headers['if-none-match']?.split(',').some((tag) => tag.trim() === etag)) {
    res.status(304).end();
    return;
  }
  // A stale If-Range (another version of the object) asks for the whole object instead.
  const asked = ifRangeHolds(req.get('if-range'), etag) ? byteRangeOf(req.get('range'), size) : undefined;
  if (asked === 'unsatisfiable') {
    res.status(416).setHeader('Content-Range', `bytes */${size}`).end();
    return;
  }
  const range = asked;
  const length = range ? range.end - range.start + 1 : size;
  const body = req.method === 'HEAD' || size === 0 ? undefined : representation.read(range && { start: range.start, end: range.end });
  // Storage errors that come before the first byte still get a proper error response.
  if (body) await firstBytes(body);
  res.status(range ? 206 : 200).setHeader('Content-Length', String(length));
  if (range) res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
  if (!body) {
    res.end();
    return;
  }
  try {
    await pipeline(body, res);
  } catch (error) {
    // A viewer seeking or closing the player ends the response early; that is not a failure.
    if ((error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
    throw error;
  }
}

function firstBytes(stream: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    const ready = () => {
      stream.off('error', failed);
      resolve();
    };
    const failed = (error: Error) => {
      stream.off('readable', ready);
      reject(error);
    };
    stream.once('readable', ready).once('error', failed);
  });
}
