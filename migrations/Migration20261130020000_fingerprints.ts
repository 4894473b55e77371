import { Migration } from '@mikro-orm/migrations';

/**
 * Perceptual fingerprints of media and the matches they find across the platform.
 *
 * Each media revision keeps one 64-bit pHash per sampled second (`fingerprint_frame`). Lookups use
 * multi-index hashing: the hash is cut into four 16-bit bands, each with its own ordinary btree index,
 * so a near copy of a frame (few differing bits) shares at least one band exactly with high
 * probability; candidates found through the bands are then compared bit by bit. The cost of a lookup
 * follows the number of band hits, not the number of stored frames.
 */
export class Migration20261130020000_fingerprints extends Migration {
  override async up(): Promise<void> {
    // One definition of a band, used by the indexes and by every query (an index on an expression
    // serves only queries that use the same expression).
    this.addSql(`create function fingerprint_band(hash bigint, band int) returns int language sql immutable parallel safe as $$ select ((hash >> (48 - 16 * band)) & 65535)::int $$;`);
    this.addSql(`
create table "media_fingerprint" (
  "media_revision_id" uuid primary key references "media_revision" ("id") on delete cascade,
  "algorithm" text not null,
  "frame_count" int not null,
  "created_at" timestamptz not null default now()
);`);
    this.addSql(`
create table "fingerprint_frame" (
  "media_revision_id" uuid not null references "media_fingerprint" ("media_revision_id") on delete cascade,
  "at_ms" int not null,
  "hash" bigint not null,
  primary key ("media_revision_id", "at_ms")
);`);
    for (const band of [0, 1, 2, 3]) {
      this.addSql(`create index "fingerprint_frame_band_${band}" on "fingerprint_frame" (fingerprint_band("hash", ${band})) include ("media_revision_id", "at_ms");`);
    }
    // Candidates are the current media of episodes: found from the media side.
    this.addSql(`create index "episode_current_media_id_index" on "episode" ("current_media_id");`);
    this.addSql(`
create table "content_match" (
  "id" uuid primary key,
  "media_revision_id" uuid not null references "media_revision" ("id") on delete cascade,
  "matched_revision_id" uuid not null references "media_revision" ("id") on delete cascade,
  "same_studio" boolean not null,
  "matched_frames" int not null,
  "moments" jsonb not null,
  "found_at" timestamptz not null,
  constraint "content_match_pair_unique" unique ("media_revision_id", "matched_revision_id")
);`);
    this.addSql(`create index "content_match_matched_revision_id_index" on "content_match" ("matched_revision_id");`);
    // A lead's ruling that two series may share pictures (a licensed re-release, a re-edit): kept per
    // pair of series, in either order, so later uploads of either are not flagged again.
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
    this.addSql(`create index "licensed_reuse_other_series_id_index" on "licensed_reuse" ("other_series_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "licensed_reuse";`);
    this.addSql(`drop table if exists "content_match";`);
    this.addSql(`drop index if exists "episode_current_media_id_index";`);
    this.addSql(`drop table if exists "fingerprint_frame";`);
    this.addSql(`drop table if exists "media_fingerprint";`);
    this.addSql(`drop function if exists fingerprint_band(bigint, int);`);
  }
}
