import { describe, expect, it } from 'vitest';
import { Role, ROLES_BY_KIND } from '../modules/membership/membership.entity';
import { OrganizationKind } from '../modules/organization/organization.entity';
import { MANAGER_ROLES, roleRequired, rulesFor } from './access';

describe('role refusals name only roles that exist', () => {
  it('the managers of each kind of organization: STUDIO:OWNER, OPERATOR:ADMIN, PARTNER:PARTNER_ADMIN — never OPERATOR:OWNER or STUDIO:PARTNER_ADMIN', () => {
    expect(rulesFor(OrganizationKind.STUDIO, MANAGER_ROLES)).toEqual(['STUDIO:OWNER']);
    expect(rulesFor(OrganizationKind.OPERATOR, MANAGER_ROLES)).toEqual(['OPERATOR:ADMIN']);
    expect(rulesFor(OrganizationKind.PARTNER, MANAGER_ROLES)).toEqual(['PARTNER:PARTNER_ADMIN']);
  });

  it('for every kind and every role, a rule is named only when the kind has the role', () => {
    for (const kind of Object.values(OrganizationKind)) {
      for (const role of Object.values(Role)) expect(rulesFor(kind, [role]).length, `${kind}:${role}`).toBe(ROLES_BY_KIND[kind].includes(role) ? 1 : 0);
    }
  });

  it('names each rule once', () => {
    expect(roleRequired(['OPERATOR:ADMIN', 'STUDIO:OWNER', 'OPERATOR:ADMIN']).message).toBe('This needs one of: OPERATOR:ADMIN, STUDIO:OWNER.');
  });
});
