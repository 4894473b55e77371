/**
 * Money is stored as integer minor units (ISO 4217): 0.49 USD is 49, 500 JPY is 500, 1.250 KWD is
 * 1250. People type decimals; this converts without floating point so 0.29 stays 29.
 */
export type MinorUnits = { ok: true; amountMinor: number } | { ok: false; message: string };

const DECIMAL = /^(\d+)(?:[.,](\d+))?$/;
/** `currency.maxAmountMinor` is the API's largest price (`Currency.maxAmountMinor`). */
export function toMinorUnits(text: string, currency: { code: string; exponent: number; maxAmountMinor: number }): MinorUnits {
  const trimmed = text.trim();
  if (!trimmed) return { ok: false, message: `Enter an amount in ${currency.code}.` };
  const match = DECIMAL.exec(trimmed);
  // A sign is a number below zero, said as such (as "From cannot be negative."), not as one unread.
  if (!match && DECIMAL.test(trimmed.replace(/^-\s*/, '')) && trimmed.startsWith('-')) return { ok: false, message: 'The amount cannot be negative.' };
  if (!match) return { ok: false, message: `Enter the amount as a number, such as ${example(currency)}.` };
  const [, whole, fraction = ''] = match;
  if (fraction.length > currency.exponent) {
    return {
      ok: false,
      message:
        currency.exponent === 0
          ? `${currency.code} has no minor units: enter a whole amount, such as ${example(currency)}.`
          : `${currency.code} allows at most ${currency.exponent} decimal places, such as ${example(currency)}.`,
    };
  }
  const amountMinor = Number(whole + fraction.padEnd(currency.exponent, '0'));
  if (!Number.isSafeInteger(amountMinor) || amountMinor > currency.maxAmountMinor) {
    return { ok: false, message: `That amount is too large: at most ${fromMinorUnits(currency.maxAmountMinor, currency.exponent)} ${currency.code}.` };
  }
  return { ok: true, amountMinor };
}

/** Minor units back to the decimal people type: 49 USD → "0.49", 500 JPY → "500". */
export function fromMinorUnits(amountMinor: number, exponent: number): string {
  if (exponent === 0) return String(amountMinor);
  const digits = String(amountMinor).padStart(exponent + 1, '0');
  return `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/** "500" for JPY, "0.49" for USD, "0.490" for KWD. */
function example({ exponent }: { exponent: number }): string {
  return exponent === 0 ? '500' : fromMinorUnits(49 * 10 ** Math.max(exponent - 2, 0), exponent);
}
