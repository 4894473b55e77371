import { BigIntType, Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { ReviewCase } from './review-case.entity';

/**
 * One provider call of a screening, written when the call starts and completed when it answers, so
 * the calls of a worker that died mid-screening stay on record. The assessment lists them all.
 */
@Entity({ tableName: 'screening_call' })
@Index({ properties: ['reviewCase', 'id'] })
export class ScreeningCall {
  @PrimaryKey({ type: new BigIntType('string'), autoincrement: true })
  id!: string;

  @ManyToOne(() => ReviewCase, { deleteRule: 'cascade' })
  reviewCase!: ReviewCase;

  /** Which screening run of the case made it (`ReviewCase.screeningRuns` at the time). */
  @Property({ type: 'integer' })
  run!: number;

  @Property({ type: 'text' })
  call!: string;

  @Property({ type: 'integer' })
  attempt!: number;

  @Property({ type: 'json' })
  entry!: Record<string, unknown>;

  @Property({ type: 'datetime' })
  startedAt!: Date;

  /** Null while the call is in flight, and for ever if its worker died. */
  @Property({ type: 'datetime', nullable: true })
  finishedAt?: Date | null;
}
