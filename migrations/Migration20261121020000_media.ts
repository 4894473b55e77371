import { Migration } from '@mikro-orm/migrations';

/** Episode uploads (tus), immutable media revisions, subtitle tracks, and tus upload state. */
export class Migration20261121020000_media extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "subtitle_format" as enum ('WEBVTT', 'SRT');`);
    this.addSql(`create type "upload_status" as enum ('UPLOADING', 'PROCESSING', 'SUCCEEDED', 'FAILED', 'ABANDONED');`);

    this.addSql(`create table "media_revision" ("id" uuid not null, "episode_id" uuid not null, "sha256" text not null, "size_bytes" bigint not null, "storage_key" text not null, "poster_key" text null, "file_name" text not null, "container" text not null, "video_codec" text not null, "audio_codec" text null, "duration_seconds" double precision not null, "width" int not null, "height" int not null, "warnings" jsonb not null, "uploaded_by_id" uuid null, "created_at" timestamptz not null, constraint "media_revision_pkey" primary key ("id"));`);
    this.addSql(`create index "media_revision_episode_id_created_at_index" on "media_revision" ("episode_id", "created_at");`);
    this.addSql(`alter table "media_revision" add constraint "media_revision_sha256_check" check ("sha256" ~ '^[0-9a-f]{64}$');`);
    this.addSql(`alter table "media_revision" add constraint "media_revision_episode_id_foreign" foreign key ("episode_id") references "episode" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "media_revision" add constraint "media_revision_uploaded_by_id_foreign" foreign key ("uploaded_by_id") references "app_user" ("id") on update cascade on delete set null;`);
    // A revision is what a reviewer approved: it never changes after it is made.
    this.addSql(`create function media_revision_is_immutable() returns trigger language plpgsql as $$
      begin raise exception 'media_revision rows are immutable'; end $$;`);
    this.addSql(`create trigger media_revision_immutable before update on "media_revision" for each row execute function media_revision_is_immutable();`);

    this.addSql(`create table "episode_upload" ("id" text not null, "episode_id" uuid not null, "uploaded_by_id" uuid null, "file_name" text not null, "file_type" text not null, "declared_size" bigint not null, "expected_sha256" text null, "status" "upload_status" not null default 'UPLOADING', "failure_reason" text null, "media_revision_id" uuid null, "created_at" timestamptz not null, "finished_at" timestamptz null, "processing_claimed_at" timestamptz null, constraint "episode_upload_pkey" primary key ("id"));`);
    this.addSql(`create index "episode_upload_episode_id_created_at_index" on "episode_upload" ("episode_id", "created_at");`);
    this.addSql(`create index "episode_upload_status_index" on "episode_upload" ("status");`);
    this.addSql(`alter table "episode_upload" add constraint "episode_upload_episode_id_foreign" foreign key ("episode_id") references "episode" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "episode_upload" add constraint "episode_upload_uploaded_by_id_foreign" foreign key ("uploaded_by_id") references "app_user" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "episode_upload" add constraint "episode_upload_media_revision_id_foreign" foreign key ("media_revision_id") references "media_revision" ("id") on update cascade on delete set null;`);

    this.addSql(`create table "subtitle_track" ("id" uuid not null, "episode_id" uuid not null, "language" text not null, "format" "subtitle_format" not null, "content" text not null, "cues" jsonb not null, "cue_count" int not null, "updated_at" timestamptz not null, constraint "subtitle_track_pkey" primary key ("id"));`);
    this.addSql(`alter table "subtitle_track" add constraint "subtitle_track_episode_id_language_unique" unique ("episode_id", "language");`);
    this.addSql(`alter table "subtitle_track" add constraint "subtitle_track_episode_id_foreign" foreign key ("episode_id") references "episode" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "episode" add column "current_media_id" uuid null, add column "upload_error" text null;`);
    this.addSql(`alter table "episode" add constraint "episode_current_media_id_foreign" foreign key ("current_media_id") references "media_revision" ("id") on update cascade on delete set null;`);

    // Upload size, offset and metadata kept by the tus server, shared by every API instance.
    this.addSql(`create table "tus_upload_state" ("id" text primary key, "value" jsonb not null, "updated_at" timestamptz not null default now());`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "tus_upload_state";`);
    this.addSql(`alter table "episode" drop constraint if exists "episode_current_media_id_foreign";`);
    this.addSql(`alter table "episode" drop column if exists "current_media_id", drop column if exists "upload_error";`);
    this.addSql(`drop table if exists "subtitle_track", "episode_upload", "media_revision";`);
    this.addSql(`drop function if exists media_revision_is_immutable();`);
    this.addSql(`drop type if exists "upload_status"; drop type if exists "subtitle_format";`);
  }
}
