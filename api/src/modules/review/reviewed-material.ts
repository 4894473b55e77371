import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Everything a review saw and every field a policy rule checks, for one episode. An approval is
 * bound to the digest of this snapshot: when any of it changes, the approval lapses and the episode
 * goes back to review (DESIGN.md invariant 1, "nothing goes live unreviewed").
 */
export type ReviewedSnapshot = {
  mediaSha256: string | null;
  seriesTitle: string;
  seriesSynopsis: string;
  genres: string[];
  originalLanguage: string;
  filings: unknown[];
  maturityRatings: unknown[];
  episodeTitle: string;
  episodeSynopsis: string;
  /** `kind` only when not SUBTITLES and `aiGenerated` only when true, so approvals given before tracks had either stay bound. */
  subtitles: Array<{ language: string; kind?: string; aiGenerated?: boolean; sha256: string; cues: number }>;
  aiGeneratedContent: boolean;
  aiDisclosure: string | null;
  /** Absent while empty, so snapshots taken before these fields existed keep their digest. */
  aiElements?: string[];
  aiLabel?: string;
  episodeAiElements?: string[];
  /** Titles and synopses in other languages (series' first, then the episode's; by language). Absent while there are none. */
  localizations?: ReviewedLocalization[];
  /** Dubbed audio tracks by language and content hash; absent while there is none, so earlier digests stay equal. */
  audio?: Array<{ language: string; sha256: string }>;
};

/** One localized title and synopsis as reviewed: of the series or of the episode. */
export type ReviewedLocalization = { of: 'SERIES' | 'EPISODE'; language: string; title: string; synopsis: string };

/** Human names of the snapshot's fields, for "what changed" messages. */
export const REVIEWED_FIELD_NAMES: Record<keyof ReviewedSnapshot, string> = {
  mediaSha256: 'video',
  seriesTitle: 'series title',
  seriesSynopsis: 'series synopsis',
  genres: 'genres',
  originalLanguage: 'original language',
  filings: 'regulatory filings',
  maturityRatings: 'maturity ratings',
  episodeTitle: 'episode title',
  episodeSynopsis: 'episode synopsis',
  subtitles: 'subtitles',
  aiGeneratedContent: 'AI-generated content declaration',
  aiDisclosure: 'AI disclosure',
  aiElements: 'declared AI uses of the series',
  aiLabel: 'AI label',
  episodeAiElements: 'declared AI uses of the episode',
  localizations: 'localized titles and synopses',
  audio: 'dubbed audio',
};

/** JSON with object keys sorted at every level, so equal snapshots hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Sorts a list whose order carries no meaning (filings, ratings) so reordering is not a change. */
const unordered = (list: unknown[]): unknown[] => [...list].map(canonicalJson).sort().map((s) => JSON.parse(s) as unknown);

const nonEmpty = <K extends string, V extends string | string[]>(key: K, value: V): Partial<Record<K, V>> => (value.length ? ({ [key]: value } as Record<K, V>) : {});

/** sha256 (hex) of the canonical snapshot. */
export function reviewedDigest(snapshot: ReviewedSnapshot): string {
  const normalized = { ...snapshot, genres: [...snapshot.genres].sort(), filings: unordered(snapshot.filings), maturityRatings: unordered(snapshot.maturityRatings) };
  return createHash('sha256').update(canonicalJson(normalized)).digest('hex');
}

/**
 * What a review case is bound to: the digest of the snapshot it was submitted with, and the video
 * its screening checked the file against (the case's `mediaSha256`). The two are taken together
 * under the episode's lock at submission, but a review counts only while both are current.
 */
export interface ReviewBinding {
  materialDigest: string;
  mediaSha256: string | null;
}

/**
 * The one rule for whether a review (open or decided, by a person, a second approval or the
 * auto-approve policy) still counts: the material it reviewed is exactly the episode's material now
 * — the digest of everything it saw and the very video it screened. The publish gate reads an
 * approval through it (APPROVAL_STALE otherwise) and the publication lapses reviews by it, so no
 * order of writes can put live a video or text a case did not review.
 */
export function reviewStillCurrent(review: ReviewBinding, now: { materialDigest: string | null; mediaSha256: string | null }): boolean {
  return review.materialDigest === now.materialDigest && review.mediaSha256 === now.mediaSha256;
}

/** Which reviewed fields differ between two snapshots (an older snapshot may lack newer fields). */
export function changedReviewedFields(before: Partial<ReviewedSnapshot> | null | undefined, after: ReviewedSnapshot): Array<keyof ReviewedSnapshot> {
  return (Object.keys(REVIEWED_FIELD_NAMES) as Array<keyof ReviewedSnapshot>).filter((field) => canonicalJson(before?.[field]) !== canonicalJson(after[field]));
}

/**
 * The reviewed snapshot of each episode, read in one statement (subtitle texts are hashed by the
 * database, never loaded). Runs inside `em`'s transaction when there is one.
 */
export async function loadReviewedSnapshots(em: EntityManager, episodeIds: readonly string[]): Promise<Map<string, ReviewedSnapshot>> {
  if (!episodeIds.length) return new Map();
  const rows = (await em.getConnection().execute(
    `select e.id, e.title, e.synopsis, m.sha256, s.title as series_title, s.synopsis as series_synopsis, s.genres, s.original_language,
            s.filings, s.maturity_ratings, coalesce(l.ai_generated_content, false) as ai_generated_content, l.ai_disclosure, l.ai_elements, l.ai_label, e.ai_elements as episode_ai_elements,
            coalesce((select json_agg(jsonb_strip_nulls(jsonb_build_object('language', t.language, 'kind', nullif(t.kind::text, 'SUBTITLES'), 'aiGenerated', nullif(t.ai_generated, false), 'sha256', encode(sha256(convert_to(t.content, 'UTF8')), 'hex'), 'cues', t.cue_count)) order by t.language, t.kind)
                      from subtitle_track t where t.episode_id = e.id), '[]') as subtitles,
            (select json_agg(json_build_object('of', case when x.episode_id is null then 'SERIES' else 'EPISODE' end, 'language', x.language, 'title', x.title, 'synopsis', x.synopsis)
                             order by x.episode_id nulls first, x.language)
             from localized_text x where x.series_id = s.id and (x.episode_id is null or x.episode_id = e.id)) as localizations,
            coalesce((select json_agg(json_build_object('language', a.language, 'sha256', a.sha256) order by a.language) from audio_track a where a.episode_id = e.id), '[]') as audio
     from episode e join series s on s.id = e.series_id
     left join media_revision m on m.id = e.current_media_id
     left join series_license l on l.series_id = s.id
     where e.id = any(?::uuid[])`,
    [`{${episodeIds.join(',')}}`],
    'all',
    em.getTransactionContext(),
  )) as Array<Record<string, unknown>>;
  return new Map(
    rows.map((r) => [
      r.id as string,
      {
        mediaSha256: (r.sha256 as string | null) ?? null,
        seriesTitle: r.series_title as string,
        seriesSynopsis: r.series_synopsis as string,
        genres: r.genres as string[],
        originalLanguage: r.original_language as string,
        filings: r.filings as unknown[],
        maturityRatings: r.maturity_ratings as unknown[],
        episodeTitle: r.title as string,
        episodeSynopsis: r.synopsis as string,
        subtitles: r.subtitles as ReviewedSnapshot['subtitles'],
        aiGeneratedContent: Boolean(r.ai_generated_content),
        aiDisclosure: (r.ai_disclosure as string | null) ?? null,
        ...nonEmpty('aiElements', [...((r.ai_elements as string[] | null) ?? [])].sort()),
        ...nonEmpty('aiLabel', (r.ai_label as string | null) ?? ''),
        ...nonEmpty('episodeAiElements', [...((r.episode_ai_elements as string[] | null) ?? [])].sort()),
        ...(r.localizations ? { localizations: r.localizations as ReviewedLocalization[] } : {}),
        ...((r.audio as unknown[]).length ? { audio: r.audio as NonNullable<ReviewedSnapshot['audio']> } : {}),
      },
    ]),
  );
}
