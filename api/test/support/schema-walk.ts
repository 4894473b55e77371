import { getNamedType, getNullableType, isAbstractType, isInputObjectType, isListType, isObjectType, type GraphQLArgument, type GraphQLField, type GraphQLInputType, type GraphQLSchema } from 'graphql';

/**
 * What the schema-walking tests share: every operation, a document calling it with its arguments
 * as variables, and every leaf under an argument with its path (the `extensions.field` convention:
 * argument name, input field names, list positions as numbers).
 */
export type Path = Array<string | number>;
export type Leaf = { path: Path; type: GraphQLInputType; name: string };
export type Operation = { kind: 'query' | 'mutation'; field: GraphQLField<unknown, unknown> };

/** Every query and mutation, queries first. */
export function operationsOf(schema: GraphQLSchema): Operation[] {
  return [
    ...Object.values(schema.getQueryType()!.getFields()).map((field) => ({ kind: 'query' as const, field })),
    ...Object.values(schema.getMutationType()!.getFields()).map((field) => ({ kind: 'mutation' as const, field })),
  ];
}

/**
 * `kind { field(arg: $var …) { __typename } }`, each argument fed by the variable `variableName`
 * gives it (by default the argument's own name).
 */
export function documentFor(kind: Operation['kind'], field: GraphQLField<unknown, unknown>, variableName: (arg: GraphQLArgument, index: number) => string = (arg) => arg.name): string {
  const defs = field.args.map((a, i) => `$${variableName(a, i)}: ${a.type.toString()}`).join(', ');
  const args = field.args.map((a, i) => `${a.name}: $${variableName(a, i)}`).join(', ');
  const named = getNamedType(field.type);
  const selection = isObjectType(named) || isAbstractType(named) ? '{ __typename }' : '';
  return `${kind}${defs ? `(${defs})` : ''} { ${field.name}${args ? `(${args})` : ''} ${selection} }`;
}

/**
 * Every leaf (scalar or enum) under an input type, with its path and the name of the field it sits
 * in; lists are walked through their first item, and are leaves themselves when `lists` is set.
 */
export function leavesOf(type: GraphQLInputType, name: string, path: Path, options: { lists?: boolean } = {}, depth = 0): Leaf[] {
  const nullable = getNullableType(type) as GraphQLInputType;
  if (depth > 4) return [];
  if (isListType(nullable)) return [...(options.lists ? [{ path, type, name }] : []), ...leavesOf(nullable.ofType as GraphQLInputType, name, [...path, 0], options, depth + 1)];
  if (isInputObjectType(nullable)) return Object.values(nullable.getFields()).flatMap((f) => leavesOf(f.type, f.name, [...path, f.name], options, depth + 1));
  return [{ path, type, name }];
}

/** Puts `value` at `path` inside `root` (whose objects and lists along the path exist). */
export function setAt(root: Record<string, unknown>, path: Path, value: unknown): void {
  let holder = root as Record<string | number, unknown>;
  for (const part of path.slice(0, -1)) holder = holder[part] as Record<string | number, unknown>;
  holder[path[path.length - 1]!] = value;
}
