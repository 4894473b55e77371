import { describe, expect, it } from 'vitest';
import { formWholeNumber } from './form-values.server';

const form = (value: string) => {
  const data = new FormData();
  data.set('n', value);
  return data;
};

describe('formWholeNumber', () => {
  it('takes every whole number the API can be sent, up to 2,147,483,647', () => {
    expect(formWholeNumber(form('2,147,483,647'), 'n', { empty: null, what: 'Free episodes' })).toEqual({ ok: true, value: 2_147_483_647 });
  });

  it('refuses a larger one before sending, in words beside the field', () => {
    expect(formWholeNumber(form('3000000000'), 'n', { empty: null, what: 'Free episodes' })).toEqual({ ok: false, error: 'Free episodes is too large.' });
    expect(formWholeNumber(form('1e30'), 'n', { empty: null, what: 'Coins' })).toEqual({ ok: false, error: 'Coins must be a number, such as 60.' });
  });
});
