import type { GatewayExecutor, GatewayInterface, GatewaySchemaLoadOrUpdateCallback } from '@apollo/server-gateway-interface';
import { execute, GraphQLError, isAbstractType, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { executeWithRefusedText } from './input-boundary';

/**
 * Queries run as code compiled once per document by graphql-jit, instead of graphql-js walking the
 * document for every field of every response: a partner's catalog page is about 11,000 fields, and
 * graphql-js builds a path, an info object and a result check for each one on every request.
 *
 * Apollo Server has no executor option; a gateway is its documented seam for running operations
 * another way, and receives each request after Apollo has parsed, validated and run the plugins
 * that refuse a request before execution (limits, input boundary). Errors go back through Apollo's
 * formatting as before. Mutations stay with graphql-js: they return a few fields, so compiling
 * them buys nothing, and they keep its exact ordering and error behaviour.
 *
 * Compiled queries are kept per parsed document, which Apollo itself caches (a size-bounded LRU
 * keyed by the query's hash): a document Apollo drops, its compiled code goes with it.
 */
export function compiledExecution(schema: GraphQLSchema): GatewayInterface {
  // graphql-jit calls `resolveType` synchronously: a promise there would fail every such field at run time.
  for (const type of Object.values(schema.getTypeMap())) {
    if (isAbstractType(type) && type.resolveType?.constructor.name === 'AsyncFunction') {
      throw new Error(`${type.name}: compiled execution needs a synchronous resolveType (type-graphql wraps one given in the decorator in a promise; leave it out to resolve by class).`);
    }
  }
  const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | null>>();

  const compiledFor = (document: DocumentNode, operationName: string | undefined): CompiledQuery | null => {
    let byOperation = compiled.get(document);
    if (!byOperation) compiled.set(document, (byOperation = new Map()));
    const key = operationName ?? '';
    let query = byOperation.get(key);
    if (query === undefined) {
      const made = compileQuery(schema, document, operationName, { disablingCapturingStackErrors: true });
      // What graphql-jit cannot compile runs on graphql-js, which reports it in its own words.
      query = isCompiledQuery(made) ? made : null;
      byOperation.set(key, query);
    }
    return query;
  };

  const run = async ({ document, operation, context, request }: Parameters<GatewayExecutor>[0]): Promise<ExecutionResult> => {
    const operationName = operation.name?.value;
    const query = operation.operation === 'query' ? compiledFor(document, operationName) : null;
    if (!query) return execute({ schema, document, operationName, contextValue: context, variableValues: request.variables });
    const result = (await query.query(undefined, context, request.variables)) as ExecutionResult;
    return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
  };
  // Text the input boundary refused is reported with every other refused field of the operation.
  const executor: GatewayExecutor = (request) => executeWithRefusedText(request.context, () => run(request)) as ReturnType<GatewayExecutor>;

  return {
    onSchemaLoadOrUpdate(callback: GatewaySchemaLoadOrUpdateCallback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    async load() {
      return { executor };
    },
    async stop() {},
  };
}

/**
 * graphql-jit's errors imitate GraphQLError with read-only fields and no `extensions` object when
 * the cause has none; plugins and Apollo's formatting expect graphql-js's own, so each is rebuilt
 * as one, keeping its message, locations, path, cause and extensions.
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  if (Object.getPrototypeOf(error) === GraphQLError.prototype) return error;
  const rebuilt = new GraphQLError(error.message, { path: error.path, originalError: error.originalError ?? undefined, extensions: error.extensions ?? undefined });
  (rebuilt as { locations?: GraphQLError['locations'] }).locations = error.locations;
  return rebuilt;
}
