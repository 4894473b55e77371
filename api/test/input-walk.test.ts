import { getNamedType, getNullableType, isAbstractType, isEnumType, isInputObjectType, isListType, isObjectType, type GraphQLArgument, type GraphQLInputType, type GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGreenlightSchema } from '../src/graphql/schema';
import { RULES_ACROSS_FIELDS } from '../src/domain/validation';
import { Role, ROLES_BY_KIND } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { seriesWithEpisodes } from './support/catalog';
import { createPartner } from './support/publishing';
import { seedPendingCases } from './support/review';
import { documentFor, leavesOf, operationsOf, setAt, type Leaf, type Operation, type Path } from './support/schema-walk';
import { TestServer } from './support/server';
import { graphql } from '../../schema/graphql';

/**
 * Walks the whole schema: every query and mutation, as every kind of caller, with hostile values
 * for each argument and input field — control characters, 1 MiB strings, huge and negative
 * numbers, malformed ids and cursors, unknown enum values, lowercase codes, decomposed Unicode,
 * repeated list items. Whatever the answer, it is never INTERNAL_SERVER_ERROR or HTTP 500. A NUL
 * anywhere is refused with BAD_USER_INPUT naming exactly the field it was put in.
 */
let server: TestServer;
let schema: GraphQLSchema;
const callers: Record<string, { token?: string; organizationId?: string }> = {};
const ids: Record<string, string> = {};
const roleCallers: Record<string, { token?: string; organizationId?: string }> = {};

beforeAll(async () => {
  server = await TestServer.start({ USER_RATE_LIMIT_PER_MINUTE: '1000000', PARTNER_RATE_LIMIT_PER_MINUTE: '1000000', ANONYMOUS_RATE_LIMIT_PER_MINUTE: '1000000' });
  schema = await buildGreenlightSchema();
  const admin = await server.member(OrganizationKind.OPERATOR, Role.ADMIN, 'Walk');
  const lead = await server.addMember(admin.organizationId, Role.LEAD);
  const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER, 'Walk');
  const editor = await server.addMember(owner.organizationId, Role.EDITOR);
  const viewer = await server.addMember(owner.organizationId, Role.VIEWER);
  const partner = await createPartner(server, admin);
  ids.series = await seriesWithEpisodes(server, owner.token, owner.organizationId, 3, { title: 'Walked series' });
  const episodes = await server.gql(graphql('query($id: ID!) { series(id: $id) { episodes { nodes { id } } } }'), { id: ids.series }, { token: owner.token });
  ids.episode = episodes.data!.series.episodes.nodes[0]!.id;
  const cases = await seedPendingCases(server, owner.organizationId, 1);
  ids.case = cases.caseIds[0]!;
  const members = await server.gql(graphql('query($id: ID!) { members(organizationId: $id) { id user { email } } }'), { id: owner.organizationId }, { token: owner.token });
  ids.membership = members.data!.members.find((m) => m.user.email === viewer.email)!.id;
  const keys = await server.gql(graphql('query($id: ID!) { apiKeys(organizationId: $id) { id } }'), { id: partner.organizationId }, { token: admin.token });
  ids.apiKey = keys.data!.apiKeys[0]!.id;
  const endpoint = await server.gql(graphql('mutation($p: ID!) { createWebhookEndpoint(partnerId: $p, url: "https://hooks.example.com/walk") { endpoint { id } } }'), { p: partner.organizationId }, { token: partner.token });
  ids.endpoint = endpoint.data!.createWebhookEndpoint.endpoint.id;
  ids.partner = partner.organizationId;
  ids.studio = owner.organizationId;
  ids.reviewer = lead.userId;
  Object.assign(callers, {
    anonymous: {},
    partnerKey: { token: partner.key, organizationId: partner.organizationId },
    partnerAdmin: { token: partner.token, organizationId: partner.organizationId },
    owner: { token: owner.token, organizationId: owner.organizationId },
    editor: { token: editor.token, organizationId: owner.organizationId },
    lead: { token: lead.token, organizationId: admin.organizationId },
    admin: { token: admin.token, organizationId: admin.organizationId },
  });
  // Only in the walk of refusals: the hostile walks stay at their size.
  const reviewer = await server.addMember(admin.organizationId, Role.REVIEWER);
  Object.assign(roleCallers, {
    viewer: { token: viewer.token, organizationId: owner.organizationId },
    reviewer: { token: reviewer.token, organizationId: admin.organizationId },
  });
}, 180_000);
afterAll(() => server?.stop());

/** A value the API would accept for an argument or input field with this name and type. */
function baseline(type: GraphQLInputType, name: string, operation: string, caller: { organizationId?: string }): unknown {
  const nullable = getNullableType(type) as GraphQLInputType;
  if (isListType(nullable)) return [baseline(nullable.ofType as GraphQLInputType, name.replace(/s$/, ''), operation, caller)];
  if (isInputObjectType(nullable)) {
    return Object.fromEntries(Object.values(nullable.getFields()).map((f) => [f.name, baseline(f.type, f.name, operation, caller)]));
  }
  if (isEnumType(nullable)) return nullable.getValues()[0]!.value as string;
  switch ((nullable as { name: string }).name) {
    case 'Int':
      return name === 'version' ? 1 : 2;
    case 'Float':
      return 1.5;
    case 'Boolean':
      return false;
    case 'DateTimeISO':
      return '2026-06-01T00:00:00.000Z';
    case 'JSONObject':
      return {};
    case 'ID':
      return idFor(name, operation, caller);
    default:
      return stringFor(name);
  }
}

function idFor(name: string, operation: string, caller: { organizationId?: string }): string {
  const key = name.toLowerCase();
  if (key.includes('series')) return ids.series!;
  if (key.includes('episode')) return ids.episode!;
  if (key.includes('case')) return ids.case!;
  if (key.includes('partner')) return ids.partner!;
  if (key.includes('studio')) return ids.studio!;
  if (key.includes('organization')) return caller.organizationId ?? ids.studio!;
  if (key.includes('membership')) return ids.membership!;
  if (key.includes('reviewer')) return ids.reviewer!;
  if (key.includes('endpoint')) return ids.endpoint!;
  if (key.includes('delivery')) return 'msg_walk';
  const op = operation.toLowerCase();
  if (op.includes('episode')) return ids.episode!;
  if (op.includes('organization')) return caller.organizationId ?? ids.studio!;
  if (op.includes('apikey')) return ids.apiKey!;
  if (op.includes('case')) return ids.case!;
  if (op.includes('webhook')) return ids.endpoint!;
  return ids.series!;
}

function stringFor(name: string): string {
  const key = name.toLowerCase();
  if (key.includes('territor')) return 'US';
  if (key.includes('language')) return 'en';
  if (key.includes('currenc')) return 'USD';
  if (key === 'email') return 'walker@example.com';
  if (key === 'password') return 'a long enough password';
  if (key.includes('url')) return 'https://hooks.example.com/walk';
  // A valid PDF, so hostile values elsewhere in a license document's input reach past the file check.
  if (key === 'contentbase64') return Buffer.from('%PDF-1.7\n%%EOF\n').toString('base64');
  if (key === 'content') return 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nWalk\n';
  if (key === 'after') return Buffer.from('c:1').toString('base64url');
  if (key === 'issuedon') return '2026-01-01';
  return 'Walker text';
}

function getAt(root: Record<string, unknown>, path: Path): unknown {
  // Only objects and arrays are walked into: a list an earlier hostile value replaced by a scalar has no items.
  return path.reduce<unknown>((holder, part) => (holder !== null && typeof holder === 'object' ? (holder as Record<string | number, unknown>)[part] : undefined), root);
}

const forged = (key: string) => Buffer.from(`c:${key}`).toString('base64url');
const MiB = 'x'.repeat(1024 * 1024);

/** Hostile kinds: a new value for a leaf of this type (undefined: the kind does not apply). */
const kinds: Record<string, (leaf: Leaf, value: unknown) => unknown> = {
  'other control characters': (_l, v) => (typeof v === 'string' ? `\u001b[31m${v}\u0008` : undefined),
  'decomposed Unicode': (l, v) => (typeof v === 'string' && scalarName(l) !== 'ID' ? `${v}e\u0301` : undefined),
  'lowercase codes': (l, v) => (typeof v === 'string' && scalarName(l) === 'String' ? v.toLowerCase() : undefined),
  'surrounding spaces': (l, v) => (typeof v === 'string' && scalarName(l) === 'String' ? `  ${v}  ` : undefined),
  'empty strings': (_l, v) => (typeof v === 'string' ? '' : undefined),
  'bidi overrides': (_l, v) => (typeof v === 'string' ? `\u202E${v}\u202C` : undefined),
  'zero-width only': (_l, v) => (typeof v === 'string' ? '\u200b\u200d\ufeff' : undefined),
  'huge numbers': (l) => (scalarName(l) === 'Int' ? 2_147_483_647 : scalarName(l) === 'Float' ? 1e308 : undefined),
  'negative numbers': (l) => (scalarName(l) === 'Int' ? -2_147_483_648 : scalarName(l) === 'Float' ? -1e308 : undefined),
  'zero': (l) => (scalarName(l) === 'Int' || scalarName(l) === 'Float' ? 0 : undefined),
  'malformed ids': (l) => (scalarName(l) === 'ID' ? "1' or '1'='1" : undefined),
  'ids of nothing': (l) => (scalarName(l) === 'ID' ? '00000000-0000-4000-8000-000000000000' : undefined),
  'malformed cursors': (l) => (l.name === 'after' ? forged('2026-01-01T00:00:00.000Z|notauuid') : undefined),
  'cursors beyond bigint': (l) => (l.name === 'after' ? forged('9999999999999999999') : undefined),
  'cursors in exponent notation': (l) => (l.name === 'after' ? forged('1e300') : undefined),
  'unknown enum values': (l) => (isEnumType(getNamedType(l.type)) ? 'NOT_A_VALUE' : undefined),
  'lowercase enum values': (l, v) => (isEnumType(getNamedType(l.type)) && typeof v === 'string' ? v.toLowerCase() : undefined),
  'instants out of range': (l) => (scalarName(l) === 'DateTimeISO' ? '+275760-09-13T00:00:00.001Z' : undefined),
  'instants at year zero': (l) => (scalarName(l) === 'DateTimeISO' ? '0000-01-01T00:00:00Z' : undefined),
  'repeated list items': (_l, v) => (Array.isArray(v) && v.length ? [v[0], structuredClone(v[0]), ...v.slice(1)] : undefined),
  'empty lists': (_l, v) => (Array.isArray(v) ? [] : undefined),
};

function scalarName(leaf: Leaf): string | undefined {
  const nullable = getNullableType(leaf.type);
  return isListType(nullable) ? undefined : (getNamedType(leaf.type) as { name: string }).name;
}

interface Failure {
  operation: string;
  caller: string;
  kind: string;
  detail: string;
}

async function call(query: string, variables: Record<string, unknown>, token: string | undefined): Promise<{ status: number; errors?: Array<{ message: string; extensions: Record<string, unknown> }> }> {
  const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ query, variables }) });
  const text = await res.text();
  try {
    return { status: res.status, errors: (JSON.parse(text) as { errors?: Array<{ message: string; extensions: Record<string, unknown> }> }).errors };
  } catch {
    return { status: res.status, errors: [{ message: text.slice(0, 200), extensions: { code: 'NOT_JSON' } }] };
  }
}

function internal(res: Awaited<ReturnType<typeof call>>): string | undefined {
  if (res.status >= 500) return `HTTP ${res.status}: ${res.errors?.[0]?.message}`;
  const bad = res.errors?.find((e) => e.extensions.code === 'INTERNAL_SERVER_ERROR' || e.extensions.code === 'NOT_JSON');
  return bad ? `${bad.extensions.code} (request ${String(bad.extensions.requestId)})` : undefined;
}

/** Mutations that end or take away what later calls need run last, the caller's own session at the very end. */
const LAST = ['setOrganizationSuspended', 'removeMember', 'changeMemberRole', 'deleteEpisode', 'archiveSeries', 'revokeApiKey', 'signOut'];

function operations(): Operation[] {
  const all = operationsOf(schema);
  return [...all.filter((o) => o.kind === 'query'), ...all.filter((o) => o.kind === 'mutation').sort((a, b) => LAST.indexOf(a.field.name) - LAST.indexOf(b.field.name))];
}

function variablesFor(args: readonly GraphQLArgument[], operation: string, caller: { organizationId?: string }): Record<string, unknown> {
  return Object.fromEntries(args.map((a) => [a.name, baseline(a.type, a.name, operation, caller)]));
}

/** GraphQL literal syntax for `value` of `type`: enum values bare, everything else as JSON would write it. */
function literalOf(value: unknown, type: GraphQLInputType): string {
  const nullable = getNullableType(type) as GraphQLInputType;
  if (value === null || value === undefined) return 'null';
  if (isListType(nullable)) return `[${(value as unknown[]).map((item) => literalOf(item, nullable.ofType as GraphQLInputType)).join(', ')}]`;
  if (isInputObjectType(nullable)) {
    const fields = nullable.getFields();
    return `{ ${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}: ${literalOf(v, fields[k]!.type)}`).join(', ')} }`;
  }
  if (isEnumType(nullable)) return String(value);
  if ((nullable as { name: string }).name === 'JSONObject') return `{ ${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ')} }`;
  return JSON.stringify(value);
}

/** `documentFor`, with every argument written inline as a literal instead of fed by a variable. */
function literalDocumentFor(kind: Operation['kind'], field: Operation['field'], values: Record<string, unknown>): string {
  const args = field.args.map((a) => `${a.name}: ${literalOf(values[a.name], a.type)}`).join(', ');
  const named = getNamedType(field.type);
  const selection = isObjectType(named) || isAbstractType(named) ? '{ __typename }' : '';
  return `${kind} { ${field.name}${args ? `(${args})` : ''} ${selection} }`;
}

/** Runs `tasks` a few at a time (the machine is shared). */
async function inBatches<T>(tasks: Array<() => Promise<T>>, width = 6): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < tasks.length; i += width) results.push(...(await Promise.all(tasks.slice(i, i + width).map((t) => t()))));
  return results;
}

describe('hostile input across the whole schema', () => {
  it.each([
    ['a NUL', '\u0000'],
    ['a bidi override', '\u202E'],
  ])('%s in any argument or input field is refused as BAD_USER_INPUT naming exactly that field', async (kindName, character) => {
    const failures: Failure[] = [];
    let checked = 0;
    for (const { kind, field } of operations()) {
      const query = documentFor(kind, field);
      const tasks = field.args.flatMap((arg) =>
        leavesOf(arg.type, arg.name, [arg.name], { lists: true })
          .filter((leaf) => scalarName(leaf) === 'String' || scalarName(leaf) === 'ID')
          .map((leaf) => async () => {
            const variables = variablesFor(field.args, field.name, callers.owner!);
            const value = getAt(variables, leaf.path);
            if (typeof value !== 'string') return;
            setAt(variables, leaf.path, `${value}${character}`);
            checked++;
            const res = await call(query, variables, callers.owner!.token);
            const error = res.errors?.[0];
            const field_ = leaf.path.join('.');
            if (error?.extensions.code !== 'BAD_USER_INPUT' || error.extensions.field !== field_) {
              failures.push({ operation: field.name, caller: 'owner', kind: kindName, detail: `${field_}: got ${String(error?.extensions.code)} ${String(error?.extensions.field)}` });
            }
            // The field is named apart; a message that starts with it reads as code to a person.
            else if (error.message.startsWith(field_)) failures.push({ operation: field.name, caller: 'owner', kind: kindName, detail: `${field_}: message starts with the field path: ${error.message}` });
          }),
      );
      await inBatches(tasks);
    }
    expect(checked).toBeGreaterThan(100);
    expect(failures).toEqual([]);
  }, 300_000);

  it('a control character in one field of any mutation is listed with every other field the mutation refuses, each by its path', async () => {
    // For each mutation: every other field a value of which it refuses alone (too long, empty, negative,
    // unknown) is refused just the same beside a control character in a text field, in one answer.
    const otherwiseRefused: Array<[string, (leaf: Leaf) => unknown]> = [
      ['1 MiB', (l) => (scalarName(l) === 'String' ? MiB : undefined)],
      ['empty', (l) => (scalarName(l) === 'String' || scalarName(l) === 'ID' ? '' : undefined)],
      ['negative', (l) => (scalarName(l) === 'Int' || scalarName(l) === 'Float' ? -1 : undefined)],
      ['unknown enum value', (l) => (isEnumType(getNamedType(l.type)) ? 'NOT_A_VALUE' : undefined)],
    ];
    const failures: Failure[] = [];
    const covered = new Set<string>();
    const withText = new Set<string>();
    for (const { kind, field } of operations()) {
      if (kind !== 'mutation') continue;
      const query = documentFor(kind, field);
      const leaves = field.args.flatMap((arg) => leavesOf(arg.type, arg.name, [arg.name], { lists: true }));
      const texts = leaves.filter((leaf) => scalarName(leaf) === 'String' || scalarName(leaf) === 'ID');
      if (!leaves.some((leaf) => scalarName(leaf) === 'String')) continue;
      withText.add(field.name);
      const tasks = leaves.flatMap((other) =>
        otherwiseRefused.map(([kindName, refused]) => async () => {
          const text = texts.find((t) => !t.path.join('.').startsWith(other.path.join('.')) && !other.path.join('.').startsWith(t.path.join('.')));
          if (!text || refused(other) === undefined) return;
          for (const [who, caller] of Object.entries({ owner: callers.owner!, lead: callers.lead!, partnerAdmin: callers.partnerAdmin! })) {
            const variables = variablesFor(field.args, field.name, caller);
            if (getAt(variables, other.path) === undefined || typeof getAt(variables, text.path) !== 'string') return;
            setAt(variables, other.path, refused(other));
            const alone = (await call(query, variables, caller.token)).errors?.[0];
            if (alone?.extensions.code !== 'BAD_USER_INPUT' || !String(alone.extensions.field).startsWith(other.path.join('.'))) continue;
            setAt(variables, text.path, `${String(getAt(variables, text.path))}\u0007`);
            const res = await call(query, variables, caller.token);
            const error = res.errors?.[0];
            const listed = (error?.extensions.fieldErrors as Array<{ field: string; message: string }> | undefined) ?? [];
            const fields = listed.map((e) => e.field);
            covered.add(field.name);
            if (res.errors?.length !== 1 || error?.extensions.code !== 'BAD_USER_INPUT' || !fields.includes(text.path.join('.')) || !fields.includes(String(alone.extensions.field))) {
              failures.push({ operation: field.name, caller: who, kind: `U+0007 in ${text.path.join('.')} beside ${kindName} ${other.path.join('.')}`, detail: `got ${String(error?.extensions.code)} ${JSON.stringify(fields)}, alone ${String(alone.extensions.field)}` });
            } else if (error.extensions.field !== listed[0]!.field || error.message !== listed[0]!.message || !/U\+0007/.test(listed[fields.indexOf(text.path.join('.'))]!.message)) {
              failures.push({ operation: field.name, caller: who, kind: kindName, detail: `the answer does not lead with its first listed field or words the control character otherwise: ${error.message} ${JSON.stringify(listed)}` });
            }
            return;
          }
        }),
      );
      await inBatches(tasks);
    }
    expect(failures).toEqual([]);
    // Whose other arguments are ids refused as not found or in the wrong state before any field is read.
    const nothingElseRefusedAlone = ['acceptSubtitleDraft', 'claimNextCase', 'holdCase', 'updatePartner', 'joinOrganization', 'setOrganizationSuspended'];
    expect([...withText].filter((m) => !covered.has(m) && !nothingElseRefusedAlone.includes(m))).toEqual([]);
    expect(covered.size).toBeGreaterThan(25);
  }, 600_000);

  it('every rule across fields of any input is refused in the same answer as a plain field rule, each at the field to fix', async () => {
    // One case per rule across fields the API holds (RULES_ACROSS_FIELDS, by input and the field it
    // refuses): the input breaks the rule and, in another field, a rule of that field alone.
    const SET_PRICES = 'mutation($input: SetEpisodePricesInput!) { setEpisodePrices(input: $input) { episode { id } } }';
    const CLEAR_PRICES = 'mutation($input: ClearEpisodePricesInput!) { clearEpisodePrices(input: $input) }';
    const ADD_EPISODES = 'mutation($input: AddEpisodesInput!) { addEpisodes(input: $input) { id } }';
    const RELEASE = 'mutation($s: ID!, $p: ID!, $input: ReleasePlanInput!) { setReleasePlan(seriesId: $s, partnerId: $p, input: $input) { mode } }';
    const LICENSE = 'mutation($s: ID!, $input: LicenseInput!) { setLicense(seriesId: $s, input: $input) { id } }';
    const license = { sourceWorkTitle: 'Walked novel', sourceWorkKind: 'NOVEL', licensor: 'Walk Press', licenseKind: 'ADAPTATION', territoriesIncluded: ['US', 'CA'] };
    const at = '2027-01-01T00:00:00.000Z';
    const DECIDE = 'mutation($input: DecideCaseInput!) { decideCase(input: $input) { id } }';
    const cases: Record<string, { document: string; variables: Record<string, unknown>; plain: string; at?: string; caller?: string }> = {
      'SetEpisodePricesInput.toNumber': { document: SET_PRICES, variables: { input: { seriesId: ids.series, fromNumber: 3, toNumber: 1, territory: 'XX', coins: 5 } }, plain: 'input.territory' },
      'SetEpisodePricesInput.endsAt': { document: SET_PRICES, variables: { input: { seriesId: ids.series, fromNumber: 1, toNumber: 1, territory: 'US', coins: -1, startsAt: '2027-02-01T00:00:00Z', endsAt: at } }, plain: 'input.coins' },
      'SetEpisodePricesInput.amountMinor': { document: SET_PRICES, variables: { input: { seriesId: ids.series, fromNumber: 0, toNumber: 1, territory: 'US', currency: 'USD' } }, plain: 'input.fromNumber' },
      'SetEpisodePricesInput.coins': { document: SET_PRICES, variables: { input: { seriesId: ids.series, fromNumber: 1, toNumber: 1, territory: 'XX' } }, plain: 'input.territory' },
      'SetEpisodePricesInput.free': { document: SET_PRICES, variables: { input: { seriesId: ids.series, fromNumber: 1, toNumber: 20_000, territory: 'US', free: true, coins: 5 } }, plain: 'input.toNumber' },
      'ClearEpisodePricesInput.toNumber': { document: CLEAR_PRICES, variables: { input: { seriesId: ids.series, fromNumber: 3, toNumber: 1, territory: 'XX' } }, plain: 'input.territory' },
      'AddEpisodesInput.toNumber': { document: ADD_EPISODES, variables: { input: { seriesId: ids.series, fromNumber: 10, toNumber: 5, titleTemplate: ' ' } }, plain: 'input.titleTemplate' },
      'ReleasePlanInput.episodesPerDay': { document: RELEASE, variables: { s: ids.series, p: ids.partner, input: { mode: 'DROPS', startsAt: at, episodeTimes: [{ number: 0, at }] } }, plain: 'input.episodeTimes.0.number' },
      'ReleasePlanInput.episodeTimes': { document: RELEASE, variables: { s: ids.series, p: ids.partner, input: { mode: 'SCHEDULED', startsAt: at, episodesPerDay: 0 } }, plain: 'input.episodesPerDay' },
      'LicenseInput.windowEnd': { document: LICENSE, variables: { s: ids.series, input: { ...license, licensor: ' ', windowStart: '2028-01-01T00:00:00Z', windowEnd: at } }, plain: 'input.licensor' },
      'LicenseInput.territoriesExcluded': { document: LICENSE, variables: { s: ids.series, input: { ...license, sourceWorkTitle: '', territoriesExcluded: ['FR'] } }, plain: 'input.sourceWorkTitle' },
      'LicenseInput.aiDisclosure': { document: LICENSE, variables: { s: ids.series, input: { ...license, licensor: '', aiElements: ['VOICE'] } }, plain: 'input.licensor' },
      'TerritoryDecisionInput.citedRuleIds': { document: DECIDE, variables: { input: { caseId: ids.case, version: 1, decisions: [{ territory: 'US', decision: 'REJECT' }], comments: [{ text: ' ' }] } }, plain: 'input.comments.0.text', at: 'input.decisions.0.citedRuleIds', caller: 'lead' },
      'LicenseInput.payPerEpisode': { document: LICENSE, variables: { s: ids.series, input: { ...license, subtitleLanguages: ['not a language'], payPerEpisode: false, avod: false, svod: false } }, plain: 'input.subtitleLanguages.0' },
    };
    const rules = [...new Set(RULES_ACROSS_FIELDS.map((r) => `${r.input}.${r.field}`))];
    expect(rules.length).toBeGreaterThan(8);
    // A new rule across fields comes with its case here.
    expect(rules.filter((rule) => !cases[rule])).toEqual([]);
    const failures: Failure[] = [];
    for (const rule of rules) {
      const { document, variables, plain, at, caller = 'owner' } = cases[rule]!;
      const field = at ?? `input.${rule.slice(rule.indexOf('.') + 1)}`;
      const res = await call(document, structuredClone(variables), callers[caller]!.token);
      const error = res.errors?.[0];
      const listed = ((error?.extensions.fieldErrors as Array<{ field: string; message: string }> | undefined) ?? []).map((e) => e.field);
      if (res.errors?.length !== 1 || error?.extensions.code !== 'BAD_USER_INPUT' || !listed.some((f) => f === field || f.startsWith(`${field}.`)) || !listed.includes(plain)) {
        failures.push({ operation: rule, caller, kind: `the rule at ${field} beside ${plain}`, detail: `got ${String(error?.extensions.code)} ${JSON.stringify(listed)}` });
      }
    }
    expect(failures).toEqual([]);
  });

  it('a number past the 32-bit range in any Int argument or input field, as a variable, a literal or a variable default, is refused naming that field and the range', async () => {
    const failures: Failure[] = [];
    let checked = 0;
    for (const { kind, field } of operations()) {
      if (LAST.includes(field.name)) continue;
      const tasks = field.args.flatMap((arg) =>
        leavesOf(arg.type, arg.name, [arg.name])
          .filter((leaf) => scalarName(leaf) === 'Int')
          .flatMap((leaf) =>
            [3_000_000_000, -3_000_000_000].flatMap((number) =>
              (['variable', 'literal', 'variable default'] as const).map((as) => async () => {
                const variables = variablesFor(field.args, field.name, callers.owner!);
                if (getAt(variables, leaf.path.slice(0, -1)) === undefined) return;
                if (as === 'variable default' && leaf.path.length !== 1) return;
                setAt(variables, leaf.path, number);
                checked++;
                const literal = literalDocumentFor(kind, field, variables);
                const document = as === 'variable' ? documentFor(kind, field) : as === 'literal' ? literal : literal.replace(`${kind} {`, `${kind}($n: Int = ${number}) {`).replace(`${leaf.name}: ${number}`, `${leaf.name}: $n`);
                const res = await call(document, as === 'variable' ? variables : {}, callers.owner!.token);
                const name = leaf.path.join('.');
                const error = res.errors?.[0];
                const words = `${number < 0 ? 'small' : 'large'}: it must be a whole number between -2,147,483,648 and 2,147,483,647.`;
                if (internal(res) || error?.extensions.code !== 'BAD_USER_INPUT' || error.extensions.field !== name || !error.message.endsWith(words) || res.errors!.some((e) => /cannot represent/.test(e.message))) {
                  failures.push({ operation: field.name, caller: 'owner', kind: `${number} as a ${as}`, detail: `${name}: got ${String(error?.extensions.code)} ${String(error?.extensions.field)}: ${res.errors?.map((e) => e.message).join(' | ')}` });
                }
              }),
            ),
          ),
      );
      await inBatches(tasks);
    }
    expect(checked).toBeGreaterThan(100);
    expect(failures).toEqual([]);
  }, 300_000);

  it('a 1 MiB string in any argument or input field never answers an internal error', async () => {
    const failures: Failure[] = [];
    for (const { kind, field } of operations()) {
      if (field.name === 'signOut' || field.name === 'revokeApiKey') continue;
      const query = documentFor(kind, field);
      const tasks = field.args.flatMap((arg) =>
        leavesOf(arg.type, arg.name, [arg.name], { lists: true })
          .filter((leaf) => scalarName(leaf) === 'String' || scalarName(leaf) === 'ID')
          .flatMap((leaf) =>
            ['owner'].map((who) => async () => {
              const variables = variablesFor(field.args, field.name, callers[who]!);
              setAt(variables, leaf.path, MiB);
              const res = await call(query, variables, callers[who]!.token);
              const problem = internal(res);
              if (problem) failures.push({ operation: field.name, caller: who, kind: '1 MiB string', detail: `${leaf.path.join('.')}: ${problem}` });
            }),
          ),
      );
      await inBatches(tasks);
    }
    expect(failures).toEqual([]);
  }, 600_000);

  it('every role refusal, of any query or mutation as any caller, is FORBIDDEN with reason ROLE_REQUIRED and names the rules', async () => {
    const failures: Failure[] = [];
    let refusals = 0;
    for (const { kind, field } of operations()) {
      if (LAST.includes(field.name)) continue;
      const query = documentFor(kind, field);
      const tasks = Object.entries({ ...callers, ...roleCallers }).map(([who, caller]) => async () => {
        const res = await call(query, variablesFor(field.args, field.name, caller), caller.token);
        for (const error of res.errors ?? []) {
          if (error.extensions.code !== 'FORBIDDEN') continue;
          refusals++;
          // A refusal for another cause says which in its own reason (e.g. AI_TRANSLATION_UNAVAILABLE).
          if (error.extensions.reason === 'FORBIDDEN' || (error.extensions.reason === 'ROLE_REQUIRED' && !/This needs one of: [A-Z_]+(:[A-Z_]+)?/.test(error.message))) {
            failures.push({ operation: field.name, caller: who, kind: 'role refusal', detail: `${String(error.extensions.reason)}: ${error.message}` });
          }
          // Only roles that exist in their kind of organization (one vocabulary): never OPERATOR:OWNER.
          const named = /This needs one of: ([^.]*)\./.exec(error.message)?.[1]?.split(', ') ?? [];
          const unheld = named.filter((rule) => rule.includes(':') && !(ROLES_BY_KIND[rule.split(':')[0] as OrganizationKind] ?? []).includes(rule.split(':')[1] as Role));
          if (unheld.length) failures.push({ operation: field.name, caller: who, kind: 'role refusal', detail: `names roles no one can hold: ${unheld.join(', ')}` });
        }
      });
      await inBatches(tasks);
    }
    expect(refusals).toBeGreaterThan(100);
    expect(failures).toEqual([]);
  }, 300_000);

  it('every query and mutation, as every kind of caller, answers every other hostile kind without an internal error', async () => {
    const failures: Failure[] = [];
    let calls = 0;
    for (const { kind, field } of operations()) {
      const query = documentFor(kind, field);
      const tasks = Object.entries(callers).flatMap(([who, caller]) => [
        ['valid values', () => undefined] as const,
        ...Object.entries(kinds),
      ].map(([kindName, hostile]) => async () => {
        const variables = variablesFor(field.args, field.name, caller);
        let applied = kindName === 'valid values';
        for (const arg of field.args) {
          for (const leaf of leavesOf(arg.type, arg.name, [arg.name], { lists: true })) {
            const current = getAt(variables, leaf.path);
            if (current === undefined) continue;
            const next = (hostile as (l: Leaf, v: unknown) => unknown)(leaf, current);
            if (next === undefined) continue;
            setAt(variables, leaf.path, next);
            applied = true;
          }
        }
        if (!applied) return;
        calls++;
        const res = await call(query, variables, caller.token);
        const problem = internal(res);
        if (problem) failures.push({ operation: field.name, caller: who, kind: kindName, detail: problem });
      }));
      await inBatches(tasks);
    }
    expect(calls).toBeGreaterThan(1000);
    expect(failures).toEqual([]);
  }, 900_000);
});
