import { Migration } from '@mikro-orm/migrations';

/**
 * Chain of title: the contract PDFs behind a series' license. The bytes live in media storage under
 * their content hash (`documents/<sha256>.pdf`); a row says which license they belong to. Removing the
 * license (or its series) removes the rows.
 */
export class Migration20261130045000_license_documents extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table "license_document" (
  "id" uuid primary key,
  "license_id" uuid not null references "series_license" ("id") on delete cascade,
  "file_name" text not null,
  "size_bytes" int not null check ("size_bytes" > 0),
  "sha256" text not null check ("sha256" ~ '^[0-9a-f]{64}$'),
  "storage_key" text not null,
  "uploaded_by_id" uuid null references "app_user" ("id") on delete set null,
  "created_at" timestamptz not null
);`);
    this.addSql(`create index "license_document_license_id_index" on "license_document" ("license_id");`);
    this.addSql(`create index "license_document_storage_key_index" on "license_document" ("storage_key");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "license_document";`);
  }
}
