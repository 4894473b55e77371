import {
  getNamedType,
  getNullableType,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isListType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGreenlightSchema } from '../src/graphql/schema';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { seriesWithEpisodes } from './support/catalog';
import { documentFor, leavesOf, operationsOf, setAt, type Leaf, type Path } from './support/schema-walk';
import { TestServer } from './support/server';

/**
 * `extensions.field` follows one convention (domain/field-path.ts): the path into the operation's
 * arguments, dots between parts, list positions as numbers. This walks every query and mutation: its
 * variables are named `$v0`, `$v1`… (never the argument's name, so a path built from the variable
 * shows), and each argument and input field in turn gets a value of the wrong type — which must be
 * refused as INVALID_VALUE naming exactly that path in our words — or a blank or unknown value, whose
 * refusal by a service must name a path that exists in the operation's arguments.
 */
let server: TestServer;
let schema: GraphQLSchema;
const callers: Record<string, string> = {};
let seriesId: string;

beforeAll(async () => {
  server = await TestServer.start({ USER_RATE_LIMIT_PER_MINUTE: '1000000', ANONYMOUS_RATE_LIMIT_PER_MINUTE: '1000000' });
  schema = await buildGreenlightSchema();
  const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER, 'Paths');
  const admin = await server.member(OrganizationKind.OPERATOR, Role.ADMIN, 'Paths');
  seriesId = await seriesWithEpisodes(server, owner.token, owner.organizationId, 1);
  callers.owner = owner.token;
  callers.admin = admin.token;
}, 120_000);
afterAll(() => server?.stop());

function baseline(type: GraphQLInputType, name: string): unknown {
  const nullable = getNullableType(type) as GraphQLInputType;
  if (isListType(nullable)) return [baseline(nullable.ofType as GraphQLInputType, name)];
  if (isInputObjectType(nullable)) return Object.fromEntries(Object.values(nullable.getFields()).map((f) => [f.name, baseline(f.type, f.name)]));
  if (isEnumType(nullable)) return nullable.getValues()[0]!.value as string;
  switch ((nullable as { name: string }).name) {
    case 'Int':
      return 1;
    case 'Float':
      return 1.5;
    case 'Boolean':
      return false;
    case 'DateTimeISO':
      return '2026-06-01T00:00:00.000Z';
    case 'JSONObject':
      return {};
    case 'ID':
      return name.toLowerCase().includes('series') ? seriesId : randomUUID();
    default:
      return name.toLowerCase().includes('territor') ? 'US' : name.toLowerCase().includes('language') ? 'en' : 'Path text';
  }
}

/** A value GraphQL cannot read as the leaf's type. */
function wrongValue(leaf: Leaf): unknown {
  const named = getNamedType(leaf.type);
  if (isEnumType(named)) return 'BOGUS';
  switch (named.name) {
    case 'Int':
      return 2 ** 40;
    case 'Float':
    case 'Boolean':
    case 'JSONObject':
      return 'not that';
    case 'DateTimeISO':
      return 'yesterday';
    case 'ID':
      return 7.5;
    default:
      return 12;
  }
}

/** A value of the right type that services refuse: blank text, an id of nothing, a negative number. */
function refusedValue(leaf: Leaf): unknown {
  const named = getNamedType(leaf.type);
  if (isEnumType(named)) return undefined;
  switch (named.name) {
    case 'Int':
    case 'Float':
      return -1;
    case 'ID':
      return 'not-an-id';
    case 'String':
      return ' ';
    default:
      return undefined;
  }
}

/** Whether `field` (dots) names an argument of `args`, or a field or list position inside one. */
function isArgumentPath(field: string, args: readonly GraphQLArgument[]): boolean {
  const [first, ...rest] = field.split('.');
  let type: GraphQLInputType | undefined = args.find((a) => a.name === first)?.type;
  for (const part of rest) {
    if (!type) return false;
    const nullable = getNullableType(type) as GraphQLInputType;
    if (isListType(nullable) && /^\d+$/.test(part)) type = nullable.ofType as GraphQLInputType;
    else if (isInputObjectType(nullable)) type = nullable.getFields()[part]?.type;
    else return false;
  }
  return type !== undefined;
}

/** Marks the leaf a literal writes wrongly: an unknown enum value, or an Int beyond 32 bits. */
const WRONG = Symbol('wrong');

/** `value` as a GraphQL literal of `type`, with the WRONG leaf written as BOGUS (enum) or 2^40 (Int). */
function literalOf(value: unknown, type: GraphQLInputType): string {
  const nullable = getNullableType(type) as GraphQLInputType;
  if (value === WRONG) return isEnumType(nullable) ? 'BOGUS' : String(2 ** 40);
  if (value === null || value === undefined) return 'null';
  if (isListType(nullable)) return `[${(value as unknown[]).map((v) => literalOf(v, nullable.ofType as GraphQLInputType)).join(', ')}]`;
  if (isInputObjectType(nullable)) {
    const fields = nullable.getFields();
    return `{ ${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}: ${literalOf(v, fields[k]!.type)}`).join(', ')} }`;
  }
  if (isEnumType(nullable)) return String(value);
  if (getNamedType(nullable).name === 'JSONObject') return '{}';
  return JSON.stringify(value);
}

type Errors = Array<{ message: string; extensions: Record<string, unknown> }>;

async function call(query: string, variables: Record<string, unknown>, token: string): Promise<Errors> {
  const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  return ((await res.json()) as { errors?: Errors }).errors ?? [];
}

/** Mutations that would end the walk's own sessions or memberships. */
const SKIPPED = new Set(['signOut', 'removeMember', 'changeMemberRole', 'setOrganizationSuspended', 'revokeApiKey']);

function operations() {
  return operationsOf(schema).filter(({ field }) => field.args.length && !SKIPPED.has(field.name));
}

const GRAPHQL_TEXT = /Variable "\$|got invalid value|cannot represent|does not exist in|Expected type|\$v\d|\[\d+\]/;

async function inBatches(tasks: Array<() => Promise<void>>, width = 6): Promise<void> {
  for (let i = 0; i < tasks.length; i += width) await Promise.all(tasks.slice(i, i + width).map((t) => t()));
}

/** Variables named `$v0`, `$v1`…, never after the argument, so a path built from a variable's name shows. */
const byPosition = (_arg: GraphQLArgument, i: number) => `v${i}`;
const variablesOf = (args: readonly GraphQLArgument[]) => Object.fromEntries(args.map((a, i) => [`v${i}`, baseline(a.type, a.name)]));
const asVariablePath = (path: Path, args: readonly GraphQLArgument[]): Path => [`v${args.findIndex((a) => a.name === path[0])}`, ...path.slice(1)];

describe('every field path names the argument path, dots and positions', () => {
  it('a value of the wrong type anywhere is INVALID_VALUE naming exactly its path, in our words', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const { kind, field } of operations()) {
      const query = documentFor(kind, field, byPosition);
      const tasks = field.args.flatMap((arg) =>
        leavesOf(arg.type, arg.name, [arg.name]).map((leaf) => async () => {
          const variables = variablesOf(field.args);
          setAt(variables, asVariablePath(leaf.path, field.args), wrongValue(leaf));
          checked++;
          const errors = await call(query, variables, callers.owner!);
          const expected = leaf.path.join('.');
          const error = errors[0];
          if (errors.length !== 1 || error?.extensions.reason !== 'INVALID_VALUE' || error.extensions.field !== expected || GRAPHQL_TEXT.test(error.message)) {
            failures.push(`${field.name} ${expected}: ${errors.length} errors, ${String(error?.extensions.reason)} ${String(error?.extensions.field)} "${error?.message}"`);
          }
          const enumType = getNamedType(leaf.type);
          if (isEnumType(enumType) && error && !enumType.getValues().every((v) => error.message.includes(v.name))) {
            failures.push(`${field.name} ${expected}: the allowed values are not named: "${error.message}"`);
          }
        }),
      );
      await inBatches(tasks);
    }
    expect(checked).toBeGreaterThan(150);
    expect(failures).toEqual([]);
  }, 600_000);

  it('a literal of the wrong type is refused just as the same value in a variable', async () => {
    // Each argument holding an enum or Int, written out as a literal with that leaf wrong: the literal
    // is judged by the validation rule, before any variable, and must read the same.
    const failures: string[] = [];
    let checked = 0;
    for (const { kind, field } of operations()) {
      for (const arg of field.args) {
        const leaf = leavesOf(arg.type, arg.name, [arg.name]).find((l) => isEnumType(getNamedType(l.type)) || getNamedType(l.type).name === 'Int');
        if (!leaf) continue;
        const value = { [arg.name]: baseline(arg.type, arg.name) };
        setAt(value, leaf.path, WRONG);
        const others = field.args.filter((a) => a !== arg);
        const defs = others.map((a, i) => `$v${i}: ${a.type.toString()}`).join(', ');
        const args = [...others.map((a, i) => `${a.name}: $v${i}`), `${arg.name}: ${literalOf(value[arg.name], arg.type)}`].join(', ');
        const named = getNamedType(field.type);
        const query = `${kind}${defs ? `(${defs})` : ''} { ${field.name}(${args}) ${isObjectType(named) || isAbstractType(named) ? '{ __typename }' : ''} }`;
        checked++;
        const errors = await call(query, variablesOf(others), callers.owner!);
        const expected = leaf.path.join('.');
        if (errors.length !== 1 || errors[0]!.extensions.reason !== 'INVALID_VALUE' || errors[0]!.extensions.field !== expected || GRAPHQL_TEXT.test(errors[0]!.message)) {
          failures.push(`${field.name} ${expected}: ${JSON.stringify(errors.map((e) => [e.message, e.extensions.field]))}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(failures).toEqual([]);
  }, 300_000);

  it('a service refusing a blank, negative or unknown value names a path that exists in the operation’s arguments', async () => {
    const failures: string[] = [];
    let named = 0;
    for (const { kind, field } of operations()) {
      const query = documentFor(kind, field, byPosition);
      const tasks = field.args.flatMap((arg) =>
        leavesOf(arg.type, arg.name, [arg.name]).flatMap((leaf) =>
          Object.entries(callers).map(([who, token]) => async () => {
            const value = refusedValue(leaf);
            if (value === undefined) return;
            const variables = variablesOf(field.args);
            setAt(variables, asVariablePath(leaf.path, field.args), value);
            for (const error of await call(query, variables, token)) {
              const path = error.extensions.field;
              if (error.extensions.code === 'BAD_USER_INPUT' && typeof path !== 'string') failures.push(`${field.name} as ${who}: BAD_USER_INPUT without a field: ${error.message}`);
              if (typeof path !== 'string') continue;
              named++;
              if (!isArgumentPath(path, field.args)) failures.push(`${field.name} as ${who}, ${leaf.path.join('.')} = ${JSON.stringify(value)}: field "${path}" is not a path in (${field.args.map((a) => a.name).join(', ')})`);
            }
          }),
        ),
      );
      await inBatches(tasks);
    }
    expect(named).toBeGreaterThan(50);
    expect(failures).toEqual([]);
  }, 600_000);
});
