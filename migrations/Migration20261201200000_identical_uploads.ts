import { Migration } from '@mikro-orm/migrations';

/**
 * An upload whose bytes are the episode's current video's (the same size and sha256) changes
 * nothing: it ends SUCCEEDED and says so here, instead of making a new revision.
 */
export class Migration20261201200000_identical_uploads extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "episode_upload" add column "identical_to_current_media" boolean not null default false;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "episode_upload" drop column "identical_to_current_media";`);
  }
}
