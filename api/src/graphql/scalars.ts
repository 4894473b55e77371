import { GraphQLError, GraphQLScalarType } from 'graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';

const EARLIEST_INSTANT = new Date('0001-01-01T00:00:00Z').getTime();
const LATEST_INSTANT = new Date('9999-12-31T23:59:59.999Z').getTime();

function bounded(value: unknown): Date {
  const at = value as Date;
  if (!(at instanceof Date) || Number.isNaN(at.getTime()) || at.getTime() < EARLIEST_INSTANT || at.getTime() > LATEST_INSTANT) {
    throw new GraphQLError('Instants must fall between the years 0001 and 9999 (ISO 8601, e.g. 2026-06-01T00:00:00Z).');
  }
  return at;
}

/**
 * `DateTimeISO` as graphql-scalars parses it, limited to the years 0001–9999 that ISO 8601's
 * basic form and PostgreSQL both hold, so an instant that parses is one the database stores.
 */
export const DateTimeISO = new GraphQLScalarType({
  ...GraphQLDateTimeISO.toConfig(),
  parseValue: (value) => bounded(GraphQLDateTimeISO.parseValue(value)),
  parseLiteral: (ast, variables) => bounded(GraphQLDateTimeISO.parseLiteral(ast, variables)),
});
