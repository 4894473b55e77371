import { describe, expect, it } from 'vitest';
import { canonicalLanguageTag, languageFallbacks, languageSchema, matchLanguage, parentLanguage } from './language-tags';

describe('BCP 47 language tags', () => {
  it('well-formed tags come back in canonical case; legacy tags as their replacement', () => {
    expect(canonicalLanguageTag('es-mx')).toBe('es-MX');
    expect(canonicalLanguageTag('ZH-hant-tw')).toBe('zh-Hant-TW');
    expect(canonicalLanguageTag('es-419')).toBe('es-419');
    expect(canonicalLanguageTag('de-ch-1996')).toBe('de-CH-1996');
    expect(canonicalLanguageTag('en-US-u-CO-phonebk')).toBe('en-US-u-co-phonebk');
    expect(canonicalLanguageTag('i-klingon')).toBe('tlh');
  });

  it('malformed tags, private use only and und are refused', () => {
    for (const tag of ['es_MX', 'en--US', 'x-private', 'und', '12', '', 'e', 'toolongsubtag', 'a'.repeat(36), 'es-MX-']) expect(canonicalLanguageTag(tag), tag).toBeNull();
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
});
