import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { DateField, PriceFields, TerritorySelect } from '~/components/catalog-fields';
import { FormAlert, Notice, TextField } from '~/components/forms';
import { WORLDWIDE, dayOf, describeRuns, priceLabel, priceRangesByTerritory, territoryName, type PriceRange } from '~/models/catalog';
import { catalogLists, requireCatalog } from '~/models/catalog-access.server';
import { getSeriesPricing } from '~/models/catalog.server';
import { expectData } from '~/models/graphql.server';
import { fromMinorUnits } from '~/models/money';
import { handlePricingForm } from '~/models/pricing-form.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { canEdit } = await requireCatalog(request);
  const { territories, currencies } = await catalogLists(request);
  const url = new URL(request.url);
  const asked = url.searchParams.get('territory')?.toUpperCase();
  const territory = asked && (asked === WORLDWIDE || territories.some((t) => t.code === asked)) ? asked : 'US';
  const day = url.searchParams.get('at') ?? '';
  const at = /^\d{4}-\d{2}-\d{2}$/.test(day) && !Number.isNaN(Date.parse(day)) ? day : '';
  const pricing = await expectData(request, await getSeriesPricing(request, params.seriesId!, territory, at ? `${at}T00:00:00.000Z` : null));
  return { pricing, territory, at, territories, currencies, canEdit };
}

export async function action({ request, params }: ActionFunctionArgs) {
  await requireCatalog(request, { edit: true });
  return handlePricingForm(request, params.seriesId!, await catalogLists(request));
}

export default function PricingPage() {
  const { pricing, territory, at, territories, currencies, canEdit } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const busyIntent = navigation.state === 'submitting' ? navigation.formData?.get('intent') : undefined;
  // A form sent again shows no errors of its last answer: they may be fixed, and the new answer says.
  const answer = useActionData<typeof action>();
  const outcome = answer && answer.intent !== busyIntent ? answer : undefined;
  const groups = priceRangesByTerritory(pricing.priceTerms, territories);
  const defaultsOutcome = outcome?.intent === 'defaults' ? outcome : undefined;
  const setOutcome = outcome?.intent === 'setPrice' ? outcome : undefined;
  const clearOutcome = outcome?.intent === 'clearPrice' ? outcome : undefined;

  const rangePrice = (range: PriceRange) => {
    if (range.free) return 'Free';
    const parts: string[] = [];
    if (range.coins != null) parts.push(`${range.coins} coins`);
    if (range.currency && range.amountMinor != null) {
      parts.push(`${fromMinorUnits(range.amountMinor, currencies.find((c) => c.code === range.currency)?.exponent ?? 2)} ${range.currency}`);
    }
    return parts.join(' or ');
  };
  const rangeWindow = (range: PriceRange) =>
    range.startsAt || range.endsAt ? `${dayOf(range.startsAt) || 'now'} until ${dayOf(range.endsAt) || 'further notice'}` : 'Always';

  return (
    <>
      <section className="panel" aria-labelledby="defaults-heading">
        <h2 id="defaults-heading">Series defaults</h2>
        <p className="muted">Apply to every episode in every territory unless a price below says otherwise.</p>
        {canEdit ? (
          <>
            <Notice>{defaultsOutcome?.notice}</Notice>
            <FormAlert fieldErrors={defaultsOutcome?.fieldErrors}>{defaultsOutcome?.formError}</FormAlert>
            <Form method="post" className="inline-form" key={`${pricing.freeEpisodeCount}-${pricing.defaultCoinPrice}`} noValidate>
              <input type="hidden" name="intent" value="defaults" />
              <TextField
                label="Free episodes"
                name="freeEpisodeCount"
                inputMode="numeric"
                defaultValue={String(pricing.freeEpisodeCount)}
                hint="Episodes 1 to this number are free."
                error={defaultsOutcome?.fieldErrors?.freeEpisodeCount}
              />
              <TextField
                label="Default price in coins"
                name="defaultCoinPrice"
                inputMode="numeric"
                defaultValue={pricing.defaultCoinPrice == null ? '' : String(pricing.defaultCoinPrice)}
                hint="Empty: no default price."
                error={defaultsOutcome?.fieldErrors?.defaultCoinPrice}
              />
              <button type="submit" className="button" disabled={busyIntent === 'defaults'}>
                {busyIntent === 'defaults' ? 'Saving…' : 'Save defaults'}
              </button>
            </Form>
          </>
        ) : (
          <p>
            {pricing.freeEpisodeCount ? `Episodes 1–${pricing.freeEpisodeCount} are free` : 'No episodes are free by default'}
            {pricing.defaultCoinPrice != null ? `; the others cost ${pricing.defaultCoinPrice} coins.` : '; the others have no default price.'}
          </p>
        )}
      </section>

      <section className="panel" aria-labelledby="terms-heading">
        <h2 id="terms-heading">Prices set on episodes</h2>
        <Notice>{clearOutcome?.notice}</Notice>
        <FormAlert fieldErrors={clearOutcome?.fieldErrors}>{clearOutcome?.formError}</FormAlert>
        {groups.length === 0 ? (
          <p className="muted">No episode has its own price yet: the series defaults apply everywhere.</p>
        ) : (
          groups.map((group) => {
            const place = territoryName(territories, group.territory);
            return (
              <section key={group.territory} className="term-group" aria-label={`Prices in ${place}`}>
                <h3>{place}</h3>
                <div className="table-scroll">
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">Episodes</th>
                        <th scope="col">Price</th>
                        <th scope="col">Window</th>
                        {canEdit ? (
                          <th scope="col" className="actions-col">
                            <span className="visually-hidden">Actions</span>
                          </th>
                        ) : null}
                      </tr>
                    </thead>
                    <tbody>
                      {group.ranges.map((range) => {
                        const episodes = describeRuns([[range.from, range.to]]);
                        const target = `${group.territory}:${range.from}-${range.to}:${range.startsAt ?? ''}`;
                        return (
                          <tr key={target}>
                            <td>{episodes}</td>
                            <td>{rangePrice(range)}</td>
                            <td>{rangeWindow(range)}</td>
                            {canEdit ? (
                              <td className="actions">
                                <Form method="post" preventScrollReset>
                                  <input type="hidden" name="intent" value="clearPrice" />
                                  <input type="hidden" name="target" value={target} />
                                  <input type="hidden" name="territory" value={group.territory} />
                                  <input type="hidden" name="fromNumber" value={range.from} />
                                  <input type="hidden" name="toNumber" value={range.to} />
                                  <button type="submit" className="button button-danger button-small" aria-label={`Clear ${place} prices on episodes ${episodes}`}>
                                    Clear
                                  </button>
                                </Form>
                              </td>
                            ) : null}
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                </div>
              </section>
            );
          })
        )}
        {canEdit && groups.length ? <p className="muted small">Clear removes every price set in that territory on those episodes, windows included.</p> : null}
      </section>

      {canEdit ? (
        <section className="panel" aria-labelledby="set-heading">
          <h2 id="set-heading">Set a price for a range</h2>
          <p className="muted">
            A price without a window replaces the earlier one in that territory. Windowed prices (promotions) must not overlap each other.
          </p>
          <Notice>{setOutcome?.notice}</Notice>
          <FormAlert fieldErrors={setOutcome?.fieldErrors}>{setOutcome?.formError}</FormAlert>
          <Form method="post" className="stacked-form" preventScrollReset noValidate>
            <input type="hidden" name="intent" value="setPrice" />
            <div className="field-row">
              <TextField label="From episode" name="fromNumber" inputMode="numeric" error={setOutcome?.fieldErrors?.fromNumber} />
              <TextField label="To episode" name="toNumber" inputMode="numeric" defaultValue={pricing.episodeCount ? String(pricing.episodeCount) : ''} error={setOutcome?.fieldErrors?.toNumber} />
            </div>
            <PriceFields territories={territories} currencies={currencies} errors={setOutcome?.fieldErrors} />
            <div className="form-actions">
              <button type="submit" className="button" disabled={busyIntent === 'setPrice'}>
                {busyIntent === 'setPrice' ? 'Saving…' : 'Set price'}
              </button>
            </div>
          </Form>
        </section>
      ) : null}

      <section className="panel" aria-labelledby="preview-heading">
        <h2 id="preview-heading">Preview</h2>
        <p className="muted">What each episode costs in a territory on a day, and which rule decided it.</p>
        <Form method="get" className="inline-form" preventScrollReset>
          <TerritorySelect label="Territory" name="territory" territories={territories} withWorldwide defaultValue={territory} key={territory} />
          <DateField label="On (optional)" name="at" defaultValue={at} key={at} hint="Empty: now." />
          <button type="submit" className="button button-secondary">
            Preview
          </button>
        </Form>
        {pricing.pricePreview.length === 0 ? (
          <p className="muted">The series has no episodes yet.</p>
        ) : (
          <div className="table-scroll">
            <table>
              <caption className="visually-hidden">
                Prices in {territoryName(territories, territory)}
                {at ? ` on ${at}` : ' now'}
              </caption>
              <thead>
                <tr>
                  <th scope="col" className="number-cell">
                    No.
                  </th>
                  <th scope="col">Title</th>
                  <th scope="col">Price</th>
                  <th scope="col">Why</th>
                </tr>
              </thead>
              <tbody>
                {pricing.pricePreview.map(({ episode, price }) => (
                  <tr key={episode.id}>
                    <th scope="row" className="number-cell">
                      {episode.number}
                    </th>
                    <td>{episode.title}</td>
                    <td className="nowrap">{priceLabel(price)}</td>
                    <td className="muted small">{price.explanation}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
