import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { catalogSnapshot, seriesWithEpisodes } from './support/catalog';
import { errorCode, TestServer, type SignedInMember } from './support/server';
import { graphql, type VariablesOf } from '../../schema/graphql';

let server: TestServer;
let editor: SignedInMember;
beforeAll(async () => {
  server = await TestServer.start();
  editor = await server.member(OrganizationKind.STUDIO, Role.EDITOR);
});
afterAll(() => server?.stop());

const SET_PRICES = graphql(`mutation($input: SetEpisodePricesInput!) { setEpisodePrices(input: $input) { episode { number } price { free coins amount currency rule } } }`);
const PREVIEW = graphql(`query($id: ID!, $t: String!, $at: DateTimeISO) { series(id: $id) { pricePreview(territory: $t, at: $at) { episode { number } price { priced free coins currency amountMinor amount rule explanation } } } }`);

async function preview(seriesId: string, territory: string, at?: string) {
  const res = await server.gql(PREVIEW, { id: seriesId, t: territory, at }, { token: editor.token });
  if (!res.data) throw new Error(JSON.stringify(res.errors));
  return res.data.series.pricePreview;
}

type PriceInput = VariablesOf<typeof SET_PRICES>['input'];
async function setPrices(input: PriceInput) {
  return server.gql(SET_PRICES, { input }, { token: editor.token });
}

describe('price resolution through the API', () => {
  it('"1–10 free, 11–80 at 60 coins, US at 0.49 USD" resolves per territory with the rule that applied', async () => {
    const seriesId = await seriesWithEpisodes(server, editor.token, editor.organizationId, 80, { freeEpisodeCount: 10 });
    expect((await setPrices({ seriesId, fromNumber: 11, toNumber: 80, territory: 'WORLDWIDE', coins: 60 })).errors).toBeUndefined();
    expect((await setPrices({ seriesId, fromNumber: 11, toNumber: 80, territory: 'US', currency: 'USD', amountMinor: 49 })).errors).toBeUndefined();

    const us = await preview(seriesId, 'US');
    const ca = await preview(seriesId, 'CA');
    expect(us[9]!.price).toMatchObject({ free: true, rule: 'FREE_EPISODES' });
    expect(us[10]!.price).toMatchObject({ free: false, amount: '0.49', currency: 'USD', amountMinor: 49, coins: null, rule: 'TERRITORY' });
    expect(ca[10]!.price).toMatchObject({ coins: 60, currency: null, rule: 'WORLDWIDE' });
    expect(ca[79]!.price.explanation).toBe('Episode 80: worldwide price (60 coins).');
    expect(us.filter((p) => p.price.free)).toHaveLength(10);
  });

  it('an active window beats the standing price, and only while it runs', async () => {
    const seriesId = await seriesWithEpisodes(server, editor.token, editor.organizationId, 3, { defaultCoinPrice: 50 });
    await setPrices({ seriesId, fromNumber: 1, toNumber: 3, territory: 'JP', currency: 'JPY', amountMinor: 120 });
    await setPrices({ seriesId, fromNumber: 2, toNumber: 2, territory: 'JP', currency: 'JPY', amountMinor: 60, startsAt: '2026-12-01T00:00:00Z', endsAt: '2026-12-08T00:00:00Z' });
    const during = await preview(seriesId, 'JP', '2026-12-03T00:00:00Z');
    expect(during.map((p) => [p.price.amount, p.price.rule])).toEqual([['120', 'TERRITORY'], ['60', 'TERRITORY_WINDOW'], ['120', 'TERRITORY']]);
    const after = await preview(seriesId, 'JP', '2026-12-08T00:00:00Z');
    expect(after[1]!.price).toMatchObject({ amount: '120', rule: 'TERRITORY' });
    expect((await preview(seriesId, 'DE'))[0]!.price).toMatchObject({ coins: 50, rule: 'SERIES_DEFAULT' });
  });

  it('money keeps each currency’s exponent: JPY 0, USD 2, KWD 3', async () => {
    const seriesId = await seriesWithEpisodes(server, editor.token, editor.organizationId, 1);
    await setPrices({ seriesId, fromNumber: 1, toNumber: 1, territory: 'JP', currency: 'JPY', amountMinor: 500 });
    await setPrices({ seriesId, fromNumber: 1, toNumber: 1, territory: 'US', currency: 'USD', amountMinor: 199 });
    await setPrices({ seriesId, fromNumber: 1, toNumber: 1, territory: 'KW', currency: 'KWD', amountMinor: 1250 });
    expect((await preview(seriesId, 'JP'))[0]!.price.amount).toBe('500');
    expect((await preview(seriesId, 'US'))[0]!.price.amount).toBe('1.99');
    expect((await preview(seriesId, 'KW'))[0]!.price.amount).toBe('1.250');
    expect((await preview(seriesId, 'FR'))[0]!.price).toMatchObject({ priced: false, rule: 'NONE' });
  });

  it('an episode override beats the free-episode rule; effectivePrice on one episode agrees with the preview', async () => {
    const seriesId = await seriesWithEpisodes(server, editor.token, editor.organizationId, 5, { freeEpisodeCount: 5 });
    await setPrices({ seriesId, fromNumber: 3, toNumber: 3, territory: 'SA', coins: 25 });
    const list = await preview(seriesId, 'SA');
    expect(list.map((p) => p.price.free)).toEqual([true, true, false, true, true]);
    const episodes = await server.gql(
      graphql('query($id: ID!) { series(id: $id) { episodes(numberFrom: 3, numberTo: 3) { nodes { number effectivePrice(territory: "SA") { coins rule } } } } }'),
      { id: seriesId },
      { token: editor.token },
    );
    expect(episodes.data!.series.episodes.nodes[0]!.effectivePrice).toEqual({ coins: 25, rule: 'TERRITORY' });
  });

  it('an unwindowed price replaces the earlier one; clearing brings the series rules back', async () => {
    const seriesId = await seriesWithEpisodes(server, editor.token, editor.organizationId, 2, { defaultCoinPrice: 40 });
    await setPrices({ seriesId, fromNumber: 1, toNumber: 2, territory: 'WORLDWIDE', coins: 10 });
    await setPrices({ seriesId, fromNumber: 2, toNumber: 2, territory: 'WORLDWIDE', coins: 20 });
    expect((await preview(seriesId, 'BR')).map((p) => p.price.coins)).toEqual([10, 20]);
    const cleared = await server.gql(graphql('mutation($input: ClearEpisodePricesInput!) { clearEpisodePrices(input: $input) }'), { input: { seriesId, fromNumber: 1, toNumber: 2, territory: 'WORLDWIDE' } }, { token: editor.token });
    expect(cleared.data?.clearEpisodePrices).toBe(2);
    expect((await preview(seriesId, 'BR')).map((p) => p.price.rule)).toEqual(['SERIES_DEFAULT', 'SERIES_DEFAULT']);
  });
});

describe('price validation: BAD_USER_INPUT naming the field, all or nothing', () => {
  let seriesId: string;
  beforeAll(async () => {
    seriesId = await seriesWithEpisodes(server, editor.token, editor.organizationId, 10);
    await setPrices({ seriesId, fromNumber: 1, toNumber: 10, territory: 'US', coins: 5, startsAt: '2026-12-01T00:00:00Z', endsAt: '2026-12-31T00:00:00Z' });
  });
  const cases: Array<[string, Omit<PriceInput, 'seriesId' | 'fromNumber' | 'toNumber'>, string, RegExp]> = [
    ['unknown territory', { territory: 'ZZ', coins: 1 }, 'input.territory', /Unknown territory/],
    ['unknown currency', { territory: 'US', currency: 'USX', amountMinor: 1 }, 'input.currency', /Unknown currency/],
    ['negative minor units', { territory: 'US', currency: 'USD', amountMinor: -5 }, 'input.amountMinor', /negative/],
    ['minor units past the largest price', { territory: 'US', currency: 'USD', amountMinor: 1_000_000_001 }, 'input.amountMinor', /^Amounts go up to 1,000,000,000 minor units \(e\.g\. 10,000,000\.00 USD\)\.$/],
    ['fractional minor units', { territory: 'US', currency: 'USD', amountMinor: 0.5 }, 'input.amountMinor', /^The value of input.amountMinor must be a whole number\.$/],
    ['coins beyond 32 bits', { territory: 'US', coins: 2 ** 31 }, 'input.coins', /^The value of input.coins is too large: it must be a whole number between -2,147,483,648 and 2,147,483,647\.$/],
    ['a window ending before it starts', { territory: 'US', coins: 1, startsAt: '2027-02-01T00:00:00Z', endsAt: '2027-01-01T00:00:00Z' }, 'input.endsAt', /must end after it starts/],
    ['an overlapping window for the same episode and territory', { territory: 'US', coins: 1, startsAt: '2026-12-20T00:00:00Z', endsAt: '2027-01-10T00:00:00Z' }, 'input.startsAt', /overlaps an existing US window for episodes 1, 2, 3, 4, 5 and 5 more/],
    ['money without a currency', { territory: 'US', amountMinor: 5 }, 'input.amountMinor', /both a currency and an amount/],
    ['nothing to charge', { territory: 'US' }, 'input.coins', /Give coins, money/],
  ];
  for (const [what, input, field, message] of cases) {
    it(what, async () => {
      const before = await catalogSnapshot(server);
      const res = await setPrices({ seriesId, fromNumber: 1, toNumber: 10, ...input });
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0]!.extensions.field).toBe(field);
      expect(res.errors![0]!.message).toMatch(message);
      expect(await catalogSnapshot(server)).toBe(before);
    });
  }

  it('the largest price each currency exposes is the one setting a price applies', async () => {
    const res = await server.gql(graphql('{ currencies { code maxAmountMinor } }'), {}, { token: editor.token });
    const usd = res.data!.currencies.find((c) => c.code === 'USD')!;
    expect(usd.maxAmountMinor).toBe(1_000_000_000);
    expect(new Set(res.data!.currencies.map((c) => c.maxAmountMinor))).toEqual(new Set([usd.maxAmountMinor]));
    const past = await setPrices({ seriesId, fromNumber: 1, toNumber: 10, territory: 'US', currency: 'USD', amountMinor: usd.maxAmountMinor + 1 });
    expect(past.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.amountMinor' });
  });

  it('says INVALID_VALUE for a value GraphQL cannot coerce, and never quotes the variable back', async () => {
    const res = await setPrices({ seriesId, fromNumber: 1, toNumber: 10, territory: 'US', coins: 2 ** 40 });
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_VALUE', field: 'input.coins' });
    expect(res.errors![0]!.message).not.toMatch(/Variable|\$input|got invalid value/);
  });
});

const SET_LICENSE = graphql(`mutation($id: ID!, $input: LicenseInput!) { setLicense(seriesId: $id, input: $input) { id territoriesIncluded windowEnd } }`);
const AVAILABILITY = graphql(`query($id: ID!, $t: String!, $at: DateTimeISO) { series(id: $id) { availability(territory: $t, at: $at) { available reasons { code message } } } }`);

const baseLicense = {
  sourceWorkTitle: 'Contract Marriage to the CEO',
  sourceWorkKind: 'NOVEL' as const,
  sourceWorkAuthor: 'Lin Qing',
  licensor: 'Jade Pavilion Literature',
  licenseKind: 'ADAPTATION' as const,
  territoriesIncluded: ['US', 'CA', 'GB'],
  territoriesExcluded: [],
  windowStart: '2026-01-01T00:00:00Z',
  windowEnd: '2027-01-01T00:00:00Z',
  holdbacks: [{ territory: 'GB', until: '2026-09-01T00:00:00Z' }],
  contractReference: 'JP-2026-014',
};

describe('license availability through the API', () => {
  it('included, excluded, window edges and holdbacks, each with its reason', async () => {
    const seriesId = await seriesWithEpisodes(server, editor.token, editor.organizationId, 1);
    const none = await server.gql(AVAILABILITY, { id: seriesId, t: 'US' }, { token: editor.token });
    expect(none.data!.series.availability.reasons.map((r) => r.code)).toEqual(['NO_LICENSE']);

    expect((await server.gql(SET_LICENSE, { id: seriesId, input: baseLicense }, { token: editor.token })).errors).toBeUndefined();
    const check = async (t: string, at: string) =>
      (await server.gql(AVAILABILITY, { id: seriesId, t, at }, { token: editor.token })).data!.series.availability;
    expect(await check('US', '2026-06-01T00:00:00Z')).toEqual({ available: true, reasons: [] });
    expect((await check('US', '2026-01-01T00:00:00Z')).available).toBe(true);
    expect((await check('US', '2025-12-31T23:59:59Z')).reasons.map((r) => r.code)).toEqual(['WINDOW_NOT_STARTED']);
    expect((await check('US', '2027-01-01T00:00:00Z')).reasons.map((r) => r.code)).toEqual(['WINDOW_ENDED']);
    expect((await check('FR', '2026-06-01T00:00:00Z')).reasons.map((r) => r.code)).toEqual(['TERRITORY_NOT_INCLUDED']);
    expect((await check('GB', '2026-06-01T00:00:00Z')).reasons.map((r) => r.code)).toEqual(['HOLDBACK']);
    expect((await check('GB', '2026-10-01T00:00:00Z')).available).toBe(true);

    await server.gql(SET_LICENSE, { id: seriesId, input: { ...baseLicense, territoriesIncluded: ['WORLDWIDE'], territoriesExcluded: ['CN'], holdbacks: [] } }, { token: editor.token });
    expect((await check('BR', '2026-06-01T00:00:00Z')).available).toBe(true);
    expect((await check('CN', '2026-06-01T00:00:00Z')).reasons.map((r) => r.code)).toEqual(['TERRITORY_EXCLUDED']);

    const audit = (await server.orm.em.getConnection().execute(`select action, summary from audit_event where subject_id = ? and action like 'license.%' order by id`, [seriesId])) as Array<{ action: string; summary: { before: Record<string, unknown>; after: Record<string, unknown> } }>;
    expect(audit.map((a) => a.action)).toEqual(['license.create', 'license.update']);
    expect(audit[1]!.summary.before.territoriesIncluded).toEqual(['US', 'CA', 'GB']);
    expect(audit[1]!.summary.after.territoriesIncluded).toEqual(['WORLDWIDE']);
  });

  const invalid: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['a window ending before it starts', { windowStart: '2027-01-01T00:00:00Z', windowEnd: '2026-01-01T00:00:00Z' }, 'input.windowEnd', /must end after it starts/],
    ['an excluded territory outside the included set', { territoriesExcluded: ['FR'] }, 'input.territoriesExcluded.0', /FR is excluded but not inside/],
    ['an unknown territory', { territoriesIncluded: ['US', 'QQ'] }, 'input.territoriesIncluded.1', /Unknown territory/],
    ['AI content without a disclosure', { aiGeneratedContent: true }, 'input.aiDisclosure', /disclosure/],
  ];
  for (const [what, patch, field, message] of invalid) {
    it(`refuses ${what}, naming the field, and keeps the license as it was`, async () => {
      const seriesId = await seriesWithEpisodes(server, editor.token, editor.organizationId, 0);
      await server.gql(SET_LICENSE, { id: seriesId, input: baseLicense }, { token: editor.token });
      const before = await catalogSnapshot(server);
      const res = await server.gql(SET_LICENSE, { id: seriesId, input: { ...baseLicense, ...patch } }, { token: editor.token });
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0]!.extensions.field).toBe(field);
      expect(res.errors![0]!.message).toMatch(message);
      expect(await catalogSnapshot(server)).toBe(before);
    });
  }
});

describe('a license refused on many fields at once names every one of them in one answer', () => {
  it('the rules across fields (the window, the exclusions, the disclosure, a monetization right) speak beside refused fields, not only once those are fixed', async () => {
    const seriesId = await seriesWithEpisodes(server, editor.token, editor.organizationId, 0);
    const before = await catalogSnapshot(server);
    const res = await server.gql(
      SET_LICENSE,
      {
        id: seriesId,
        input: { ...baseLicense, sourceWorkTitle: '  ', licensor: '', territoriesIncluded: [], territoriesExcluded: ['FR'], windowStart: '2030-01-01T00:00:00Z', windowEnd: '2020-01-01T00:00:00Z', aiElements: ['VOICE'], payPerEpisode: false, avod: false, svod: false, subtitleLanguages: ['not a language'] },
      },
      { token: editor.token },
    );
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    const fields = (res.errors![0]!.extensions.fieldErrors as Array<{ field: string }>).map((e) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining(['input.sourceWorkTitle', 'input.licensor', 'input.territoriesIncluded', 'input.territoriesExcluded.0', 'input.windowEnd', 'input.aiDisclosure', 'input.payPerEpisode', 'input.subtitleLanguages.0']),
    );
    expect(await catalogSnapshot(server)).toBe(before);
  });

  it('licenseInputProblems lists exactly what setLicense refuses, writing nothing; text the request refuses comes beside the rest', async () => {
    const PROBLEMS = graphql(`query($input: LicenseInput!) { licenseInputProblems(input: $input) { field message } }`);
    const seriesId = await seriesWithEpisodes(server, editor.token, editor.organizationId, 0);
    const before = await catalogSnapshot(server);
    const bad = { ...baseLicense, licensor: '', territoriesIncluded: [], windowStart: '2030-01-01T00:00:00Z', windowEnd: '2020-01-01T00:00:00Z', subtitleLanguages: ['not a language'] };
    const problems = await server.gql(PROBLEMS, { input: bad }, { token: editor.token });
    const refused = await server.gql(SET_LICENSE, { id: seriesId, input: bad }, { token: editor.token });
    expect(problems.errors).toBeUndefined();
    expect(problems.data!.licenseInputProblems).toEqual(refused.errors![0]!.extensions.fieldErrors);
    expect((await server.gql(PROBLEMS, { input: baseLicense }, { token: editor.token })).data!.licenseInputProblems).toEqual([]);

    const withControl = { ...baseLicense, licensor: 'Moon\u0001light', subtitleLanguages: ['not a language'] };
    const answer = await server.gql(PROBLEMS, { input: withControl }, { token: editor.token });
    expect(errorCode(answer)).toBe('BAD_USER_INPUT');
    expect((answer.errors![0]!.extensions.fieldErrors as Array<{ field: string }>).map((e) => e.field)).toEqual(['input.licensor', 'input.subtitleLanguages.0']);
    expect(errorCode(await server.gql(PROBLEMS, { input: baseLicense }))).toBe('UNAUTHENTICATED');
    expect(await catalogSnapshot(server)).toBe(before);
  });
});

describe('license replacement', () => {
  it('setting a license replaces it whole: fields left out are cleared', async () => {
    const seriesId = await seriesWithEpisodes(server, editor.token, editor.organizationId, 0);
    await server.gql(SET_LICENSE, { id: seriesId, input: { ...baseLicense, sourceWorkAuthor: 'Lin Qing', windowEnd: '2028-01-01T00:00:00Z' } }, { token: editor.token });
    const { sourceWorkAuthor: _a, windowEnd: _w, holdbacks: _h, contractReference: _c, ...bare } = baseLicense;
    void [_a, _w, _h, _c];
    const res = await server.gql(SET_LICENSE, { id: seriesId, input: bare }, { token: editor.token });
    expect(res.data?.setLicense.windowEnd).toBeNull();
    const read = await server.gql(graphql('query($id: ID!) { series(id: $id) { license { sourceWorkAuthor contractReference holdbacks { territory } } } }'), { id: seriesId }, { token: editor.token });
    expect(read.data?.series.license).toEqual({ sourceWorkAuthor: null, contractReference: null, holdbacks: [] });
  });
});

describe('avails export', () => {
  it('a holdback moves the territory’s start to when it lifts', async () => {
    const seriesId = await seriesWithEpisodes(server, editor.token, editor.organizationId, 1, { defaultCoinPrice: 10 });
    await server.gql(SET_LICENSE, { id: seriesId, input: { ...baseLicense, territoriesIncluded: ['US', 'JP'], holdbacks: [{ territory: 'JP', until: '2026-06-01T00:00:00Z' }] } }, { token: editor.token });
    const res = await server.gql(graphql('query($s: ID!, $id: ID) { availsCsv(studioId: $s, seriesId: $id) }'), { s: editor.organizationId, id: seriesId }, { token: editor.token });
    const rows = res.data!.availsCsv.trim().split('\r\n').slice(1).map((l) => l.split(','));
    expect(rows.map((r) => [r[0], r[8]])).toEqual([['US', '2026-01-01'], ['JP', '2026-06-01']]);
  });


  it('has a row per episode and licensed territory, with EMA column names and the territory’s price', async () => {
    const seriesId = await seriesWithEpisodes(server, editor.token, editor.organizationId, 3, { title: 'Avails, "Quoted" Title', freeEpisodeCount: 1 });
    await setPrices({ seriesId, fromNumber: 2, toNumber: 3, territory: 'WORLDWIDE', coins: 60 });
    await setPrices({ seriesId, fromNumber: 2, toNumber: 3, territory: 'US', currency: 'USD', amountMinor: 49 });
    await server.gql(SET_LICENSE, { id: seriesId, input: { ...baseLicense, territoriesIncluded: ['US', 'CA'], holdbacks: [] } }, { token: editor.token });
    const res = await server.gql(graphql('query($s: ID!, $id: ID) { availsCsv(studioId: $s, seriesId: $id) }'), { s: editor.organizationId, id: seriesId }, { token: editor.token });
    const lines = res.data!.availsCsv.trim().split('\r\n');
    expect(lines[0]).toBe('Territory,WorkType,EntryType,SeriesTitleDisplayUnlimited,EpisodeNumber,EpisodeTitleDisplayUnlimited,LicenseType,LicenseRightsDescription,Start,End,PriceType,PriceValue,PriceCurrency,Exclusive,Licensor,ContractID,AssetLanguage,LocalizationType,AllowedLanguages,AIGeneratedContent,AIContentUses,AILabel,AIDisclosure');
    expect(lines).toHaveLength(1 + 2 * 3);
    expect(lines[1]).toBe('US,Episode,Full Extract,"Avails, ""Quoted"" Title",1,Episode 1,FVOD,pay-per-episode,2026-01-01,2027-01-01,Category,Free,,No,Jade Pavilion Literature,JP-2026-014,zh-Hans,,zh-Hans,No,,,');
    expect(lines[2]).toContain('US,Episode,Full Extract,"Avails, ""Quoted"" Title",2,Episode 2,VOD,pay-per-episode,2026-01-01,2027-01-01,SRP,0.49,USD,No');
    expect(lines[5]).toContain('CA,Episode,Full Extract,"Avails, ""Quoted"" Title",2,Episode 2,VOD,pay-per-episode,2026-01-01,2027-01-01,Tier,60 coins,,No');
  });
});
