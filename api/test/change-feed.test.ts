import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { createLiveSeries, createPartner, LICENSE } from './support/publishing';
import { TestServer, type SignedInMember } from './support/server';
import { graphql, type ResultOf, type TadaDocumentNode, type VariablesOf } from '../../schema/graphql';

/*
 * A reference sync client: it mirrors a partner's catalog from the typed `changes` feed alone
 * (episode and series global ids, episode number, price, reasons — never the untyped `data`), and
 * after every step (a release, price changes, a takedown, a window ending) its mirror must equal
 * what `catalog` answers in every territory the partner serves.
 */

const DAY = 86_400_000;
let now = new Date('2027-03-01T00:00:00Z');
let server: TestServer;
let admin: SignedInMember;
let lead: SignedInMember;

beforeAll(async () => {
  server = await TestServer.start({ REVIEW_FOUR_EYES: 'false', PUBLICATION_POLL_SECONDS: '3600' }, undefined, { clock: () => now });
  admin = await server.member(OrganizationKind.OPERATOR, Role.ADMIN);
  lead = await server.addMember(admin.organizationId, Role.LEAD);
});
afterAll(async () => {
  await server?.stop();
});

const PRICE = graphql('fragment Price on CatalogPrice { free coins currency amountMinor amount }');
const CHANGES = graphql(`
  query($after: String) {
    changes(first: 100, after: $after) {
      nodes { id type territory episode series episodeNumber price { ...Price } previousPrice { ...Price } reasons { code message } }
      pageInfo { hasNextPage endCursor }
    }
  }
`, [PRICE]);
const CATALOG = graphql(`
  query($t: String!) {
    catalog(territory: $t, first: 10) {
      nodes { id episodes(first: 10) { nodes { id number price { ...Price } } pageInfo { hasNextPage } } }
      pageInfo { hasNextPage }
    }
  }
`, [PRICE]);
const SET_PRICES = graphql('mutation($i: SetEpisodePricesInput!) { setEpisodePrices(input: $i) { episode { number } } }');
type Price = ResultOf<typeof PRICE>;
type FeedEvent = ResultOf<typeof CHANGES>['changes']['nodes'][number];

/** territory → series id → episode id → what the client shows: number and price. */
type Mirror = Map<string, Map<string, Map<string, { number: number; price: Price }>>>;

/** The sync client: follows `changes` from its cursor and applies each event to its mirror. */
class SyncClient {
  readonly mirror: Mirror = new Map();
  cursor: string | null = null;
  readonly seen: FeedEvent[] = [];
  constructor(private readonly key: string) {}

  async sync(): Promise<FeedEvent[]> {
    const fresh: FeedEvent[] = [];
    for (;;) {
      const page = await server.gql(CHANGES, { after: this.cursor }, { token: this.key });
      expect(page.errors).toBeUndefined();
      for (const event of page.data!.changes.nodes) this.apply(event);
      fresh.push(...page.data!.changes.nodes);
      this.cursor = page.data!.changes.pageInfo.endCursor ?? this.cursor;
      if (!page.data!.changes.pageInfo.hasNextPage) break;
    }
    this.seen.push(...fresh);
    return fresh;
  }

  private apply(event: FeedEvent): void {
    const territory = this.mirror.get(event.territory) ?? new Map<string, Map<string, { number: number; price: Price }>>();
    this.mirror.set(event.territory, territory);
    const series = territory.get(event.series) ?? new Map<string, { number: number; price: Price }>();
    territory.set(event.series, series);
    switch (event.type) {
      case 'PUBLISHED':
      case 'PRICE_CHANGED':
        series.set(event.episode, { number: event.episodeNumber ?? series.get(event.episode)!.number, price: event.price! });
        break;
      case 'TAKEN_DOWN':
      case 'EXPIRED':
        series.delete(event.episode);
        break;
      case 'UPDATED':
        break; // texts and media: a client would fetch `node(id)` again; number and price are unchanged
    }
    if (!series.size) territory.delete(event.series);
  }

  /** The mirror of one territory, in the shape `catalog` answers. */
  view(territory: string) {
    return [...(this.mirror.get(territory) ?? new Map())]
      .map(([id, episodes]) => ({ id, episodes: [...episodes].map(([episodeId, e]) => ({ id: episodeId, number: e.number, price: e.price })).sort((a, b) => a.number - b.number) }))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  }
}

async function catalogView(key: string, territory: string) {
  const page = await server.gql(CATALOG, { t: territory }, { token: key });
  expect(page.errors).toBeUndefined();
  expect(page.data!.catalog.pageInfo.hasNextPage).toBe(false);
  return page.data!.catalog.nodes.map((s) => {
    expect(s.episodes.pageInfo.hasNextPage).toBe(false);
    return { id: s.id, episodes: s.episodes.nodes };
  }).sort((a, b) => (a.id < b.id ? -1 : 1));
}

describe('the typed change feed', () => {
  it('a sync client mirrors the catalog from changes alone through releases, price changes, takedowns and window ends', async () => {
    const territories = ['US', 'CA', 'GB'];
    const p = await createPartner(server, admin, territories);
    const client = new SyncClient(p.key);
    const step = async (label: string) => {
      // SQL writes and clock moves are followed by the follower; drained here at once rather than waited for.
      await server.app.services.publication.drain(server.orm.em.fork(), { wait: true });
      const fresh = await client.sync();
      for (const t of territories) expect(client.view(t), `${label}: the mirror of ${t} equals the catalog`).toEqual(await catalogView(p.key, t));
      return fresh;
    };

    // Releases: one series now, in US and CA; another licensed in GB too, released in two days.
    const a = await createLiveSeries(server, lead, 3, p.organizationId);
    let fresh = await step('first release');
    expect(fresh.map((e) => `${e.type}:${e.territory}:${e.episodeNumber}`).sort()).toEqual(['PUBLISHED:CA:1', 'PUBLISHED:CA:2', 'PUBLISHED:CA:3', 'PUBLISHED:US:1', 'PUBLISHED:US:2', 'PUBLISHED:US:3']);
    expect(fresh.find((e) => e.territory === 'US')!.price).toEqual({ free: false, coins: null, currency: 'USD', amountMinor: 49, amount: '0.49' });
    expect(fresh.every((e) => e.previousPrice === null && e.reasons.length === 0)).toBe(true);
    // The ids are the ones `node` accepts.
    const node = await server.gql(graphql('query($id: ID!) { node(id: $id) { ... on CatalogEpisode { number } } }'), { id: fresh[0]!.episode }, { token: p.key });
    expect(node.data!.node).toEqual({ number: fresh[0]!.episodeNumber });

    const b = await createLiveSeries(server, lead, 2, p.organizationId, { territories: ['US', 'GB'] });
    const owner = <T, V>(document: TadaDocumentNode<T, V>, variables: V) => server.gql(document, variables, { token: b.owner.token });
    const plan = await owner(graphql('mutation($s: ID!, $p: ID!, $i: ReleasePlanInput!) { setReleasePlan(seriesId: $s, partnerId: $p, input: $i) { id } }'), { s: b.seriesId, p: p.organizationId, i: { mode: 'ALL_AT_ONCE', startsAt: new Date(now.getTime() + 2 * DAY).toISOString() } });
    expect(plan.errors).toBeUndefined();
    fresh = await step('a second series, released later');
    // It may have gone live before its plan was moved: then it came down with the schedule as its reason.
    for (const e of fresh.filter((e) => e.type === 'TAKEN_DOWN')) expect(e.reasons.map((r) => r.code)).toEqual(['RELEASE_SCHEDULED']);
    expect(client.view('GB')).toEqual([]);
    now = new Date(now.getTime() + 2 * DAY + 1000);
    fresh = await step('the release time reached');
    expect(fresh.filter((e) => e.type === 'PUBLISHED').map((e) => `${e.territory}:${e.episodeNumber}`).sort()).toEqual(['GB:1', 'GB:2', 'US:1', 'US:2']);

    // Price changes: one episode in the US, a worldwide coin price for another.
    const prices = async (i: VariablesOf<typeof SET_PRICES>['i']) => expect((await server.gql(SET_PRICES, { i }, { token: a.owner.token })).errors).toBeUndefined();
    await prices({ seriesId: a.seriesId, fromNumber: 2, toNumber: 2, territory: 'US', currency: 'USD', amountMinor: 99 });
    await prices({ seriesId: a.seriesId, fromNumber: 3, toNumber: 3, territory: 'WORLDWIDE', coins: 80 });
    fresh = await step('price changes');
    expect(fresh.map((e) => [e.type, e.territory, e.episodeNumber, e.previousPrice?.amount ?? e.previousPrice?.coins, e.price?.amount ?? e.price?.coins])).toEqual([
      ['PRICE_CHANGED', 'US', 2, '0.49', '0.99'],
      ['PRICE_CHANGED', 'CA', 3, 60, 80],
    ]);

    // A free episode: a price the client must show as free.
    await prices({ seriesId: a.seriesId, fromNumber: 1, toNumber: 1, territory: 'CA', free: true });
    fresh = await step('a free episode');
    expect(fresh.map((e) => [e.type, e.territory, e.price?.free])).toEqual([['PRICE_CHANGED', 'CA', true]]);

    // A takedown.
    const takedown = await server.gql(graphql('mutation($id: ID!) { takeDownEpisode(episodeId: $id, reason: "Licensor dispute") { status } }'), { id: a.episodeIds[1] }, { token: lead.token });
    expect(takedown.errors).toBeUndefined();
    fresh = await step('a takedown');
    expect(fresh.map((e) => [e.type, e.territory, e.episodeNumber, e.price])).toEqual([['TAKEN_DOWN', 'US', 2, null], ['TAKEN_DOWN', 'CA', 2, null]]);
    expect(fresh[0]!.reasons).toEqual([{ code: 'TAKEN_DOWN', message: 'Taken down: Licensor dispute.' }]);

    // A window ends: the second series' license ends tomorrow, then the clock passes it.
    const license = await owner(graphql('mutation($id: ID!, $i: LicenseInput!) { setLicense(seriesId: $id, input: $i) { id } }'), { id: b.seriesId, i: { ...LICENSE, territoriesIncluded: ['US', 'GB'], windowEnd: new Date(now.getTime() + DAY).toISOString() } });
    expect(license.errors).toBeUndefined();
    await step('a window set to end');
    now = new Date(now.getTime() + DAY + 1000);
    fresh = await step('the window ended');
    expect(fresh.map((e) => `${e.type}:${e.territory}:${e.episodeNumber}`).sort()).toEqual(['EXPIRED:GB:1', 'EXPIRED:GB:2', 'EXPIRED:US:1', 'EXPIRED:US:2']);
    expect(fresh.every((e) => e.reasons.some((r) => r.code === 'NOT_LICENSED'))).toBe(true);
    expect(client.view('GB')).toEqual([]);

    // What is left is the first series minus its taken-down episode, at the prices set above.
    expect(client.view('US').map((s) => s.episodes.map((e) => [e.number, e.price.amount]))).toEqual([[[1, '0.49'], [3, '0.49']]]);
    expect(client.view('CA').map((s) => s.episodes.map((e) => [e.number, e.price.free, e.price.coins]))).toEqual([[[1, true, null], [3, false, 80]]]);
    // The whole history read again from the start gives the same mirror.
    const fromStart = new SyncClient(p.key);
    await fromStart.sync();
    for (const t of territories) expect(fromStart.view(t)).toEqual(client.view(t));
  });
});
