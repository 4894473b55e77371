import { Migration } from '@mikro-orm/migrations';

/**
 * A replacement upload keeps the territories its uploader acknowledged it cancels (its `cancels`
 * metadata), so processing checks them again when the new video would become current.
 */
export class Migration20261201210000_upload_acknowledged_cancels extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "episode_upload" add column "acknowledged_cancels" text[] not null default '{}';`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "episode_upload" drop column "acknowledged_cancels";`);
  }
}
