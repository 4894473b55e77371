import { describe, expect, it } from 'vitest';
import { fieldNamesOf, summaryMessage } from './form-outcome';

describe('fieldNamesOf', () => {
  it('names the field itself first, then each field holding it', () => {
    expect(fieldNamesOf('title')).toEqual(['title']);
    expect(fieldNamesOf('audioLanguages.1')).toEqual(['audioLanguages.1', 'audioLanguages']);
    expect(fieldNamesOf('holdbacks.2.until')).toEqual(['holdbacks.2.until', 'holdbacks.2', 'holdbacks']);
  });
});

describe('summaryMessage', () => {
  it('leads a problem said of the text alone with the label of its field', () => {
    expect(summaryMessage('Contains the control character U+0001; only tab, line feed and carriage return are allowed.', 'Licensor')).toBe(
      'Licensor: contains the control character U+0001; only tab, line feed and carriage return are allowed.',
    );
    expect(summaryMessage('Contains a broken Unicode character (a lone surrogate).', 'AI label')).toBe('AI label: contains a broken Unicode character (a lone surrogate).');
  });

  it('leaves a message that names its field, or one whose field has no label, as it is', () => {
    expect(summaryMessage('Free episodes cannot be negative.', 'Free episodes')).toBe('Free episodes cannot be negative.');
    expect(summaryMessage('Contains the control character U+0007; only tab, line feed and carriage return are allowed.', undefined)).toBe(
      'Contains the control character U+0007; only tab, line feed and carriage return are allowed.',
    );
  });
});
