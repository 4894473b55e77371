/**
 * ISO 4217 minor-unit exponents that differ from 2. (Intl's display digits are not ISO's: it shows
 * IDR with 0 decimals although ISO gives it 2, so the exponents are kept here.)
 */
const EXPONENT_OTHER_THAN_TWO: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

/** Codes that are not money one can price in: precious metals, testing and "no currency". */
const NOT_FOR_PRICES = new Set(['XAG', 'XAU', 'XPD', 'XPT', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XSU', 'XTS', 'XUA', 'XXX']);

const CURRENCIES = new Set(Intl.supportedValuesOf('currency').filter((c) => !NOT_FOR_PRICES.has(c)));

export const currencyCodes = (): string[] => [...CURRENCIES].sort();

export const isCurrencyCode = (code: string): boolean => CURRENCIES.has(code);

export const currencyExponent = (code: string): number => EXPONENT_OTHER_THAN_TWO[code] ?? 2;

/** "0.49" for USD 49, "500" for JPY 500, "1.250" for KWD 1250. */
export function formatMinorUnits(currency: string, amountMinor: number): string {
  const exponent = currencyExponent(currency);
  if (exponent === 0) return String(amountMinor);
  const sign = amountMinor < 0 ? '-' : '';
  const digits = String(Math.abs(amountMinor)).padStart(exponent + 1, '0');
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}
