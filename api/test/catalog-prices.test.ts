import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/media';
import { createLiveSeries, createPartner, startWithOperatorLead } from './support/publishing';
import { errorCode, type SignedInMember, type TestServer } from './support/server';
import { makeAudio } from './support/videos';
import { graphql, type ResultOf } from '../../schema/graphql';

let server: TestServer;
let admin: SignedInMember;
let lead: SignedInMember;
let dub: string;

beforeAll(async () => {
  ({ server, admin, lead } = await startWithOperatorLead({ PUBLICATION_POLL_SECONDS: '1' }));
  dub = makeAudio('price-dub-20s', 20);
});
afterAll(async () => {
  await server?.stop();
});

const PAGE = graphql(`
  query PricePage($t: String!, $l: String, $first: Int, $after: String) {
    catalog(territory: $t, language: $l, first: 5) {
      nodes { id episodes(first: $first, after: $after) { nodes { id number territory price { free coins currency amount amountMinor } audioTracks { language } } pageInfo { endCursor hasNextPage } } }
    }
  }
`);
const NODE = graphql('query PriceNode($id: ID!, $l: String) { node(id: $id, language: $l) { __typename ... on CatalogEpisode { number territory price { free coins currency amount amountMinor } } } }');
const PREVIEW = graphql('query PricePreview($id: ID!, $t: String!) { series(id: $id) { pricePreview(territory: $t) { episode { number } price { priced free coins currency amount amountMinor } } } }');
const SET = graphql('mutation SetPrices($i: SetEpisodePricesInput!) { setEpisodePrices(input: $i) { episode { number } } }');

type Price = { free: boolean; coins: number | null; currency: string | null; amount: string | null; amountMinor: number | null };

/** What the studio's own price rules say each episode costs in `t` (the catalog must agree). */
async function expected(seriesId: string, owner: SignedInMember, t: string): Promise<Map<number, Price>> {
  const r = await server.gql(PREVIEW, { id: seriesId, t }, { token: owner.token });
  expect(r.errors).toBeUndefined();
  return new Map(r.data!.series.pricePreview.filter((p) => p.price.priced).map((p) => [p.episode.number, { free: p.price.free, coins: p.price.coins ?? null, currency: p.price.currency ?? null, amount: p.price.amount ?? null, amountMinor: p.price.amountMinor ?? null }]));
}

/** Every live episode's price in `t`, read the ways a partner can: the page (with and without a language and dubs), one-episode windows, and node. */
async function catalogPrices(key: string, t: string) {
  const readings: Array<Map<number, Price>> = [];
  for (const l of [null, 'es-MX']) {
    const page = await server.gql(PAGE, { t, l, first: 20 }, { token: key });
    expect(page.errors).toBeUndefined();
    const eps = page.data!.catalog.nodes.flatMap((s) => s.episodes.nodes);
    for (const e of eps) expect(e.territory).toBe(t);
    readings.push(new Map(eps.map((e) => [e.number, e.price])));
    // One episode at a time, through the cursor.
    const windowed = new Map<number, Price>();
    for (const s of page.data!.catalog.nodes) {
      let after: string | null = null;
      for (;;) {
        const w: ResultOf<typeof PAGE> | null | undefined = (await server.gql(PAGE, { t, l, first: 1, after }, { token: key })).data;
        const ser: ResultOf<typeof PAGE>['catalog']['nodes'][number] = w!.catalog.nodes.find((n) => n.id === s.id)!;
        for (const e of ser.episodes.nodes) windowed.set(e.number, e.price);
        if (!ser.episodes.pageInfo.hasNextPage) break;
        after = ser.episodes.pageInfo.endCursor;
      }
    }
    readings.push(windowed);
    const byNode = new Map<number, Price>();
    for (const e of eps) {
      const n = await server.gql(NODE, { id: e.id, l }, { token: key });
      expect(n.errors).toBeUndefined();
      const node = n.data!.node as { number: number; territory: string; price: Price };
      expect(node.territory).toBe(t);
      byNode.set(node.number, node.price);
    }
    readings.push(byNode);
  }
  for (const r of readings.slice(1)) expect(r).toEqual(readings[0]);
  return readings[0]!;
}

describe('partner catalog prices', () => {
  it('each territory shows its own price (money, coins, free, series default) on the page, in windows, by node, with a language and with dubs, and follows changes', async () => {
    const p = await createPartner(server, admin, ['US', 'CA', 'GB', 'DE']);
    const s = await createLiveSeries(server, lead, 3, p.organizationId, { territories: ['US', 'CA', 'GB', 'DE'], dubs: [{ language: 'es', file: dub }], dubLanguages: ['es'] });
    const q = (i: Record<string, unknown>) => server.gql(SET, { i: { seriesId: s.seriesId, ...i } as never }, { token: s.owner.token });
    // US: 0.49 USD (episodes 1-3); CA: episode 2 free; GB: episode 3 in GBP and coins; DE: the worldwide 60 coins.
    expect((await q({ fromNumber: 2, toNumber: 2, territory: 'CA', free: true })).errors).toBeUndefined();
    expect((await q({ fromNumber: 3, toNumber: 3, territory: 'GB', currency: 'GBP', amountMinor: 79, coins: 45 })).errors).toBeUndefined();
    const check = async () => {
      for (const t of ['US', 'CA', 'GB', 'DE']) {
        const want = await expected(s.seriesId, s.owner, t);
        await eventually(async () => catalogPrices(p.key, t).catch(() => null), (got) => got !== null && JSON.stringify([...got].sort()) === JSON.stringify([...want].sort()), `prices in ${t}`, 15_000).catch(() => undefined);
        const got = await catalogPrices(p.key, t);
        expect(got).toEqual(want);
      }
    };
    await check();
    const us = await catalogPrices(p.key, 'US');
    expect(us.get(1)).toEqual({ free: false, coins: null, currency: 'USD', amount: '0.49', amountMinor: 49 });
    expect((await catalogPrices(p.key, 'CA')).get(2)!.free).toBe(true);
    expect((await catalogPrices(p.key, 'GB')).get(3)).toMatchObject({ currency: 'GBP', amountMinor: 79, coins: 45 });
    expect((await catalogPrices(p.key, 'DE')).get(1)).toEqual({ free: false, coins: 60, currency: null, amount: null, amountMinor: null });

    // Price changes: a new US price for episode 2, the worldwide coins of episode 1 removed (series default then applies).
    await server.gql(graphql('mutation($id: ID!, $i: SeriesInput!) { updateSeries(id: $id, input: $i) { id } }'), { id: s.seriesId, i: { defaultCoinPrice: 25 } }, { token: s.owner.token });
    expect((await q({ fromNumber: 2, toNumber: 2, territory: 'US', currency: 'USD', amountMinor: 99 })).errors).toBeUndefined();
    await check();
    // Episode 1 loses its worldwide coins: the series default applies in DE and CA.
    const cleared = await server.gql(graphql('mutation($i: ClearEpisodePricesInput!) { clearEpisodePrices(input: $i) }'), { i: { seriesId: s.seriesId, fromNumber: 1, toNumber: 1, territory: 'WORLDWIDE' } }, { token: s.owner.token });
    expect(cleared.errors).toBeUndefined();
    await check();
    expect((await catalogPrices(p.key, 'DE')).get(1)).toMatchObject({ free: false, coins: 25 });
    expect((await catalogPrices(p.key, 'US')).get(2)).toMatchObject({ amount: '0.99', amountMinor: 99 });
    expect([...(await catalogPrices(p.key, 'GB')).keys()].sort()).toEqual([1, 2, 3]);
    const dubbed = await server.gql(PAGE, { t: 'GB', first: 20 }, { token: p.key });
    expect(dubbed.data!.catalog.nodes[0]!.episodes.nodes.map((e) => e.audioTracks.map((a) => a.language))).toEqual([['es'], ['es'], ['es']]);

    // The partner's territories only: another partner's territory is refused, not priced.
    const other = await createPartner(server, admin, ['JP']);
    expect(errorCode(await server.gql(PAGE, { t: 'JP', first: 5 }, { token: p.key }))).toBe('FORBIDDEN');
    expect((await server.gql(PAGE, { t: 'JP', first: 5 }, { token: other.key })).data!.catalog.nodes).toEqual([]);
  }, 300_000);
});
