import { Migration } from '@mikro-orm/migrations';

/**
 * Every status change an episode may make, as `api/src/modules/catalog/episode-lifecycle.ts`
 * declares them, enforced by the database: an UPDATE moving `episode.status` any other way is
 * refused, so neither a forgotten code path nor raw SQL can skip a step (review in particular).
 * The pairs are written out here on purpose — a migration must not change when the code does —
 * and a test checks them against the table pair by pair. Inserts are not restricted.
 */
export class Migration20261129030000_episode_lifecycle extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create function episode_lifecycle_guard() returns trigger language plpgsql as $$
begin
  if (old.status::text, new.status::text) in (
    ('DRAFT', 'UPLOADING'),
    ('UPLOADING', 'PROCESSING'),
    ('PROCESSING', 'READY'),
    ('UPLOADING', 'DRAFT'),
    ('PROCESSING', 'DRAFT'),
    ('READY', 'IN_REVIEW'),
    ('CHANGES_REQUESTED', 'IN_REVIEW'),
    ('IN_REVIEW', 'APPROVED'),
    ('IN_REVIEW', 'CHANGES_REQUESTED'),
    ('IN_REVIEW', 'REJECTED'),
    ('REJECTED', 'IN_REVIEW'),
    ('APPROVED', 'IN_REVIEW'),
    ('PUBLISHED', 'IN_REVIEW'),
    ('APPROVED', 'PUBLISHED'),
    ('PUBLISHED', 'APPROVED'),
    ('APPROVED', 'TAKEN_DOWN'),
    ('PUBLISHED', 'TAKEN_DOWN'),
    ('IN_REVIEW', 'READY'),
    ('CHANGES_REQUESTED', 'READY'),
    ('REJECTED', 'READY'),
    ('APPROVED', 'READY'),
    ('PUBLISHED', 'READY')
  ) then
    return new;
  end if;
  raise exception 'Episode % (number %) cannot go from % to %: no transition of the episode lifecycle allows it.', old.id, old.number, old.status, new.status
    using errcode = 'check_violation', table = 'episode', column = 'status';
end
$$;`);
    this.addSql(`create trigger episode_lifecycle before update of status on episode
  for each row when (old.status is distinct from new.status) execute function episode_lifecycle_guard();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists episode_lifecycle on episode;`);
    this.addSql(`drop function if exists episode_lifecycle_guard();`);
  }
}
