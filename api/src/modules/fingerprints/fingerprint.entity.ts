import { BigIntType, Check, Entity, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { MediaRevision } from '../media/media-revision.entity';
import { WINDOWS } from './lookup';
import { User } from '../user/user.entity';

/*
 * The fingerprint tables as the ORM knows them (migrations 20261130020000_fingerprints and
 * 20261130030000_fingerprint_rulings create them), so a schema diff keeps them. Reads and writes go
 * through the SQL in fingerprint.service.ts and lookup.ts: bulk inserts and window lookups the ORM
 * cannot express.
 */

/** One media revision's perceptual fingerprint: which algorithm, how many frames. */
@Entity({ tableName: 'media_fingerprint' })
export class MediaFingerprint {
  @ManyToOne(() => MediaRevision, { primary: true, deleteRule: 'cascade', updateRule: 'no action', fieldName: 'media_revision_id', foreignKeyName: 'media_fingerprint_media_revision_id_fkey' })
  mediaRevision!: MediaRevision;

  @Property({ type: 'text' })
  algorithm!: string;

  @Property({ type: 'integer' })
  frameCount!: number;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

/**
 * One sampled frame's 64-bit pHash. Each 20-bit window of the hash has its own index on
 * `fingerprint_window(hash, w)` (multi-index hashing; see lookup.ts), declared below the class.
 */
@Entity({ tableName: 'fingerprint_frame' })
export class FingerprintFrame {
  @ManyToOne(() => MediaFingerprint, { primary: true, deleteRule: 'cascade', updateRule: 'no action', fieldName: 'media_revision_id', foreignKeyName: 'fingerprint_frame_media_revision_id_fkey' })
  fingerprint!: MediaFingerprint;

  /** Milliseconds from the start of the video. */
  @PrimaryKey({ type: 'integer' })
  atMs!: number;

  /** The pHash as a signed 64-bit integer. */
  @Property({ type: new BigIntType('bigint') })
  hash!: bigint;

  /** The pHash of the frame flipped left to right (not indexed: probed against others' `hash`). Null when stored before mirrors were kept. */
  @Property({ type: new BigIntType('bigint'), nullable: true })
  mirroredHash?: bigint | null;
}

/** A match found between two media revisions, seen from the one checked. */
@Entity({ tableName: 'content_match' })
@Unique({ name: 'content_match_pair_unique', properties: ['mediaRevision', 'matchedRevision'] })
export class ContentMatchRecord {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne(() => MediaRevision, { deleteRule: 'cascade', updateRule: 'no action', foreignKeyName: 'content_match_media_revision_id_fkey' })
  mediaRevision!: MediaRevision;

  @Index({ name: 'content_match_matched_revision_id_index' })
  @ManyToOne(() => MediaRevision, { deleteRule: 'cascade', updateRule: 'no action', foreignKeyName: 'content_match_matched_revision_id_fkey' })
  matchedRevision!: MediaRevision;

  @Property({ type: 'boolean' })
  sameStudio!: boolean;

  /** One video shows the other's pictures flipped left to right. */
  @Property({ type: 'boolean', default: false })
  mirrored!: boolean;

  @Property({ type: 'integer' })
  matchedFrames!: number;

  /** MatchMoment[] (content-matching.ts). */
  @Property({ type: 'jsonb' })
  moments!: unknown[];

  @Property({ type: 'datetime' })
  foundAt!: Date;
}

/** A lead's ruling that two media revisions may share pictures; kept with the smaller id first. */
@Entity({ tableName: 'licensed_media_reuse' })
@Unique({ name: 'licensed_media_reuse_pair_unique', properties: ['mediaRevision', 'otherRevision'] })
@Check({ name: 'licensed_media_reuse_ordered', expression: 'media_revision_id < other_revision_id' })
export class LicensedMediaReuse {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne(() => MediaRevision, { deleteRule: 'cascade', updateRule: 'no action', foreignKeyName: 'licensed_media_reuse_media_revision_id_fkey' })
  mediaRevision!: MediaRevision;

  @Index({ name: 'licensed_media_reuse_other_revision_id_index' })
  @ManyToOne(() => MediaRevision, { deleteRule: 'cascade', updateRule: 'no action', foreignKeyName: 'licensed_media_reuse_other_revision_id_fkey' })
  otherRevision!: MediaRevision;

  @Property({ type: 'text' })
  note!: string;

  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null', updateRule: 'no action', foreignKeyName: 'licensed_media_reuse_marked_by_id_fkey' })
  markedBy?: User | null;

  @Property({ type: 'datetime' })
  markedAt!: Date;
}

// One index per window, as migration 20261130050000 makes them.
for (const w of WINDOWS) {
  Index({ name: `fingerprint_frame_window_${w}`, expression: `create index "fingerprint_frame_window_${w}" on "fingerprint_frame" (fingerprint_window("hash", ${w})) include ("media_revision_id", "at_ms")` })(FingerprintFrame);
}
