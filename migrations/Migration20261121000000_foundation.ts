import { Migration } from '@mikro-orm/migrations';

/** Accounts, tenants, sessions, API keys, invitations, the append-only audit log and rate-limit counters. */
export class Migration20261121000000_foundation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "organization_kind" as enum ('STUDIO', 'PARTNER', 'OPERATOR');`);
    this.addSql(`create type "role" as enum ('OWNER', 'EDITOR', 'VIEWER', 'REVIEWER', 'LEAD', 'ADMIN', 'PARTNER_ADMIN');`);

    this.addSql(`create table "organization" ("id" uuid not null, "name" text not null, "kind" "organization_kind" not null, "created_at" timestamptz not null, constraint "organization_pkey" primary key ("id"));`);

    this.addSql(`create table "app_user" ("id" uuid not null, "email" text not null, "name" text not null, "password_hash" text not null, "created_at" timestamptz not null, constraint "app_user_pkey" primary key ("id"));`);
    this.addSql(`alter table "app_user" add constraint "app_user_email_unique" unique ("email");`);

    this.addSql(`create table "session" ("id" uuid not null, "user_id" uuid not null, "token_hash" text not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, "user_agent" text null, "ip" text null, constraint "session_pkey" primary key ("id"));`);
    this.addSql(`alter table "session" add constraint "session_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "session_expires_at_index" on "session" ("expires_at");`);
    this.addSql(`create index "session_user_id_index" on "session" ("user_id");`);

    this.addSql(`create table "membership" ("id" uuid not null, "user_id" uuid not null, "organization_id" uuid not null, "role" "role" not null, "created_at" timestamptz not null, constraint "membership_pkey" primary key ("id"));`);
    this.addSql(`alter table "membership" add constraint "membership_user_id_organization_id_unique" unique ("user_id", "organization_id");`);
    this.addSql(`create index "membership_organization_id_index" on "membership" ("organization_id");`);

    this.addSql(`create table "invitation" ("id" uuid not null, "organization_id" uuid not null, "email" text not null, "role" "role" not null, "token_hash" text not null, "invited_by_id" uuid null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "accepted_at" timestamptz null, constraint "invitation_pkey" primary key ("id"));`);
    this.addSql(`alter table "invitation" add constraint "invitation_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "invitation_organization_id_index" on "invitation" ("organization_id");`);

    this.addSql(`create table "api_key" ("id" uuid not null, "organization_id" uuid not null, "name" text not null, "prefix" text not null, "secret_hash" text not null, "created_by_id" uuid null, "created_at" timestamptz not null, "last_used_at" timestamptz null, "revoked_at" timestamptz null, constraint "api_key_pkey" primary key ("id"));`);
    this.addSql(`alter table "api_key" add constraint "api_key_prefix_unique" unique ("prefix");`);
    this.addSql(`create index "api_key_organization_id_index" on "api_key" ("organization_id");`);

    this.addSql(`alter table "session" add constraint "session_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "membership" add constraint "membership_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "membership" add constraint "membership_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "invitation" add constraint "invitation_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "invitation" add constraint "invitation_invited_by_id_foreign" foreign key ("invited_by_id") references "app_user" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "api_key" add constraint "api_key_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "api_key" add constraint "api_key_created_by_id_foreign" foreign key ("created_by_id") references "app_user" ("id") on update cascade on delete set null;`);

    this.addSql(`create table "audit_event" ("id" bigserial primary key, "occurred_at" timestamptz not null, "action" text not null, "actor_id" text null, "actor_label" text not null, "organization_id" uuid null, "subject_type" text null, "subject_id" text null, "summary" jsonb not null, "request_id" text null, "ip" text null);`);
    this.addSql(`create index "audit_event_action_index" on "audit_event" ("action");`);
    this.addSql(`create index "audit_event_organization_id_occurred_at_index" on "audit_event" ("organization_id", "occurred_at");`);
    // The audit log is append-only: the database itself refuses to change or remove an event.
    this.addSql(`create function audit_event_is_append_only() returns trigger language plpgsql as $$
      begin raise exception 'audit_event is append-only'; end $$;`);
    this.addSql(`create trigger audit_event_append_only before update or delete on "audit_event"
      for each row execute function audit_event_is_append_only();`);
    this.addSql(`create trigger audit_event_no_truncate before truncate on "audit_event"
      for each statement execute function audit_event_is_append_only();`);

    // Counters for rate limits (rate-limiter-flexible's PostgreSQL store), shared by all API instances.
    this.addSql(`create table "rate_limit" ("key" varchar(255) primary key, "points" integer not null default 0, "expire" bigint);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "rate_limit";`);
    this.addSql(`drop table if exists "audit_event";`);
    this.addSql(`drop function if exists audit_event_is_append_only();`);
    this.addSql(`drop table if exists "api_key", "invitation", "membership", "session", "app_user", "organization";`);
    this.addSql(`drop type if exists "role"; drop type if exists "organization_kind";`);
  }
}
