import type { EntityManager } from '@mikro-orm/postgresql';
import { CANDIDATE_MIN_FRAMES, MAX_CANDIDATES, SHIFT_BUCKET_MS } from './content-matching';
import type { FrameHash } from './frame-hashes';

/**
 * A PostgreSQL array literal of numbers or ids (the query builder would spread a JS array into a
 * list of parameters). Only for values that are digits, signs and hex: numbers, bigints, uuids; null
 * is NULL.
 */
export function pgArray(values: ReadonlyArray<number | bigint | string | null>): string {
  for (const v of values) if (v !== null && !/^[-0-9a-f]+$/i.test(String(v))) throw new Error(`not an array element: ${String(v)}`);
  return `{${values.map((v) => (v === null ? 'NULL' : String(v))).join(',')}}`;
}

/**
 * The windows a 64-bit hash is looked up by: 20 bits starting every 4 bits, wrapping around
 * (fingerprint_window in migration 20261130050000, one index each). Wide enough that chance hits stay
 * few at a million stored frames; overlapping, so a copy's frame keeps some window intact.
 */
export const WINDOWS = Array.from({ length: 16 }, (_, w) => w);

/**
 * The current media of episodes other than `excludeEpisodeId` holding at least CANDIDATE_MIN_FRAMES
 * of `frames` at one shift in time: each of those frames shares a hash window with one of the media's
 * frames, and the pairs lie the same distance apart in time (within SHIFT_BUCKET_MS), as a copy's do
 * — chance window hits scatter over every shift. Each probe is an index lookup on one window
 * (multi-index hashing). Most aligned frames first, at most `limit`; each still needs a bit-by-bit
 * comparison. Episodes are looked up only for the best candidates (an index lookup each), not for
 * every window hit. The checked frames are probed as they are and mirrored (their `mirroredHash`,
 * orientation 1) against the stored frames as they are: a flipped copy is found from either side, and
 * nothing more is stored or indexed. Frames of one orientation align only with each other. Parameters
 * (see `candidateParameters`): at_ms[], hash[], orientation[], limit, excluded episode id, limit.
 * bench/fingerprint.mjs times this SQL.
 */
export const CANDIDATES_SQL = `
with checked as (select * from unnest(?::int[], ?::bigint[], ?::int[]) as c(at_ms, hash, orientation)),
hits as (
  ${WINDOWS.map((w) => `select f.media_revision_id, checked.at_ms, checked.orientation, f.at_ms - checked.at_ms as shift_ms from checked join fingerprint_frame f on fingerprint_window(f.hash, ${w}) = fingerprint_window(checked.hash, ${w})`).join('\n  union all\n  ')}
),
aligned as (
  select media_revision_id, count(distinct at_ms) as frames from hits
  group by media_revision_id, orientation, floor(shift_ms / ${SHIFT_BUCKET_MS}.0)
  having count(distinct at_ms) >= ${CANDIDATE_MIN_FRAMES}
),
best as (
  select media_revision_id, max(frames) as frames from aligned group by media_revision_id order by 2 desc limit ? * 4
)
select best.media_revision_id::text as id, best.frames::int as frames
from best
where exists (select 1 from episode e where e.current_media_id = best.media_revision_id and e.id <> ?::uuid)
order by 2 desc
limit ?`;

/** The first three parameters of CANDIDATES_SQL: every checked frame as it is (orientation 0) and mirrored (1). */
export function candidateParameters(frames: readonly FrameHash[]): [string, string, string] {
  const probes = [...frames.map((f) => ({ atMs: f.atMs, hash: f.hash, orientation: 0 })), ...frames.flatMap((f) => (f.mirroredHash === undefined ? [] : [{ atMs: f.atMs, hash: f.mirroredHash, orientation: 1 }]))];
  return [pgArray(probes.map((p) => p.atMs)), pgArray(probes.map((p) => p.hash)), pgArray(probes.map((p) => p.orientation))];
}

export async function candidateRevisions(em: EntityManager, frames: readonly FrameHash[], excludeEpisodeId: string, limit = MAX_CANDIDATES): Promise<string[]> {
  if (!frames.length) return [];
  const rows = (await em.getConnection().execute(CANDIDATES_SQL, [...candidateParameters(frames), limit, excludeEpisodeId, limit], 'all', em.getTransactionContext())) as Array<{ id: string }>;
  return rows.map((r) => r.id);
}

/** The stored frames of some media revisions (with their mirrored hashes, when stored), by revision, in time order. */
export async function storedFrames(em: EntityManager, revisionIds: readonly string[]): Promise<Map<string, FrameHash[]>> {
  const byRevision = new Map<string, FrameHash[]>();
  if (!revisionIds.length) return byRevision;
  const rows = (await em.getConnection().execute(`select media_revision_id::text as id, at_ms, hash::text as hash, mirrored_hash::text as mirrored_hash from fingerprint_frame where media_revision_id = any(?::uuid[]) order by media_revision_id, at_ms`, [pgArray(revisionIds)], 'all', em.getTransactionContext())) as Array<{ id: string; at_ms: number; hash: string; mirrored_hash: string | null }>;
  for (const row of rows) {
    const list = byRevision.get(row.id) ?? [];
    list.push({ atMs: row.at_ms, hash: BigInt(row.hash), ...(row.mirrored_hash === null ? {} : { mirroredHash: BigInt(row.mirrored_hash) }) });
    byRevision.set(row.id, list);
  }
  return byRevision;
}
