import { describe, expect, it } from 'vitest';
import { canonicalLanguageTag, languageFallbacks, languageSchema, likelyScript, matchLanguage, parentLanguage, primaryLanguage } from './language-tags';

describe('BCP 47 language tags', () => {
  it('well-formed tags come back in canonical case; legacy tags as their replacement', () => {
    expect(canonicalLanguageTag('es-mx')).toBe('es-MX');
    expect(canonicalLanguageTag('ZH-hant-tw')).toBe('zh-Hant-TW');
    expect(canonicalLanguageTag('es-419')).toBe('es-419');
    expect(canonicalLanguageTag('de-ch-1996')).toBe('de-CH-1996');
    expect(canonicalLanguageTag('en-US-u-CO-phonebk')).toBe('en-US-u-co-phonebk');
    expect(canonicalLanguageTag('i-klingon')).toBe('tlh');
  });

  it('deprecated, alias and extended-language tags come back as their preferred value: one spelling per language', () => {
    expect(canonicalLanguageTag('iw')).toBe('he');
    expect(canonicalLanguageTag('he')).toBe('he');
    expect(canonicalLanguageTag('in')).toBe('id');
    expect(canonicalLanguageTag('ji')).toBe('yi');
    expect(canonicalLanguageTag('zh-yue')).toBe('yue');
    expect(canonicalLanguageTag('zh-cmn-Hans-CN')).toBe('zh-Hans-CN');
    expect(canonicalLanguageTag('cmn')).toBe('zh');
    expect(canonicalLanguageTag('iw-IL')).toBe('he-IL');
    // Canonical is a fixed point: canonicalizing again changes nothing.
    for (const tag of ['iw', 'in', 'zh-yue', 'sh', 'art-lojban', 'es-mx', 'i-klingon']) expect(canonicalLanguageTag(canonicalLanguageTag(tag)!), tag).toBe(canonicalLanguageTag(tag));
  });

  it('malformed tags, private use only, und, root, mul and zxx are refused', () => {
    for (const tag of ['es_MX', 'en--US', 'x-private', 'und', 'root', 'mul', 'zxx', 'MUL', 'zxx-US', '12', '', 'e', 'toolongsubtag', 'a'.repeat(36), 'es-MX-']) expect(canonicalLanguageTag(tag), tag).toBeNull();
    const parsed = languageSchema.safeParse('es_MX');
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.message).toBe('"es_MX" is not a BCP 47 language tag; use one such as en, es-MX or zh-Hans.');
  });

  it('falls back along CLDR parent locales: es-MX → es-419 → es, en-IN → en-001 → en, pt-AO → pt-PT → pt', () => {
    expect(languageFallbacks('es-MX')).toEqual(['es-MX', 'es-419', 'es']);
    expect(languageFallbacks('es-AR')).toEqual(['es-AR', 'es-419', 'es']);
    expect(languageFallbacks('es-ES')).toEqual(['es-ES', 'es']);
    expect(languageFallbacks('en-IN')).toEqual(['en-IN', 'en-001', 'en']);
    expect(languageFallbacks('pt-AO')).toEqual(['pt-AO', 'pt-PT', 'pt']);
    expect(languageFallbacks('fr')).toEqual(['fr']);
  });

  it('a script other than the language’s usual one falls back to the root, never to the plain language', () => {
    expect(languageFallbacks('zh-Hant-TW')).toEqual(['zh-Hant-TW', 'zh-Hant']);
    expect(parentLanguage('zh-Hant')).toBeNull();
    expect(parentLanguage('zh-Hans')).toBe('zh');
    expect(parentLanguage('sr-Latn')).toBeNull();
  });

  it('matching: the first available CLDR fallback, else the same language nearest by its fallbacks, else none', () => {
    expect(matchLanguage('es-MX', ['en', 'es', 'es-MX'])).toBe('es-MX');
    expect(matchLanguage('es-MX', ['en', 'es'])).toBe('es');
    // Latin American Spanish serves Mexico before Spain's, though the tag is longer.
    expect(matchLanguage('es-MX', ['en', 'es-ES', 'es-419'])).toBe('es-419');
    expect(matchLanguage('es-MX', ['es', 'es-419'])).toBe('es-419');
    expect(matchLanguage('es-MX', ['es-ES', 'es-AR'])).toBe('es-AR');
    expect(matchLanguage('es-ES', ['es-419', 'es-MX'])).toBe('es-419');
    expect(matchLanguage('en-IN', ['en-US', 'en-GB', 'en-001'])).toBe('en-001');
    expect(matchLanguage('zh-Hant-TW', ['zh', 'zh-Hant'])).toBe('zh-Hant');
    expect(matchLanguage('zh-Hant-TW', ['zh-Hans', 'zh-Hant-HK'])).toBe('zh-Hant-HK');
    expect(matchLanguage('fr', ['en', 'es'])).toBeNull();
    expect(matchLanguage('fr', [])).toBeNull();
  });

  it('never falls back across scripts: zh-TW, zh-HK, zh-MO and zh-Hant-TW read Traditional Han, sr-Cyrl never gets sr-Latn (CLDR likely subtags)', () => {
    for (const tag of ['zh-Hant-TW', 'zh-Hant', 'zh-TW', 'zh-HK', 'zh-MO']) {
      expect(matchLanguage(tag, ['en', 'zh-Hans']), tag).toBeNull();
      expect(matchLanguage(tag, ['zh']), tag).toBeNull();
      expect(matchLanguage(tag, ['zh-Hans', 'zh-Hant']), tag).toBe('zh-Hant');
      expect(matchLanguage(tag, ['zh', 'zh-Hant-TW']), tag).toBe('zh-Hant-TW');
    }
    expect(matchLanguage('zh-TW', ['zh-Hans-TW', 'zh-Hant-HK'])).toBe('zh-Hant-HK');
    expect(matchLanguage('zh-Hant-TW', ['zh-TW'])).toBe('zh-TW');
    expect(matchLanguage('zh-CN', ['zh-Hant', 'zh'])).toBe('zh');
    expect(matchLanguage('zh-Hans', ['zh-TW', 'zh-Hant', 'zh-SG'])).toBe('zh-SG');
    expect(matchLanguage('sr-Cyrl', ['sr-Latn'])).toBeNull();
    expect(matchLanguage('sr-Cyrl', ['sr-Latn', 'sr'])).toBe('sr');
    expect(matchLanguage('sr-ME', ['sr', 'sr-Latn'])).toBe('sr-Latn');
    expect(matchLanguage('sr', ['sr-Latn-RS'])).toBeNull();
  });

  it('a seeded walk: no request is ever served a tag in another script, and a same-script tag is always found when one exists', () => {
    const pool = ['zh', 'zh-Hans', 'zh-Hant', 'zh-TW', 'zh-HK', 'zh-MO', 'zh-CN', 'zh-SG', 'zh-Hant-TW', 'zh-Hans-HK', 'sr', 'sr-Cyrl', 'sr-Latn', 'sr-ME', 'sr-Latn-RS', 'es', 'es-MX', 'es-419', 'es-ES', 'en', 'en-IN', 'pt-AO', 'az', 'az-Arab', 'uz-Cyrl', 'uz'];
    let seed = 20261130;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let step = 0; step < 2000; step++) {
      const requested = pool[Math.floor(next() * pool.length)]!;
      const available = pool.filter(() => next() < 0.2);
      const chosen = matchLanguage(requested, available);
      const sameScript = available.filter((t) => primaryLanguage(t) === primaryLanguage(requested) && likelyScript(t) === likelyScript(requested));
      if (chosen) expect(likelyScript(chosen), `${requested} in ${available.join(',')}`).toBe(likelyScript(requested));
      expect(chosen === null, `${requested} in ${available.join(',')}`).toBe(sameScript.length === 0);
    }
  });
});
