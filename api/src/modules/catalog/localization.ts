import { basicFilter } from 'bcp-47-match';
import { matchLanguage } from './language-tags';

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

/** How a territory accepts a localized version: dubbed (or original) audio, or subtitles. */
export type LocalizationMedium = 'AUDIO' | 'SUBTITLES';

/** What a territory's policy requires: audio or subtitles (as `accepts` says) in one of `languages`. */
export interface LocalizationRequirement {
  id: string;
  description: string;
  /** BCP 47 language ranges; a track in any of them (or a regional variant) satisfies the requirement. */
  languages: string[];
  accepts: LocalizationMedium[];
}

/** The languages an episode can be delivered in to partners: its audio and its licensed subtitle tracks. */
export interface LocalizationOffer {
  audio: string[];
  subtitles: string[];
}

/**
 * What partners would get of an episode: the original audio and dubs in languages the license allows
 * for dubbing, and subtitle tracks (not forced ones, which carry only on-screen text) in languages
 * the license allows for subtitles. Tracks are the reviewed material (partners get them only with
 * an approval bound to them).
 */
export function localizationOffer(input: {
  originalLanguage: string;
  subtitles: ReadonlyArray<{ language: string; kind?: string | null }>;
  licensedSubtitleLanguages: readonly string[];
  dubs?: ReadonlyArray<{ language: string }>;
  licensedDubLanguages?: readonly string[];
}): LocalizationOffer {
  const full = input.subtitles.filter((t) => (t.kind ?? 'SUBTITLES') !== 'FORCED');
  const dubs = licensedTracks(input.dubs ?? [], input.licensedDubLanguages ?? []).map((t) => t.language);
  return { audio: [...new Set([input.originalLanguage, ...dubs])], subtitles: [...new Set(licensedTracks(full, input.licensedSubtitleLanguages).map((t) => t.language))] };
}

/**
 * Whether an offer meets a territory's localization requirement. Null when it does (or nothing is
 * required); otherwise the languages that would satisfy it and a sentence saying how.
 */
export function localizationGap(requirement: LocalizationRequirement | null, offer: LocalizationOffer, territory: string): { languages: string[]; message: string } | null {
  if (!requirement) return null;
  const offered = [...(requirement.accepts.includes('AUDIO') ? offer.audio : []), ...(requirement.accepts.includes('SUBTITLES') ? offer.subtitles : [])];
  if (offered.some((language) => licensedLanguage(language, requirement.languages))) return null;
  const how = requirement.accepts.map((m) => (m === 'AUDIO' ? 'audio' : 'subtitles')).join(' or ');
  return { languages: [...requirement.languages], message: `${territory} requires ${how} in ${requirement.languages.join(', ')} (${requirement.id}); add a track in one of them that the license allows.` };
}

/** A title and synopsis with the BCP 47 language they are written in. */
export interface TextsInLanguage {
  language: string;
  title: string;
  synopsis: string;
}

/**
 * What a reader asking in `requested` (a canonical BCP 47 tag, or null for no preference) is shown
 * of an item: the texts in that language or a less specific tag of it (`es-MX` → `es`), else in
 * another variety of its primary language (`es-MX` → `es-419`), else the original. The original
 * competes like any localization, so asking in the original language returns it.
 */
export function textsFor(original: TextsInLanguage, localizations: readonly TextsInLanguage[], requested: string | null): TextsInLanguage {
  if (!requested) return original;
  const candidates = [original, ...localizations];
  const chosen = matchLanguage(requested, candidates.map((c) => c.language));
  return candidates.find((c) => c.language === chosen) ?? original;
}
