import { describe, expect, it } from 'vitest';
import { acceptText, hasVisibleText, withoutRefusedCharacters } from './text-input';

const NONCHARACTERS = [
  ...Array.from({ length: 32 }, (_, i) => 0xfdd0 + i),
  ...Array.from({ length: 17 }, (_, plane) => [plane * 0x10000 + 0xfffe, plane * 0x10000 + 0xffff]).flat(),
];

describe('text input', () => {
  it('refuses each of the 66 Unicode noncharacters, naming it; machine text loses them', () => {
    expect(NONCHARACTERS).toHaveLength(66);
    for (const code of NONCHARACTERS) {
      const text = `A${String.fromCodePoint(code)}B`;
      const accepted = acceptText(text);
      expect(accepted.ok, code.toString(16)).toBe(false);
      if (!accepted.ok) expect(accepted.problem).toContain(`U+${code.toString(16).toUpperCase()}`);
      expect(withoutRefusedCharacters(text)).toBe('AB');
    }
    // Their neighbours are ordinary characters.
    for (const code of [0xfdcf, 0xfdf0, 0xfffd, 0x1fffd, 0x10000]) expect(acceptText(`A${String.fromCodePoint(code)}`).ok, code.toString(16)).toBe(true);
  });

  it('counts marks without a base as blank: every combining mark and variation selector alone shows nothing', () => {
    let marks = 0;
    for (let code = 0; code <= 0x10ffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const char = String.fromCodePoint(code);
      if (!/\p{M}/u.test(char)) continue;
      marks++;
      expect(hasVisibleText(char), code.toString(16)).toBe(false);
      expect(hasVisibleText(` ${char}${char}\u200b`), code.toString(16)).toBe(false);
    }
    expect(marks).toBeGreaterThan(2000);
    // On a base they are text: an accented letter, an emoji with its presentation selector.
    for (const text of ['e\u0301', '\u2764\ufe0f', 'क\u093f', '\u0627\u064e']) expect(hasVisibleText(text), text).toBe(true);
  });
});
