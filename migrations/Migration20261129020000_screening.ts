import { Migration } from '@mikro-orm/migrations';

/**
 * Fail-closed screening: a per-case lease renewed by the screening worker's heartbeat (a case whose
 * lease lapsed is taken over), when screening first started (for the time limit), how many runs it
 * took, and every provider call written as it is made.
 */
export class Migration20261129020000_screening extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "review_case"
      add column "screening_started_at" timestamptz null,
      add column "screening_lease_until" timestamptz null,
      add column "screening_runs" int not null default 0;`);
    // The sweeper reads only open screenings.
    this.addSql(`create index "review_case_screening_lease" on "review_case" ("screening_lease_until") where "status" in ('QUEUED', 'SCREENING');`);

    this.addSql(`create table "screening_call" ("id" bigserial, "review_case_id" uuid not null, "run" int not null, "call" text not null, "attempt" int not null, "entry" jsonb not null, "started_at" timestamptz not null, "finished_at" timestamptz null, constraint "screening_call_pkey" primary key ("id"));`);
    this.addSql(`create index "screening_call_review_case_id_id_index" on "screening_call" ("review_case_id", "id");`);
    this.addSql(`alter table "screening_call" add constraint "screening_call_review_case_id_foreign" foreign key ("review_case_id") references "review_case" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "screening_call";`);
    this.addSql(`drop index if exists "review_case_screening_lease";`);
    this.addSql(`alter table "review_case" drop column if exists "screening_started_at", drop column if exists "screening_lease_until", drop column if exists "screening_runs";`);
  }
}
