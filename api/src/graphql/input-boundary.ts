import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, typeFromAST, type ArgumentNode, type DocumentNode, type ExecutionResult, type GraphQLInputType, type GraphQLSchema, type OperationDefinitionNode, type ValueNode } from 'graphql';
import { BadUserInputError, DomainError, type FieldError } from '../domain/errors';
import { fieldPath } from '../domain/field-path';
import { acceptText, withoutRefusedCharacters } from '../domain/text-input';
import { refusedInput, withRefusedText } from '../domain/validation';
import type { GraphQLContext } from './context';
import { dropGraphQLValueErrors, invalidValueError, takeOutUnreadableInts, valueProblem } from './invalid-values';

type Path = Array<string | number>;

const refusal = (error: BadUserInputError) => new GraphQLError(error.message, { originalError: error, extensions: { http: { status: 400 } } });

/**
 * Text `acceptText` refused in a request (and numbers an Int cannot take), each named by its field (`extensions.field` names the
 * field apart; the sentence is the problem alone, for a person to read beside that field).
 */
const refusedTextOf = new WeakMap<object, FieldError[]>();
/** Which of those fields are numbers an Int cannot take: an answer led by one says INVALID_VALUE. */
const invalidValuesOf = new WeakMap<object, Set<string>>();

/**
 * Each variable's value against its declared type, before execution: a number an Int cannot take
 * joins the refused text (the request runs to its validation, writing nothing, and lists every
 * refused field at once); otherwise the first part it cannot take is refused in our words
 * (invalid-values.ts), named by the argument path the variable feeds.
 */
function checkVariables(schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Record<string, unknown>, variableUse: Map<string, Path>, refusedText: FieldError[], invalidValues: Set<string>): void {
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const type = typeFromAST(schema, definition.type) as GraphQLInputType | undefined;
    if (!type) continue;
    if (variables[name] === undefined && definition.defaultValue) continue;
    // A number an Int cannot take is refused like refused text: beside every other refused field.
    const unreadable = takeOutUnreadableInts(variables, name, type, variableUse.get(name) ?? [name]);
    refusedText.push(...unreadable);
    for (const e of unreadable) invalidValues.add(e.field);
    const problem = valueProblem(variables[name], type, variableUse.get(name) ?? [name]);
    if (problem) {
      // A value of the wrong type stops the request before execution: the refused text goes with it.
      const error = invalidValueError(problem);
      error.details.fieldErrors = [{ field: error.field, message: error.message }, ...refusedText];
      throw refusal(error);
    }
  }
}

/**
 * Walks every string literal in the document's arguments (fields and directives, in the operation
 * and its fragments, and variable defaults), refusing and normalizing each through `acceptText`.
 * Records where each variable is used, so that a problem inside a variable is named by the
 * argument path it feeds (`input.title`), as every other BAD_USER_INPUT is.
 */
function walkDocument(document: DocumentNode, refused: FieldError[]): Map<string, Path> {
  const variableUse = new Map<string, Path>();
  const value = (node: ValueNode, path: Path): void => {
    switch (node.kind) {
      case Kind.STRING: {
        const accepted = acceptText(node.value);
        // A cached document is shared by later requests: a refused literal stays as sent (and is refused again).
        if (!accepted.ok) return void refused.push({ field: fieldPath(path), message: accepted.problem });
        // Idempotent, so a cached document normalized once stays right for every request.
        if (accepted.text !== node.value) (node as { value: string }).value = accepted.text;
        return;
      }
      case Kind.LIST:
        node.values.forEach((item, i) => value(item, [...path, i]));
        return;
      case Kind.OBJECT:
        for (const field of node.fields) value(field.value, [...path, field.name.value]);
        return;
      case Kind.VARIABLE:
        if (!variableUse.has(node.name.value)) variableUse.set(node.name.value, path);
        return;
      default:
        return;
    }
  };
  const args = (nodes: readonly ArgumentNode[] | undefined) => nodes?.forEach((arg) => value(arg.value, [arg.name.value]));
  const visitAll = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visitAll);
    const n = node as { kind?: string; arguments?: readonly ArgumentNode[]; variable?: { name: { value: string } }; defaultValue?: ValueNode; directives?: unknown; selectionSet?: unknown; variableDefinitions?: unknown; definitions?: unknown };
    if (n.kind === Kind.FIELD || n.kind === Kind.DIRECTIVE) args(n.arguments);
    if (n.kind === Kind.VARIABLE_DEFINITION && n.defaultValue) value(n.defaultValue, [n.variable!.name.value]);
    visitAll(n.definitions);
    visitAll(n.variableDefinitions);
    visitAll(n.directives);
    visitAll((n.selectionSet as { selections?: unknown } | undefined)?.selections);
  };
  visitAll(document);
  return variableUse;
}

/**
 * Refuses and normalizes every string inside one variable's JSON value, in place. A refused string
 * goes on without what was refused in it, so the rest of its field's rules (blank, length) speak of
 * the text a person can see.
 */
function walkVariable(holder: Record<string | number, unknown>, key: string | number, path: Path, refused: FieldError[]): void {
  const current = holder[key];
  if (typeof current === 'string') {
    const accepted = acceptText(current);
    if (!accepted.ok) refused.push({ field: fieldPath(path), message: accepted.problem });
    holder[key] = accepted.ok ? accepted.text : withoutRefusedCharacters(current).normalize('NFC');
  } else if (Array.isArray(current)) {
    current.forEach((_, i) => walkVariable(current as unknown as Record<number, unknown>, i, [...path, i], refused));
  } else if (current && typeof current === 'object') {
    for (const k of Object.keys(current)) walkVariable(current as Record<string, unknown>, k, [...path, k], refused);
  }
}

function badUserInputOf(error: unknown): BadUserInputError | undefined {
  let current: unknown = error;
  for (let i = 0; i < 5 && current; i++) {
    if (current instanceof BadUserInputError) return current;
    if (current instanceof DomainError) return undefined;
    current = (current as { originalError?: unknown }).originalError;
  }
  return undefined;
}

/**
 * Executes a request whose text the boundary refused, if it did: the operation runs with that text
 * known (`withRefusedText`), so its own validation reports every other refused field beside it and
 * it writes nothing; the answer is one BAD_USER_INPUT listing them all, whatever the operation did.
 */
export async function executeWithRefusedText(context: object, execute: () => Promise<ExecutionResult>): Promise<ExecutionResult> {
  const refused = refusedTextOf.get(context) ?? [];
  if (!refused.length) return execute();
  const result = await withRefusedText(refused, execute);
  const others = (result.errors ?? []).map(badUserInputOf).find((e) => e !== undefined);
  const fieldErrors = (others?.details.fieldErrors as FieldError[] | undefined) ?? [];
  const error = refusedInput([...refused, ...fieldErrors]);
  if (invalidValuesOf.get(context)?.has(error.field)) error.because('INVALID_VALUE');
  return { data: null, errors: [refusal(error)] };
}

/**
 * The boundary for input: before any resolver runs, every string the client sent — literals and
 * variables alike — passes one rule (`acceptText`), so a new field or argument cannot forget it, and
 * every variable is checked against its type, refused in our words naming the argument path.
 */
export const textInputPlugin: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ document, request, operation, schema, contextValue }) {
        const refused: FieldError[] = [];
        const variableUse = walkDocument(document, refused);
        const variables = request.variables ?? {};
        for (const name of Object.keys(variables)) walkVariable(variables, name, variableUse.get(name) ?? [name], refused);
        const invalidValues = new Set<string>();
        if (operation) checkVariables(schema, operation, variables, variableUse, refused, invalidValues);
        refusedTextOf.set(contextValue, refused);
        invalidValuesOf.set(contextValue, invalidValues);
      },
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single' || !response.body.singleResult.errors) return;
        response.body.singleResult.errors = dropGraphQLValueErrors(response.body.singleResult.errors);
      },
    };
  },
};
