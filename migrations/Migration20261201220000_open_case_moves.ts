import { Migration } from '@mikro-orm/migrations';

const OPEN = `('QUEUED', 'SCREENING', 'PENDING_REVIEW')`;

/**
 * A review case moving between open states (queued, screening, awaiting a reviewer) with nothing
 * else the publish gate reads changed no longer marks its series: the gate reads open cases as one
 * set (and decided cases), so every screening used to make partner catalogs be re-evaluated twice
 * for nothing. Inserts, deletes and every other change still mark it.
 */
export class Migration20261201220000_open_case_moves extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop trigger "review_case_publication_input" on "review_case";`);
    this.addSql(`create trigger "review_case_publication_input" after insert or delete on "review_case" for each row execute function publication_input_changed();`);
    this.addSql(
      `create trigger "review_case_publication_input_update" after update of "status", "media_sha256", "metadata_hash", "invalidated_at", "decided_at", "episode_id" on "review_case" for each row
       when (not (old.status in ${OPEN} and new.status in ${OPEN}
                  and old.media_sha256 is not distinct from new.media_sha256 and old.metadata_hash is not distinct from new.metadata_hash
                  and old.invalidated_at is not distinct from new.invalidated_at and old.decided_at is not distinct from new.decided_at
                  and old.episode_id = new.episode_id))
       execute function publication_input_changed();`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger "review_case_publication_input_update" on "review_case";`);
    this.addSql(`drop trigger "review_case_publication_input" on "review_case";`);
    this.addSql(`create trigger "review_case_publication_input" after insert or delete or update of "status", "media_sha256", "metadata_hash", "invalidated_at", "decided_at", "episode_id" on "review_case" for each row execute function publication_input_changed();`);
  }
}
