import { ClassType, Field, ObjectType } from 'type-graphql';

// Plain data without middlewares or field-level rules: graphql's default resolver reads them directly.
@ObjectType({ description: 'Relay-style page information.', simpleResolvers: true })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Pass as `after` to get the next page.' })
  endCursor!: string | null;
}

/** A Relay-style connection of `T` (nodes plus page info). */
export function Connection<T extends object>(name: string, node: ClassType<T>) {
  @ObjectType(`${name}Connection`, { simpleResolvers: true })
  abstract class ConnectionType {
    @Field(() => [node])
    nodes!: T[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }
  return ConnectionType;
}

export function toConnection<T>(page: { nodes: T[]; hasNextPage: boolean; endCursor: string | null }) {
  return { nodes: page.nodes, pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor } };
}
