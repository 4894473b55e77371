import { Entity, OneToOne, Property } from '@mikro-orm/core';
import { TextArrayType } from '../../db/text-array-type';
import { Field, Int, ObjectType } from 'type-graphql';
import { Organization } from '../organization/organization.entity';

/** What a partner platform sells where: its territories, currency and API rate limit. */
@ObjectType({ description: 'A partner platform’s territories, currency and limits.' })
@Entity({ tableName: 'partner_profile' })
export class PartnerProfile {
  @OneToOne(() => Organization, { owner: true, primary: true, deleteRule: 'cascade' })
  organization!: Organization;

  @Field(() => [String], { description: 'ISO 3166-1 alpha-2 territories the partner serves.' })
  @Property({ type: TextArrayType })
  territories: string[] = [];

  @Field(() => String, { description: 'ISO 4217 currency the partner sells in.' })
  @Property({ type: 'text' })
  currency: string = 'USD';

  @Field(() => Int, { nullable: true, description: 'Requests per minute for each of its API keys (default applies when null).' })
  @Property({ type: 'integer', nullable: true })
  rateLimitPerMinute?: number | null;
}
