import net from 'node:net';
import { GraphQLError } from 'graphql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isDatabaseUnavailable } from '../src/db/unavailable';

/** The error a promise rejects with (the test fails if it resolves). */
const failureOf = async (work: () => Promise<unknown>): Promise<unknown> => {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
};

// Each error here is the real one the driver gives, not a copy of its fields.
describe('isDatabaseUnavailable tells the database out of reach from a statement that failed', () => {
  const adminUrl = inject('pgAdminUrl');
  let admin: pg.Client;
  beforeAll(async () => {
    admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
  });
  afterAll(() => admin?.end());

  it('a refused connection', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as net.AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const url = new URL(adminUrl);
    url.port = String(port);
    const client = new pg.Client({ connectionString: url.toString() });
    expect(isDatabaseUnavailable(await failureOf(() => client.connect()))).toBe(true);
  });

  it('a session the server ended, and the statements after it', async () => {
    const client = new pg.Client({ connectionString: adminUrl });
    client.on('error', () => undefined);
    await client.connect();
    const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    const running = failureOf(() => client.query('select pg_sleep(5)'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await admin.query('select pg_terminate_backend($1)', [pid]);
    expect(isDatabaseUnavailable(await running)).toBe(true);
    expect(isDatabaseUnavailable(await failureOf(() => client.query('select 1')))).toBe(true);
  });

  it('a pool that cannot get a connection in time', async () => {
    // Accepts and never answers, as a database host that hangs.
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = new URL(adminUrl);
    url.port = String((silent.address() as net.AddressInfo).port);
    const pool = new pg.Pool({ connectionString: url.toString(), connectionTimeoutMillis: 200 });
    try {
      expect(isDatabaseUnavailable(await failureOf(() => pool.query('select 1')))).toBe(true);
    } finally {
      await pool.end();
      silent.close();
    }
  });

  it('a database closed to connections', async () => {
    const name = `unavailable_${process.pid}_${Date.now()}`;
    await admin.query(`create database "${name}"`);
    try {
      await admin.query(`alter database "${name}" allow_connections false`);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const client = new pg.Client({ connectionString: url.toString() });
      expect(isDatabaseUnavailable(await failureOf(() => client.connect()))).toBe(true);
    } finally {
      await admin.query(`drop database "${name}"`);
    }
  });

  it('through the wrappers GraphQL, the ORM and knex put around it', async () => {
    const terminated = new pg.Client({ connectionString: adminUrl });
    terminated.on('error', () => undefined);
    await terminated.connect();
    const pid = (await terminated.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    await admin.query('select pg_terminate_backend($1)', [pid]);
    const lost = await failureOf(() => terminated.query('select 1'));
    expect(isDatabaseUnavailable(new GraphQLError('wrapped', { originalError: lost as Error }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('ORM', { cause: lost }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('knex'), { previous: lost }))).toBe(true);
  });

  it('is false for statements that failed on their own, and for anything else', async () => {
    await admin.query('create temporary table taken (id int primary key)');
    await admin.query('insert into taken values (1)');
    const failures = [
      await failureOf(() => admin.query('selec 1')), // 42601 syntax error
      await failureOf(() => admin.query('insert into taken values (1)')), // 23505 unique violation
      await failureOf(() => admin.query('select 1 / 0')), // 22012 division by zero
      await failureOf(() => admin.query('select $1::int', ['x'])), // 22P02 invalid text
      new Error('Connection refused by the partner'), // words alone, not at the start of the driver's message
      new GraphQLError('Cannot query field'),
      'ECONNREFUSED',
      null,
      undefined,
      { code: 55000, message: 'not a string code' },
    ];
    for (const failure of failures) expect(isDatabaseUnavailable(failure), String((failure as Error)?.message ?? failure)).toBe(false);
    // The session that saw them is fine.
    expect((await admin.query('select 1 as one')).rows[0]).toEqual({ one: 1 });
  });
});
