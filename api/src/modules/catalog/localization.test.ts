import { describe, expect, it } from 'vitest';
import { licensedLanguage, licensedTracks, localizationOffer } from './localization';

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
});
