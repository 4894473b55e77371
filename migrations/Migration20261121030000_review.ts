import { Migration } from '@mikro-orm/migrations';
import PgBoss from 'pg-boss';

/** Review cases, AI assessments, findings, decisions and settings; and the job queue's tables. */
export class Migration20261121030000_review extends Migration {
  override async up(): Promise<void> {
    // pg-boss's own tables, from its construction plan (its BEGIN/COMMIT dropped: this migration is the transaction).
    const plan = PgBoss.getConstructionPlans('pgboss').replace(/^\s*BEGIN;\s*$/m, '').replace(/^\s*COMMIT;\s*$/m, '');
    this.addSql(plan);

    this.addSql(`create type "case_status" as enum ('QUEUED', 'SCREENING', 'PENDING_REVIEW', 'DECIDED', 'INVALIDATED');`);
    this.addSql(`create type "ai_status" as enum ('PENDING', 'COMPLETED', 'AI_UNAVAILABLE');`);
    this.addSql(`create type "decision" as enum ('APPROVE', 'REQUEST_CHANGES', 'REJECT');`);
    this.addSql(`create type "finding_severity" as enum ('INFO', 'LOW', 'MEDIUM', 'HIGH', 'BLOCKING');`);
    this.addSql(`create type "finding_source" as enum ('DETERMINISTIC', 'TEXT_MODERATION', 'VISUAL_MODERATION', 'POLICY_MODEL', 'RULES');`);

    this.addSql(`create table "review_settings" ("id" int primary key default 1 check ("id" = 1), "auto_approve_enabled" boolean not null default false, "auto_approve_max_risk" int not null default 10 check ("auto_approve_max_risk" between 0 and 100), "studio_sees_findings_before_decision" boolean not null default false, "updated_at" timestamptz not null default now());`);
    this.addSql(`insert into "review_settings" ("id") values (1);`);

    this.addSql(`create table "review_case" ("id" uuid not null, "episode_id" uuid not null, "studio_id" uuid not null, "media_revision_id" uuid not null, "media_sha256" text not null, "metadata_hash" text not null, "metadata_snapshot" jsonb not null, "territories" text[] not null, "status" "case_status" not null default 'QUEUED', "ai_status" "ai_status" not null default 'PENDING', "ai_error" text null, "risk_score" int null, "verdicts" jsonb not null, "progress" jsonb not null, "submitted_by_id" uuid null, "submitted_at" timestamptz not null, "screened_at" timestamptz null, "invalidated_at" timestamptz null, "invalidated_reason" text null, constraint "review_case_pkey" primary key ("id"));`);
    this.addSql(`create index "review_case_status_submitted_at_index" on "review_case" ("status", "submitted_at");`);
    this.addSql(`create index "review_case_episode_id_submitted_at_index" on "review_case" ("episode_id", "submitted_at");`);
    // At most one open case per episode.
    this.addSql(`create unique index "review_case_one_open_per_episode" on "review_case" ("episode_id") where "status" in ('QUEUED', 'SCREENING', 'PENDING_REVIEW');`);
    this.addSql(`alter table "review_case" add constraint "review_case_episode_id_foreign" foreign key ("episode_id") references "episode" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "review_case" add constraint "review_case_studio_id_foreign" foreign key ("studio_id") references "organization" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "review_case" add constraint "review_case_media_revision_id_foreign" foreign key ("media_revision_id") references "media_revision" ("id") on update cascade;`);
    this.addSql(`alter table "review_case" add constraint "review_case_submitted_by_id_foreign" foreign key ("submitted_by_id") references "app_user" ("id") on update cascade on delete set null;`);

    this.addSql(`create table "ai_assessment" ("id" uuid not null, "review_case_id" uuid not null, "provider" text not null, "model" text null, "policy_version" text not null, "ai_completed" boolean not null, "risk_score" int null, "verdicts" jsonb not null, "calls" jsonb not null, "keyframes" jsonb not null, "started_at" timestamptz not null, "finished_at" timestamptz not null, constraint "ai_assessment_pkey" primary key ("id"));`);
    // Exactly one assessment per case, however often its job runs.
    this.addSql(`alter table "ai_assessment" add constraint "ai_assessment_review_case_id_unique" unique ("review_case_id");`);
    this.addSql(`alter table "ai_assessment" add constraint "ai_assessment_review_case_id_foreign" foreign key ("review_case_id") references "review_case" ("id") on update cascade on delete cascade;`);

    this.addSql(`create table "review_finding" ("id" uuid not null, "review_case_id" uuid not null, "territory" text not null, "rule_id" text not null, "category" text not null, "severity" "finding_severity" not null, "source" "finding_source" not null, "evidence" jsonb not null, "explanation" text not null, "score" double precision null, constraint "review_finding_pkey" primary key ("id"));`);
    this.addSql(`create index "review_finding_review_case_id_territory_index" on "review_finding" ("review_case_id", "territory");`);
    this.addSql(`alter table "review_finding" add constraint "review_finding_review_case_id_foreign" foreign key ("review_case_id") references "review_case" ("id") on update cascade on delete cascade;`);

    this.addSql(`create table "review_decision" ("id" uuid not null, "review_case_id" uuid not null, "territory" text not null, "decision" "decision" not null, "decided_by_id" uuid null, "actor_label" text not null, "cited_rule_ids" text[] not null, "notes" text null, "created_at" timestamptz not null, constraint "review_decision_pkey" primary key ("id"));`);
    this.addSql(`create index "review_decision_review_case_id_territory_index" on "review_decision" ("review_case_id", "territory");`);
    this.addSql(`alter table "review_decision" add constraint "review_decision_review_case_id_foreign" foreign key ("review_case_id") references "review_case" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "review_decision" add constraint "review_decision_decided_by_id_foreign" foreign key ("decided_by_id") references "app_user" ("id") on update cascade on delete set null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "review_decision", "review_finding", "ai_assessment", "review_case", "review_settings";`);
    this.addSql(`drop type if exists "finding_source"; drop type if exists "finding_severity"; drop type if exists "decision"; drop type if exists "ai_status"; drop type if exists "case_status";`);
    this.addSql(`drop schema if exists pgboss cascade;`);
  }
}
