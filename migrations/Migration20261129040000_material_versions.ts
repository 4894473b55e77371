import { Migration } from '@mikro-orm/migrations';

/**
 * Material versions: every change to what a partner is shown of an episode (title, synopsis, media,
 * number, subtitles) or of a series (texts, genres, ratings, filings, cover, license terms it shows)
 * bumps a counter in the same statement. The live state records the versions it evaluated; partner
 * reads require them to be current. So between a change and its re-evaluation a partner sees the
 * episode as not live (fail closed), never unreviewed material.
 */
export class Migration20261129040000_material_versions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "episode" add column "material_version" int not null default 0;`);
    this.addSql(`alter table "series" add column "material_version" int not null default 0;`);
    this.addSql(`alter table "partner_episode_state" add column "episode_version" int not null default -1, add column "series_version" int not null default -1;`);
    this.addSql(`
create function episode_material_version() returns trigger language plpgsql as $$
begin
  if (new.title, new.synopsis, new.current_media_id, new.number) is distinct from (old.title, old.synopsis, old.current_media_id, old.number) then
    new.material_version := old.material_version + 1;
  end if;
  return new;
end $$;`);
    this.addSql(`create trigger "episode_material_version" before update on "episode" for each row execute function episode_material_version();`);
    this.addSql(`
create function series_material_version() returns trigger language plpgsql as $$
begin
  if (new.title, new.synopsis, new.genres, new.original_language, new.maturity_ratings, new.filings, new.cover_image_url, new.orientation)
     is distinct from (old.title, old.synopsis, old.genres, old.original_language, old.maturity_ratings, old.filings, old.cover_image_url, old.orientation) then
    new.material_version := old.material_version + 1;
  end if;
  return new;
end $$;`);
    this.addSql(`create trigger "series_material_version" before update on "series" for each row execute function series_material_version();`);
    // Subtitles belong to the episode's material, license terms partners see to the series'.
    this.addSql(`
create function material_version_of_parent() returns trigger language plpgsql as $$
begin
  if TG_TABLE_NAME = 'subtitle_track' then
    update episode set material_version = material_version + 1 where id in ((case when TG_OP = 'DELETE' then old else new end).episode_id, (case when TG_OP = 'INSERT' then new else old end).episode_id);
  else
    update series set material_version = material_version + 1 where id in ((case when TG_OP = 'DELETE' then old else new end).series_id, (case when TG_OP = 'INSERT' then new else old end).series_id);
  end if;
  return null;
end $$;`);
    this.addSql(`create trigger "subtitle_track_material_version" after insert or update or delete on "subtitle_track" for each row execute function material_version_of_parent();`);
    // Only what partners are shown or reviews check: a window or contract edit does not hide the series.
    this.addSql(`create trigger "series_license_material_version" after insert or delete or update of "licensor", "source_work_title", "source_work_kind", "source_work_author", "source_work_publisher", "ai_generated_content", "ai_disclosure" on "series_license" for each row execute function material_version_of_parent();`);
    // Everything is evaluated again, to record the versions.
    this.addSql(`insert into publication_mark (series_id) select id from series;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "subtitle_track_material_version" on "subtitle_track"; drop trigger if exists "series_license_material_version" on "series_license"; drop function if exists material_version_of_parent();`);
    this.addSql(`drop trigger if exists "series_material_version" on "series"; drop function if exists series_material_version();`);
    this.addSql(`drop trigger if exists "episode_material_version" on "episode"; drop function if exists episode_material_version();`);
    this.addSql(`alter table "partner_episode_state" drop column if exists "episode_version", drop column if exists "series_version";`);
    this.addSql(`alter table "series" drop column if exists "material_version";`);
    this.addSql(`alter table "episode" drop column if exists "material_version";`);
  }
}
