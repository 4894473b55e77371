import { Migration } from '@mikro-orm/migrations';

/**
 * Requests for AI translation of a subtitle track, one row per target language: its state (queued,
 * running, done, failed with a reason) and, when done, the draft track it produced.
 */
export class Migration20261130060000_subtitle_translations extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "subtitle_translation_state" as enum ('QUEUED', 'RUNNING', 'DONE', 'FAILED');`);
    this.addSql(`create table "subtitle_translation" (
      "id" uuid not null primary key,
      "episode_id" uuid not null references "episode" ("id") on delete cascade,
      "source_track_id" uuid null references "subtitle_track" ("id") on delete set null,
      "source_language" text not null,
      "language" text not null,
      "kind" "subtitle_kind" not null,
      "state" "subtitle_translation_state" not null default 'QUEUED',
      "failure_reason" text null,
      "track_id" uuid null references "subtitle_track" ("id") on delete set null,
      "requested_at" timestamptz not null,
      "updated_at" timestamptz not null
    );`);
    this.addSql(`create index "subtitle_translation_episode_id_index" on "subtitle_translation" ("episode_id", "requested_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "subtitle_translation";`);
    this.addSql(`drop type if exists "subtitle_translation_state";`);
  }
}
