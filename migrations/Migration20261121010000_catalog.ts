import { Migration } from '@mikro-orm/migrations';

/** Studio catalog: series, episodes, per-episode price terms and the series' IP license. */
export class Migration20261121010000_catalog extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "orientation" as enum ('VERTICAL', 'HORIZONTAL', 'SQUARE');`);
    this.addSql(`create type "episode_status" as enum ('DRAFT', 'UPLOADING', 'PROCESSING', 'READY', 'IN_REVIEW', 'CHANGES_REQUESTED', 'REJECTED', 'APPROVED', 'PUBLISHED', 'TAKEN_DOWN');`);
    this.addSql(`create type "source_work_kind" as enum ('NOVEL', 'COMIC', 'GAME', 'FILM', 'ORIGINAL', 'OTHER');`);
    this.addSql(`create type "license_kind" as enum ('ORIGINAL', 'ADAPTATION', 'DISTRIBUTION');`);

    this.addSql(`create table "series" ("id" uuid not null, "studio_id" uuid not null, "title" text not null, "synopsis" text not null default '', "genres" text[] not null, "original_language" text not null, "audio_languages" text[] not null, "subtitle_languages" text[] not null, "orientation" "orientation" not null default 'VERTICAL', "cover_image_url" text null, "maturity_ratings" jsonb not null, "filings" jsonb not null, "free_episode_count" int not null default 0, "default_coin_price" int null, "archived_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "series_pkey" primary key ("id"));`);
    this.addSql(`create index "series_studio_id_archived_at_index" on "series" ("studio_id", "archived_at");`);
    this.addSql(`create index "series_studio_id_created_at_index" on "series" ("studio_id", "created_at" desc, "id" desc);`);
    this.addSql(`alter table "series" add constraint "series_free_episode_count_check" check ("free_episode_count" >= 0);`);
    this.addSql(`alter table "series" add constraint "series_default_coin_price_check" check ("default_coin_price" is null or "default_coin_price" >= 0);`);

    this.addSql(`create table "episode" ("id" uuid not null, "series_id" uuid not null, "number" int not null, "title" text not null, "synopsis" text not null default '', "status" "episode_status" not null default 'DRAFT', "duration_seconds" int null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "episode_pkey" primary key ("id"));`);
    // Deferrable so one UPDATE can swap numbers; checked at the end of each statement.
    this.addSql(`alter table "episode" add constraint "episode_series_id_number_unique" unique ("series_id", "number") deferrable initially immediate;`);
    this.addSql(`alter table "episode" add constraint "episode_number_check" check ("number" >= 1);`);
    this.addSql(`create index "episode_series_id_status_index" on "episode" ("series_id", "status");`);

    this.addSql(`create table "episode_price_term" ("id" uuid not null, "episode_id" uuid not null, "territory" text not null, "free" boolean not null default false, "coins" int null, "currency" text null, "amount_minor" int null, "starts_at" timestamptz null, "ends_at" timestamptz null, "created_at" timestamptz not null, constraint "episode_price_term_pkey" primary key ("id"));`);
    this.addSql(`create index "episode_price_term_episode_id_territory_index" on "episode_price_term" ("episode_id", "territory");`);
    this.addSql(`alter table "episode_price_term" add constraint "episode_price_term_amounts_check" check (("coins" is null or "coins" >= 0) and ("amount_minor" is null or "amount_minor" >= 0) and (("currency" is null) = ("amount_minor" is null)));`);
    this.addSql(`alter table "episode_price_term" add constraint "episode_price_term_window_check" check ("starts_at" is null or "ends_at" is null or "ends_at" > "starts_at");`);

    this.addSql(`create table "series_license" ("id" uuid not null, "series_id" uuid not null, "source_work_title" text not null, "source_work_kind" "source_work_kind" not null, "source_work_author" text null, "source_work_publisher" text null, "licensor" text not null, "license_kind" "license_kind" not null, "territories_included" text[] not null, "territories_excluded" text[] not null, "window_start" timestamptz null, "window_end" timestamptz null, "exclusive" boolean not null default false, "pay_per_episode" boolean not null default true, "avod" boolean not null default false, "svod" boolean not null default false, "subtitle_languages" text[] not null, "dub_languages" text[] not null, "holdbacks" jsonb not null, "contract_reference" text null, "ai_generated_content" boolean not null default false, "ai_disclosure" text null, "updated_at" timestamptz not null, constraint "series_license_pkey" primary key ("id"));`);
    this.addSql(`alter table "series_license" add constraint "series_license_series_id_unique" unique ("series_id");`);
    this.addSql(`alter table "series_license" add constraint "series_license_window_check" check ("window_start" is null or "window_end" is null or "window_end" > "window_start");`);

    this.addSql(`alter table "series" add constraint "series_studio_id_foreign" foreign key ("studio_id") references "organization" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "episode" add constraint "episode_series_id_foreign" foreign key ("series_id") references "series" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "episode_price_term" add constraint "episode_price_term_episode_id_foreign" foreign key ("episode_id") references "episode" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "series_license" add constraint "series_license_series_id_foreign" foreign key ("series_id") references "series" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "series_license", "episode_price_term", "episode", "series";`);
    this.addSql(`drop type if exists "license_kind"; drop type if exists "source_work_kind"; drop type if exists "episode_status"; drop type if exists "orientation";`);
  }
}
