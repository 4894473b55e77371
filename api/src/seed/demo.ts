import type { EntityManager } from '@mikro-orm/postgresql';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ApiKey } from '../modules/api-key/api-key.entity';
import { AuditEvent } from '../modules/audit/audit-event.entity';
import { hashPassword } from '../modules/auth/passwords';
import { hashToken, newApiKey } from '../modules/auth/tokens';
import { Membership, Role } from '../modules/membership/membership.entity';
import { Organization, OrganizationKind } from '../modules/organization/organization.entity';
import { User } from '../modules/user/user.entity';
import { PartnerProfile } from '../modules/publishing/partner-profile.entity';

/** Shared by every demo account; local demo data only. */
export const DEMO_PASSWORD = 'greenlight-demo';

export const DEMO_ACCOUNTS = [
  { email: 'admin@greenlight.test', name: 'Ada Admin', org: 'operator', role: Role.ADMIN },
  { email: 'lead@greenlight.test', name: 'Lee Lead', org: 'operator', role: Role.LEAD },
  { email: 'reviewer@greenlight.test', name: 'Rae Reviewer', org: 'operator', role: Role.REVIEWER },
  { email: 'owner@crimsonreel.test', name: 'Olive Owner', org: 'studio', role: Role.OWNER },
  { email: 'editor@crimsonreel.test', name: 'Eddie Editor', org: 'studio', role: Role.EDITOR },
  { email: 'partner@shortplay.test', name: 'Pat Partner', org: 'partner', role: Role.PARTNER_ADMIN },
] as const;

const ORGS = {
  operator: { name: 'Greenlight Operations', kind: OrganizationKind.OPERATOR },
  studio: { name: 'Crimson Reel Studio', kind: OrganizationKind.STUDIO },
  partner: { name: 'ShortPlay', kind: OrganizationKind.PARTNER },
} as const;

export interface SeedResult {
  created: boolean;
  partnerApiKey?: string;
}

const keyFile = (dataDir: string) => path.join(dataDir, 'demo-partner-api-key');

/** The demo partner key, kept beside the local data so `npm start` can print it every time. */
export function readDemoPartnerKey(dataDir: string): string | undefined {
  const file = keyFile(dataDir);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

/** Creates the demo organizations, accounts and partner key unless they exist. Idempotent. */
export async function seedDemoData(em: EntityManager, options: { appSecret: string; dataDir: string }): Promise<SeedResult> {
  if (await em.count(User, { email: DEMO_ACCOUNTS[0].email })) return { created: false, partnerApiKey: readDemoPartnerKey(options.dataDir) };
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return em.transactional(async (tx) => {
    const orgs = Object.fromEntries(
      Object.entries(ORGS).map(([key, o]) => [key, tx.create(Organization, { ...o, createdAt: new Date() })]),
    ) as Record<keyof typeof ORGS, Organization>;
    for (const account of DEMO_ACCOUNTS) {
      const user = tx.create(User, { email: account.email, name: account.name, passwordHash, createdAt: new Date() });
      tx.create(Membership, { user, organization: orgs[account.org], role: account.role, createdAt: new Date() });
    }
    tx.create(PartnerProfile, { organization: orgs.partner, territories: ['US', 'CA', 'GB'], currency: 'USD', rateLimitPerMinute: null });
    const { key, prefix } = newApiKey();
    tx.create(ApiKey, {
      organization: orgs.partner,
      name: 'Demo catalog sync',
      prefix,
      secretHash: hashToken(options.appSecret, key),
      createdAt: new Date(),
    });
    tx.create(AuditEvent, {
      occurredAt: new Date(),
      action: 'seed.demo_data',
      actorLabel: 'system',
      summary: { organizations: Object.values(ORGS).map((o) => o.name), users: DEMO_ACCOUNTS.map((a) => a.email) },
    });
    mkdirSync(options.dataDir, { recursive: true });
    writeFileSync(keyFile(options.dataDir), key + '\n', { mode: 0o600 });
    return { created: true, partnerApiKey: key };
  });
}

export async function databaseIsEmpty(em: EntityManager): Promise<boolean> {
  return (await em.count(Organization, {})) === 0;
}
