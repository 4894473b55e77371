import { getNamedType, getNullableType, isAbstractType, isEnumType, isInputObjectType, isLeafType, isListType, isObjectType, type GraphQLField, type GraphQLInputType, type GraphQLNamedType, type GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGreenlightSchema } from '../src/graphql/schema';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemoData } from '../src/seed/demo';
import { seedPendingCases } from './support/review';
import { postLicenseDocument } from './support/license-documents';
import { LICENSE } from './support/publishing';
import { TestServer } from './support/server';
import { print } from '@0no-co/graphql.web';
import { graphql, type TadaDocumentNode } from '../../schema/graphql';

/**
 * Selects every field of every type reachable from the demo data, as each demo role and the demo
 * partner key, and fails on any internal error: the kind of bug where a field's data is never
 * loaded (subtitle `content`) shows up here whoever it hits.
 */
let server: TestServer;
let schema: GraphQLSchema;
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};

beforeAll(async () => {
  // Whole-type selections are large on purpose: the limits that guard production are lifted here.
  server = await TestServer.start({ GRAPHQL_MAX_DEPTH: '30', GRAPHQL_MAX_COST: '100000000', GRAPHQL_MAX_TOKENS: '200000', GRAPHQL_MAX_FIELD_REPEATS: '50', GRAPHQL_MAX_ALIASES: '500' });
  schema = await buildGreenlightSchema();
  const seeded = await seedDemoData(server.orm.em.fork(), { appSecret: server.config.appSecret, dataDir: server.config.dataDir });
  tokens.partnerKey = seeded.partnerApiKey!;
  for (const account of DEMO_ACCOUNTS) tokens[account.role] = await server.signIn(account.email, DEMO_PASSWORD);
  const as = (role: string) => async <T, V>(document: TadaDocumentNode<T, V>, variables: V) => {
    const res = await server.gql(document, variables, { token: tokens[role] });
    expect(res.errors, print(document)).toBeUndefined();
    return res.data!;
  };
  const owner = as('OWNER');
  const viewer = await owner(graphql('{ viewer { organizations { id kind } } }'), {});
  ids.studio = viewer.viewer.organizations[0]!.id;
  const partnerOrg = await as('PARTNER_ADMIN')(graphql('{ viewer { organizations { id } } }'), {});
  ids.partner = partnerOrg.viewer.organizations[0]!.id;
  // The demo studio's world: a series with a license, prices, subtitles, a release to the demo partner, a case in review.
  const created = await owner(graphql('mutation($s: ID!) { createSeries(studioId: $s, input: { title: "Demo walk", originalLanguage: "en", genres: ["drama"] }) { id } }'), { s: ids.studio });
  ids.series = created.createSeries.id;
  const episodes = await owner(graphql('mutation($s: ID!) { addEpisodes(input: { seriesId: $s, fromNumber: 1, toNumber: 2 }) { id } }'), { s: ids.series });
  ids.episode = episodes.addEpisodes[0]!.id;
  await owner(graphql('mutation($id: ID!, $i: LicenseInput!) { setLicense(seriesId: $id, input: $i) { id } }'), { id: ids.series, i: { ...LICENSE, territoriesIncluded: ['US'] } });
  expect((await postLicenseDocument(server, tokens.OWNER, ids.series, 'agreement.pdf', Buffer.from('%PDF-1.7\n%%EOF\n'))).status).toBe(201);
  await owner(graphql('mutation($s: ID!) { setEpisodePrices(input: { seriesId: $s, fromNumber: 1, toNumber: 2, territory: "US", currency: "USD", amountMinor: 49 }) { episode { id } } }'), { s: ids.series });
  await owner(graphql('mutation($e: ID!) { setSubtitles(input: { episodeId: $e, language: "en", format: WEBVTT, content: "WEBVTT\\n\\n00:00:01.000 --> 00:00:02.000\\nHi\\n" }) { id } }'), { e: ids.episode });
  await owner(graphql('mutation($s: ID!, $p: ID!) { setReleasePlan(seriesId: $s, partnerId: $p, input: { mode: ALL_AT_ONCE, startsAt: "2026-01-01T00:00:00Z" }) { id } }'), { s: ids.series, p: ids.partner });
  const cases = await seedPendingCases(server, ids.studio, 1);
  ids.case = cases.caseIds[0]!;
  ids.queuedEpisode = cases.episodeIds[0]!;
  await as('PARTNER_ADMIN')(graphql('mutation($p: ID!) { createWebhookEndpoint(partnerId: $p, url: "https://hooks.example.com/demo") { endpoint { id } } }'), { p: ids.partner });
}, 180_000);
afterAll(() => server?.stop());

/** A value for a required argument, from the demo world. */
function argumentValue(type: GraphQLInputType, name: string, parent: string): unknown {
  const nullable = getNullableType(type) as GraphQLInputType;
  if (isListType(nullable)) return [argumentValue(nullable.ofType as GraphQLInputType, name, parent)];
  if (isInputObjectType(nullable)) return Object.fromEntries(Object.values(nullable.getFields()).filter((f) => f.type.toString().endsWith('!')).map((f) => [f.name, argumentValue(f.type, f.name, parent)]));
  if (isEnumType(nullable)) return nullable.getValues()[0]!.value;
  const scalar = (nullable as { name: string }).name;
  if (scalar === 'Int') return 5;
  if (scalar === 'Boolean') return false;
  if (scalar === 'DateTimeISO') return '2026-06-01T00:00:00.000Z';
  if (scalar === 'ID') {
    const key = `${name} ${parent}`.toLowerCase();
    if (key.includes('partner')) return ids.partner;
    if (key.includes('studio') || key.includes('organization')) return ids.studio;
    if (key.includes('case')) return ids.case;
    if (key.includes('episode') || key.includes('playback')) return ids.episode;
    return ids.series;
  }
  const key = name.toLowerCase();
  if (key.includes('territor')) return 'US';
  if (key.includes('language')) return 'en';
  return 'drama';
}

const literal = (value: unknown): string => (Array.isArray(value) ? `[${value.map(literal).join(', ')}]` : value && typeof value === 'object' ? `{ ${Object.entries(value).map(([k, v]) => `${k}: ${literal(v)}`).join(', ')} }` : typeof value === 'string' && /^[A-Z][A-Z_]+$/.test(value) && !['US'].includes(value) ? value : JSON.stringify(value));

function argumentsOf(field: GraphQLField<unknown, unknown>, parent: string): string {
  const required = field.args.filter((a) => a.type.toString().endsWith('!'));
  return required.length ? `(${required.map((a) => `${a.name}: ${literal(argumentValue(a.type, a.name, `${parent} ${field.name}`))}`).join(', ')})` : '';
}

/** Every field of `type`, nested to `depth` levels; a type already on the path is not entered again. */
function selectAll(type: GraphQLNamedType, path: string[], depth: number): string {
  if (isAbstractType(type)) return `{ __typename ${schema.getPossibleTypes(type).map((t) => `... on ${t.name} ${selectAll(t, path, depth)}`).join(' ')} }`;
  if (!isObjectType(type)) return '';
  const parts: string[] = [];
  for (const field of Object.values(type.getFields())) {
    const named = getNamedType(field.type);
    if (isLeafType(named)) parts.push(`${field.name}${argumentsOf(field, type.name)}`);
    else if (depth > 0 && !path.includes(named.name)) parts.push(`${field.name}${argumentsOf(field, type.name)} ${selectAll(named, [...path, named.name], depth - 1)}`);
  }
  return parts.length ? `{ ${parts.join(' ')} }` : '{ __typename }';
}

const ROLES = ['ADMIN', 'LEAD', 'REVIEWER', 'OWNER', 'EDITOR', 'PARTNER_ADMIN', 'partnerKey'];

describe('every field of every type reachable from the demo data', () => {
  it.each(ROLES)('as %s, no field answers an internal error', async (role) => {
    const internal: string[] = [];
    let withData = 0;
    for (const field of Object.values(schema.getQueryType()!.getFields())) {
      const named = getNamedType(field.type);
      const selection = isLeafType(named) ? '' : selectAll(named, [named.name], 4);
      const query = `{ ${field.name}${argumentsOf(field, 'Query')} ${selection} }`;
      const res = await server.gql(query, {}, { token: tokens[role] });
      if (res.status >= 500) internal.push(`${field.name}: HTTP ${res.status}`);
      for (const error of res.errors ?? []) {
        if (error.extensions.code === 'INTERNAL_SERVER_ERROR') internal.push(`${field.name} at ${(error.path ?? []).join('.')}`);
        if (error.extensions.code === 'GRAPHQL_VALIDATION_FAILED' || error.extensions.code === 'GRAPHQL_PARSE_FAILED') internal.push(`${field.name}: the walk built a bad query: ${error.message}`);
      }
      if (res.data && (res.data as Record<string, unknown>)[field.name] != null) withData++;
    }
    // Each role reaches real data, not only refusals.
    expect(withData).toBeGreaterThan(3);
    expect(internal).toEqual([]);
  }, 120_000);
});
