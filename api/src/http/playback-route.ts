import { IsolationLevel, type MikroORM } from '@mikro-orm/postgresql';
import { Router } from 'express';
import { isId } from '../modules/common/ids';
import { Episode } from '../modules/catalog/episode.entity';
import { licensedAudioTrack, licensedSubtitleTrack, liveFor, playbackSignatureValid } from '../modules/publishing/partner-catalog.service';
import { toWebVtt } from '../modules/media/subtitles';
import type { SubtitleFormat } from '../modules/media/subtitle-track.entity';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { MediaStorage } from '../uploads/storage';
import { sendStored, sendText } from './media-route';
import { answerFailure } from './failure';

/**
 * Partner playback: `/playback/<episodeId>/video|poster.jpg|subtitles-<trackId>.vtt|audio-<trackId>?partner&territory&expires&signature`.
 * The signature binds partner, episode, territory, kind and expiry; a tampered or expired URL, or an
 * episode no longer live, is 403. Range requests are served.
 */
const SUBTITLE_FILE = /^subtitles-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.vtt$/;
const AUDIO_FILE = /^audio-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export function playbackRouter(deps: { orm: MikroORM; config: Config; logger: Logger; storage: MediaStorage }): Router {
  const router = Router();
  router.get('/playback/:episodeId/:kind', async (req, res) => {
    const refuse = (message: string) => res.status(403).json({ error: message, code: 'FORBIDDEN' });
    const { partner, territory, expires, signature } = req.query as Record<string, string | undefined>;
    const episodeId = String(req.params.episodeId);
    const kind = String(req.params.kind);
    if (!isId(episodeId) || !partner || !isId(partner) || !territory || !expires || !signature || !(['video', 'poster.jpg'].includes(kind) || SUBTITLE_FILE.test(kind) || AUDIO_FILE.test(kind))) return refuse('This playback URL is incomplete.');
    const expiry = Number(expires);
    if (!Number.isInteger(expiry) || !playbackSignatureValid(deps.config.appSecret, { episodeId, partnerId: partner, territory, kind, expires: expiry, signature })) return refuse('This playback URL is not valid.');
    if (expiry * 1000 < Date.now()) return refuse('This playback URL has expired; ask the API for a new one.');
    try {
      // The live check and the media it lets through are read in one snapshot: a replacement video or
      // dub committed between two separate reads would otherwise be served under the old approval.
      // Media files are stored by content hash, so the file the snapshot names keeps its bytes.
      type Served = { refused: string } | { text: { format: string; content: string } } | { stored: string };
      const served = await deps.orm.em.fork().transactional(
        async (em): Promise<Served> => {
          const live = await liveFor(em, episodeId, partner, territory);
          if (!live) return { refused: 'This episode is no longer available.' };
          const subtitle = SUBTITLE_FILE.exec(kind);
          if (subtitle) {
            // Checked again now: the license may have dropped the language since the URL was signed.
            const track = await licensedSubtitleTrack(em, episodeId, subtitle[1]!);
            return track ? { text: track } : { refused: 'These subtitles are no longer available.' };
          }
          const audio = AUDIO_FILE.exec(kind);
          if (audio) {
            // Checked again now, like subtitles: the license may have dropped the dub language since.
            const track = await licensedAudioTrack(em, episodeId, audio[1]!);
            return track ? { stored: track.storageKey } : { refused: 'This audio track is no longer available.' };
          }
          const episode = await em.findOneOrFail(Episode, episodeId, { populate: ['currentMedia'] });
          const key = kind === 'video' ? episode.currentMedia?.storageKey : episode.currentMedia?.posterKey;
          return key ? { stored: key } : { refused: 'This episode has no media.' };
        },
        { isolationLevel: IsolationLevel.REPEATABLE_READ, readOnly: true },
      );
      if ('refused' in served) return refuse(served.refused);
      if ('text' in served) {
        res.setHeader('Cache-Control', 'private, no-cache');
        res.setHeader('X-Content-Type-Options', 'nosniff');
        await sendText(req, res, toWebVtt(served.text.format as SubtitleFormat, served.text.content), 'text/vtt; charset=utf-8');
        return;
      }
      await sendStored(req, res, deps.storage, served.stored);
    } catch (error) {
      answerFailure(res, error, deps.logger, 'playback failed');
    }
  });
  return router;
}
