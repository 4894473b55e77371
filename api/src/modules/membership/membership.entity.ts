import { Entity, Enum, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { newId } from '../common/ids';
import { Organization, OrganizationKind } from '../organization/organization.entity';
import { User } from '../user/user.entity';

export enum Role {
  OWNER = 'OWNER',
  EDITOR = 'EDITOR',
  VIEWER = 'VIEWER',
  REVIEWER = 'REVIEWER',
  LEAD = 'LEAD',
  ADMIN = 'ADMIN',
  PARTNER_ADMIN = 'PARTNER_ADMIN',
}
registerEnumType(Role, {
  name: 'Role',
  description:
    'Studio: OWNER, EDITOR, VIEWER. Operator: REVIEWER, LEAD, ADMIN. Partner: PARTNER_ADMIN. A role is valid only in its kind of organization.',
});

/** Which roles exist in which kind of organization. */
export const ROLES_BY_KIND: Record<OrganizationKind, readonly Role[]> = {
  [OrganizationKind.STUDIO]: [Role.OWNER, Role.EDITOR, Role.VIEWER],
  [OrganizationKind.OPERATOR]: [Role.REVIEWER, Role.LEAD, Role.ADMIN],
  [OrganizationKind.PARTNER]: [Role.PARTNER_ADMIN],
};

@ObjectType({ description: "A user's role in one organization." })
@Entity({ tableName: 'membership' })
@Unique({ properties: ['user', 'organization'] })
export class Membership {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Field(() => User)
  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: User;

  @Field(() => Organization)
  @ManyToOne(() => Organization, { deleteRule: 'cascade' })
  organization!: Organization;

  @Field(() => Role)
  @Enum({ items: () => Role, nativeEnumName: 'role' })
  role!: Role;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
