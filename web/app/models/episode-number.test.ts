import { describe, expect, it } from 'vitest';
import { chineseNumeral, episodeNumberFromFileName, episodeNumberRefusal } from './episode-number';

const numberOf = (name: string) => episodeNumberFromFileName(name).number;

describe('episodeNumberFromFileName', () => {
  it.each([
    ['ep04.mp4', 4],
    ['EP4.mov', 4],
    ['Ep. 12.webm', 12],
    ['E04.mp4', 4],
    ['e7.mp4', 7],
    ['Episode 4.mp4', 4],
    ['episode_019.mp4', 19],
    ['Episodio 3.mp4', 3],
    ['S01E04.mp4', 4],
    ['s1e4.mp4', 4],
    ['Drama.S01.E04.mp4', 4],
    ['S01 Ep 05.mp4', 5],
    ['1x04.mp4', 4],
    ['第4集.mp4', 4],
    ['第 12 集.mp4', 12],
    ['第四集.mp4', 4],
    ['第十二集.mp4', 12],
    ['第二十集.mp4', 20],
    ['第3話.mp4', 3],
    ['霸道总裁 第15集 1080p.mp4', 15],
    ['7화.mp4', 7],
    ['04.mp4', 4],
    ['4.mp4', 4],
    ['Drama_12_final.mov', 12],
    ['Season 1/08.mp4', 8],
    ['ｅｐ０６.mp4', 6],
  ])('reads %s as episode %i', (name, number) => {
    expect(numberOf(name)).toBe(number);
  });

  it.each([
    ['S02E04.mp4', 4],
    ['ep4_final_v2.mp4', 4],
    ['Love in Shanghai 1080p E09.mp4', 9],
    ['Drama.2024.E03.1080p.x265.mp4', 3],
    ['Drama 2024 - 05.mp4', 5],
    ['Drama_06_1080p.mp4', 6],
    ['Drama_06_720p_30fps.mp4', 6],
    ['Drama 07 1920x1080.mp4', 7],
    ['Drama 08 4k.mp4', 8],
    ['Drama 09 2026-03-01.mp4', 9],
    ['Drama_10_h264.mp4', 10],
    ['Drama_11_v3.mp4', 11],
  ])('reads %s as episode %i, not a season, version, resolution or year', (name, number) => {
    expect(numberOf(name)).toBe(number);
  });

  it.each(['trailer.mp4', 'poster.mov', 'Drama 1080p.mp4', 'Drama 2024.mp4', 'v2.mp4', 'Drama 1920x1080 x264.mp4'])('finds no episode number in %s', (name) => {
    expect(episodeNumberFromFileName(name)).toEqual({ number: null, reason: 'none' });
  });

  it.each([
    ['ep12345.mp4', 12345],
    ['ep999999999999.mp4', 999999999999],
    ['S01E12345.mp4', 12345],
    ['Episode 20000.mp4', 20000],
    ['第12345集.mp4', 12345],
    ['12345集.mp4', 12345],
  ])('reads %s whole, as episode %i, however long the number', (name, number) => {
    expect(numberOf(name)).toBe(number);
  });

  it.each([
    ['ep0.mp4', '0'],
    ['E000.mp4', '0'],
    ['00.mp4', '0'],
    ['S01E00.mp4', '0'],
    ['第零集.mp4', '0'],
    ['ep0000123456789012345678901234.mp4', '123456789012345678901234'],
  ])('says the number %s gives is no episode’s', (name, digits) => {
    expect(episodeNumberFromFileName(name)).toEqual({ number: null, reason: 'out-of-range', digits });
  });

  it('does not guess between two bare numbers', () => {
    expect(episodeNumberFromFileName('Love 2 - 07.mp4')).toEqual({ number: null, reason: 'ambiguous' });
  });

  it.each(['ep23 - ep24.mp4', 'Episode 3 (was E4).mp4', 'e1_e2.mov'])('does not guess between two marked episode numbers: %s', (name) => {
    expect(episodeNumberFromFileName(name)).toEqual({ number: null, reason: 'ambiguous' });
  });

  it('reads the same marked number given twice', () => {
    expect(episodeNumberFromFileName('ep04 - ep04.mp4')).toEqual({ number: 4, via: 'episode-word' });
  });

  it.each(['ep 1e3.mp4', 'ep1e3.mp4', 'E12k4.mp4', 'ep 1.5.mp4', 'Episode 2,5.mp4'])('does not read a marked number run on into something else: %s', (name) => {
    expect(episodeNumberFromFileName(name)).toEqual({ number: null, reason: 'ambiguous' });
  });

  it('reads a marked number followed by a version or a word', () => {
    expect(numberOf('ep04v2.mp4')).toBe(4);
    expect(numberOf('ep04final.mp4')).toBe(4);
    expect(numberOf('ep04.final.mp4')).toBe(4);
  });

  it('says which naming style gave the number', () => {
    expect(episodeNumberFromFileName('S01E04.mp4')).toEqual({ number: 4, via: 'season-episode', season: 1 });
    expect(episodeNumberFromFileName('S02E04.mp4')).toEqual({ number: 4, via: 'season-episode', season: 2 });
    expect(episodeNumberFromFileName('2x04.mp4')).toEqual({ number: 4, via: 'season-episode', season: 2 });
    expect(episodeNumberFromFileName('ep04.mp4')).toEqual({ number: 4, via: 'episode-word' });
    expect(episodeNumberFromFileName('第4集.mp4')).toEqual({ number: 4, via: 'cjk-episode' });
    expect(episodeNumberFromFileName('04.mp4')).toEqual({ number: 4, via: 'lone-number' });
  });

  it('words in a title that end in e are not an episode marker', () => {
    expect(numberOf('The Case 3.mp4')).toBe(3);
    expect(numberOf('Love Me 03.mp4')).toBe(3);
  });
});

describe('episodeNumberRefusal', () => {
  it.each(['1', '12', '0012', '10000'])('takes %s', (text) => {
    expect(episodeNumberRefusal(text, 10_000)).toBeNull();
  });

  it.each([
    ['0', 'Episode numbers start at 1: enter another, or skip the file.'],
    ['000', 'Episode numbers start at 1: enter another, or skip the file.'],
    ['10001', 'Episode 10001 is past the largest episode number, 10,000: enter another, or skip the file.'],
    ['00012345', 'Episode 12345 is past the largest episode number, 10,000: enter another, or skip the file.'],
    ['999999999999999999999999', 'Episode 999999999999999999999999 is past the largest episode number, 10,000: enter another, or skip the file.'],
    ['x', 'An episode number is a whole number from 1 to 10,000.'],
    ['-3', 'An episode number is a whole number from 1 to 10,000.'],
    ['2.5', 'An episode number is a whole number from 1 to 10,000.'],
  ])('refuses %s', (text, refusal) => {
    expect(episodeNumberRefusal(text, 10_000)).toBe(refusal);
  });
});

describe('chineseNumeral', () => {
  it.each([
    ['四', 4],
    ['十', 10],
    ['十二', 12],
    ['二十', 20],
    ['二十三', 23],
    ['一百零五', 105],
    ['两百', 200],
  ])('reads %s as %i', (text, value) => {
    expect(chineseNumeral(text)).toBe(value);
  });

  it('is NaN for other characters', () => {
    expect(chineseNumeral('四a')).toBeNaN();
  });
});
