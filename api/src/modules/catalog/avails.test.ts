import { describe, expect, it } from 'vitest';
import { csvCell } from './avails.service';

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
