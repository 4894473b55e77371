import { Migration } from '@mikro-orm/migrations';

/**
 * Localized titles and synopses: per series (episode_id null) or per episode, one per BCP 47
 * language. They are reviewed material and shown to partners, so a write marks the series for the
 * publish gate (the same trigger every gate input has) and bumps the material version of what it
 * localizes (the partner reads of a changed text fail closed until it is evaluated).
 */
export class Migration20261130040000_localized_texts extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "localized_text" (
      "id" uuid not null, "series_id" uuid not null, "episode_id" uuid null, "language" text not null,
      "title" text not null, "synopsis" text not null default '', "created_at" timestamptz not null, "updated_at" timestamptz not null,
      constraint "localized_text_pkey" primary key ("id"),
      constraint "localized_text_title_check" check (length(btrim("title")) > 0));`);
    this.addSql(`alter table "localized_text" add constraint "localized_text_series_id_foreign" foreign key ("series_id") references "series" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "localized_text" add constraint "localized_text_episode_id_foreign" foreign key ("episode_id") references "episode" ("id") on update cascade on delete cascade;`);
    this.addSql(`create unique index "localized_text_series_language_unique" on "localized_text" ("series_id", "language") where "episode_id" is null;`);
    this.addSql(`create unique index "localized_text_episode_language_unique" on "localized_text" ("episode_id", "language") where "episode_id" is not null;`);

    this.addSql(PUBLICATION_INPUT_CHANGED(`'episode', 'series_license', 'release_plan', 'localized_text'`));
    this.addSql(`create trigger "localized_text_publication_input" after insert or update or delete on "localized_text" for each row execute function publication_input_changed();`);
    this.addSql(`
create function localized_text_material_version() returns trigger language plpgsql as $$
begin
  if TG_OP <> 'INSERT' then
    if old.episode_id is null then update series set material_version = material_version + 1 where id = old.series_id;
    else update episode set material_version = material_version + 1 where id = old.episode_id; end if;
  end if;
  if TG_OP <> 'DELETE' then
    if new.episode_id is null then update series set material_version = material_version + 1 where id = new.series_id;
    else update episode set material_version = material_version + 1 where id = new.episode_id; end if;
  end if;
  return null;
end $$;`);
    this.addSql(`create trigger "localized_text_material_version" after insert or update or delete on "localized_text" for each row execute function localized_text_material_version();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "localized_text_material_version" on "localized_text"; drop function if exists localized_text_material_version();`);
    this.addSql(`drop trigger if exists "localized_text_publication_input" on "localized_text";`);
    this.addSql(PUBLICATION_INPUT_CHANGED(`'episode', 'series_license', 'release_plan'`));
    this.addSql(`drop table if exists "localized_text";`);
  }
}

/** The gate-input trigger function of 20261129010000_publication, with the tables that carry `series_id` given. */
const PUBLICATION_INPUT_CHANGED = (seriesIdTables: string) => `
create or replace function publication_input_changed() returns trigger language plpgsql as $$
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
    elsif TG_TABLE_NAME in (${seriesIdTables}) then
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
end $$;`;
