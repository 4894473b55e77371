import { Migration } from '@mikro-orm/migrations';

/**
 * Subtitle tracks get a kind (subtitles, closed captions, forced) and say whether they were
 * AI-generated. An episode may carry one track per language and kind, so Spanish subtitles and
 * Spanish forced narratives live side by side.
 */
export class Migration20261130010000_subtitle_kinds extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "subtitle_kind" as enum ('SUBTITLES', 'CLOSED_CAPTIONS', 'FORCED');`);
    this.addSql(`alter table "subtitle_track" add column "kind" "subtitle_kind" not null default 'SUBTITLES', add column "ai_generated" boolean not null default false;`);
    this.addSql(`alter table "subtitle_track" drop constraint "subtitle_track_episode_id_language_unique";`);
    this.addSql(`alter table "subtitle_track" add constraint "subtitle_track_episode_id_language_kind_unique" unique ("episode_id", "language", "kind");`);
    // Partners now get only licensed tracks and territories may require local languages: evaluate everything again.
    this.addSql(`insert into publication_mark (series_id) select id from series;`);
  }

  override async down(): Promise<void> {
    this.addSql(`delete from "subtitle_track" where "kind" <> 'SUBTITLES';`);
    this.addSql(`alter table "subtitle_track" drop constraint "subtitle_track_episode_id_language_kind_unique";`);
    this.addSql(`alter table "subtitle_track" add constraint "subtitle_track_episode_id_language_unique" unique ("episode_id", "language");`);
    this.addSql(`alter table "subtitle_track" drop column "kind", drop column "ai_generated";`);
    this.addSql(`drop type "subtitle_kind";`);
  }
}
