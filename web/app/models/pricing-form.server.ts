import { dayOf, describeRuns, numberRuns, territoryName, WORLDWIDE, type CurrencyOption, type TerritoryOption } from './catalog';
import { addEpisodes, clearEpisodePrices, episodePricesInputProblems, seriesInputProblems, renameEpisode, setEpisodePrices, updateSeries, type EpisodePricesInput } from './catalog.server';
import { failed, formString, rejected, succeeded } from './forms.server';
import { formDay, formValues, formWholeNumber, renameField } from './form-values.server';
import type { ApiError } from './graphql.server';
import { fromMinorUnits, toMinorUnits } from './money';

/** Fields of the price form, as the page names them, in its order. */
const PRICE_FIELDS = ['territory', 'kind', 'coins', 'amount', 'currency', 'startsAt', 'endsAt'] as const;
/** Fields of the pricing page's range form, in its order. */
const RANGE_FIELDS = ['fromNumber', 'toNumber', ...PRICE_FIELDS];

type Price = Omit<EpisodePricesInput, 'seriesId' | 'fromNumber' | 'toNumber'> & { territory: string };

interface Lists {
  territories: readonly TerritoryOption[];
  currencies: readonly CurrencyOption[];
}

/** The API calls the money `amountMinor` and the free flag `free`; the form has `amount` and `kind`. */
const priceField = (field: string): string => (field === 'amountMinor' ? 'amount' : field === 'free' ? 'kind' : field);

/**
 * Free, coins or money (a decimal converted with the currency's exponent), where, and when. When a
 * field cannot be sent, `fieldErrors` says so and `price` carries what could be read, for the API to
 * check the rest.
 */
function parsePrice(form: FormData, lists: Lists): { ok: true; price: Price } | { ok: false; price: Price; fieldErrors: Record<string, string> } {
  const fieldErrors: Record<string, string> = {};
  const territory = formString(form, 'territory');
  if (territory !== WORLDWIDE && !lists.territories.some((t) => t.code === territory)) fieldErrors.territory = 'Choose a territory, or Worldwide.';
  const startsAt = formDay(form, 'startsAt');
  if (!startsAt.ok) fieldErrors.startsAt = startsAt.error;
  const endsAt = formDay(form, 'endsAt');
  if (!endsAt.ok) fieldErrors.endsAt = endsAt.error;

  const price: Price = { territory, startsAt: startsAt.ok ? startsAt.value : null, endsAt: endsAt.ok ? endsAt.value : null };
  const kind = formString(form, 'kind');
  if (kind === 'free') {
    price.free = true;
  } else if (kind === 'coins') {
    const coins = formWholeNumber(form, 'coins', { empty: null, what: 'Coins' });
    if (!coins.ok) fieldErrors.coins = coins.error;
    else if (coins.value === null) fieldErrors.coins = 'Enter how many coins each episode costs.';
    else price.coins = coins.value;
  } else if (kind === 'money') {
    const currency = lists.currencies.find((c) => c.code === formString(form, 'currency'));
    if (!currency) fieldErrors.currency = 'Choose a currency.';
    else {
      const amount = toMinorUnits(formString(form, 'amount'), currency);
      if (!amount.ok) fieldErrors.amount = amount.message;
      else Object.assign(price, { currency: currency.code, amountMinor: amount.amountMinor });
    }
  } else {
    fieldErrors.kind = 'Choose free, coins or money.';
  }
  return Object.keys(fieldErrors).length ? { ok: false, price, fieldErrors } : { ok: true, price };
}

/** What a price costs: the fields of the free / coins / money choice. */
const PRICE_KIND_FIELDS = ['kind', 'coins', 'amount', 'currency'];

/**
 * Every error after one submit, when some field of a price could not even be sent: those (`local`),
 * and whatever the API's own rules refuse in the rest — its rules across fields too (a range that
 * ends before it starts, a window that ends before it starts) — each beside its field (`rename`), in
 * the order of the form (`order`). What the API says of an unread price choice is left to the local error.
 */
async function everyPriceError(
  request: Request,
  local: Record<string, string>,
  input: EpisodePricesInput,
  rename: (field: string) => string,
  order: readonly string[],
): Promise<Record<string, string>> {
  const fieldErrors = { ...local };
  const choiceUnread = PRICE_KIND_FIELDS.some((f) => local[f]);
  for (const [field, message] of Object.entries(await episodePricesInputProblems(request, input))) {
    const named = rename(field);
    if (!order.includes(named) || (choiceUnread && PRICE_KIND_FIELDS.includes(named))) continue;
    fieldErrors[named] ??= message;
  }
  return Object.fromEntries(Object.entries(fieldErrors).sort(([a], [b]) => order.indexOf(a) - order.indexOf(b)));
}

/** "are now free" or "now cost 0.49 USD", with the window when there is one. */
function describePrice(price: Price, currencies: readonly CurrencyOption[]): string {
  let cost: string;
  if (price.free) cost = 'are now free';
  else if (price.coins != null) cost = `now cost ${price.coins} coins`;
  else cost = `now cost ${fromMinorUnits(price.amountMinor ?? 0, currencies.find((c) => c.code === price.currency)?.exponent ?? 2)} ${price.currency}`;
  if (!price.startsAt && !price.endsAt) return cost;
  return `${cost} from ${dayOf(price.startsAt) || 'now'} until ${dayOf(price.endsAt) || 'further notice'}`;
}

const where = (territory: string, territories: readonly TerritoryOption[]) =>
  territory === WORLDWIDE ? 'worldwide' : `in ${territoryName(territories, territory)}`;

/**
 * Applies a change run by run (the API prices one range per call, each all or nothing). Stops at
 * the first failure and says which runs were already done.
 */
async function forEachRun(
  runs: Array<[number, number]>,
  apply: (from: number, to: number) => Promise<{ ok: true; data: number } | { ok: false; error: ApiError }>,
): Promise<{ ok: true; total: number } | { ok: false; error: ApiError; done: Array<[number, number]> }> {
  let total = 0;
  const done: Array<[number, number]> = [];
  for (const [from, to] of runs) {
    const result = await apply(from, to);
    if (!result.ok) return { ok: false, error: result.error, done };
    total += result.data;
    done.push([from, to]);
  }
  return { ok: true, total };
}

function partialFailure(error: ApiError, done: Array<[number, number]>): ApiError {
  if (!done.length) return error;
  return { ...error, field: undefined, fieldErrors: undefined, message: `${error.message} Episodes ${describeRuns(done)} were already changed.` };
}

/** The series page: add episodes, rename one, and price or clear the selected episodes. */
export async function handleEpisodesForm(request: Request, seriesId: string, lists: Lists) {
  const form = await request.formData();
  const intent = formString(form, 'intent');

  if (intent === 'addEpisodes') {
    const from = formWholeNumber(form, 'fromNumber', { empty: null, what: 'The first number', min: 1 });
    const to = formWholeNumber(form, 'toNumber', { empty: null, what: 'The last number', min: 1 });
    const fieldErrors: Record<string, string> = {};
    if (!from.ok) fieldErrors.fromNumber = from.error;
    else if (from.value === null) fieldErrors.fromNumber = 'Enter the first episode number to add.';
    if (!to.ok) fieldErrors.toNumber = to.error;
    else if (to.value === null) fieldErrors.toNumber = 'Enter the last episode number to add.';
    if (!from.ok || !to.ok || from.value === null || to.value === null) return rejected({ intent, fieldErrors });
    const result = await addEpisodes(request, { seriesId, fromNumber: from.value, toNumber: to.value, titleTemplate: formString(form, 'titleTemplate') || null });
    if (!result.ok) return failed(request, result.error, { intent, fields: ['fromNumber', 'toNumber', 'titleTemplate'] });
    return succeeded({ intent, notice: `Added ${result.data} episode${result.data === 1 ? '' : 's'} (${describeRuns([[from.value, to.value]])}) as drafts.` });
  }

  if (intent === 'renameEpisode') {
    const target = formString(form, 'episodeId');
    const title = formString(form, 'title');
    if (!title) return rejected({ intent, target, fieldErrors: { title: 'Enter a title.' } });
    const result = await renameEpisode(request, { id: target, title });
    if (!result.ok) return failed(request, result.error, { intent, target, fields: ['title'] });
    return succeeded({ intent, target, notice: `Episode ${result.data.number} is now “${result.data.title}”.` });
  }

  if (intent !== 'setPrice' && intent !== 'clearPrice') return rejected({ intent, formError: 'That action is not known. Reload the page and try again.' });
  const runs = numberRuns(formValues(form, 'episode').map(Number).filter((n) => Number.isInteger(n) && n > 0));
  if (!runs.length) return rejected({ intent, fieldErrors: { episodes: 'Select the episodes first: tick them in the table.' } });
  const fields = ['episodes', ...PRICE_FIELDS];
  const rename = (field: string) => (field === 'fromNumber' || field === 'toNumber' ? 'episodes' : priceField(field));

  if (intent === 'clearPrice') {
    const territory = formString(form, 'territory');
    if (territory !== WORLDWIDE && !lists.territories.some((t) => t.code === territory)) return rejected({ intent, fieldErrors: { territory: 'Choose a territory, or Worldwide.' } });
    const outcome = await forEachRun(runs, (fromNumber, toNumber) => clearEpisodePrices(request, { seriesId, fromNumber, toNumber, territory }));
    if (!outcome.ok) return failed(request, renameField(partialFailure(outcome.error, outcome.done), rename), { intent, fields });
    return succeeded({
      intent,
      notice: outcome.total
        ? `Removed ${outcome.total} price${outcome.total === 1 ? '' : 's'} set ${where(territory, lists.territories)} on episodes ${describeRuns(runs)}; the series defaults apply there again.`
        : `Episodes ${describeRuns(runs)} had no prices set ${where(territory, lists.territories)}.`,
    });
  }

  const parsed = parsePrice(form, lists);
  if (!parsed.ok) {
    const [fromNumber, toNumber] = runs[0]!;
    return rejected({ intent, fieldErrors: await everyPriceError(request, parsed.fieldErrors, { seriesId, fromNumber, toNumber, ...parsed.price }, rename, fields) });
  }
  const { price } = parsed;
  const outcome = await forEachRun(runs, (fromNumber, toNumber) => setEpisodePrices(request, { seriesId, fromNumber, toNumber, ...price }));
  if (!outcome.ok) return failed(request, renameField(partialFailure(outcome.error, outcome.done), rename), { intent, fields });
  return succeeded({
    intent,
    notice: `Episodes ${describeRuns(runs)} ${describePrice(price, lists.currencies)} ${where(price.territory, lists.territories)}.`,
  });
}

/** The pricing editor: series defaults, a price over a range, and clearing a range's prices. */
export async function handlePricingForm(request: Request, seriesId: string, lists: Lists) {
  const form = await request.formData();
  const intent = formString(form, 'intent');

  if (intent === 'defaults') {
    const free = formWholeNumber(form, 'freeEpisodeCount', { empty: 0, what: 'Free episodes' });
    const coins = formWholeNumber(form, 'defaultCoinPrice', { empty: null, what: 'The default price' });
    if (!free.ok || !coins.ok) {
      // Every error after one submit: what could not be sent, and what the API's rules refuse in the other.
      const sendable = { ...(free.ok ? { freeEpisodeCount: free.value } : {}), ...(coins.ok ? { defaultCoinPrice: coins.value } : {}) };
      const problems = await seriesInputProblems(request, sendable, true);
      const fieldErrors: Record<string, string> = {};
      for (const field of ['freeEpisodeCount', 'defaultCoinPrice'] as const) {
        const local = field === 'freeEpisodeCount' ? (free.ok ? undefined : free.error) : coins.ok ? undefined : coins.error;
        const message = local ?? problems[field];
        if (message) fieldErrors[field] = message;
      }
      return rejected({ intent, fieldErrors });
    }
    const result = await updateSeries(request, seriesId, { freeEpisodeCount: free.value, defaultCoinPrice: coins.value });
    if (!result.ok) return failed(request, result.error, { intent, fields: ['freeEpisodeCount', 'defaultCoinPrice'] });
    const paid = coins.value === null ? 'other episodes have no default price' : `the others cost ${coins.value} coins`;
    return succeeded({ intent, notice: `Series defaults saved: ${free.value ? `episodes 1–${free.value} are free` : 'no free episodes'}, ${paid}.` });
  }

  const from = formWholeNumber(form, 'fromNumber', { empty: null, what: 'From', min: 1 });
  const to = formWholeNumber(form, 'toNumber', { empty: null, what: 'To', min: 1 });
  const rangeErrors: Record<string, string> = {};
  if (!from.ok) rangeErrors.fromNumber = from.error;
  else if (from.value === null) rangeErrors.fromNumber = 'Enter the first episode of the range.';
  if (!to.ok) rangeErrors.toNumber = to.error;
  else if (to.value === null) rangeErrors.toNumber = 'Enter the last episode of the range.';

  if (intent === 'clearPrice') {
    const target = formString(form, 'target');
    const territory = formString(form, 'territory');
    if (!from.ok || !to.ok || from.value === null || to.value === null) return rejected({ intent, target, formError: 'That range is not valid. Reload the page and try again.' });
    const result = await clearEpisodePrices(request, { seriesId, fromNumber: from.value, toNumber: to.value, territory });
    if (!result.ok) return failed(request, result.error, { intent, target });
    return succeeded({
      intent,
      target,
      notice: `Removed ${result.data} price${result.data === 1 ? '' : 's'} set ${where(territory, lists.territories)} on episodes ${describeRuns([[from.value, to.value]])}.`,
    });
  }

  if (intent !== 'setPrice') return rejected({ intent, formError: 'That action is not known. Reload the page and try again.' });
  const parsed = parsePrice(form, lists);
  if (!from.ok || !to.ok || from.value === null || to.value === null || !parsed.ok) {
    // The range as far as it could be read; an end or start that could not stands in for the other, so no rule speaks of it.
    const fromNumber = from.ok && from.value !== null ? from.value : to.ok && to.value !== null ? to.value : 1;
    const toNumber = to.ok && to.value !== null ? to.value : fromNumber;
    const local = { ...rangeErrors, ...(parsed.ok ? {} : parsed.fieldErrors) };
    return rejected({ intent, fieldErrors: await everyPriceError(request, local, { seriesId, fromNumber, toNumber, ...parsed.price }, priceField, RANGE_FIELDS) });
  }
  const { price } = parsed;
  const result = await setEpisodePrices(request, { seriesId, fromNumber: from.value, toNumber: to.value, ...price });
  if (!result.ok) return failed(request, renameField(result.error, priceField), { intent, fields: RANGE_FIELDS });
  return succeeded({
    intent,
    notice: `Episodes ${describeRuns([[from.value, to.value]])} ${describePrice(price, lists.currencies)} ${where(price.territory, lists.territories)}.`,
  });
}
