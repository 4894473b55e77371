import { describe, expect, it } from 'vitest';
import { availsLanguages, csvCell } from './avails.service';

describe('avails CSV cells', () => {
  it('quotes a cell holding any delimiter a spreadsheet may split on, so no formula cell appears', () => {
    expect(csvCell('Pilot;=1+1;')).toBe('"Pilot;=1+1;"');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('a\tb')).toBe('"a\tb"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
  });

  it('keeps the formula guard and leaves plain text alone', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('Plain title')).toBe('Plain title');
    expect(csvCell(null)).toBe('');
  });
});

describe('avails language columns', () => {
  it('name the original language and each licensed language with what it may be delivered as', () => {
    expect(availsLanguages('zh-Hans', { subtitleLanguages: ['es', 'fr'], dubLanguages: ['es', 'pt-BR'] })).toEqual({ assetLanguage: 'zh-Hans', localizationType: 'subdub', allowedLanguages: 'zh-Hans, es:subdub, fr:sub, pt-BR:dub' });
    expect(availsLanguages('en', { subtitleLanguages: ['es-MX'], dubLanguages: [] })).toEqual({ assetLanguage: 'en', localizationType: 'sub', allowedLanguages: 'en, es-MX:sub' });
    expect(availsLanguages('en', { subtitleLanguages: [], dubLanguages: ['de'] }).localizationType).toBe('dub');
  });

  it('leave LocalizationType empty when the license allows only the original version', () => {
    expect(availsLanguages('ko', { subtitleLanguages: [], dubLanguages: [] })).toEqual({ assetLanguage: 'ko', localizationType: '', allowedLanguages: 'ko' });
  });
});
