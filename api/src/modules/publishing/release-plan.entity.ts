import { Entity, Enum, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { newId } from '../common/ids';
import { Series } from '../catalog/series.entity';
import { Organization } from '../organization/organization.entity';

export enum ReleaseMode {
  /** Every episode at `startsAt`. */
  ALL_AT_ONCE = 'ALL_AT_ONCE',
  /** `episodesPerDay` episodes a day from `startsAt`. */
  DROPS = 'DROPS',
  /** Each episode at its own time (`episodeTimes`). */
  SCHEDULED = 'SCHEDULED',
}
registerEnumType(ReleaseMode, { name: 'ReleaseMode' });

/** The studio's decision to release a series to one partner, and when each episode goes out. */
@ObjectType({ description: 'When a series is released to a partner.' })
@Entity({ tableName: 'release_plan' })
@Unique({ properties: ['series', 'partner'] })
export class ReleasePlan {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Series, { deleteRule: 'cascade' })
  series!: Series;

  @Field(() => Organization)
  @ManyToOne(() => Organization, { deleteRule: 'cascade' })
  partner!: Organization;

  @Field(() => ReleaseMode)
  @Enum({ items: () => ReleaseMode, nativeEnumName: 'release_mode' })
  mode!: ReleaseMode;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  startsAt!: Date;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  episodesPerDay?: number | null;

  @Field(() => GraphQLJSONObject, { description: 'For SCHEDULED: episode number → ISO release time.' })
  @Property({ type: 'json' })
  episodeTimes: Record<string, string> = {};

  @Field(() => Date)
  @Property({ type: 'datetime', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

/** When episode `number` is released under `plan` (null: not in the plan). */
export function releaseTimeOf(plan: Pick<ReleasePlan, 'mode' | 'startsAt' | 'episodesPerDay' | 'episodeTimes'>, number: number): Date | null {
  switch (plan.mode) {
    case ReleaseMode.ALL_AT_ONCE:
      return plan.startsAt;
    case ReleaseMode.DROPS:
      return new Date(plan.startsAt.getTime() + Math.floor((number - 1) / Math.max(1, plan.episodesPerDay ?? 1)) * 86_400_000);
    case ReleaseMode.SCHEDULED: {
      const at = plan.episodeTimes[String(number)];
      return at ? new Date(at) : null;
    }
  }
}
