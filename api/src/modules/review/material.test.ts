import { describe, expect, it } from 'vitest';
import { textsOf, type ReviewMaterial } from './material';

describe('the texts a review reads', () => {
  it('include localized titles and synopses, each with where it came from', () => {
    const material = {
      territories: ['MX'],
      at: new Date('2027-01-01T00:00:00Z'),
      episode: { id: 'e', number: 1, title: 'The Return', synopsis: '' },
      series: { title: 'The Heiress', synopsis: '', filings: [], maturityRatings: [] },
      license: null,
      media: { path: '/x', sha256: 'a'.repeat(64), durationSeconds: 60, width: 720, height: 1280 },
      subtitles: [],
      localizations: [
        { of: 'SERIES', language: 'es', title: 'La heredera', synopsis: 'Vuelve.' },
        { of: 'EPISODE', language: 'es-MX', title: 'El regreso', synopsis: '' },
      ],
    } satisfies ReviewMaterial;
    const localized = textsOf(material).filter((t) => String(t.evidence.field).includes('localizations'));
    expect(localized.map((t) => [t.text, t.evidence.field, t.evidence.language])).toEqual([
      ['La heredera', 'series.localizations.es.title', 'es'],
      ['Vuelve.', 'series.localizations.es.synopsis', 'es'],
      ['El regreso', 'episode.localizations.es-MX.title', 'es-MX'],
    ]);
  });
});
