import { Check, Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { newId } from '../common/ids';
import { SeriesLicense } from '../catalog/license.entity';
import { User } from '../user/user.entity';

/**
 * A contract PDF behind a series' license (chain of title). The bytes are in media storage, one file
 * per document (keyed by its id); only the studio's members and the operator's people ever see a document.
 */
@ObjectType({ description: 'A license document (contract PDF) of a series: chain of title. Seen by the studio and the operator’s reviewers, leads and admins; never by partners.' })
@Entity({ tableName: 'license_document' })
@Check({ name: 'license_document_size_bytes_check', expression: 'size_bytes > 0' })
// The sweep finds unfinished attaches by age.
@Index({ name: 'license_document_unstored_index', expression: 'create index "license_document_unstored_index" on "license_document" ("created_at") where "stored_at" is null' })
@Check({ name: 'license_document_sha256_check', expression: "sha256 ~ '^[0-9a-f]{64}$'::text" })
export class LicenseDocument {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Index({ name: 'license_document_license_id_index' })
  @ManyToOne(() => SeriesLicense, { deleteRule: 'cascade', updateRule: 'no action', foreignKeyName: 'license_document_license_id_fkey' })
  license!: SeriesLicense;

  @Field(() => String, { description: 'File name as uploaded.' })
  @Property({ type: 'text' })
  fileName!: string;

  @Field(() => Int, { description: 'Bytes.' })
  @Property({ type: 'integer' })
  sizeBytes!: number;

  @Field(() => String, { description: 'SHA-256 of the file (hex).' })
  @Property({ type: 'text' })
  sha256!: string;

  @Index({ name: 'license_document_storage_key_index' })
  @Property({ type: 'text' })
  storageKey!: string;

  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null', updateRule: 'no action', foreignKeyName: 'license_document_uploaded_by_id_fkey' })
  uploadedBy?: User | null;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  /**
   * When its bytes were in storage: until then the row only reserves the document (and its place
   * under the license's limit); nothing lists, serves or removes it, and the sweep clears it if the
   * attach never finished.
   */
  @Property({ type: 'datetime', nullable: true })
  storedAt?: Date | null;
}
