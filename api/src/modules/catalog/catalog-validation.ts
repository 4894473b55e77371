import { z } from 'zod';
import { refuseRepeats } from '../../domain/validation';
import { isCurrencyCode } from './money';
import { isTerritoryCode, isTerritoryOrWorldwide } from './territories';

export const territorySchema = z
  .string()
  .trim()
  .toUpperCase()
  .refine(isTerritoryCode, { message: 'Unknown territory code; use ISO 3166-1 alpha-2 such as US or CN.' });

export const territoryOrWorldwideSchema = z
  .string()
  .trim()
  .toUpperCase()
  .refine(isTerritoryOrWorldwide, { message: 'Unknown territory code; use ISO 3166-1 alpha-2 such as US, or WORLDWIDE.' });

export const currencySchema = z
  .string()
  .trim()
  .toUpperCase()
  .refine(isCurrencyCode, { message: 'Unknown currency code; use ISO 4217 such as USD or JPY.' });

/** BCP 47 language tags: one rule, in `language-tags.ts`. */
export { languageSchema } from './language-tags';

/** The highest episode number a series may have; clients read it as `uploadPolicy.maxEpisodeNumber`. */
export const MAX_EPISODE_NUMBER = 10_000;

export const episodeNumberSchema = z
  .number()
  .int('Episode numbers are whole numbers.')
  .min(1, 'Episode numbers start at 1.')
  .max(MAX_EPISODE_NUMBER, `Episode numbers go up to ${MAX_EPISODE_NUMBER.toLocaleString('en-US')}.`);

/** A range of episodes, first to last (a rule across fields, see `withRulesAcrossFields`): the last is refused when it comes before the first. */
export const rangeEndsAfterStart = {
  field: 'toNumber',
  reads: ['fromNumber'],
  holds: (v: { fromNumber: number; toNumber: number }) => v.toNumber >= v.fromNumber,
  message: 'The range ends before it starts: the last episode must not come before the first.',
} as const;

export const textSchema = (what: string, max: number) => z.string().trim().max(max, `${what} must be at most ${max} characters.`);

/** A genre as studios write it on a series (trimmed, 1–40 characters); partners filter by the same text. */
export const genreSchema = textSchema('Genre', 40).min(1);

/** The most genres one catalog filter may name: a series holds at most 20, and a filter matches any of its genres. */
export const MAX_FILTER_GENRES = 100;

/** `catalog(filter: { genres })`: genres a series could hold, at most MAX_FILTER_GENRES of them. */
export const genreFilterSchema = z.array(genreSchema).max(MAX_FILTER_GENRES, `At most ${MAX_FILTER_GENRES} genres.`);

/** Lists of codes must not repeat: the repeated item is named by its index (`input.territoriesIncluded.1`). */
export const uniqueList = <T extends z.ZodType<string>>(item: T, what: string) => z.array(item).max(300).superRefine(refuseRepeats<z.infer<T>>(what, (x) => x));
