import type { ApolloServerPlugin, GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLArmorRejectCallback } from '@escape.tech/graphql-armor-types';
import {
  getNamedType,
  getNullableType,
  GraphQLError,
  isLeafType,
  isListType,
  Kind,
  type ASTNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import type { Config } from '../config';
import { DomainError, UnauthenticatedError } from '../domain/errors';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../modules/common/pagination';
import type { GraphQLContext } from './context';
import { hideSchemaDetail } from './invalid-values';

export type QueryLimits = Config['graphqlLimits'];
export type QueryLimitName = 'depth' | 'cost' | 'aliases' | 'fieldRepeats' | 'directives' | 'tokens';

/** A query refused before it runs because it is too large; clients see BAD_USER_INPUT with the limit. */
export class QueryLimitExceeded extends DomainError {
  readonly code = 'BAD_USER_INPUT' as const;
  constructor(limit: QueryLimitName, maximum: number, value: number | undefined, message: string) {
    super(message);
    Object.assign(this.details, { limit, maximum }, value === undefined ? {} : { value });
  }
}

/** A validation error carrying the limit, so formatError keeps its code and details. */
function limitError(exceeded: QueryLimitExceeded, nodes?: ASTNode[]): GraphQLError {
  return new GraphQLError(exceeded.message, { nodes, originalError: exceeded });
}

/** graphql-armor's messages end in "found N."; the number is what the client needs to see. */
function found(error: GraphQLError): number | undefined {
  const match = /found (\d+)\.$/.exec(error.message);
  return match ? Number(match[1]) : undefined;
}

function reportAs(limit: QueryLimitName, maximum: number, describe: (value: number | undefined) => string): GraphQLArmorRejectCallback {
  return (context, error) => {
    const value = found(error);
    context?.reportError(limitError(new QueryLimitExceeded(limit, maximum, value, describe(value))));
  };
}

/** Depth, alias, directive and repeated-field limits, checked while the query is validated. */
export function queryLimitRules(limits: QueryLimits): ValidationRule[] {
  const armor = new ApolloArmor({
    maxDepth: {
      n: limits.maxDepth,
      // Fragments do not make a query deeper; only nested fields do.
      flattenFragments: true,
      propagateOnRejection: false,
      onReject: [reportAs('depth', limits.maxDepth, (n) => `Query depth ${n ?? 'above the limit'} exceeds the maximum of ${limits.maxDepth}.`)],
    },
    maxAliases: {
      n: limits.maxAliases,
      propagateOnRejection: false,
      onReject: [reportAs('aliases', limits.maxAliases, (n) => `Query uses ${n ?? 'too many'} aliases; the maximum is ${limits.maxAliases}.`)],
    },
    maxDirectives: {
      n: limits.maxDirectives,
      propagateOnRejection: false,
      onReject: [reportAs('directives', limits.maxDirectives, (n) => `Query uses ${n ?? 'too many'} directives; the maximum is ${limits.maxDirectives}.`)],
    },
    // Tokens are capped by the parser itself (`parseOptions`), cost with page sizes below, and
    // suggestions by `hideSuggestionsPlugin`.
    maxTokens: { enabled: false },
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: false },
  });
  return [...(armor.protect().validationRules as ValidationRule[]), fieldRepeatsRule(limits.maxFieldRepeats)];
}

/**
 * Selecting one field many times in a selection set (`kind kind kind …`, or through fragments on
 * the same type) returns nothing new but multiplies validation and execution work.
 */
export function fieldRepeatsRule(maximum: number): ValidationRule {
  return (context: ValidationContext) => {
    const fragmentCounts = new Map<string, Map<string, number>>();
    let reported = false;

    const count = (selectionSet: SelectionSetNode, typeName: string, active: Set<string>): Map<string, number> => {
      const counts = new Map<string, number>();
      const add = (key: string, n: number) => counts.set(key, (counts.get(key) ?? 0) + n);
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          add(`${typeName}.${selection.alias?.value ?? selection.name.value}`, 1);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          for (const [key, n] of count(selection.selectionSet, selection.typeCondition?.name.value ?? typeName, active)) add(key, n);
        } else {
          const name = selection.name.value;
          if (active.has(name)) continue;
          let inner = fragmentCounts.get(name);
          if (!inner) {
            const fragment: FragmentDefinitionNode | null | undefined = context.getFragment(name);
            if (!fragment) continue;
            active.add(name);
            inner = count(fragment.selectionSet, fragment.typeCondition.name.value, active);
            active.delete(name);
            fragmentCounts.set(name, inner);
          }
          for (const [key, n] of inner) add(key, n);
        }
      }
      return counts;
    };

    return {
      SelectionSet(node) {
        if (reported) return;
        for (const [key, n] of count(node, context.getParentType()?.name ?? '', new Set())) {
          if (n <= maximum) continue;
          const field = key.slice(key.indexOf('.') + 1);
          const message = `Field "${field}" is selected ${n} times in one selection; the maximum is ${maximum}.`;
          context.reportError(limitError(new QueryLimitExceeded('fieldRepeats', maximum, n, message), [node]));
          reported = true;
          return;
        }
      },
    };
  };
}

/** The parser stops at `maxTokens` (Apollo's `parseOptions`) with a syntax error; this names the limit. */
export function tokenLimitOf(formatted: GraphQLFormattedError): QueryLimitExceeded | undefined {
  if (formatted.extensions?.code !== 'GRAPHQL_PARSE_FAILED') return undefined;
  // graphql 16 spells it "more that N tokens".
  const match = /Document contains more tha[nt] (\d+) tokens/.exec(formatted.message);
  if (!match) return undefined;
  const maximum = Number(match[1]);
  return new QueryLimitExceeded('tokens', maximum, undefined, `Query has more than ${maximum} tokens; the maximum is ${maximum}.`);
}

/** Lists without `first`/`last` are short by design (a case's verdicts, a refusal's reasons). */
const UNPAGED_LIST_SIZE = 5;

/**
 * Cost is roughly the number of objects a query can return. An object counts 1 and a scalar 0.
 * A paged list counts `first`/`last` items (at most the largest page; the default page size when
 * not given), a plain list 5. A connection counts 1 plus its page size times what each page item
 * asks for (its `nodes` are counted there, not again).
 */
export const costEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  // Introspection is gated on sign-in instead; its type graph is deep but cheap.
  if (field.name.startsWith('__')) return 0;
  if (isLeafType(getNamedType(field.type))) return 0;
  const perItem = 1 + childComplexity;
  if (type.name.endsWith('Connection')) return perItem;
  const paged = field.args.some((arg) => arg.name === 'first' || arg.name === 'last');
  if (paged) return isListType(getNullableType(field.type)) ? pageSizeOf(args) * perItem : 1 + pageSizeOf(args) * childComplexity;
  return isListType(getNullableType(field.type)) ? UNPAGED_LIST_SIZE * perItem : perItem;
};

function pageSizeOf(args: Record<string, unknown>): number {
  const requested = [args.first, args.last].find((n): n is number => typeof n === 'number');
  return requested === undefined ? DEFAULT_PAGE_SIZE : Math.min(Math.max(requested, 0), MAX_PAGE_SIZE);
}

/** Raised by graphql-query-complexity when fragments expand beyond what it will walk. */
const TOO_MANY_NODES = /maximum allowed number of nodes/;

/**
 * The variables a document's cost can depend on: those given as a page size (`first`/`last`) or to
 * a directive (`@skip`/`@include`). Every other variable (a cursor, a filter) leaves the cost as it is.
 */
function costVariablesOf(document: DocumentNode): string[] {
  const names = new Set<string>();
  const collect = (node: unknown, counts: boolean): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach((item) => collect(item, counts));
    const n = node as { kind?: string; name?: { value: string }; value?: unknown; arguments?: unknown };
    if (n.kind === Kind.VARIABLE && counts) names.add(n.name!.value);
    if (n.kind === Kind.VARIABLE_DEFINITION) return;
    if (n.kind === Kind.DIRECTIVE) return collect(n.arguments, true);
    if (n.kind === Kind.ARGUMENT) return collect(n.value, counts || n.name!.value === 'first' || n.name!.value === 'last');
    for (const [key, value] of Object.entries(n)) if (key !== 'loc') collect(value, counts);
  };
  collect(document.definitions, false);
  return [...names].sort();
}

/**
 * Costs already worked out, per document and the values of its cost variables: a partner syncing
 * sends one document again and again with only its cursor changed, and walking the whole query
 * for its cost was a measurable part of each catalog request. Only costs that came out as a number
 * are kept; the document (kept by Apollo's parsed-document cache) holds them, so they go with it.
 */
const knownCosts = new WeakMap<DocumentNode, { variables: string[]; byValues: Map<string, number> }>();
const MAX_COSTS_PER_DOCUMENT = 100;

function costOf(requestContext: GraphQLRequestContextDidResolveOperation<GraphQLContext>): number | 'too large' | undefined {
  const { schema, document, operation, request } = requestContext;
  let known = knownCosts.get(document);
  if (!known) knownCosts.set(document, (known = { variables: costVariablesOf(document), byValues: new Map() }));
  const key = JSON.stringify([operation?.name?.value ?? null, ...known.variables.map((name) => request.variables?.[name] ?? null)]);
  const remembered = known.byValues.get(key);
  if (remembered !== undefined) return remembered;
  try {
    const cost = getComplexity({ schema, query: document, operationName: operation?.name?.value, variables: request.variables ?? {}, estimators: [costEstimator] });
    if (known.byValues.size < MAX_COSTS_PER_DOCUMENT) known.byValues.set(key, cost);
    return cost;
  } catch (error) {
    if (error instanceof Error && TOO_MANY_NODES.test(error.message)) return 'too large';
    // Variables that do not fit the operation: execution refuses them with a precise message.
    return undefined;
  }
}

function selectsIntrospection(operation: OperationDefinitionNode, fragment: (name: string) => FragmentDefinitionNode | undefined): boolean {
  // __schema and __type exist only on the query root, so root selections (through fragments) suffice.
  const seen = new Set<string>();
  const visit = (selectionSet: SelectionSetNode): boolean =>
    selectionSet.selections.some((selection) => {
      if (selection.kind === Kind.FIELD) return selection.name.value === '__schema' || selection.name.value === '__type';
      if (selection.kind === Kind.INLINE_FRAGMENT) return visit(selection.selectionSet);
      if (seen.has(selection.name.value)) return false;
      seen.add(selection.name.value);
      const definition = fragment(selection.name.value);
      return definition ? visit(definition.selectionSet) : false;
    });
  return visit(operation.selectionSet);
}

/**
 * Before execution: refuses schema introspection to anonymous callers and queries costing more
 * than `maxCost`. Every response that got that far reports `extensions.cost`.
 */
export function queryLimitsPlugin(limits: QueryLimits): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      let requested: number | undefined;
      return {
        async didResolveOperation(requestContext) {
          const { document, operation, contextValue } = requestContext;
          if (!operation) return;
          if (contextValue.actor.kind === 'anonymous') {
            const fragments = new Map(document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
            if (selectsIntrospection(operation, (name) => fragments.get(name))) {
              const refusal = contextValue.authFailure ?? new UnauthenticatedError('Sign in or use an API key to read the schema.');
              throw new GraphQLError(refusal.message, { originalError: refusal, extensions: { http: { status: 401 } } });
            }
          }
          const cost = costOf(requestContext);
          if (cost === 'too large') {
            const message = `Query is too large to cost; the maximum cost is ${limits.maxCost}. Ask for fewer fields or fragments.`;
            throw new GraphQLError(message, { originalError: new QueryLimitExceeded('cost', limits.maxCost, undefined, message), extensions: { http: { status: 400 } } });
          }
          if (cost === undefined) return;
          requested = cost;
          if (cost > limits.maxCost) {
            const message = `Query cost ${cost} exceeds the maximum of ${limits.maxCost}. Ask for smaller pages (first/last) or fewer nested lists.`;
            throw new GraphQLError(message, { originalError: new QueryLimitExceeded('cost', limits.maxCost, cost, message), extensions: { http: { status: 400 } } });
          }
        },
        async willSendResponse({ response }) {
          if (requested === undefined || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, cost: { requested, maximum: limits.maxCost } };
        },
      };
    },
  };
}

/**
 * Production: drops "Did you mean …?" from every error, so unknown fields, enum values and input
 * fields do not spell out the schema (Apollo's own switch covers validation errors only, not
 * variables). What a value may be (an enum's values, an input's fields) is said only to callers who
 * may read the schema by introspection anyway: not to anonymous ones.
 */
export const hideSuggestionsPlugin: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors, contextValue }) {
        for (const error of errors) {
          error.message = error.message.replace(/ ?Did you mean .+?\?$/, '');
          if (contextValue.actor.kind === 'anonymous') hideSchemaDetail(error);
        }
      },
    };
  },
};
