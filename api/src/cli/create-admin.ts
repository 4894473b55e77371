import 'reflect-metadata';
import { loadConfig } from '../config';
import { openDatabase } from '../db/database';
import { migrate, openOrm } from '../db/orm';
import { emailSchema, nameSchema, parseInput, passwordSchema } from '../domain/validation';
import { createLogger } from '../logger';
import { AuditEvent } from '../modules/audit/audit-event.entity';
import { hashPassword } from '../modules/auth/passwords';
import { Membership, Role } from '../modules/membership/membership.entity';
import { Organization, OrganizationKind } from '../modules/organization/organization.entity';
import { User } from '../modules/user/user.entity';

/**
 * `npm run admin:create -- <email> "<name>"` with the password in GREENLIGHT_ADMIN_PASSWORD: the first
 * operator admin of a production install (demo data is never seeded there). Audited.
 */
async function run(): Promise<void> {
  const [emailArg, nameArg] = process.argv.slice(2);
  const email = parseInput(emailSchema, emailArg ?? '', 'email');
  const name = parseInput(nameSchema('Name'), nameArg ?? '', 'name');
  const password = parseInput(passwordSchema, process.env.GREENLIGHT_ADMIN_PASSWORD ?? '', 'GREENLIGHT_ADMIN_PASSWORD');
  const config = loadConfig();
  const logger = createLogger('warn');
  const db = await openDatabase(config, logger, 'reuse');
  const orm = await openOrm(db.url, { logger: () => {} });
  try {
    await migrate(orm);
    const em = orm.em.fork();
    if (await em.count(User, { email })) throw new Error(`${email} already has an account.`);
    await em.transactional(async (tx) => {
      const operator = (await tx.findOne(Organization, { kind: OrganizationKind.OPERATOR })) ?? tx.create(Organization, { name: 'Operations', kind: OrganizationKind.OPERATOR, createdAt: new Date() });
      const user = tx.create(User, { email, name, passwordHash: await hashPassword(password), createdAt: new Date() });
      tx.create(Membership, { user, organization: operator, role: Role.ADMIN, createdAt: new Date() });
      tx.create(AuditEvent, { occurredAt: new Date(), action: 'membership.create_admin', actorLabel: 'command line', organizationId: operator.id, subjectType: 'User', subjectId: user.id, summary: { email } });
    });
    process.stdout.write(`Created operator admin ${email}. Sign in to the dashboard to invite others.\n`);
  } finally {
    await orm.close();
    await db.stop();
  }
}

run().catch((error) => {
  process.stderr.write(`Could not create the admin: ${(error as Error).message}\n`);
  process.exit(1);
});
