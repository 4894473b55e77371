import 'reflect-metadata';
import { print } from '@0no-co/graphql.web';
import { graphql, type TadaDocumentNode } from '../../../schema/graphql';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { createApp, type App } from '../../src/app';
import { loadConfig, type Config } from '../../src/config';
import { openOrm } from '../../src/db/orm';
import { createLogger } from '../../src/logger';
import { hashPassword } from '../../src/modules/auth/passwords';
import { Membership, Role } from '../../src/modules/membership/membership.entity';
import { Organization, OrganizationKind } from '../../src/modules/organization/organization.entity';
import { User } from '../../src/modules/user/user.entity';
import { createTestDatabase } from './database';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  data?: T | null;
  errors?: Array<{ message: string; path?: string[]; extensions: Record<string, unknown> & { code: string } }>;
}

export interface RequestOptions {
  token?: string;
  headers?: Record<string, string>;
}

export const TEST_PASSWORD = 'correct horse battery';

/** The real API on a real port with its own database; requests go over HTTP. */
export class TestServer {
  private constructor(
    readonly url: string,
    /** Every JSON log line the server wrote. */
    readonly logLines: string[],
    readonly orm: MikroORM,
    readonly app: App,
    readonly config: Config,
    readonly databaseUrl: string,
    private readonly dropDatabase: () => Promise<void>,
  ) {}

  static async start(env: Record<string, string> = {}, shared?: TestServer, options: { runWorker?: boolean; clock?: () => Date } = {}): Promise<TestServer> {
    const db = shared ? { url: shared.databaseUrl, drop: async () => {} } : await createTestDatabase(inject('pgAdminUrl'));
    const dataDir = shared?.config.dataDir ?? mkdtempSync(path.join(tmpdir(), 'greenlight-test-'));
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      DATA_DIR: dataDir,
      APP_SECRET: 'test-secret-that-is-long-enough-0123456789',
      LOG_LEVEL: 'info',
      ...env,
    });
    const lines: string[] = [];
    const logger = createLogger(config.logLevel, { write: (line: string) => void lines.push(line) });
    const orm = await openOrm(db.url, { pool: { min: 0, max: 5 } });
    const app = await createApp({ orm, config, logger, databaseUrl: db.url, runWorker: options.runWorker, clock: options.clock });
    await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
    const port = (app.server.address() as AddressInfo).port;
    return new TestServer(`http://127.0.0.1:${port}`, lines, orm, app, config, db.url, db.drop);
  }

  /** Another API process on the same database and folders (as behind a load balancer). */
  twin(): Promise<TestServer> {
    return TestServer.start({}, this);
  }

  async stop(): Promise<void> {
    await this.app.stop();
    await this.orm.close();
    await this.dropDatabase();
  }

  /**
   * POSTs one GraphQL operation: a typed document (checked against the schema, its result typed),
   * or raw text for what a document cannot express (malformed or over-limit queries).
   */
  async gql<T, V>(document: TadaDocumentNode<T, V>, variables: V, options?: RequestOptions): Promise<GraphQLResponse<T>>;
  async gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, options?: RequestOptions): Promise<GraphQLResponse<T>>;
  async gql<T>(query: string | TadaDocumentNode<T, unknown>, variables: unknown = {}, options: RequestOptions = {}): Promise<GraphQLResponse<T>> {
    return this.post({ query: typeof query === 'string' ? query : print(query), variables }, options);
  }

  async post<T = Record<string, unknown>>(body: unknown, options: RequestOptions = {}): Promise<GraphQLResponse<T>> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const res = await fetch(`${this.url}/graphql`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
    const json = (await res.json()) as { data?: T; errors?: GraphQLResponse<T>['errors'] };
    return { status: res.status, headers: res.headers, data: json.data, errors: json.errors };
  }

  /** A new organization with one member in `role`, signed in; returns ids and a session token. */
  async member(kind: OrganizationKind, role: Role, label = 'Test'): Promise<SignedInMember> {
    const em = this.orm.em.fork();
    const unique = Math.random().toString(36).slice(2, 10);
    const organization = em.create(Organization, { name: `${label} ${kind.toLowerCase()} ${unique}`, kind, createdAt: new Date() });
    const user = await this.createUser(em, `${role.toLowerCase()}-${unique}@example.com`);
    em.create(Membership, { user, organization, role, createdAt: new Date() });
    await em.flush();
    return { organizationId: organization.id, userId: user.id, email: user.email, token: await this.signIn(user.email) };
  }

  /** Adds a new user to an existing organization and signs them in. */
  async addMember(organizationId: string, role: Role): Promise<SignedInMember> {
    const em = this.orm.em.fork();
    const user = await this.createUser(em, `${role.toLowerCase()}-${Math.random().toString(36).slice(2, 10)}@example.com`);
    em.create(Membership, { user, organization: organizationId, role, createdAt: new Date() });
    await em.flush();
    return { organizationId, userId: user.id, email: user.email, token: await this.signIn(user.email) };
  }

  async signIn(email: string, password = TEST_PASSWORD): Promise<string> {
    const res = await this.gql(SIGN_IN, { input: { email, password } });
    if (!res.data?.signIn) throw new Error(`sign-in failed: ${JSON.stringify(res.errors)}`);
    return res.data.signIn.token;
  }

  private async createUser(em: ReturnType<MikroORM['em']['fork']>, email: string): Promise<User> {
    return em.create(User, { email, name: email.split('@')[0]!, passwordHash: await passwordHashOnce(), createdAt: new Date() });
  }

  /** Rows of a table, for asserting that nothing changed. */
  async count(table: string): Promise<number> {
    const rows = await this.orm.em.getConnection().execute(`select count(*)::int as n from "${table}"`);
    return (rows[0] as { n: number }).n;
  }
}

let cachedHash: Promise<string> | undefined;
/** argon2id is deliberately slow; one hash serves every test user. */
const passwordHashOnce = () => (cachedHash ??= hashPassword(TEST_PASSWORD));

export interface SignedInMember {
  organizationId: string;
  userId: string;
  email: string;
  token: string;
}

export const SIGN_IN = graphql(`
  mutation SignIn($input: SignInInput!) {
    signIn(input: $input) { token expiresAt user { id email } }
  }
`);

export function errorCode(res: Pick<GraphQLResponse<unknown>, 'errors'>): string | undefined {
  return res.errors?.[0]?.extensions.code;
}
