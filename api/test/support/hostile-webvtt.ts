import { WEBVTT_CUE_TAGS } from '../../src/modules/media/webvtt';
import { seededRandom } from './seeded-random';

export { seededRandom };

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** Cue text WebVTT allows (some of it repaired on the way: a bare "&"). */
const SAFE = ['Hello', 'Où est le contrat ?', '你好', 'Tom & Jerry', '&lt;3 &amp; &gt;', '<i>quiet</i>', '<b>loud</b>', '<u>under</u>', '<c.yellow.bg_2>note</c>', '<v Mary Jane>hey</v>', '<lang es-MX>hola</lang>', '<ruby>漢<rt>kan</rt></ruby>', '♪ ♪'];
/** Markup outside the WebVTT cue-text tags, or one of them carrying what it may not. */
const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<iframe src="//evil.example">',
  '</div>',
  '<svg/onload=alert(1)>',
  '<a href="javascript:alert(1)">go</a>',
  '<font color="red">red</font>',
  '<STYLE>p{}</STYLE>',
  '<I>caps</I>',
  '<b onclick="x">hi</b>',
  '<i style="color:red">hi</i>',
  '<c.a"b>class</c>',
  '<c.x(y)>class</c>',
  '<lang !!>lang</lang>',
  '<lang>no tag</lang>',
  '<v Bob"><b>hi</b></v>',
  '1 < 2',
  '<>',
  '<!-- comment -->',
  '<?xml?>',
  // Character references the parser decodes into characters text input refuses, or into none at all.
  'x&#0;y',
  '&#x0;',
  '&#x110000;',
  '&#8238;gnp.exe',
  '&#x202E;gnp.exe',
  '&#27;[31mred',
  '&#x7;bell',
  '&#127;',
  '&#55296;',
];

/** The numeric settings and their allowed range in a written file (line numbers -100..100, percentages 0..100). */
export const SETTING_RANGES: ReadonlyArray<[string, number, number]> = [
  ['position', 0, 100],
  ['size', 0, 100],
  ['line', -100, 100],
];

/** One cue setting, and whether it is out of range or unknown. */
function setting(random: () => number, kind: string): { text: string; bad: boolean } {
  const n = Math.round((random() * 260 - 80) * (random() < 0.3 ? 10 : 1)) / (random() < 0.2 ? 10 : 1);
  switch (kind) {
    case 'position': {
      const align = random() < 0.2 ? pick(random, [',line-left', ',center', ',line-right', ',top']) : '';
      return { text: `position:${n}%${align}`, bad: n < 0 || n > 100 || align === ',top' };
    }
    case 'size':
      return { text: `size:${n}%`, bad: n < 0 || n > 100 };
    case 'line':
      return random() < 0.5 ? { text: `line:${n}%`, bad: n < 0 || n > 100 } : { text: `line:${n}`, bad: !Number.isInteger(n) || Math.abs(n) > 100 };
    case 'align': {
      const value = pick(random, ['start', 'center', 'end', 'left', 'right', 'middle', 'justify', '']);
      return { text: `align:${value}`, bad: !['start', 'center', 'end', 'left', 'right'].includes(value) };
    }
    case 'vertical': {
      const value = pick(random, ['rl', 'lr', 'up']);
      return { text: `vertical:${value}`, bad: value === 'up' };
    }
    default:
      return { text: `${kind}:1`, bad: true };
  }
}

export interface GeneratedCue {
  timing: string;
  /** With a leading space, or empty. */
  settings: string;
  /** One line of cue text. */
  text: string;
  badSetting: boolean;
  badMarkup: boolean;
}

/** The `index`-th cue of a generated file (cues two seconds apart): settings and text, each hostile now and then. */
export function hostileCue(random: () => number, index: number): GeneratedCue {
  // Half the cues are clean (settings drawn until in range, WebVTT text only), so accepted files are common too.
  const clean = random() < 0.5;
  const kinds = ['position', 'size', 'line', 'align', 'vertical', ...(clean ? [] : ['onload'])].filter(() => random() < 0.25);
  const settings = kinds.map((kind) => {
    let drawn = setting(random, kind);
    while (clean && drawn.bad) drawn = setting(random, kind);
    return drawn;
  });
  const pieces = Array.from({ length: 1 + Math.floor(random() * 4) }, () => (!clean && random() < 0.3 ? { text: pick(random, HOSTILE), bad: true } : { text: pick(random, SAFE), bad: false }));
  const stamp = (s: number) => `00:00:${String(s).padStart(2, '0')}.000`;
  // A WebVTT-style "&" that is not an escape, and a visible first word, so a cue always draws something.
  return {
    timing: `${stamp(index * 2 + 1)} --> ${stamp(index * 2 + 2)}`,
    settings: settings.length ? ` ${settings.map((s) => s.text).join(' ')}` : '',
    text: ['Line', ...pieces.map((p) => p.text)].join(' '),
    badSetting: settings.some((s) => s.bad),
    badMarkup: pieces.some((p) => p.bad),
  };
}

/** Tag names in a written WebVTT file that are not WebVTT cue-text tags (none, for a normalised file). */
export function tagsOutsideWebVtt(webVtt: string): string[] {
  const allowed = new Set<string>(WEBVTT_CUE_TAGS);
  return [...webVtt.matchAll(/<\/?([^\s.>]*)/g)].map((m) => m[1]!).filter((name) => !/^\d/.test(name) && !allowed.has(name));
}
