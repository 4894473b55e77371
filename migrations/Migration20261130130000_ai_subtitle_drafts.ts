import { Migration } from '@mikro-orm/migrations';

/**
 * One concept for AI subtitles awaiting the studio (docs/decisions/006-ai-subtitle-drafts.md): an AI
 * translation now stores a subtitle draft, like a transcript, instead of a track. A draft says how
 * it was made (`origin`), which kind of track it becomes, and the language it was translated from;
 * a translation needs no video, so `media_sha256` (the video a draft was made for) may be null.
 * Tracks that translations stored before stay tracks (they are AI-marked and reviewed already).
 */
export class Migration20261130130000_ai_subtitle_drafts extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "subtitle_draft_origin" as enum ('TRANSCRIPTION', 'TRANSLATION');`);
    this.addSql(`alter table "subtitle_draft"
      add column "kind" "subtitle_kind" not null default 'SUBTITLES',
      add column "origin" "subtitle_draft_origin" not null default 'TRANSCRIPTION',
      add column "source_language" text null,
      alter column "media_sha256" drop not null;`);
    this.addSql(`alter table "subtitle_draft" drop constraint "subtitle_draft_episode_language_unique";`);
    this.addSql(`alter table "subtitle_draft" add constraint "subtitle_draft_episode_language_kind_origin_unique" unique ("episode_id", "language", "kind", "origin");`);
    this.addSql(`alter table "subtitle_draft" add constraint "subtitle_draft_source_language_check" check (("origin" = 'TRANSLATION') = ("source_language" is not null));`);
    this.addSql(`alter table "subtitle_translation" add column "draft_id" uuid null references "subtitle_draft" ("id") on delete set null;`);
    this.addSql(`alter table "subtitle_translation" drop column "track_id";`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "subtitle_translation" add column "track_id" uuid null references "subtitle_track" ("id") on delete set null;`);
    this.addSql(`alter table "subtitle_translation" drop column if exists "draft_id";`);
    this.addSql(`delete from "subtitle_draft" where "origin" <> 'TRANSCRIPTION' or "kind" <> 'SUBTITLES' or "media_sha256" is null;`);
    this.addSql(`alter table "subtitle_draft" drop constraint if exists "subtitle_draft_source_language_check";`);
    this.addSql(`alter table "subtitle_draft" drop constraint if exists "subtitle_draft_episode_language_kind_origin_unique";`);
    this.addSql(`alter table "subtitle_draft" add constraint "subtitle_draft_episode_language_unique" unique ("episode_id", "language");`);
    this.addSql(`alter table "subtitle_draft" drop column "kind", drop column "origin", drop column "source_language", alter column "media_sha256" set not null;`);
    this.addSql(`drop type if exists "subtitle_draft_origin";`);
  }
}
