import { Migration } from '@mikro-orm/migrations';

/**
 * Mirrored copies. A horizontally flipped re-upload changes most bits of every frame's pHash, so it
 * matched nothing. Each stored frame now also keeps the pHash of the frame flipped left to right
 * (`mirrored_hash`, not indexed): a lookup probes the window indexes with both hashes of the checked
 * frames against the stored frames as they are, so a flipped copy is found from either side and the
 * indexes stay as large as before. Fingerprints stored earlier have no mirrored hashes; screening
 * computes them again from the file (their `algorithm` names the older method).
 * `content_match.mirrored` says a match was found that way.
 */
export class Migration20261130180000_fingerprint_mirrors extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "fingerprint_frame" add column "mirrored_hash" bigint null;`);
    this.addSql(`alter table "content_match" add column "mirrored" boolean not null default false;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "content_match" drop column "mirrored";`);
    this.addSql(`alter table "fingerprint_frame" drop column "mirrored_hash";`);
  }
}
