import { Migration } from '@mikro-orm/migrations';

/**
 * Genres were written to `text[]` with their items unquoted, so a genre spelled NULL (in any case)
 * was stored as a null item, and every read of that series failed, partner catalog pages holding it
 * included. The spelling is lost; the item is restored as "NULL". Genres are reviewed material, so
 * such a series goes back through review like any edit of them.
 */
export class Migration20261202140000_null_genre_items extends Migration {
  override async up(): Promise<void> {
    this.addSql(`update "series" set "genres" = array_replace("genres", null, 'NULL'), "updated_at" = now() where array_position("genres", null) is not null;`);
  }

  override async down(): Promise<void> {
    // A null item was never a genre: nothing to restore.
  }
}
