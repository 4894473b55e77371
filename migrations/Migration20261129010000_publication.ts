import { Migration } from '@mikro-orm/migrations';

/**
 * Publication by construction.
 *
 * - Every table the publish gate (or the approval binding) reads has one trigger that marks the
 *   affected series in `publication_mark`, in the writer's own transaction: no service, mutation or
 *   raw SQL write can forget to. Marks are plain inserts (no unique key), so a writer never waits on
 *   a re-evaluation in progress; the re-evaluation deletes the marks it has seen.
 * - `publication_schedule` keeps, per series, the next instant a gate result can flip by itself
 *   (license window, holdback, price window, release time): the periodic pass reads only what is due.
 * - `partner_episode_state` is the live state, one row per episode and partner with its live
 *   territories and price groups, instead of one row per territory.
 * - Catalog events take their feed position under a transaction-scoped lock, so positions become
 *   visible in commit order and a partner tailing `changes` cannot skip one.
 * - Organizations can be suspended (a studio's catalog and a partner's feed go dark).
 */
export class Migration20261129010000_publication extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "organization" add column "suspended_at" timestamptz null, add column "suspended_reason" text null;`);

    this.addSql(`create table "publication_mark" ("id" bigserial primary key, "series_id" uuid not null, "marked_at" timestamptz not null default now());`);
    this.addSql(`create index "publication_mark_series_id_index" on "publication_mark" ("series_id");`);
    this.addSql(`create table "publication_schedule" ("series_id" uuid not null, "due_at" timestamptz null, "evaluated_at" timestamptz not null, constraint "publication_schedule_pkey" primary key ("series_id"));`);
    this.addSql(`alter table "publication_schedule" add constraint "publication_schedule_series_id_foreign" foreign key ("series_id") references "series" ("id") on update cascade on delete cascade;`);
    this.addSql(`create index "publication_schedule_due_at_index" on "publication_schedule" ("due_at") where "due_at" is not null;`);

    // One trigger function for every gate input: which series a changed row belongs to.
    this.addSql(`
create function publication_input_changed() returns trigger language plpgsql as $$
declare
  r jsonb;
  changed jsonb[] := '{}';
begin
  if TG_OP = 'UPDATE' and to_jsonb(OLD) = to_jsonb(NEW) then return null; end if;
  if TG_OP <> 'INSERT' then changed := changed || to_jsonb(OLD); end if;
  if TG_OP <> 'DELETE' then changed := changed || to_jsonb(NEW); end if;
  foreach r in array changed loop
    if TG_TABLE_NAME = 'series' then
      insert into publication_mark (series_id) values ((r->>'id')::uuid);
    elsif TG_TABLE_NAME in ('episode', 'series_license', 'release_plan') then
      insert into publication_mark (series_id) values ((r->>'series_id')::uuid);
    elsif TG_TABLE_NAME in ('media_revision', 'subtitle_track', 'episode_price_term', 'review_case') then
      insert into publication_mark (series_id) select e.series_id from episode e where e.id = (r->>'episode_id')::uuid;
    elsif TG_TABLE_NAME = 'review_decision' then
      insert into publication_mark (series_id)
        select e.series_id from review_case c join episode e on e.id = c.episode_id where c.id = (r->>'review_case_id')::uuid;
    elsif TG_TABLE_NAME in ('partner_profile', 'organization') then
      insert into publication_mark (series_id)
        select p.series_id from release_plan p where p.partner_id = coalesce(r->>'organization_id', r->>'id')::uuid
        union select x.series_id from partner_episode_state x where x.partner_id = coalesce(r->>'organization_id', r->>'id')::uuid
        union select s.id from series s where s.studio_id = coalesce(r->>'organization_id', r->>'id')::uuid;
    else
      raise exception 'publication_input_changed: % is not a known gate input', TG_TABLE_NAME;
    end if;
  end loop;
  perform pg_notify('publication_pending', '');
  return null;
end $$;`);

    this.addSql(`create table "partner_episode_state" ("episode_id" uuid not null, "partner_id" uuid not null, "series_id" uuid not null, "live_territories" text[] not null default '{}', "prices" jsonb not null default '[]', "dark" jsonb not null default '[]', "content_key" text null, "live_since" timestamptz null, "changed_at" timestamptz not null, "evaluated_at" timestamptz not null, constraint "partner_episode_state_pkey" primary key ("episode_id", "partner_id"));`);
    this.addSql(`create index "partner_episode_state_live_territories_index" on "partner_episode_state" using gin ("live_territories");`);
    this.addSql(`create index "partner_episode_state_partner_id_series_id_index" on "partner_episode_state" ("partner_id", "series_id");`);
    this.addSql(`create index "partner_episode_state_series_id_index" on "partner_episode_state" ("series_id");`);
    this.addSql(`alter table "partner_episode_state" add constraint "partner_episode_state_partner_id_foreign" foreign key ("partner_id") references "organization" ("id") on update cascade on delete cascade;`);
    this.addSql(`
insert into partner_episode_state (episode_id, partner_id, series_id, live_territories, prices, dark, content_key, live_since, changed_at, evaluated_at)
select episode_id, partner_id, (array_agg(series_id))[1],
       coalesce(array_agg(territory order by territory) filter (where live), '{}'),
       coalesce(jsonb_agg(jsonb_build_object('territories', jsonb_build_array(territory), 'price', price)) filter (where live), '[]'),
       coalesce(jsonb_agg(jsonb_build_object('territories', jsonb_build_array(territory), 'reasons', reasons)) filter (where not live), '[]'),
       max(content_key), min(live_since), max(evaluated_at), max(evaluated_at)
from episode_live_state group by episode_id, partner_id;`);
    this.addSql(`drop table "episode_live_state";`);

    for (const table of ['series', 'episode', 'media_revision', 'subtitle_track', 'series_license', 'episode_price_term', 'release_plan', 'review_decision', 'partner_profile']) {
      this.addSql(`create trigger "${table}_publication_input" after insert or update or delete on "${table}" for each row execute function publication_input_changed();`);
    }
    // A case's progress and claim change often and feed nothing the gate reads.
    this.addSql(`create trigger "review_case_publication_input" after insert or delete or update of "status", "media_sha256", "metadata_hash", "invalidated_at", "decided_at", "episode_id" on "review_case" for each row execute function publication_input_changed();`);
    this.addSql(`create trigger "organization_publication_input" after update of "suspended_at" on "organization" for each row execute function publication_input_changed();`);

    // Feed positions in commit order: one writer at a time takes positions, until it commits.
    this.addSql(`alter table "catalog_event" alter column "id" drop default;`);
    this.addSql(`
create function catalog_event_position() returns trigger language plpgsql as $$
begin
  perform pg_advisory_xact_lock(hashtext('catalog_event_feed'));
  new.id := nextval('catalog_event_id_seq');
  return new;
end $$;`);
    this.addSql(`create trigger "catalog_event_position" before insert on "catalog_event" for each row execute function catalog_event_position();`);

    // Everything is evaluated once under the new rules.
    this.addSql(`insert into publication_mark (series_id) select id from series;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "catalog_event_position" on "catalog_event"; drop function if exists catalog_event_position();`);
    this.addSql(`alter table "catalog_event" alter column "id" set default nextval('catalog_event_id_seq');`);
    for (const table of ['series', 'episode', 'media_revision', 'subtitle_track', 'series_license', 'episode_price_term', 'release_plan', 'review_decision', 'partner_profile', 'review_case', 'organization']) {
      this.addSql(`drop trigger if exists "${table}_publication_input" on "${table}";`);
    }
    this.addSql(`drop function if exists publication_input_changed();`);
    this.addSql(`create table "episode_live_state" ("episode_id" uuid not null, "partner_id" uuid not null, "territory" text not null, "series_id" uuid not null, "live" boolean not null, "reasons" jsonb not null, "price" jsonb null, "content_key" text null, "live_since" timestamptz null, "evaluated_at" timestamptz not null, constraint "episode_live_state_pkey" primary key ("episode_id", "partner_id", "territory"));`);
    this.addSql(`drop table if exists "partner_episode_state", "publication_schedule", "publication_mark";`);
    this.addSql(`alter table "organization" drop column if exists "suspended_at", drop column if exists "suspended_reason";`);
  }
}
