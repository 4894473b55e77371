import { basicFilter } from 'bcp-47-match';

/**
 * Whether a license that allows `allowed` (BCP 47 language ranges) covers a track in `language`:
 * RFC 4647 basic filtering, so a license for "es" covers "es-MX" and "es-419", while a license for
 * "es-MX" does not cover plain "es". An empty list allows no language.
 */
export function licensedLanguage(language: string, allowed: readonly string[]): boolean {
  return allowed.length > 0 && basicFilter(language, [...allowed]).length > 0;
}

/** The tracks a partner may be given: those in a language the license allows, in their order. */
export function licensedTracks<T extends { language: string }>(tracks: readonly T[], allowed: readonly string[]): T[] {
  return tracks.filter((t) => licensedLanguage(t.language, allowed));
}
