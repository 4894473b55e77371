import { describe, expect, it } from 'vitest';
import { canonicalLanguageTag, languageSchema, matchLanguage } from './language-tags';

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

  it('matching: the most specific tag the request truncates to, else the same primary language, else none', () => {
    expect(matchLanguage('es-MX', ['en', 'es', 'es-MX'])).toBe('es-MX');
    expect(matchLanguage('es-MX', ['en', 'es'])).toBe('es');
    expect(matchLanguage('zh-Hant-TW', ['zh', 'zh-Hant'])).toBe('zh-Hant');
    expect(matchLanguage('es-MX', ['en', 'es-ES', 'es-419'])).toBe('es-ES');
    expect(matchLanguage('fr', ['en', 'es'])).toBeNull();
    expect(matchLanguage('fr', [])).toBeNull();
  });
});
