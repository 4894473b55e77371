import { BigIntType, Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { TextArrayType } from '../../db/text-array-type';
import { Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Episode } from '../catalog/episode.entity';
import { User } from '../user/user.entity';
import { MediaRevision } from './media-revision.entity';

export enum UploadStatus {
  UPLOADING = 'UPLOADING',
  PROCESSING = 'PROCESSING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  ABANDONED = 'ABANDONED',
}
registerEnumType(UploadStatus, { name: 'UploadStatus' });

/** One tus upload of a file for an episode, from creation to its media revision (or failure). */
@ObjectType({ description: 'A resumable upload of a video file for an episode.' })
@Entity({ tableName: 'episode_upload' })
@Index({ properties: ['episode', 'createdAt'] })
@Index({ properties: ['status'] })
export class EpisodeUpload {
  [OptionalProps]?: 'identicalToCurrentMedia' | 'acknowledgedCancels';

  /** The tus upload id (32 hex characters). */
  @Field(() => ID)
  @PrimaryKey({ type: 'text' })
  id!: string;

  @ManyToOne(() => Episode, { deleteRule: 'cascade' })
  episode!: Episode;

  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  uploadedBy?: User | null;

  @Field(() => String)
  @Property({ type: 'text' })
  fileName!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  fileType!: string;

  @Field(() => Float)
  @Property({ type: new BigIntType('number') })
  declaredSize!: number;

  @Property({ type: 'text', nullable: true })
  expectedSha256?: string | null;

  @Field(() => UploadStatus)
  @Enum({ items: () => UploadStatus, nativeEnumName: 'upload_status' })
  status: UploadStatus = UploadStatus.UPLOADING;

  @Field(() => String, { nullable: true, description: 'Why the upload failed, in words.' })
  @Property({ type: 'text', nullable: true })
  failureReason?: string | null;

  @Field(() => String, { nullable: true, description: 'For a dubbed audio track: its language (BCP 47); null for video.' })
  @Property({ type: 'text', nullable: true })
  audioLanguage?: string | null;

  /**
   * The territories (ISO 3166-1 alpha-2, upper-case) whose review, approval or live release the
   * uploader agreed this replacement cancels (its `cancels` metadata), each with what it stood to lose
   * when the upload was created ("US=LIVE", "GB=NONE": `recordedAcknowledgment`); uploads stored
   * before losses were recorded keep plain territories, which cover any loss. Checked when the
   * upload is created and again when its video would become current.
   */
  @Property({ type: TextArrayType })
  acknowledgedCancels: string[] = [];

  /** See `repeatsCurrentMedia` (media-replacement.ts). */
  @Field(() => Boolean, { description: 'True when the upload SUCCEEDED with the very bytes of the episode’s current video (the same size and sha256): nothing changed — no new revision, and reviews, approvals and live state stay as they were.' })
  @Property({ type: 'boolean', default: false })
  identicalToCurrentMedia: boolean = false;

  @ManyToOne(() => MediaRevision, { nullable: true, deleteRule: 'set null' })
  mediaRevision?: MediaRevision | null;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  finishedAt?: Date | null;

  /** Which process took the finished file for processing, and when (see MediaService.claim). */
  @Property({ type: 'datetime', nullable: true })
  processingClaimedAt?: Date | null;
}
