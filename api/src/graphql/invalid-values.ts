import {
  getNullableType,
  GraphQLError,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isInputType,
  isScalarType,
  Kind,
  typeFromAST,
  type ASTNode,
  type ASTVisitor,
  type GraphQLInputType,
  type SelectionSetNode,
  type ValidationContext,
  type ValueNode,
} from 'graphql';
import { BadUserInputError, type FieldError } from '../domain/errors';
import { fieldPath, type FieldPath } from '../domain/field-path';

/**
 * Values GraphQL cannot read as their type — in variables and in literals alike — refused in our
 * words: BAD_USER_INPUT, reason INVALID_VALUE, `field` the argument path (domain/field-path.ts) and a
 * sentence saying what the field takes (the allowed values of an enum, the range of an Int). GraphQL's
 * own text ("Value … does not exist in … enum", "Variable "$i" got invalid value …") never reaches a client.
 */

type Problem = { path: FieldPath; type: GraphQLInputType; what: 'required' | 'wrong' | 'unknown-field'; value?: unknown; unknownField?: string; node?: ASTNode };

/** GraphQL's Int is 32 bits: the range every Int argument and input field takes, in words. */
export const INT_RANGE = 'a whole number between -2,147,483,648 and 2,147,483,647';

/**
 * What a field of `type` takes, in words. `spellOut` lists an enum's values and an input's fields:
 * only for callers who may read the schema by introspection anyway, never for anonymous ones.
 */
function takes(type: GraphQLInputType, spellOut: boolean): string {
  const nullable = getNullableType(type);
  if (isListType(nullable)) return `a list of ${takes(nullable.ofType, spellOut)}`;
  if (isEnumType(nullable)) return spellOut ? `one of ${nullable.getValues().map((v) => v.name).join(', ')}` : 'one of its allowed values';
  if (isInputObjectType(nullable)) return spellOut ? `an object with the fields ${Object.keys(nullable.getFields()).join(', ')}` : 'an object of its input type';
  switch (nullable.name) {
    case 'Int':
      return INT_RANGE;
    case 'Float':
      return 'a number';
    case 'Boolean':
      return 'true or false';
    case 'String':
      return 'text';
    case 'ID':
      return 'an id';
    case 'DateTimeISO':
      return 'an instant in ISO 8601 between the years 0001 and 9999, e.g. 2026-06-01T00:00:00Z';
    case 'JSONObject':
      return 'a JSON object';
    default:
      return `a ${nullable.name}`;
  }
}

/** What is wrong with `problem`'s value, worded by the type it expected; see `takes` for `spellOut`. */
function wording(problem: Problem, spellOut: boolean): string {
  const field = fieldPath(problem.path);
  const subject = `The value of ${field}`;
  if (problem.what === 'required') return `${subject} is required.`;
  if (problem.what === 'unknown-field') return spellOut ? `${field} has no field "${problem.unknownField}": it takes ${takes(problem.type, true)}.` : `${field} has no field "${problem.unknownField}".`;
  const scalar = getNullableType(problem.type);
  const tooLarge = isScalarType(scalar) && scalar.name === 'Int' && typeof problem.value === 'number' && Number.isInteger(problem.value);
  const fractional = isScalarType(scalar) && scalar.name === 'Int' && typeof problem.value === 'number' && !Number.isInteger(problem.value);
  // Out of the 32-bit range either way: below it is too small, not too large.
  if (tooLarge) return `${subject} is too ${(problem.value as number) < 0 ? 'small' : 'large'}: it must be ${INT_RANGE}.`;
  if (fractional) return `${subject} must be a whole number.`;
  return `${subject} must be ${takes(problem.type, spellOut)}.`;
}

/** BAD_USER_INPUT, reason INVALID_VALUE; carries the same refusal in words for anonymous callers. */
export class InvalidValueError extends BadUserInputError {
  constructor(
    field: string,
    message: string,
    /** Without an enum's values or an input's fields (`takes`). */
    readonly messageForAnonymous: string,
  ) {
    super(field, message);
    this.because('INVALID_VALUE');
  }
}

/** The refusal for `problem`, worded by the type it expected. */
export function invalidValueError(problem: Problem): InvalidValueError {
  return new InvalidValueError(fieldPath(problem.path), wording(problem, true), wording(problem, false));
}

/**
 * Rewords an INVALID_VALUE refusal (`error` or what it wraps) for a caller who may not read the
 * schema: the enum's values and the input's fields are left out. Other errors are left as they are.
 */
export function hideSchemaDetail(error: unknown): void {
  let current: unknown = error;
  for (let i = 0; i < 5 && current; i++) {
    if (current instanceof InvalidValueError) {
      current.message = current.messageForAnonymous;
      return;
    }
    current = (current as { originalError?: unknown }).originalError;
  }
}

const INT_MIN = -2_147_483_648;
const INT_MAX = 2_147_483_647;

/**
 * Numbers an Int cannot take (past its 32 bits, or with a fraction) anywhere in a variable's JSON
 * value `holder[key]` of `type`, each refused in our words naming its argument path, and replaced in
 * place by the nearest whole number an Int takes. The request then runs up to its validation,
 * writing nothing, so that every other refused field is listed beside them (see input-boundary.ts).
 */
export function takeOutUnreadableInts(holder: Record<string | number, unknown>, key: string | number, type: GraphQLInputType, path: FieldPath): FieldError[] {
  const value = holder[key];
  if (value === null || value === undefined) return [];
  const nullable = getNullableType(type) as GraphQLInputType;
  if (isListType(nullable)) {
    if (!Array.isArray(value)) return takeOutUnreadableInts(holder, key, nullable.ofType, path);
    return value.flatMap((_, i) => takeOutUnreadableInts(value as unknown as Record<number, unknown>, i, nullable.ofType, [...path, i]));
  }
  if (isInputObjectType(nullable)) {
    if (typeof value !== 'object' || Array.isArray(value)) return [];
    const fields = nullable.getFields();
    return Object.keys(value).flatMap((name) => (fields[name] ? takeOutUnreadableInts(value as Record<string, unknown>, name, fields[name].type, [...path, name]) : []));
  }
  if (!isScalarType(nullable) || nullable.name !== 'Int' || typeof value !== 'number' || !Number.isFinite(value)) return [];
  if (Number.isInteger(value) && value >= INT_MIN && value <= INT_MAX) return [];
  const error = invalidValueError({ path, type, what: 'wrong', value });
  holder[key] = Math.min(INT_MAX, Math.max(INT_MIN, Math.trunc(value)));
  return [{ field: error.field, message: error.message }];
}

function parses(parse: () => unknown): boolean {
  try {
    return parse() !== undefined;
  } catch {
    return false;
  }
}

/** The first part of a variable's JSON `value` that `type` cannot take, with its path; undefined when all of it can. */
export function valueProblem(value: unknown, type: GraphQLInputType, path: FieldPath): Problem | undefined {
  if (value === null || value === undefined) return isNonNullType(type) ? { path, type, what: 'required' } : undefined;
  const nullable = getNullableType(type) as GraphQLInputType;
  if (isListType(nullable)) {
    if (!Array.isArray(value)) return valueProblem(value, nullable.ofType, path);
    for (const [i, item] of value.entries()) {
      const found = valueProblem(item, nullable.ofType, [...path, i]);
      if (found) return found;
    }
    return undefined;
  }
  if (isInputObjectType(nullable)) {
    if (typeof value !== 'object' || Array.isArray(value)) return { path, type, what: 'wrong', value };
    const fields = nullable.getFields();
    const unknown = Object.keys(value).find((key) => !(key in fields));
    if (unknown !== undefined) return { path, type, what: 'unknown-field', unknownField: unknown };
    for (const field of Object.values(fields)) {
      const given = (value as Record<string, unknown>)[field.name];
      if (given === undefined && field.defaultValue !== undefined) continue;
      const found = valueProblem(given, field.type, [...path, field.name]);
      if (found) return found;
    }
    return undefined;
  }
  const leaf = nullable;
  return parses(() => leaf.parseValue(value)) ? undefined : { path, type, what: 'wrong', value };
}

/** The first part of a literal `node` that `type` cannot take, with its path; variables inside are checked when sent. */
function literalProblem(node: ValueNode, type: GraphQLInputType, path: FieldPath): Problem | undefined {
  if (node.kind === Kind.VARIABLE) return undefined;
  if (node.kind === Kind.NULL) return isNonNullType(type) ? { path, type, what: 'required', node } : undefined;
  const nullable = getNullableType(type) as GraphQLInputType;
  if (isListType(nullable)) {
    if (node.kind !== Kind.LIST) return literalProblem(node, nullable.ofType, path);
    for (const [i, item] of node.values.entries()) {
      const found = literalProblem(item, nullable.ofType, [...path, i]);
      if (found) return found;
    }
    return undefined;
  }
  if (isInputObjectType(nullable)) {
    if (node.kind !== Kind.OBJECT) return { path, type, what: 'wrong', node };
    const fields = nullable.getFields();
    const unknown = node.fields.find((f) => !(f.name.value in fields));
    if (unknown) return { path, type, what: 'unknown-field', unknownField: unknown.name.value, node: unknown };
    for (const field of Object.values(fields)) {
      const given = node.fields.find((f) => f.name.value === field.name);
      if (!given) {
        if (isNonNullType(field.type) && field.defaultValue === undefined) return { path: [...path, field.name], type: field.type, what: 'required', node };
        continue;
      }
      const found = literalProblem(given.value, field.type, [...path, field.name]);
      if (found) return found;
    }
    return undefined;
  }
  const leaf = nullable;
  // Int literals GraphQL refuses are still numbers: keep the number so the words can say "too large".
  const value = node.kind === Kind.INT || node.kind === Kind.FLOAT ? Number(node.value) : undefined;
  return parses(() => leaf.parseLiteral(node, undefined)) ? undefined : { path, type, what: 'wrong', value, node };
}

/**
 * A validation rule for literal arguments (fields and directives): reports the first value its
 * argument's type cannot take, in our words. GraphQL's own report of the same value is dropped by
 * `dropGraphQLValueErrors`.
 */
export function InvalidLiteralRule(context: ValidationContext): ASTVisitor {
  return {
    // A variable's default is a literal too, named by the argument path the variable feeds.
    OperationDefinition(operation) {
      for (const definition of operation.variableDefinitions ?? []) {
        if (!definition.defaultValue) continue;
        const type = typeFromAST(context.getSchema(), definition.type);
        if (!type || !isInputType(type)) continue;
        const name = definition.variable.name.value;
        const problem = literalProblem(definition.defaultValue, type, variableUsePath(operation, name, context) ?? [name]);
        if (problem) {
          const error = invalidValueError(problem);
          context.reportError(new GraphQLError(error.message, { nodes: problem.node ?? definition.defaultValue, originalError: error }));
        }
      }
    },
    Argument(node) {
      const argument = context.getArgument();
      if (!argument) return false;
      const problem = literalProblem(node.value, argument.type, [node.name.value]);
      if (problem) {
        const error = invalidValueError(problem);
        context.reportError(new GraphQLError(error.message, { nodes: problem.node ?? node.value, originalError: error }));
      }
      return false;
    },
  };
}

/** The argument path where `name` is first used in `node`'s selections (its fragments included), e.g. `input.title`. */
function variableUsePath(node: { selectionSet?: SelectionSetNode }, name: string, context: ValidationContext, seen = new Set<string>()): FieldPath | undefined {
  const inValue = (value: ValueNode, path: FieldPath): FieldPath | undefined => {
    if (value.kind === Kind.VARIABLE) return value.name.value === name ? path : undefined;
    if (value.kind === Kind.LIST) return value.values.map((item, i) => inValue(item, [...path, i])).find(Boolean);
    if (value.kind === Kind.OBJECT) return value.fields.map((f) => inValue(f.value, [...path, f.name.value])).find(Boolean);
    return undefined;
  };
  for (const selection of node.selectionSet?.selections ?? []) {
    const args = [...(selection.kind === Kind.FIELD ? (selection.arguments ?? []) : []), ...(selection.directives ?? []).flatMap((d) => d.arguments ?? [])];
    const found = args.map((arg) => inValue(arg.value, [arg.name.value])).find(Boolean);
    if (found) return found;
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const fragment = seen.has(selection.name.value) ? undefined : context.getFragment(selection.name.value);
      seen.add(selection.name.value);
      const inFragment = fragment && variableUsePath(fragment, name, context, seen);
      if (inFragment) return inFragment;
      continue;
    }
    const nested = variableUsePath(selection, name, context, seen);
    if (nested) return nested;
  }
  return undefined;
}

/** GraphQL's ValuesOfCorrectType wording, which our rule reports in its own words at the same place. */
const GRAPHQL_VALUE_ERROR = /cannot represent|does not exist in ".*" enum|Expected value of type|of required type ".*" was not provided|is not defined by type|Expected type/;

/** Keeps our INVALID_VALUE errors and drops GraphQL's own report of the same values. */
export function dropGraphQLValueErrors<E extends { message: string; extensions?: Record<string, unknown> }>(errors: readonly E[]): E[] {
  if (!errors.some((e) => e.extensions?.reason === 'INVALID_VALUE')) return [...errors];
  return errors.filter((e) => e.extensions?.reason === 'INVALID_VALUE' || !(e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED' && GRAPHQL_VALUE_ERROR.test(e.message)));
}
