import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { newId } from '../common/ids';

export enum OrganizationKind {
  STUDIO = 'STUDIO',
  PARTNER = 'PARTNER',
  OPERATOR = 'OPERATOR',
}
registerEnumType(OrganizationKind, {
  name: 'OrganizationKind',
  description: 'STUDIO owns a catalog, PARTNER syncs the live catalog, OPERATOR runs review and administration.',
});

@ObjectType({ description: 'A tenant: a studio, a partner platform or the operator.' })
@Entity({ tableName: 'organization' })
export class Organization {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Field(() => String)
  @Property({ type: 'text' })
  name!: string;

  @Field(() => OrganizationKind)
  @Enum({ items: () => OrganizationKind, nativeEnumName: 'organization_kind' })
  kind!: OrganizationKind;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Field(() => Date, { nullable: true, description: 'Set while the operator has suspended the organization: a suspended studio’s catalog and a suspended partner’s feed are dark.' })
  @Property({ type: 'datetime', nullable: true })
  suspendedAt?: Date | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  suspendedReason?: string | null;
}

/** Studios and partners can be suspended; the operator that runs the platform cannot. */
export function isSuspendable(organization: Pick<Organization, 'kind'>): boolean {
  return organization.kind !== OrganizationKind.OPERATOR;
}
