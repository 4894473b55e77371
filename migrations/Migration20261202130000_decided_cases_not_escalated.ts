import { Migration } from '@mikro-orm/migrations';

/**
 * A decision ends an escalation (the audit keeps that the case was escalated, and its note why), so
 * a decided case is not escalated. Cases decided before decisions cleared the flag still carried it,
 * and showed as escalated in the history; this clears it for them.
 */
export class Migration20261202130000_decided_cases_not_escalated extends Migration {
  override async up(): Promise<void> {
    this.addSql(`update "review_case" set "escalated" = false where "status" = 'DECIDED' and "escalated";`);
  }

  override async down(): Promise<void> {
    // The flag that was cleared is not known any more (the audit has it); nothing to restore.
  }
}
