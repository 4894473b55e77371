import { Migration } from '@mikro-orm/migrations';

/**
 * Dubbed audio tracks: one alternate audio track per episode and language (BCP 47), uploaded through
 * tus like video (an upload says which language it dubs in `audio_language`) and stored under its
 * content hash. Tracks are reviewed material and a gate input: the same two triggers as subtitle
 * tracks mark the series for evaluation and bump the episode's material version.
 */
export class Migration20261130065000_audio_tracks extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "audio_track" ("id" uuid not null, "episode_id" uuid not null, "language" text not null, "sha256" text not null, "size_bytes" bigint not null, "storage_key" text not null, "file_name" text not null, "container" text not null, "audio_codec" text not null, "duration_seconds" double precision not null, "uploaded_by_id" uuid null, "created_at" timestamptz not null, constraint "audio_track_pkey" primary key ("id"));`);
    this.addSql(`alter table "audio_track" add constraint "audio_track_episode_id_language_unique" unique ("episode_id", "language");`);
    this.addSql(`alter table "audio_track" add constraint "audio_track_episode_id_foreign" foreign key ("episode_id") references "episode" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "audio_track" add constraint "audio_track_uploaded_by_id_foreign" foreign key ("uploaded_by_id") references "app_user" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "episode_upload" add column "audio_language" text null;`);

    this.addSql(`
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
    elsif TG_TABLE_NAME in ('episode', 'series_license', 'release_plan', 'localized_text') then
      insert into publication_mark (series_id) values ((r->>'series_id')::uuid);
    elsif TG_TABLE_NAME in ('media_revision', 'subtitle_track', 'audio_track', 'episode_price_term', 'review_case') then
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
    this.addSql(`
create or replace function material_version_of_parent() returns trigger language plpgsql as $$
begin
  if TG_TABLE_NAME in ('subtitle_track', 'audio_track') then
    update episode set material_version = material_version + 1 where id in ((case when TG_OP = 'DELETE' then old else new end).episode_id, (case when TG_OP = 'INSERT' then new else old end).episode_id);
  else
    update series set material_version = material_version + 1 where id in ((case when TG_OP = 'DELETE' then old else new end).series_id, (case when TG_OP = 'INSERT' then new else old end).series_id);
  end if;
  return null;
end $$;`);
    this.addSql(`create trigger "audio_track_publication_input" after insert or update or delete on "audio_track" for each row execute function publication_input_changed();`);
    this.addSql(`create trigger "audio_track_material_version" after insert or update or delete on "audio_track" for each row execute function material_version_of_parent();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "audio_track" cascade;`);
    this.addSql(`alter table "episode_upload" drop column if exists "audio_language";`);
    // Back to the definitions of 20261130040000_localized_texts and 20261129040000_material_versions.
    this.addSql(`
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
    elsif TG_TABLE_NAME in ('episode', 'series_license', 'release_plan', 'localized_text') then
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
    this.addSql(`
create or replace function material_version_of_parent() returns trigger language plpgsql as $$
begin
  if TG_TABLE_NAME = 'subtitle_track' then
    update episode set material_version = material_version + 1 where id in ((case when TG_OP = 'DELETE' then old else new end).episode_id, (case when TG_OP = 'INSERT' then new else old end).episode_id);
  else
    update series set material_version = material_version + 1 where id in ((case when TG_OP = 'DELETE' then old else new end).series_id, (case when TG_OP = 'INSERT' then new else old end).series_id);
  end if;
  return null;
end $$;`);
  }
}
