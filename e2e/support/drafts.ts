import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { PG_PORT } from './stack';

/**
 * Stores a subtitle draft as the screening's transcription step does (see the API's review
 * pipeline), straight in the stack's database: the end-to-end stack runs without an OpenAI key, so
 * nothing transcribes there. Transcription itself is tested end to end in the API's tests, through
 * the fake OpenAI server; the journeys start from the draft it leaves.
 */
export async function storeSubtitleDraft(episodeId: string, draft: { language: string; cues: Array<{ start: number; end: number; text: string }>; content: string }): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port: PG_PORT, user: 'greenlight', password: 'greenlight', database: 'greenlight' });
  await client.connect();
  try {
    const media = await client.query<{ sha256: string }>('select m.sha256 from episode e join media_revision m on m.id = e.current_media_id where e.id = $1', [episodeId]);
    if (!media.rows[0]) throw new Error(`Episode ${episodeId} has no media yet: a draft is made from the current upload.`);
    await client.query(
      'insert into subtitle_draft (id, episode_id, language, content, cues, cue_count, media_sha256, model, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, now())',
      [randomUUID(), episodeId, draft.language, draft.content, JSON.stringify(draft.cues), draft.cues.length, media.rows[0].sha256, 'whisper-1'],
    );
  } finally {
    await client.end();
  }
}
