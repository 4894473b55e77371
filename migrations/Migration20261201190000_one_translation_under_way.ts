import { Migration } from '@mikro-orm/migrations';

/**
 * One translation under way per episode, kind and language, held by the database: two requests sent
 * at once both passed the service's check and each called the model. A request that duplicates an
 * earlier one still under way is ended first, so the index can be built on existing data.
 */
export class Migration20261201190000_one_translation_under_way extends Migration {
  override async up(): Promise<void> {
    this.addSql(`update "subtitle_translation" t
      set "state" = 'FAILED', "failure_reason" = 'A translation into this language was already under way.', "updated_at" = now()
      where t."state" in ('QUEUED', 'RUNNING') and exists (
        select 1 from "subtitle_translation" o
        where o."episode_id" = t."episode_id" and o."kind" = t."kind" and lower(o."language") = lower(t."language")
          and o."state" in ('QUEUED', 'RUNNING') and (o."requested_at", o."id") < (t."requested_at", t."id"));`);
    this.addSql(`create unique index "subtitle_translation_one_under_way" on "subtitle_translation" ("episode_id", "kind", lower("language")) where "state" in ('QUEUED', 'RUNNING');`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "subtitle_translation_one_under_way";`);
  }
}
