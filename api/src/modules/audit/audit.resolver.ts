import { Arg, Ctx, ID, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { Allow, ORGANIZATION_MANAGERS } from '../../graphql/access';
import { Connection, toConnection } from '../../graphql/connection';
import type { GraphQLContext } from '../../graphql/context';
import { AuditEvent } from './audit-event.entity';

@ObjectType()
export class AuditEventConnection extends Connection('AuditEvent', AuditEvent) {}

@Resolver()
export class AuditResolver {
  @Allow(...ORGANIZATION_MANAGERS)
  @Query(() => AuditEventConnection, { description: 'Newest first. Operator admins read all; owners and partner admins their organization.' })
  async auditEvents(
    @Ctx() ctx: GraphQLContext,
    @Arg('organizationId', () => ID, { nullable: true }) organizationId?: string,
    @Arg('action', () => String, { nullable: true }) action?: string,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<AuditEventConnection> {
    return toConnection(await ctx.services.audit.list(ctx, { organizationId, action, first, after }));
  }
}
