/**
 * Reading an episode number from a video's file name, the way studios name a season's files:
 * `ep04.mp4`, `E04`, `S01E04`, `1x04`, `Episode 4`, `第4集`, `第四集`, `04.mp4`, `Drama_12_final.mov`.
 * Pure: the bulk uploader proposes these numbers and the person confirms or changes them.
 */

export type EpisodeNumberMatch =
  | {
      number: number;
      /** Which naming style gave the number. */
      via: 'season-episode' | 'episode-word' | 'cjk-episode' | 'lone-number';
      /** The season the name gives with it (`S02E04`, `2x04`): a series has one run of episode numbers, so the preview flags a season other than 1. */
      season?: number;
    }
  | {
      number: null;
      /**
       * `none`: no episode number in the name; `ambiguous`: nothing says which of its numbers is the episode — several bare
       * numbers, two different marked ones (`ep23 - ep24`), or a marked number run on into something else (`ep 1e3`).
       */
      reason: 'none' | 'ambiguous';
    }
  | {
      number: null;
      /** The name gives an episode number no episode can have: 0, or one too long to read as a number. */
      reason: 'out-of-range';
      /** The number as the name gives it, without leading zeros (`ep000.mp4`: `0`). */
      digits: string;
    };

// Markers, strongest first. Each is tried on the whole name, so `S02E04` gives 4 before `E04` or `02` are considered.
// A marked number is read whole, however long (`ep12345`): whether an episode can have it is the policy's to say.
const SEASON_EPISODE = [/(?<![a-z0-9])s(\d{1,2})[\s._-]*e(?:p(?:isode)?)?[\s._-]*(\d+)/i, /(?<![a-z0-9])(\d{1,2})x(\d{1,3})(?![a-z0-9])/i];
const EPISODE_WORD = /(?<![a-z])(?:episode|episodio|épisode|folge|ep|e)[\s.#_-]*(\d+)/gi;
// What, directly after a marked number, makes it part of something else (`1e3`, `4k2`, `1.5`); a version (`ep04v2`) does not.
const RUN_ON = /^(?!v\d)(?:[a-z]+\d|[.,]\d{1,2}(?![a-z0-9]))/i;
// 第4集, 第四集, 第12話, 第3回 (Chinese and Japanese); 4화, 4회 (Korean).
const CJK_EPISODE = [/第\s*([0-9]+|[〇零一二两三四五六七八九十百千]+)\s*[集话話回]/, /(?<![0-9])([0-9]+)\s*[集话話화회]/];
// Numbers that are never the episode: resolutions (1080p, 4k, 1920x1080), frame rates, bit rates, codecs, versions, parts of dates.
const NOT_EPISODE = /(?<![a-z0-9])(?:\d{3,4}[pi]|[248]k|\d{2,5}x\d{2,5}|\d+(?:fps|kbps|mbps|bit|hz)|[xh]\.?26[45]|v\d+|\d{4}[-_.]\d{2}[-_.]\d{2}|\d{8})(?![a-z0-9])/gi;
const LONE_NUMBER = /(?<![a-z0-9])(\d{1,4})(?![a-z0-9])/gi;
const YEAR = /^(?:19|20)\d\d$/;

/** The episode number in a file name (any folder part and the extension are ignored), or why there is none. */
export function episodeNumberFromFileName(fileName: string): EpisodeNumberMatch {
  // Full-width digits and letters (０４, Ｅ０４) read as plain ones.
  const name = stem(fileName).normalize('NFKC');

  for (const pattern of SEASON_EPISODE) {
    const found = pattern.exec(name);
    if (found) {
      const match = numbered(found[2]!, 'season-episode');
      return match.number === null ? match : { ...match, season: Number(found[1]) };
    }
  }
  for (const pattern of CJK_EPISODE) {
    const found = pattern.exec(name);
    if (found) return numbered(/^\d+$/.test(found[1]!) ? found[1]! : chineseNumeral(found[1]!), 'cjk-episode');
  }
  const words = [...name.matchAll(EPISODE_WORD)];
  if (words.length) {
    const runOn = words.some((word) => RUN_ON.test(name.slice(word.index + word[0].length)));
    if (runOn || new Set(words.map((word) => Number(word[1]))).size > 1) return { number: null, reason: 'ambiguous' };
    return numbered(words[0]![1]!, 'episode-word');
  }

  const candidates = [...name.replace(NOT_EPISODE, ' ').matchAll(LONE_NUMBER)].map((m) => m[1]!).filter((digits) => !YEAR.test(digits));
  const distinct = [...new Set(candidates.map(Number))];
  if (distinct.length === 1) return numbered(distinct[0]!, 'lone-number');
  return { number: null, reason: distinct.length ? 'ambiguous' : 'none' };
}

/** The match for a number read from a name (its digits, or a numeral's value): out of range when no episode can have it. */
function numbered(value: string | number, via: Extract<EpisodeNumberMatch, { via: unknown }>['via']): EpisodeNumberMatch {
  if (typeof value === 'number' && !Number.isInteger(value)) return { number: null, reason: 'none' };
  const digits = String(value).replace(/^0+(?=\d)/, '');
  const number = Number(digits);
  return number >= 1 && Number.isSafeInteger(number) ? { number, via } : { number: null, reason: 'out-of-range', digits };
}

/** The name without its folders and extension: `Season 1/ep04.final.mp4` → `ep04.final`. */
function stem(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

const DIGITS: Record<string, number> = { 〇: 0, 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/** 四 → 4, 十二 → 12, 二十 → 20, 一百零五 → 105; NaN for anything else. */
export function chineseNumeral(text: string): number {
  let total = 0;
  let digit: number | null = null;
  for (const char of text) {
    if (char in DIGITS) digit = DIGITS[char]!;
    else if (char in UNITS) {
      total += (digit ?? 1) * UNITS[char]!;
      digit = null;
    } else return Number.NaN;
  }
  return total + (digit ?? 0);
}

/**
 * Why `text` (an episode number as typed, or as a file's name gives it) is no episode's number under
 * the API's `uploadPolicy.maxEpisodeNumber`; null when it is one.
 */
export function episodeNumberRefusal(text: string, maxEpisodeNumber: number): string | null {
  const largest = maxEpisodeNumber.toLocaleString('en-US');
  if (!/^\d+$/.test(text)) return `An episode number is a whole number from 1 to ${largest}.`;
  const digits = text.replace(/^0+(?=\d)/, '');
  if (Number(digits) < 1) return 'Episode numbers start at 1: enter another, or skip the file.';
  if (Number(digits) > maxEpisodeNumber) return `Episode ${digits} is past the largest episode number, ${largest}: enter another, or skip the file.`;
  return null;
}
