import { Migration } from '@mikro-orm/migrations';

/**
 * Subtitle drafts: transcripts the screening made of an episode with no subtitles in its original
 * language. A draft is not a subtitle track: partners, the publish gate and the reviewed material
 * never see it until the studio accepts it (it then becomes an AI-generated track).
 */
export class Migration20261130055000_subtitle_drafts extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table "subtitle_draft" (
  "id" uuid primary key,
  "episode_id" uuid not null references "episode" ("id") on delete cascade,
  "language" text not null,
  "content" text not null,
  "cues" jsonb not null,
  "cue_count" integer not null,
  "media_sha256" text not null,
  "model" text not null,
  "review_case_id" uuid null references "review_case" ("id") on delete set null,
  "created_at" timestamptz not null,
  constraint "subtitle_draft_episode_language_unique" unique ("episode_id", "language")
);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "subtitle_draft";`);
  }
}
