import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BadUserInputError } from './errors';
import { itemPositions, parseInput, refuseRepeats, withRulesAcrossFields } from './validation';

/** The library's own sentences (zod 4's defaults): none may reach a person. */
const LIBRARY_WORDS = /Too (big|small)|expected|Invalid (input|option|string|type)|received|<=|>=|Unrecognized key/;

function refusal(schema: z.ZodType, value: unknown): BadUserInputError {
  try {
    parseInput(schema, value);
  } catch (error) {
    if (error instanceof BadUserInputError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('parseInput words every zod problem a schema left unworded', () => {
  // One schema per kind of problem zod reports, none with a message of its own.
  const cases: Array<[string, z.ZodType, unknown, RegExp]> = [
    ['a number over its bound (setEpisodePrices coins)', z.object({ coins: z.number().int().max(1_000_000) }), { coins: 2_000_000 }, /^Must be at most 1,000,000\.$/],
    ['a number under its bound', z.object({ n: z.number().min(1) }), { n: 0 }, /^Must be at least 1\.$/],
    ['a number at an exclusive bound', z.object({ n: z.number().lt(5) }), { n: 5 }, /^Must be less than 5\.$/],
    ['a fraction where a whole number goes', z.object({ n: z.number().int() }), { n: 1.5 }, /^Must be a whole number\.$/],
    ['a text too long', z.object({ t: z.string().max(3) }), { t: 'abcd' }, /^Must be at most 3 characters long\.$/],
    ['a text too short', z.object({ t: z.string().min(3) }), { t: 'a' }, /^Must be at least 3 characters long\.$/],
    ['an empty text', z.object({ t: z.string().min(1) }), { t: '' }, /^Must not be empty\.$/],
    ['a list too long', z.object({ l: z.array(z.string()).max(1) }), { l: ['a', 'b'] }, /^Must list at most 1 items\.$/],
    ['an empty list', z.object({ l: z.array(z.string()).min(1) }), { l: [] }, /^Must list at least one item\.$/],
    ['a missing field', z.object({ t: z.string() }), {}, /^Is required\.$/],
    ['a value of another type', z.object({ t: z.string() }), { t: 5 }, /^Must be text\.$/],
    ['a value off its list', z.object({ e: z.enum(['A', 'B']) }), { e: 'C' }, /^Must be one of A, B\.$/],
    ['a malformed email', z.object({ e: z.email() }), { e: 'nope' }, /^Must be a valid email\.$/],
    ['a text off its pattern', z.object({ t: z.string().regex(/^a+$/) }), { t: 'b' }, /^Is not in the accepted form\.$/],
    ['a number off its step', z.object({ n: z.number().multipleOf(5) }), { n: 7 }, /^Must be a multiple of 5\.$/],
    ['an unknown key', z.strictObject({ a: z.string() }), { a: 'x', b: 1 }, /^Does not take b\.$/],
    ['a date too late', z.object({ d: z.date().max(new Date('2030-01-01T00:00:00Z')) }), { d: new Date('2031-01-01T00:00:00Z') }, /^Must be on or before 2030-01-01T00:00:00\.000Z\.$/],
  ];
  for (const [what, schema, value, words] of cases) {
    it(`${what}: our words, the field apart`, () => {
      const error = refusal(schema, value);
      expect(error.message).toMatch(words);
      expect(error.message).not.toMatch(LIBRARY_WORDS);
      expect(error.field).toMatch(/^input\b/);
      expect(error.message.startsWith('input')).toBe(false);
    });
  }

  it("a schema's own message wins", () => {
    expect(refusal(z.object({ n: z.number().max(1, 'One at most.') }), { n: 2 }).message).toBe('One at most.');
  });
});

describe('list items are counted from 1 wherever a message names them', () => {
  it('a repeated item names both places as a person counts them', () => {
    const languages = z.object({ languages: z.array(z.string()).superRefine(refuseRepeats<string>('Subtitle languages', (tag) => tag)) });
    const error = refusal(languages, { languages: ['en', 'en'] });
    expect(error.field).toBe('input.languages.1');
    expect(error.message).toBe('Subtitle languages lists en twice (items 1 and 2).');
    expect(error.details.fieldErrors).toHaveLength(1);
  });

  it('itemPositions words one, two or more positions', () => {
    expect(itemPositions(0)).toBe('item 1');
    expect(itemPositions(0, 2)).toBe('items 1 and 3');
    expect(itemPositions(0, 1, 4)).toBe('items 1, 2 and 5');
  });
});

describe('withRulesAcrossFields: the rules across fields speak beside every field rule', () => {
  const range = withRulesAcrossFields('TestRangeInput', z.object({ from: z.number().int().min(1), to: z.number().int().min(1), title: z.string().min(1, 'Title is required.') }), [
    { field: 'to', reads: ['from'], holds: (v) => v.to >= v.from, message: 'The range ends before it starts.' },
  ]);
  const fields = (value: unknown) => (refusal(range, value).details.fieldErrors as Array<{ field: string }>).map((e) => e.field);

  it('a broken rule is listed with a refused field, at the field to fix', () => {
    expect(fields({ from: 5, to: 3, title: '' })).toEqual(['input.title', 'input.to']);
  });

  it('a field past a bound is still read; a field that is not even of its type keeps the rule silent', () => {
    expect(fields({ from: 5, to: 0, title: 'x' })).toEqual(['input.to']);
    expect(fields({ from: 'five', to: 3, title: '' })).toEqual(['input.from', 'input.title']);
  });
});
