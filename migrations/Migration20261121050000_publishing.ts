import { Migration } from '@mikro-orm/migrations';

/** Partners, release plans, the publish gate's live state, the partner change feed and webhooks. */
export class Migration20261121050000_publishing extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "catalog_event_type" as enum ('PUBLISHED', 'UPDATED', 'PRICE_CHANGED', 'TAKEN_DOWN', 'EXPIRED');`);
    this.addSql(`create type "release_mode" as enum ('ALL_AT_ONCE', 'DROPS', 'SCHEDULED');`);
    this.addSql(`create type "delivery_status" as enum ('PENDING', 'SUCCEEDED', 'FAILED');`);

    this.addSql(`create table "partner_profile" ("organization_id" uuid not null, "territories" text[] not null, "currency" text not null default 'USD', "rate_limit_per_minute" int null, constraint "partner_profile_pkey" primary key ("organization_id"));`);
    this.addSql(`alter table "partner_profile" add constraint "partner_profile_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`);

    this.addSql(`create table "release_plan" ("id" uuid not null, "series_id" uuid not null, "partner_id" uuid not null, "mode" "release_mode" not null, "starts_at" timestamptz not null, "episodes_per_day" int null, "episode_times" jsonb not null, "updated_at" timestamptz not null, constraint "release_plan_pkey" primary key ("id"));`);
    this.addSql(`alter table "release_plan" add constraint "release_plan_series_id_partner_id_unique" unique ("series_id", "partner_id");`);
    this.addSql(`alter table "release_plan" add constraint "release_plan_series_id_foreign" foreign key ("series_id") references "series" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "release_plan" add constraint "release_plan_partner_id_foreign" foreign key ("partner_id") references "organization" ("id") on update cascade on delete cascade;`);

    this.addSql(`create table "episode_live_state" ("episode_id" uuid not null, "partner_id" uuid not null, "territory" text not null, "series_id" uuid not null, "live" boolean not null, "reasons" jsonb not null, "price" jsonb null, "content_key" text null, "live_since" timestamptz null, "evaluated_at" timestamptz not null, constraint "episode_live_state_pkey" primary key ("episode_id", "partner_id", "territory"));`);
    this.addSql(`create index "episode_live_state_partner_id_territory_live_series_id_index" on "episode_live_state" ("partner_id", "territory", "live", "series_id");`);
    this.addSql(`create index "episode_live_state_series_id_index" on "episode_live_state" ("series_id");`);
    this.addSql(`alter table "episode_live_state" add constraint "episode_live_state_episode_id_foreign" foreign key ("episode_id") references "episode" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "episode_live_state" add constraint "episode_live_state_partner_id_foreign" foreign key ("partner_id") references "organization" ("id") on update cascade on delete cascade;`);

    this.addSql(`create table "catalog_event" ("id" bigserial primary key, "partner_id" uuid not null, "type" "catalog_event_type" not null, "territory" text not null, "episode_id" uuid not null, "series_id" uuid not null, "data" jsonb not null, "occurred_at" timestamptz not null);`);
    this.addSql(`create index "catalog_event_partner_id_id_index" on "catalog_event" ("partner_id", "id");`);

    this.addSql(`create table "webhook_endpoint" ("id" uuid not null, "partner_id" uuid not null, "url" text not null, "secret_encrypted" text not null, "enabled" boolean not null default true, "disabled_reason" text null, "consecutive_failures" int not null default 0, "created_at" timestamptz not null, constraint "webhook_endpoint_pkey" primary key ("id"));`);
    this.addSql(`alter table "webhook_endpoint" add constraint "webhook_endpoint_partner_id_foreign" foreign key ("partner_id") references "organization" ("id") on update cascade on delete cascade;`);
    this.addSql(`create table "webhook_delivery" ("id" text not null, "endpoint_id" uuid not null, "event_type" text not null, "payload" jsonb not null, "status" "delivery_status" not null default 'PENDING', "attempts" jsonb not null, "created_at" timestamptz not null, constraint "webhook_delivery_pkey" primary key ("id"));`);
    this.addSql(`create index "webhook_delivery_endpoint_id_created_at_index" on "webhook_delivery" ("endpoint_id", "created_at");`);
    this.addSql(`alter table "webhook_delivery" add constraint "webhook_delivery_endpoint_id_foreign" foreign key ("endpoint_id") references "webhook_endpoint" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "webhook_delivery", "webhook_endpoint", "catalog_event", "episode_live_state", "release_plan", "partner_profile";`);
    this.addSql(`drop type if exists "delivery_status"; drop type if exists "release_mode"; drop type if exists "catalog_event_type";`);
  }
}
