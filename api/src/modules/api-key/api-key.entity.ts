import { Entity, Formula, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { TextArrayType } from '../../db/text-array-type';
import { Field, ID, ObjectType } from 'type-graphql';
import { newId } from '../common/ids';
import { Organization } from '../organization/organization.entity';
import { User } from '../user/user.entity';

@ObjectType({ description: 'A partner API key. The secret is shown once, at creation; only its hash is kept.' })
@Entity({ tableName: 'api_key' })
export class ApiKey {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Field(() => Organization)
  @ManyToOne(() => Organization, { deleteRule: 'cascade' })
  organization!: Organization;

  @Field(() => String)
  @Property({ type: 'text' })
  name!: string;

  /** The visible start of the key (e.g. `glk_3f9a1c2b`), enough to tell keys apart. */
  @Field(() => String)
  @Property({ type: 'text', unique: true })
  prefix!: string;

  @Property({ type: 'text', lazy: true })
  secretHash!: string;

  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  createdBy?: User;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  lastUsedAt?: Date;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  revokedAt?: Date;

  /**
   * The ISO 3166-1 alpha-2 territories the key's partner serves (null: no partner profile), read
   * with the key when a request authenticates, so a partner query needs no statement of its own for them.
   */
  @Formula((alias) => `(select p.territories from partner_profile p where p.organization_id = ${alias}.organization_id)`, { type: TextArrayType, lazy: true, nullable: true })
  partnerTerritories?: string[] | null;
}
