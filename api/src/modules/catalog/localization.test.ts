import { describe, expect, it } from 'vitest';
import { licensedLanguage, licensedTracks, localizationOffer, textsFor } from './localization';

describe('licensedLanguage', () => {
  it('a license for a language covers its regional variants, not the other way round', () => {
    expect(licensedLanguage('es-MX', ['es'])).toBe(true);
    expect(licensedLanguage('es-419', ['fr', 'es'])).toBe(true);
    expect(licensedLanguage('es', ['es-MX'])).toBe(false);
    expect(licensedLanguage('pt-BR', ['pt-PT'])).toBe(false);
  });

  it('matches case-insensitively, and an empty list allows nothing', () => {
    expect(licensedLanguage('zh-Hans', ['ZH-hans'])).toBe(true);
    expect(licensedLanguage('en', [])).toBe(false);
  });

  it('keeps the tracks in licensed languages, in order', () => {
    const tracks = [{ language: 'en' }, { language: 'es-MX' }, { language: 'fr' }, { language: 'es' }];
    expect(licensedTracks(tracks, ['es', 'en'])).toEqual([{ language: 'en' }, { language: 'es-MX' }, { language: 'es' }]);
  });
});

describe('localizationOffer', () => {
  it('offers the original audio and the licensed subtitle tracks, not forced ones', () => {
    const offer = localizationOffer({
      originalLanguage: 'zh-Hans',
      subtitles: [{ language: 'es-MX', kind: 'FORCED' }, { language: 'en', kind: 'CLOSED_CAPTIONS' }, { language: 'fr' }, { language: 'en' }],
      licensedSubtitleLanguages: ['en', 'es'],
    });
    expect(offer).toEqual({ audio: ['zh-Hans'], subtitles: ['en'] });
  });

  it('counts dubs as audio only in languages the license allows for dubbing', () => {
    const offer = localizationOffer({ originalLanguage: 'en', subtitles: [], licensedSubtitleLanguages: [], dubs: [{ language: 'es-MX' }, { language: 'fr' }], licensedDubLanguages: ['es'] });
    expect(offer).toEqual({ audio: ['en', 'es-MX'], subtitles: [] });
  });
});

describe('texts in the language a partner asks for', () => {
  const original = { language: 'en', title: 'The Heiress', synopsis: '' };
  const es = { language: 'es', title: 'La heredera', synopsis: '' };
  const es419 = { language: 'es-419', title: 'La heredera (LatAm)', synopsis: '' };
  const enGB = { language: 'en-GB', title: 'The Heiress (UK)', synopsis: '' };

  it('takes the tag or its first CLDR fallback, then the same primary language, then the original', () => {
    // CLDR: Mexican Spanish falls back to Latin American Spanish before plain Spanish.
    expect(textsFor(original, [es, es419], 'es-MX')).toBe(es419);
    expect(textsFor(original, [es, es419], 'es-ES')).toBe(es);
    expect(textsFor(original, [es419], 'es-MX')).toBe(es419);
    expect(textsFor(original, [es, es419], 'es-419')).toBe(es419);
    // The original competes like any localization: the more specific en-GB wins for en-GB, the original for en-US.
    expect(textsFor(original, [enGB], 'en-gb')).toBe(enGB);
    expect(textsFor(original, [enGB], 'en-US')).toBe(original);
    expect(textsFor(original, [es], 'fr')).toBe(original);
    expect(textsFor(original, [es], null)).toBe(original);
  });
});
