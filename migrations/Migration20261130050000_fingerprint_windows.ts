import { Migration } from '@mikro-orm/migrations';

/**
 * Fingerprint lookups through sixteen overlapping 20-bit windows of the hash instead of four disjoint
 * 16-bit bands. A 16-bit band of a random frame equals a given one by chance once in 65,536 frames,
 * so at a million stored frames each lookup had about 3,700 chance hits to group; a 20-bit window does
 * so once in a million frames (about 900 hits for sixteen windows). The windows start every 4 bits
 * and wrap around the 64 bits, so a copy's frame keeps a window intact at least as often as it kept a
 * band (simulated: 49 % against 44 % of frames with 7 of 64 bits changed, 17 % for both with 10).
 */
export class Migration20261130050000_fingerprint_windows extends Migration {
  override async up(): Promise<void> {
    // Bits [4w, 4w + 20) of the hash, wrapping past bit 63 (a logical rotation, then the low 20 bits).
    this.addSql(`create function fingerprint_window(hash bigint, w int) returns int language sql immutable parallel safe as $$
      select (case when w = 0 then hash & 1048575
        else (((hash >> (4 * w)) & ((1::bigint << (64 - 4 * w)) - 1)) | (hash << (64 - 4 * w))) & 1048575 end)::int $$;`);
    for (let w = 0; w < 16; w++) {
      this.addSql(`create index "fingerprint_frame_window_${w}" on "fingerprint_frame" (fingerprint_window("hash", ${w})) include ("media_revision_id", "at_ms");`);
    }
    for (const band of [0, 1, 2, 3]) this.addSql(`drop index "fingerprint_frame_band_${band}";`);
    this.addSql(`drop function fingerprint_band(bigint, int);`);
  }

  override async down(): Promise<void> {
    this.addSql(`create function fingerprint_band(hash bigint, band int) returns int language sql immutable parallel safe as $$ select ((hash >> (48 - 16 * band)) & 65535)::int $$;`);
    for (const band of [0, 1, 2, 3]) {
      this.addSql(`create index "fingerprint_frame_band_${band}" on "fingerprint_frame" (fingerprint_band("hash", ${band})) include ("media_revision_id", "at_ms");`);
    }
    for (let w = 0; w < 16; w++) this.addSql(`drop index "fingerprint_frame_window_${w}";`);
    this.addSql(`drop function fingerprint_window(bigint, int);`);
  }
}
