import { Migration } from '@mikro-orm/migrations';

/**
 * A license document is reserved before its bytes are stored and becomes a document only once they
 * are (`stored_at`). An attach killed in between leaves a reservation no one reads — never a listed
 * document without its file, nor a file no row names — and the periodic sweep removes it and its file.
 * Documents attached earlier were stored with their rows.
 */
export class Migration20261130181000_license_document_storage extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "license_document" add column "stored_at" timestamptz null;`);
    this.addSql(`update "license_document" set "stored_at" = "created_at";`);
    this.addSql(`create index "license_document_unstored_index" on "license_document" ("created_at") where "stored_at" is null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`delete from "license_document" where "stored_at" is null;`);
    this.addSql(`drop index if exists "license_document_unstored_index";`);
    this.addSql(`alter table "license_document" drop column "stored_at";`);
  }
}
