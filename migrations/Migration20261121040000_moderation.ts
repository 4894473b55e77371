import { Migration } from '@mikro-orm/migrations';

/** The human queue: claims with leases, escalation, holds, four-eyes, appeals, comments, takedowns. */
export class Migration20261121040000_moderation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "case_kind" as enum ('REVIEW', 'APPEAL');`);
    this.addSql(`alter table "review_case"
      add column "kind" "case_kind" not null default 'REVIEW',
      add column "previous_case_id" uuid null,
      add column "appeal_statement" text null,
      add column "appealed_at" timestamptz null,
      add column "excluded_reviewer_ids" text[] not null default '{}',
      add column "version" int not null default 1,
      add column "claimed_by_id" uuid null,
      add column "claim_expires_at" timestamptz null,
      add column "escalated" boolean not null default false,
      add column "escalation_note" text null,
      add column "held" boolean not null default false,
      add column "hold_reason" text null,
      add column "awaiting_second_approval" boolean not null default false,
      add column "sla_due_at" timestamptz not null default now() + interval '24 hours',
      add column "planned_release_at" timestamptz null,
      add column "decided_at" timestamptz null;`);
    this.addSql(`alter table "review_case" add constraint "review_case_previous_case_id_foreign" foreign key ("previous_case_id") references "review_case" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "review_case" add constraint "review_case_claimed_by_id_foreign" foreign key ("claimed_by_id") references "app_user" ("id") on update cascade on delete set null;`);
    // The queue's order, so "claim next" reads the head of an index however long the queue is.
    this.addSql(`create index "review_case_queue_order" on "review_case" ("risk_score" desc nulls last, "sla_due_at", "planned_release_at", "submitted_at", "id") where "status" = 'PENDING_REVIEW';`);

    this.addSql(`alter table "review_decision" add column "pending_second_approval" boolean not null default false;`);

    this.addSql(`create table "review_comment" ("id" uuid not null, "review_case_id" uuid not null, "author_id" uuid null, "author_label" text not null, "at_seconds" double precision null, "text" text not null, "created_at" timestamptz not null, constraint "review_comment_pkey" primary key ("id"));`);
    this.addSql(`create index "review_comment_review_case_id_created_at_index" on "review_comment" ("review_case_id", "created_at");`);
    this.addSql(`alter table "review_comment" add constraint "review_comment_review_case_id_foreign" foreign key ("review_case_id") references "review_case" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "review_comment" add constraint "review_comment_author_id_foreign" foreign key ("author_id") references "app_user" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "episode" add column "takedown_reason" text null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "episode" drop column if exists "takedown_reason";`);
    this.addSql(`drop table if exists "review_comment";`);
    this.addSql(`alter table "review_decision" drop column if exists "pending_second_approval";`);
    this.addSql(`drop index if exists "review_case_queue_order";`);
    this.addSql(`alter table "review_case" drop column if exists "kind", drop column if exists "previous_case_id", drop column if exists "appeal_statement", drop column if exists "appealed_at", drop column if exists "excluded_reviewer_ids", drop column if exists "version", drop column if exists "claimed_by_id", drop column if exists "claim_expires_at", drop column if exists "escalated", drop column if exists "escalation_note", drop column if exists "held", drop column if exists "hold_reason", drop column if exists "awaiting_second_approval", drop column if exists "sla_due_at", drop column if exists "planned_release_at", drop column if exists "decided_at";`);
    this.addSql(`drop type if exists "case_kind";`);
  }
}
