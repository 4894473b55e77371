import { Migration } from '@mikro-orm/migrations';

/**
 * AI-content disclosure: the AI uses a studio declares for a series (on its license, beside the
 * existing declaration and disclosure text) and for single episodes, and the visible label viewers
 * are shown. All of it is reviewed material, a gate input (AI_LABEL_MISSING) and shown to partners,
 * so it bumps the material versions like the texts it sits beside.
 */
export class Migration20261130010000_ai_content extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "series_license" add column "ai_elements" text[] not null default '{}', add column "ai_label" text null;`);
    this.addSql(`alter table "episode" add column "ai_elements" text[] not null default '{}';`);
    this.addSql(`
create or replace function episode_material_version() returns trigger language plpgsql as $$
begin
  if (new.title, new.synopsis, new.current_media_id, new.number, new.ai_elements) is distinct from (old.title, old.synopsis, old.current_media_id, old.number, old.ai_elements) then
    new.material_version := old.material_version + 1;
  end if;
  return new;
end $$;`);
    this.addSql(`drop trigger if exists "series_license_material_version" on "series_license";`);
    this.addSql(`create trigger "series_license_material_version" after insert or delete or update of "licensor", "source_work_title", "source_work_kind", "source_work_author", "source_work_publisher", "ai_generated_content", "ai_disclosure", "ai_elements", "ai_label" on "series_license" for each row execute function material_version_of_parent();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "series_license_material_version" on "series_license";`);
    this.addSql(`create trigger "series_license_material_version" after insert or delete or update of "licensor", "source_work_title", "source_work_kind", "source_work_author", "source_work_publisher", "ai_generated_content", "ai_disclosure" on "series_license" for each row execute function material_version_of_parent();`);
    this.addSql(`
create or replace function episode_material_version() returns trigger language plpgsql as $$
begin
  if (new.title, new.synopsis, new.current_media_id, new.number) is distinct from (old.title, old.synopsis, old.current_media_id, old.number) then
    new.material_version := old.material_version + 1;
  end if;
  return new;
end $$;`);
    this.addSql(`alter table "episode" drop column if exists "ai_elements";`);
    this.addSql(`alter table "series_license" drop column if exists "ai_elements", drop column if exists "ai_label";`);
  }
}
