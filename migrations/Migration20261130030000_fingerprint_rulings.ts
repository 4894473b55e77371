import { Migration } from '@mikro-orm/migrations';

/**
 * Fingerprint rulings that leak nothing and silence nothing else.
 *
 * - `review_case.routed_to_lead`: a possible copy of another studio's content sends the case to a
 *   lead through this operator-only flag, not through `escalated`/`escalation_note`, which the studio
 *   reads on its own case (a visible flag would let a studio probe what another studio holds).
 * - `licensed_reuse` is kept per pair of media revisions instead of per pair of series: a ruling on
 *   one match no longer silences every later upload between the two series. Rulings already made are
 *   carried over to the matches they covered.
 */
export class Migration20261130030000_fingerprint_rulings extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "review_case" add column "routed_to_lead" boolean not null default false;`);
    this.addSql(`
create table "licensed_media_reuse" (
  "id" uuid primary key,
  "media_revision_id" uuid not null references "media_revision" ("id") on delete cascade,
  "other_revision_id" uuid not null references "media_revision" ("id") on delete cascade,
  "note" text not null,
  "marked_by_id" uuid null references "app_user" ("id") on delete set null,
  "marked_at" timestamptz not null,
  constraint "licensed_media_reuse_pair_unique" unique ("media_revision_id", "other_revision_id"),
  constraint "licensed_media_reuse_ordered" check ("media_revision_id" < "other_revision_id")
);`);
    this.addSql(`create index "licensed_media_reuse_other_revision_id_index" on "licensed_media_reuse" ("other_revision_id");`);
    this.addSql(`
insert into "licensed_media_reuse" (id, media_revision_id, other_revision_id, note, marked_by_id, marked_at)
select distinct on (least(m.media_revision_id, m.matched_revision_id), greatest(m.media_revision_id, m.matched_revision_id))
  gen_random_uuid(), least(m.media_revision_id, m.matched_revision_id), greatest(m.media_revision_id, m.matched_revision_id), l.note, l.marked_by_id, l.marked_at
from content_match m
join media_revision r1 on r1.id = m.media_revision_id join episode e1 on e1.id = r1.episode_id
join media_revision r2 on r2.id = m.matched_revision_id join episode e2 on e2.id = r2.episode_id
join licensed_reuse l on l.series_id = least(e1.series_id, e2.series_id) and l.other_series_id = greatest(e1.series_id, e2.series_id);`);
    this.addSql(`drop table "licensed_reuse";`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "licensed_media_reuse";`);
    this.addSql(`
create table "licensed_reuse" (
  "id" uuid primary key,
  "series_id" uuid not null references "series" ("id") on delete cascade,
  "other_series_id" uuid not null references "series" ("id") on delete cascade,
  "note" text not null,
  "marked_by_id" uuid null references "app_user" ("id") on delete set null,
  "marked_at" timestamptz not null,
  constraint "licensed_reuse_pair_unique" unique ("series_id", "other_series_id"),
  constraint "licensed_reuse_ordered" check ("series_id" < "other_series_id")
);`);
    this.addSql(`alter table "review_case" drop column "routed_to_lead";`);
  }
}
