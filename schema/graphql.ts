/**
 * Typed GraphQL documents for every client of the API — the dashboard, the browser journeys and the
 * API tests. `graphql(…)` checks a document against the committed schema at compile time (through
 * `graphql-env.d.ts`, generated from `schema.graphql` by `npm run schema:generate`), so a field the
 * API does not have fails `npm run typecheck` instead of a page at run time.
 */
import { initGraphQLTada } from 'gql.tada';
import type { introspection } from './graphql-env.d.ts';

export const graphql = initGraphQLTada<{
  introspection: introspection;
  // Loaders serialize what they return, so masking would only add unwrapping: a component's props
  // are its fragment's result type, and a query spreading that fragment carries those fields.
  disableMasking: true;
  scalars: {
    /** RFC 3339 date-time at UTC, as the API serializes it. */
    DateTimeISO: string;
    JSONObject: Record<string, unknown>;
  };
}>();

export { readFragment } from 'gql.tada';
export type { FragmentOf, ResultOf, VariablesOf, TadaDocumentNode } from 'gql.tada';

type SchemaTypes = introspection['types'];

/** The values of one of the schema's enums, e.g. `EnumOf<'Role'>`. */
export type EnumOf<Name extends { [K in keyof SchemaTypes]: SchemaTypes[K] extends { enumValues: string } ? K : never }[keyof SchemaTypes]> =
  SchemaTypes[Name] extends { enumValues: infer Values } ? Values : never;
