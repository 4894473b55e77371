import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey } from '../src/modules/api-key/api-key.entity';
import { Session } from '../src/modules/auth/session.entity';
import { Membership, Role } from '../src/modules/membership/membership.entity';
import { Organization, OrganizationKind } from '../src/modules/organization/organization.entity';
import { User } from '../src/modules/user/user.entity';
import { errorCode, SIGN_IN, TEST_PASSWORD, TestServer } from './support/server';
import { graphql } from '../../schema/graphql';

let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start({ SIGN_IN_MAX_FAILURES: '3' });
});
afterAll(() => server?.stop());

describe('signing in', () => {
  it('starts a session usable as an HTTP-only cookie and as a bearer token', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const res = await server.gql(SIGN_IN, { input: { email: owner.email.toUpperCase(), password: TEST_PASSWORD } });
    expect(res.data?.signIn.user.email).toBe(owner.email);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^gl_session=gls_/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i); // only in production

    const viaCookie = await server.gql(VIEWER, {}, { headers: { cookie: cookie.split(';')[0]! } });
    expect(viaCookie.data?.viewer.user?.email).toBe(owner.email);
    const viaBearer = await server.gql(VIEWER, {}, { token: res.data!.signIn.token });
    expect(viaBearer.data?.viewer.kind).toBe('USER');
    expect(viaBearer.data?.viewer.memberships).toEqual([{ role: 'OWNER', organization: expect.objectContaining({ id: owner.organizationId }) }]);
    // The scheme's name is case-insensitive (RFC 9110 §11.1); the token is not.
    for (const scheme of ['bearer', 'BEARER', 'bEaReR']) {
      const viaScheme = await server.gql(VIEWER, {}, { headers: { authorization: `${scheme} ${res.data!.signIn.token}` } });
      expect(viaScheme.data?.viewer.kind, scheme).toBe('USER');
    }
    const token = res.data!.signIn.token;
    const letter = [...token].findIndex((c, i) => i >= 4 && /[A-Za-z]/.test(c));
    const flipped = token[letter] === token[letter]!.toLowerCase() ? token[letter]!.toUpperCase() : token[letter]!.toLowerCase();
    const recased = `${token.slice(0, letter)}${flipped}${token.slice(letter + 1)}`;
    expect(errorCode(await server.gql(VIEWER, {}, { headers: { authorization: `bearer ${recased}` } }))).toBe('UNAUTHENTICATED');
  });

  it('answers a wrong password and an unknown email identically, without hinting which was wrong', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const wrongPassword = await server.gql(SIGN_IN, { input: { email: owner.email, password: 'not the password' } });
    const unknownEmail = await server.gql(SIGN_IN, { input: { email: `nobody-${Date.now()}@example.com`, password: 'not the password' } });
    for (const res of [wrongPassword, unknownEmail]) {
      expect(errorCode(res)).toBe('UNAUTHENTICATED');
      expect(res.errors![0]!.message).toBe('Email or password is incorrect.');
      expect(res.data).toBeNull();
    }
  });

  it('records failed and successful sign-ins in the audit log', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    await server.gql(SIGN_IN, { input: { email: owner.email, password: 'not the password' } });
    const rows = (await server.orm.em.getConnection().execute(`select action from audit_event where actor_label = ? order by id`, [owner.email])) as Array<{ action: string }>;
    expect(rows.map((r) => r.action)).toEqual(['auth.sign_in', 'auth.sign_in_failed']);
  });

  it('rejects malformed input with the field named', async () => {
    const res = await server.gql(SIGN_IN, { input: { email: 'not-an-email', password: 'x' } });
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.extensions.field).toBe('input.email');
  });

  it('slows down guessing: after the configured failures the account answers RATE_LIMITED, even to the right password', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    for (let i = 0; i < 3; i++) {
      expect(errorCode(await server.gql(SIGN_IN, { input: { email: owner.email, password: `guess ${i}` } }))).toBe('UNAUTHENTICATED');
    }
    const blocked = await server.gql(SIGN_IN, { input: { email: owner.email, password: TEST_PASSWORD } });
    expect(errorCode(blocked)).toBe('RATE_LIMITED');
    expect(blocked.errors![0]!.extensions.retryAfterSeconds).toBeGreaterThan(0);
  });
});

describe('sessions', () => {
  it('signing out revokes the session', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const out = await server.gql(graphql('mutation { signOut }'), {}, { token: owner.token });
    expect(out.data?.signOut).toBe(true);
    expect(out.headers.get('set-cookie')).toMatch(/gl_session=;/);
    const after = await server.gql(VIEWER, {}, { token: owner.token });
    expect(errorCode(after)).toBe('UNAUTHENTICATED');
    expect(after.errors![0]!.message).toMatch(/session has ended/);
  });

  it('an expired session is UNAUTHENTICATED', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    await server.orm.em.fork().nativeUpdate(Session, { user: owner.userId }, { expiresAt: new Date(Date.now() - 1000) });
    const res = await server.gql(VIEWER, {}, { token: owner.token });
    expect(errorCode(res)).toBe('UNAUTHENTICATED');
    expect(res.errors![0]!.message).toMatch(/expired/);
  });

  it("a session resolves to its user and every membership with its organization, oldest first, as the ORM loads them", async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const em = server.orm.em.fork();
    const partner = em.create(Organization, { name: `Second ${Date.now()}`, kind: OrganizationKind.PARTNER, createdAt: new Date(), suspendedAt: new Date('2026-01-02T03:04:05Z'), suspendedReason: 'Unpaid' });
    em.create(Membership, { user: owner.userId, organization: partner, role: Role.PARTNER_ADMIN, createdAt: new Date(Date.now() + 60_000) });
    await em.flush();

    const fresh = server.orm.em.fork();
    const actor = await server.app.services.auth.authenticate(fresh, server.config.appSecret, owner.token);
    if (actor.kind !== 'user') throw new Error(`expected a user, got ${actor.kind}`);
    expect(actor.user).toBeInstanceOf(User);
    expect(actor.user).toMatchObject({ id: owner.userId, email: owner.email });
    expect(actor.session).toBeInstanceOf(Session);
    expect(actor.session.user).toBe(actor.user);
    expect(actor.session.expiresAt).toBeInstanceOf(Date);
    expect(actor.session.revokedAt ?? null).toBeNull();
    expect(actor.memberships.map((m) => [m.role, m.organization.id])).toEqual([
      [Role.OWNER, owner.organizationId],
      [Role.PARTNER_ADMIN, partner.id],
    ]);
    expect(actor.memberships.every((m) => m instanceof Membership && m.user === actor.user && m.createdAt instanceof Date)).toBe(true);
    expect(actor.memberships[1]!.organization).toMatchObject({ kind: OrganizationKind.PARTNER, name: partner.name, suspendedReason: 'Unpaid' });
    expect(actor.memberships[1]!.organization.suspendedAt).toEqual(new Date('2026-01-02T03:04:05Z'));
    // Managed and unchanged: the same instances as a read through the ORM, nothing to write.
    expect(await fresh.findOne(Membership, actor.memberships[0]!.id)).toBe(actor.memberships[0]);
    fresh.getUnitOfWork().computeChangeSets();
    expect(fresh.getUnitOfWork().getChangeSets()).toHaveLength(0);
    // The password hash stays unloaded, as with the ORM's own read.
    expect((actor.user as unknown as Record<string, unknown>).passwordHash).toBeUndefined();
  });

  it('a malformed Authorization header is refused with the reason, a forged token too', async () => {
    const badHeader = await server.gql(VIEWER, {}, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(errorCode(badHeader)).toBe('UNAUTHENTICATED');
    expect(badHeader.errors![0]!.message).toMatch(/Bearer <token>/);
    const forged = await server.gql(VIEWER, {}, { token: 'gls_' + 'A'.repeat(43) });
    expect(errorCode(forged)).toBe('UNAUTHENTICATED');
  });

  it('a well-formed header with a token nobody issued is told about the token, not the header', async () => {
    for (const token of ['nope', 'not-a-token', 'abc.def/ghi+jkl==', 'gls_' + 'A'.repeat(400)]) {
      const res = await server.gql(VIEWER, {}, { token });
      expect(errorCode(res), token).toBe('UNAUTHENTICATED');
      expect(res.errors![0]!.message, token).toBe('The token is not a Greenlight session token or API key.');
    }
  });
});

describe('partner API keys', () => {
  it('an admin creates a key shown once; the key authenticates the partner and records last use; revoked keys stop working', async () => {
    const admin = await server.member(OrganizationKind.OPERATOR, Role.ADMIN);
    const partner = await server.member(OrganizationKind.PARTNER, Role.PARTNER_ADMIN);
    const created = await server.gql(
      CREATE_KEY,
      { input: { organizationId: partner.organizationId, name: 'nightly sync' } },
      { token: admin.token },
    );
    const { secret, apiKey } = created.data!.createApiKey;
    expect(secret.startsWith(apiKey.prefix + '_')).toBe(true);
    expect(apiKey.lastUsedAt).toBeNull();

    const stored = await server.orm.em.fork().findOneOrFail(ApiKey, apiKey.id, { populate: ['secretHash'] });
    expect(stored.secretHash).not.toContain(secret);
    expect(stored.secretHash).toMatch(/^[0-9a-f]{64}$/);

    const asPartner = await server.gql(VIEWER_KEY, {}, { token: secret });
    expect(asPartner.data?.viewer).toEqual({ kind: 'PARTNER_KEY', organizations: [{ id: partner.organizationId }], apiKey: { prefix: apiKey.prefix } });
    const listed = await server.gql(
      graphql('query($id: ID!) { apiKeys(organizationId: $id) { prefix lastUsedAt } }'),
      { id: partner.organizationId },
      { token: partner.token },
    );
    expect(listed.data?.apiKeys[0]?.lastUsedAt).not.toBeNull();

    const revoked = await server.gql(graphql('mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }'), { id: apiKey.id }, { token: partner.token });
    expect(revoked.errors).toBeUndefined();
    const after = await server.gql(VIEWER_KEY, {}, { token: secret });
    expect(errorCode(after)).toBe('UNAUTHENTICATED');
    expect(after.errors![0]!.message).toMatch(/revoked/);

    const audit = (await server.orm.em.getConnection().execute(`select action from audit_event where subject_id = ? order by id`, [apiKey.id])) as Array<{ action: string }>;
    expect(audit.map((r) => r.action)).toEqual(['api_key.create', 'api_key.revoke']);
  });

  it('keys are issued to partner organizations only', async () => {
    const admin = await server.member(OrganizationKind.OPERATOR, Role.ADMIN);
    const studio = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const before = await server.count('api_key');
    const res = await server.gql(CREATE_KEY, { input: { organizationId: studio.organizationId, name: 'x' } }, { token: admin.token });
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.extensions.field).toBe('input.organizationId');
    expect(await server.count('api_key')).toBe(before);
  });

  it('an API key cannot act as a user', async () => {
    const admin = await server.member(OrganizationKind.OPERATOR, Role.ADMIN);
    const partner = await server.member(OrganizationKind.PARTNER, Role.PARTNER_ADMIN);
    const created = await server.gql(CREATE_KEY, { input: { organizationId: partner.organizationId, name: 'k' } }, { token: admin.token });
    const res = await server.gql(graphql('mutation { signOut }'), {}, { token: created.data!.createApiKey.secret });
    expect(errorCode(res)).toBe('FORBIDDEN');
  });
});

const VIEWER = graphql(`query { viewer { kind user { email } memberships { role organization { id name } } } }`);
const VIEWER_KEY = graphql(`query { viewer { kind organizations { id } apiKey { prefix } } }`);
const CREATE_KEY = graphql(`
  mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id prefix lastUsedAt } } }
`);
