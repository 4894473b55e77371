/** The dashboard's typed GraphQL documents, checked against the committed schema (see schema/graphql.ts). */
export { graphql, readFragment } from '../../schema/graphql';
export type { EnumOf, FragmentOf, ResultOf, TadaDocumentNode, VariablesOf } from '../../schema/graphql';
