import { Migration } from '@mikro-orm/migrations';

/**
 * A replacement upload keeps the territories its uploader acknowledged it cancels (its `cancels`
 * metadata), so processing checks them again when the new video would become current. Uploads under
 * way take theirs from the tus state (a FileStore record, or an S3Store record's `file`).
 */
export class Migration20261201210000_upload_acknowledged_cancels extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "episode_upload" add column "acknowledged_cancels" text[] not null default '{}';`);
    this.addSql(`update "episode_upload" u set "acknowledged_cancels" = array(
      select upper(trim(t.territory)) from unnest(string_to_array(coalesce(s."value"->'metadata'->>'cancels', s."value"->'file'->'metadata'->>'cancels'), ',')) with ordinality as t(territory, n)
      where trim(t.territory) <> '' order by t.n)
      from "tus_upload_state" s
      where s."id" = u."id" and u."status" in ('UPLOADING', 'PROCESSING') and u."audio_language" is null
        and coalesce(s."value"->'metadata'->>'cancels', s."value"->'file'->'metadata'->>'cancels') is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "episode_upload" drop column "acknowledged_cancels";`);
  }
}
