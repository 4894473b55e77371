import { describe, expect, it } from 'vitest';
import { toMinorUnits } from './money';

// As the API's `currencies` sends them (`Currency.maxAmountMinor`).
const usd = { code: 'USD', exponent: 2, maxAmountMinor: 1_000_000_000 };
const jpy = { code: 'JPY', exponent: 0, maxAmountMinor: 1_000_000_000 };

describe('toMinorUnits', () => {
  it('takes amounts up to the largest price the API takes, and says what that is past it', () => {
    expect(toMinorUnits('10000000.00', usd)).toEqual({ ok: true, amountMinor: 1_000_000_000 });
    expect(toMinorUnits('10000000.01', usd)).toEqual({ ok: false, message: 'That amount is too large: at most 10000000.00 USD.' });
    expect(toMinorUnits('1000000001', jpy)).toEqual({ ok: false, message: 'That amount is too large: at most 1000000000 JPY.' });
    expect(toMinorUnits('5', { ...usd, maxAmountMinor: 100 })).toEqual({ ok: false, message: 'That amount is too large: at most 1.00 USD.' });
  });

  it('keeps 0.29 as 29, without floating point', () => {
    expect(toMinorUnits('0.29', usd)).toEqual({ ok: true, amountMinor: 29 });
  });

  it('says a negative amount cannot be negative, and anything else not a number is asked for as a number', () => {
    for (const text of ['-0.001', '-5', '- 0.49', '-1,5']) expect(toMinorUnits(text, usd)).toEqual({ ok: false, message: 'The amount cannot be negative.' });
    expect(toMinorUnits('-', usd)).toEqual({ ok: false, message: 'Enter the amount as a number, such as 0.49.' });
    expect(toMinorUnits('-abc', usd)).toEqual({ ok: false, message: 'Enter the amount as a number, such as 0.49.' });
    expect(toMinorUnits('0.49-', usd)).toEqual({ ok: false, message: 'Enter the amount as a number, such as 0.49.' });
  });
});
