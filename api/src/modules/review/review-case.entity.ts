import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { TextArrayType } from '../../db/text-array-type';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { newId } from '../common/ids';
import { Episode } from '../catalog/episode.entity';
import { MediaRevision } from '../media/media-revision.entity';
import { Organization } from '../organization/organization.entity';
import { User } from '../user/user.entity';

export enum CaseStatus {
  /** Submitted; the AI screening job is queued. */
  QUEUED = 'QUEUED',
  SCREENING = 'SCREENING',
  /** Waiting for a human in the moderation queue. */
  PENDING_REVIEW = 'PENDING_REVIEW',
  DECIDED = 'DECIDED',
  /** The media or reviewed text changed after submission: this case no longer counts. */
  INVALIDATED = 'INVALIDATED',
}
registerEnumType(CaseStatus, { name: 'CaseStatus' });

export enum CaseKind {
  REVIEW = 'REVIEW',
  /** A studio's appeal of a rejection: reviewed by someone other than who rejected. */
  APPEAL = 'APPEAL',
}
registerEnumType(CaseKind, { name: 'CaseKind' });

export enum AiStatus {
  PENDING = 'PENDING',
  COMPLETED = 'COMPLETED',
  /** The AI provider failed after every retry; humans review without it. */
  AI_UNAVAILABLE = 'AI_UNAVAILABLE',
}
registerEnumType(AiStatus, { name: 'AiStatus' });

export enum Verdict {
  CLEAR = 'CLEAR',
  NEEDS_REVIEW = 'NEEDS_REVIEW',
  LIKELY_VIOLATION = 'LIKELY_VIOLATION',
}
registerEnumType(Verdict, { name: 'Verdict', description: 'The AI recommendation for one territory.' });

@ObjectType()
export class TerritoryVerdict {
  @Field(() => String)
  territory!: string;

  @Field(() => Verdict)
  verdict!: Verdict;

  @Field(() => Int, { description: '0–100.' })
  riskScore!: number;

  @Field(() => [String], { description: 'Why, most important first.' })
  reasons!: string[];
}

/**
 * One submitted revision of an episode for a set of territories. Bound to the exact media (sha256)
 * and a hash of the reviewed metadata and subtitles: if either changes, the case is invalidated.
 */
@ObjectType({ description: 'A review of one episode revision for target territories.' })
@Entity({ tableName: 'review_case' })
@Index({ properties: ['status', 'submittedAt'] })
@Index({ properties: ['episode', 'submittedAt'] })
export class ReviewCase {
  [OptionalProps]?: 'kind' | 'version' | 'escalated' | 'held' | 'excludedReviewerIds' | 'awaitingSecondApproval' | 'screeningRuns' | 'routedToLead';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Field(() => Episode)
  @ManyToOne(() => Episode, { deleteRule: 'cascade' })
  episode!: Episode;

  /** Tenant of the episode, kept here so queues filter without joins. */
  @ManyToOne(() => Organization, { deleteRule: 'cascade' })
  studio!: Organization;

  @ManyToOne(() => MediaRevision)
  mediaRevision!: MediaRevision;

  @Field(() => String, { description: 'sha256 of the reviewed media.' })
  @Property({ type: 'text' })
  mediaSha256!: string;

  @Field(() => String, { description: 'sha256 of the reviewed title, synopsis and subtitles.' })
  @Property({ type: 'text' })
  metadataHash!: string;

  /** What was reviewed, so a resubmission can show what changed. */
  @Property({ type: 'json' })
  metadataSnapshot: Record<string, unknown> = {};

  @Field(() => [String])
  @Property({ type: TextArrayType })
  territories: string[] = [];

  @Field(() => CaseStatus)
  @Enum({ items: () => CaseStatus, nativeEnumName: 'case_status' })
  status: CaseStatus = CaseStatus.QUEUED;

  @Field(() => AiStatus)
  @Enum({ items: () => AiStatus, nativeEnumName: 'ai_status' })
  aiStatus: AiStatus = AiStatus.PENDING;

  @Field(() => String, { nullable: true, description: 'Why the AI was unavailable.' })
  @Property({ type: 'text', nullable: true })
  aiError?: string | null;

  @Field(() => Int, { nullable: true, description: 'Highest territory risk, 0–100, once screened.' })
  @Property({ type: 'integer', nullable: true })
  riskScore?: number | null;

  @Field(() => [TerritoryVerdict])
  @Property({ type: 'json' })
  verdicts: TerritoryVerdict[] = [];

  @Field(() => GraphQLJSONObject, { description: 'Screening progress: the step and how far along it is.' })
  @Property({ type: 'json' })
  progress: Record<string, unknown> = { step: 'queued' };

  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  submittedBy?: User | null;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  submittedAt: Date = new Date();

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  screenedAt?: Date | null;

  /** When a worker first started screening: the screening time limit counts from here. */
  @Property({ type: 'datetime', nullable: true })
  screeningStartedAt?: Date | null;

  /** Held by the screening worker and renewed by its heartbeat; once lapsed, another worker takes over. */
  @Property({ type: 'datetime', nullable: true })
  screeningLeaseUntil?: Date | null;

  /** Screening runs started (a retry or a takeover starts another). */
  @Property({ type: 'integer' })
  screeningRuns: number = 0;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  invalidatedAt?: Date | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  invalidatedReason?: string | null;

  @Field(() => CaseKind)
  @Enum({ items: () => CaseKind, nativeEnumName: 'case_kind' })
  kind: CaseKind = CaseKind.REVIEW;

  /** The case this one follows: a resubmission after REQUEST_CHANGES, or the rejection appealed. */
  @Field(() => ReviewCase, { nullable: true })
  @ManyToOne(() => ReviewCase, { nullable: true, deleteRule: 'set null' })
  previousCase?: ReviewCase | null;

  @Field(() => String, { nullable: true, description: 'The studio’s statement, for an appeal.' })
  @Property({ type: 'text', nullable: true })
  appealStatement?: string | null;

  @Field(() => Date, { nullable: true, description: 'When the studio appealed this (rejected) case; an appeal is allowed once.' })
  @Property({ type: 'datetime', nullable: true })
  appealedAt?: Date | null;

  /** Reviewers who must not take this case (e.g. the one who rejected what is appealed). */
  @Property({ type: TextArrayType })
  excludedReviewerIds: string[] = [];

  /** Optimistic concurrency: every change bumps it; a decision names the version it saw. */
  @Field(() => Int)
  @Property({ type: 'integer' })
  version: number = 1;

  @Field(() => User, { nullable: true })
  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  claimedBy?: User | null;

  @Field(() => Date, { nullable: true, description: 'When the claim lapses unless extended.' })
  @Property({ type: 'datetime', nullable: true })
  claimExpiresAt?: Date | null;

  @Field(() => Boolean, { description: 'Escalated cases are for leads only. A state of an open case: a decision ends it.' })
  @Property({ type: 'boolean' })
  escalated: boolean = false;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  escalationNote?: string | null;

  /**
   * For leads only, like `escalated`, but set by screening for a possible copy of another studio's
   * content and never shown to the studio (no GraphQL field here: operators read it through
   * `ReviewCase.routedToLead`).
   */
  @Property({ type: 'boolean' })
  routedToLead: boolean = false;

  @Field(() => Boolean, { description: 'Held by a lead: out of the queue until released.' })
  @Property({ type: 'boolean' })
  held: boolean = false;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  holdReason?: string | null;

  /** An approval against a likely violation waits here for a lead's second approval. */
  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  awaitingSecondApproval: boolean = false;

  @Field(() => Date, { description: 'When a human decision is due (SLA target).' })
  @Property({ type: 'datetime' })
  slaDueAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When the studio plans to release the episode.' })
  @Property({ type: 'datetime', nullable: true })
  plannedReleaseAt?: Date | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  decidedAt?: Date | null;
}

/**
 * The queue hands a case to leads only (`claimNextCase`, whose SQL says the same) when it was
 * escalated or routed to a lead. Other operators may read it, not work it.
 */
export function isForLeadsOnly(reviewCase: Pick<ReviewCase, 'escalated' | 'routedToLead'>): boolean {
  return reviewCase.escalated || reviewCase.routedToLead;
}
