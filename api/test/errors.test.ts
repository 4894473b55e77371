import { randomUUID } from 'node:crypto';
import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { errorCode, TestServer } from './support/server';
import { catalogSnapshot, seriesWithEpisodes } from './support/catalog';
import { graphql } from '../../schema/graphql';

let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start();
});
afterAll(() => server?.stop());

describe('bad requests get a clear error and change nothing', () => {
  it('malformed GraphQL is a 400 with a parse-failure code', async () => {
    const res = await server.post({ query: '{ viewer { ' });
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('GRAPHQL_PARSE_FAILED');
    expect(res.errors![0]!.message).toMatch(/Syntax Error/);
  });

  it('an unknown field is a 400 with a validation code', async () => {
    const res = await server.post({ query: '{ viewer { passwordHash } }' });
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors![0]!.message).toMatch(/Cannot query field "passwordHash"/);
  });

  it('a variable of the wrong type is a 400 BAD_USER_INPUT naming the argument it feeds, not the variable', async () => {
    const res = await server.post({ query: 'query($n: Int) { auditEvents(first: $n) { nodes { id } } }', variables: { n: 'ten' } });
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.message).toBe('The value of first must be a whole number between -2,147,483,648 and 2,147,483,647.');
    expect(res.errors![0]!.extensions).toMatchObject({ reason: 'INVALID_VALUE', field: 'first' });
  });

  it('an Int below the 32-bit range is called too small, not too large', async () => {
    const res = await server.post({ query: 'query($n: Int) { auditEvents(first: $n) { nodes { id } } }', variables: { n: -2147483649 } });
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_VALUE', field: 'first' });
    expect(res.errors![0]!.message).toMatch(/^The value of first is too small: it must be a whole number between -2,147,483,648 and 2,147,483,647\.$/);
  });

  it('an episode number past the 32-bit range in a nested field, as a literal, a variable and a variable default, is refused in words naming the field and the range', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const id = randomUUID();
    const asked = [
      { query: `query($id: ID!) { series(id: $id) { episodes(numberFrom: 3000000000) { nodes { id } } } }`, variables: { id } },
      { query: `query($id: ID!, $n: Int) { series(id: $id) { episodes(numberFrom: $n) { nodes { id } } } }`, variables: { id, n: -3000000000 } },
      { query: `query($id: ID!, $n: Int = 3000000000) { series(id: $id) { episodes(numberFrom: $n) { nodes { id } } } }`, variables: { id } },
    ];
    for (const request of asked) {
      const res = await server.post(request, { token: owner.token });
      expect(res.errors, request.query).toHaveLength(1);
      expect({ ...res.errors![0]!.extensions, message: res.errors![0]!.message }).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_VALUE', field: 'numberFrom' });
      expect(res.errors![0]!.message).toMatch(/must be a whole number between -2,147,483,648 and 2,147,483,647\.$/);
      expect(res.errors![0]!.message).not.toMatch(/cannot represent|32-bit/);
    }
  });

  it('an enum value that does not exist names the field and the allowed values, in a variable and in a literal alike', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const variable = await server.post(
      { query: 'mutation($i: ChangeMemberRoleInput!) { changeMemberRole(input: $i) { id } }', variables: { i: { membershipId: randomUUID(), role: 'BOGUS' } } },
      { token: owner.token },
    );
    const literal = await server.post({ query: `mutation { changeMemberRole(input: { membershipId: "${randomUUID()}", role: BOGUS }) { id } }` }, { token: owner.token });
    for (const res of [variable, literal]) {
      expect(res.status).toBe(400);
      expect(res.errors).toHaveLength(1);
      expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_VALUE', field: 'input.role' });
      expect(res.errors![0]!.message).toMatch(/^The value of input\.role must be one of [A-Z_, ]*VIEWER[A-Z_, ]*\.$/);
      expect(res.errors![0]!.message).not.toMatch(/does not exist|enum|BOGUS|Variable|\$i/);
    }
  });

  it('a list item is named by its position with dots, the same in variables and literals', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const query = (territories: string) => `mutation { submitForReview(input: { episodeIds: ["${randomUUID()}"], territories: ${territories} }) { id } }`;
    const variable = await server.post({ query: 'mutation($x: SubmitForReviewInput!) { submitForReview(input: $x) { id } }', variables: { x: { episodeIds: [randomUUID(), 7.5], territories: ['US'] } } }, { token: owner.token });
    expect(variable.errors![0]!.extensions).toMatchObject({ reason: 'INVALID_VALUE', field: 'input.episodeIds.1' });
    const literal = await server.post({ query: query('["US", 12]') }, { token: owner.token });
    expect(literal.errors).toHaveLength(1);
    expect(literal.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_VALUE', field: 'input.territories.1' });
    expect(literal.errors![0]!.message).toBe('The value of input.territories.1 must be text.');
  });

  it('a body that is not JSON is a 400 in the same error format', async () => {
    const res = await server.post('{"query": ', {});
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('BAD_REQUEST');
    expect(res.errors![0]!.message).toMatch(/not valid JSON/);
    expect(res.errors![0]!.extensions).toMatchObject({ reason: 'BODY_NOT_JSON' });
  });

  it('an oversized body is refused with 413', async () => {
    const res = await server.post({ query: `{ viewer { kind } } # ${'x'.repeat(2_200_000)}` });
    expect(res.status).toBe(413);
    expect(res.errors![0]!.message).toBe('The request body is larger than the 2 MiB a request may be.');
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_REQUEST', reason: 'BODY_TOO_LARGE' });
  });

  it('a body declared over the limit is refused before it is sent, and the connection closes', async () => {
    const { port } = new URL(server.url);
    const socket = net.connect({ port: Number(port), host: '127.0.0.1' });
    const received: Buffer[] = [];
    socket.on('data', (data: Buffer) => received.push(data));
    const closed = new Promise((resolve) => socket.on('close', resolve));
    // 1 GiB declared, 10 bytes sent, and the rest never: the answer cannot wait for the body.
    socket.write(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${1024 ** 3}\r\n\r\n{"query":"`);
    await closed;
    const answer = Buffer.concat(received).toString('latin1');
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer.toLowerCase()).toContain('connection: close');
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(body.errors[0]!.message).toBe('The request body is larger than the 2 MiB a request may be.');
    expect(body.errors[0]!.extensions).toMatchObject({ code: 'BAD_REQUEST', reason: 'BODY_TOO_LARGE' });
  });

  it('a chunked body is refused once it passes the limit, though it never ends, and the connection closes', async () => {
    const { port } = new URL(server.url);
    const socket = net.connect({ port: Number(port), host: '127.0.0.1' });
    const received: Buffer[] = [];
    socket.on('data', (data: Buffer) => received.push(data));
    socket.on('error', () => undefined);
    let closed = false;
    const done = new Promise((resolve) => socket.on('close', () => resolve((closed = true))));
    socket.write('POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
    // 256 KiB chunks, 3 MiB in all, then nothing more and no last chunk: only the count can end it.
    const piece = Buffer.alloc(256 * 1024, 0x20);
    for (let sent = 0; sent < 3 * 1024 ** 2 && !closed; sent += piece.length) {
      socket.write(`${piece.length.toString(16)}\r\n`);
      socket.write(piece);
      socket.write('\r\n');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await done;
    const answer = Buffer.concat(received).toString('latin1');
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer.toLowerCase()).toContain('connection: close');
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4).replace(/^[0-9a-f]+\r\n|\r\n0\r\n\r\n$/g, '')) as { errors: { extensions: Record<string, unknown> }[] };
    expect(body.errors[0]!.extensions).toMatchObject({ code: 'BAD_REQUEST', reason: 'BODY_TOO_LARGE' });
    // The server carries on: the next request on a new connection is served.
    expect((await server.post({ query: '{ __typename }' })).status).toBe(200);
  });

  it('batched requests are refused', async () => {
    const res = await server.post([{ query: '{ __typename }' }, { query: '{ __typename }' }]);
    expect(res.status).toBe(400);
  });

  it('a hostile X-Request-Id is replaced, a plain one is echoed', async () => {
    const odd = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': '<script>alert(1)</script>' } });
    expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const plain = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'client-req-12345' } });
    expect(plain.headers.get('x-request-id')).toBe('client-req-12345');
    const long = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'a'.repeat(500) } });
    expect(long.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a foreign-looking id that is not a UUID is NOT_FOUND, not a database error', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const res = await server.gql(graphql('query { organization(id: "1 or 1=1") { id } }'), {}, { token: owner.token });
    expect(errorCode(res)).toBe('NOT_FOUND');
  });
});

describe('every refused field at once', () => {
  it('a form with several bad fields gets each one, in words, in extensions.fieldErrors, and nothing is created', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const input = { title: '   ', originalLanguage: 'zh-Hans', coverImageUrl: 'ftp://example.com/c.png', freeEpisodeCount: -3, defaultCoinPrice: -60 };
    const res = await server.post(
      { query: 'mutation($s: ID!, $i: SeriesInput!) { createSeries(studioId: $s, input: $i) { id } }', variables: { s: owner.organizationId, i: input } },
      { token: owner.token },
    );
    expect(res.errors).toHaveLength(1);
    const { extensions, message } = res.errors![0]!;
    expect(extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.title' });
    expect(message).toBe('Title is required.');
    expect(extensions.fieldErrors).toEqual([
      { field: 'input.title', message: 'Title is required.' },
      { field: 'input.coverImageUrl', message: 'Cover image must be an http(s) URL.' },
      { field: 'input.freeEpisodeCount', message: 'Free episodes cannot be negative.' },
      { field: 'input.defaultCoinPrice', message: 'Default price cannot be negative.' },
    ]);
    const list = await server.gql(graphql(`query ErrorsSeriesList($s: ID!) { seriesList(studioId: $s) { nodes { id } } }`), { s: owner.organizationId }, { token: owner.token });
    expect(list.data?.seriesList.nodes).toEqual([]);
  });

  it('a single refused field is listed in fieldErrors too, so a client reads one shape', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const res = await server.post(
      { query: 'mutation($s: ID!, $i: SeriesInput!) { createSeries(studioId: $s, input: $i) { id } }', variables: { s: owner.organizationId, i: { title: 'Fine', originalLanguage: 'zh-Hans', defaultCoinPrice: -60 } } },
      { token: owner.token },
    );
    expect(res.errors![0]!.extensions).toMatchObject({ field: 'input.defaultCoinPrice', fieldErrors: [{ field: 'input.defaultCoinPrice', message: 'Default price cannot be negative.' }] });
  });
});

describe('every refused field at once, rules across fields and unreadable numbers included', () => {
  const SET_PRICES = 'mutation($i: SetEpisodePricesInput!) { setEpisodePrices(input: $i) { episode { id } } }';
  const fieldsOf = (res: { errors?: Array<{ extensions: Record<string, unknown> }> }) => (res.errors?.[0]?.extensions.fieldErrors as Array<{ field: string; message: string }> | undefined) ?? [];

  it('range pricing: a range that ends before it starts, a window that ends before it starts, an unknown territory and coins past the 32-bit range are listed in one answer; nothing is priced', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const seriesId = await seriesWithEpisodes(server, owner.token, owner.organizationId, 3);
    const before = await catalogSnapshot(server);
    const input = { seriesId, fromNumber: 3, toNumber: 1, territory: 'XX', coins: 3_000_000_000, startsAt: '2027-02-01T00:00:00Z', endsAt: '2027-01-01T00:00:00Z' };
    const res = await server.post({ query: SET_PRICES, variables: { i: input } }, { token: owner.token });
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_VALUE', field: 'input.coins' });
    expect(fieldsOf(res)).toEqual([
      { field: 'input.coins', message: 'The value of input.coins is too large: it must be a whole number between -2,147,483,648 and 2,147,483,647.' },
      { field: 'input.territory', message: expect.stringMatching(/^Unknown territory code/) },
      { field: 'input.toNumber', message: 'The range ends before it starts: the last episode must not come before the first.' },
      { field: 'input.endsAt', message: 'The window must end after it starts.' },
    ]);
    // The rules across fields alone, as a form asks while it cannot send a field.
    const problems = await server.post({ query: 'query($i: SetEpisodePricesInput!) { episodePricesInputProblems(input: $i) { field message } }', variables: { i: { ...input, coins: 5 } } }, { token: owner.token });
    expect((problems.data as { episodePricesInputProblems: Array<{ field: string }> }).episodePricesInputProblems.map((p) => p.field)).toEqual(['input.territory', 'input.toNumber', 'input.endsAt']);
    expect(await catalogSnapshot(server)).toBe(before);
  });

  it('New series: a free-episode count past the 32-bit range is listed beside a blank title and a bad cover URL; nothing is created', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const before = await catalogSnapshot(server);
    const res = await server.post(
      { query: 'mutation($s: ID!, $i: SeriesInput!) { createSeries(studioId: $s, input: $i) { id } }', variables: { s: owner.organizationId, i: { title: ' ', originalLanguage: 'en', coverImageUrl: 'ftp://example.com/c.png', freeEpisodeCount: 3_000_000_000, defaultCoinPrice: -1 } } },
      { token: owner.token },
    );
    expect(res.errors).toHaveLength(1);
    expect(fieldsOf(res).map((e) => e.field)).toEqual(['input.freeEpisodeCount', 'input.title', 'input.coverImageUrl', 'input.defaultCoinPrice']);
    expect(fieldsOf(res)[0]!.message).toMatch(/too large: it must be a whole number between/);
    expect(await catalogSnapshot(server)).toBe(before);
  });

  it('a release plan in drops without a daily count is refused beside a bad episode time, both at once', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const seriesId = await seriesWithEpisodes(server, owner.token, owner.organizationId, 1);
    const res = await server.post(
      { query: 'mutation($s: ID!, $i: ReleasePlanInput!) { setReleasePlan(seriesId: $s, partnerId: $s, input: $i) { mode } }', variables: { s: seriesId, i: { mode: 'DROPS', startsAt: '2027-01-01T00:00:00Z', episodeTimes: [{ number: 0, at: '2027-01-01T00:00:00Z' }] } } },
      { token: owner.token },
    );
    expect(fieldsOf(res).map((e) => e.field)).toEqual(['input.episodeTimes.0.number', 'input.episodesPerDay']);
  });
});

describe('unexpected failures', () => {
  it('are masked as INTERNAL_SERVER_ERROR with a request id that appears in the log', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const spy = vi.spyOn(server.app.services.organizations, 'list').mockRejectedValueOnce(new Error('connection string postgres://secret@db'));
    const res = await server.gql(graphql('{ organizations { id } }'), {}, { token: owner.token });
    spy.mockRestore();
    expect(errorCode(res)).toBe('INTERNAL_SERVER_ERROR');
    expect(res.errors![0]!.message).not.toMatch(/secret/);
    expect(JSON.stringify(res)).not.toMatch(/postgres:\/\//);
    const requestId = res.errors![0]!.extensions.requestId as string;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-request-id')).toBe(requestId);
    const logged = server.logLines.map((l) => JSON.parse(l)).find((l) => l.requestId === requestId && l.level === 50 && l.err);
    expect(logged?.err.message).toMatch(/connection string/);
  });
});

describe('health', () => {
  it('healthz says alive and readyz says the database is reachable and migrated', async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });
});

describe('a session the database ends in the middle of a mutation', () => {
  it('one mutation that saved nothing: 503 with Retry-After; a mutation of several fields, or one saved before a sub-field failed: the errors say which failed, without a 503 that would ask for all of it again', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const connection = server.orm.em.getConnection();
    const tag = randomUUID().slice(0, 8);
    // The session inserting a series named so ends itself, as a database restart would end it.
    await connection.execute(`create or replace function end_own_session() returns trigger language plpgsql as $$
      begin if new.title like 'ended-${tag}%' then perform pg_terminate_backend(pg_backend_pid()); end if; return new; end $$`);
    await connection.execute(`create trigger end_own_session_${tag} before insert on series for each row execute function end_own_session()`);
    const post = async (query: string) => {
      const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.token}` }, body: JSON.stringify({ query }) });
      return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { errors?: { path?: string[]; extensions: Record<string, unknown> }[] } };
    };
    const create = (alias: string, title: string) => `${alias}: createSeries(studioId: "${owner.organizationId}", input: { title: "${title}", originalLanguage: "en" }) { id }`;
    try {
      const single = await post(`mutation { ${create('only', `ended-${tag}-single`)} }`);
      expect(single.status).toBe(503);
      expect(single.retryAfter).toBe('5');
      expect(single.body.errors![0]!.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 5 });

      const several = await post(`mutation { ${create('first', `kept-${tag}`)} ${create('second', `ended-${tag}-second`)} }`);
      expect(several.status).toBe(200);
      expect(several.retryAfter).toBeNull();
      expect(several.body.errors!.map((e) => [e.path?.[0], e.extensions.code])).toEqual([['second', 'SERVICE_UNAVAILABLE']]);
    } finally {
      await connection.execute(`drop trigger end_own_session_${tag} on series`);
    }

    // One field, saved, whose sub-field then loses its session: its answer stands, without a 503.
    const locker = new pg.Client({ connectionString: server.databaseUrl });
    await locker.connect();
    await locker.query('begin');
    await locker.query('lock table series_license in access exclusive mode');
    const late = post(`mutation { only: createSeries(studioId: "${owner.organizationId}", input: { title: "late-${tag}", originalLanguage: "en" }) { id license { id } } }`);
    try {
      let waiting: number[] = [];
      for (let i = 0; i < 100 && !waiting.length; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        waiting = (await locker.query<{ pid: number }>("select pid from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()")).rows.map((r) => r.pid);
      }
      expect(waiting.length).toBeGreaterThan(0);
      for (const pid of waiting) await locker.query('select pg_terminate_backend($1)', [pid]);
    } finally {
      await locker.query('rollback');
      await locker.end();
    }
    const saved = await late;
    expect(saved.status).toBe(200);
    expect(saved.retryAfter).toBeNull();
    expect((saved.body as { data?: { only?: { id?: string } } }).data?.only?.id).toEqual(expect.any(String));
    expect(saved.body.errors!.map((e) => [e.path?.join('.'), e.extensions.code])).toEqual([['only.license', 'SERVICE_UNAVAILABLE']]);

    const titles = (await connection.execute<Array<{ title: string }>>('select title from series where title like ? order by title', [`%-${tag}%`])).map((r) => r.title);
    // The first field of the two was saved, and the late one: what the answers could not say with a 503.
    expect(titles).toEqual([`kept-${tag}`, `late-${tag}`]);
  });
});

describe('a failure no route answers (the database gone while a request is authenticated)', () => {
  it('with the database really refusing connections: every endpoint answers 503 with Retry-After in our words, never the statement or a stack, and the process carries on once it is back', async () => {
    const member = await server.member(OrganizationKind.STUDIO, Role.EDITOR);
    const database = (await server.orm.em.getConnection().execute<Array<{ name: string }>>('select current_database() as name'))[0]!.name;
    // A database's connections are allowed or not from another one.
    const admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
    await admin.connect();
    const tus = { authorization: `Bearer ${member.token}`, 'tus-resumable': '1.0.0' };
    const answers: Array<{ what: string; status: number; reason: string | null; retryAfter: string | null; requestId: string | null; body: string }> = [];
    const logged = server.logLines.length;
    await admin.query(`alter database "${database}" allow_connections false`);
    try {
      // Every session the process had is gone, and no new one opens.
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [database]);
      const json = { 'content-type': 'application/json' };
      // The signed-in query fails in authenticating its caller; the anonymous sign-in in its resolver.
      for (const [method, path, headers, body] of [
        ['POST', '/uploads', { ...tus, 'upload-length': '10' }, undefined],
        ['HEAD', `/uploads/${'a'.repeat(32)}`, tus, undefined],
        ['PATCH', `/uploads/${'b'.repeat(32)}`, { ...tus, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, 'x'],
        ['POST', '/graphql', json, JSON.stringify({ query: 'mutation { signIn(input: { email: "a@example.com", password: "whatever-it-is" }) { token } }' })],
        ['POST', '/graphql', { ...json, authorization: `Bearer ${member.token}` }, JSON.stringify({ query: '{ viewer { kind } }' })],
        ['GET', `/media/subtitles/${randomUUID()}.vtt`, { authorization: `Bearer ${member.token}` }, undefined],
        ['GET', `/media/${randomUUID()}/poster.jpg`, { authorization: `Bearer ${member.token}` }, undefined],
      ] as const) {
        const res = await fetch(`${server.url}${path}`, { method, headers, body });
        answers.push({ what: `${method} ${path}`, status: res.status, reason: res.headers.get('upload-refusal-reason'), retryAfter: res.headers.get('retry-after'), requestId: res.headers.get('x-request-id'), body: await res.text() });
      }
    } finally {
      await admin.query(`alter database "${database}" allow_connections true`);
      await admin.end();
    }
    // A moment's absence, not a defect: every answer says so and when to try again.
    for (const answer of answers) {
      expect(answer.status, answer.what).toBe(503);
      expect(answer.retryAfter, answer.what).toBe('5');
      expect(answer.body, answer.what).not.toMatch(/token_hash|select |<html|<pre|at \w+ \(|terminat|connection/i);
    }
    // The upload endpoint refuses as it refuses anything, with the reason in its header; a HEAD has no body.
    for (const answer of answers.filter((a) => a.what.includes('/uploads'))) {
      expect(answer.reason, answer.what).toBe('SERVICE_UNAVAILABLE');
      if (!answer.what.startsWith('HEAD')) expect(answer.body, answer.what).toBe('The service cannot reach its database just now. Try again in 5 seconds.\n');
    }
    const unavailable = { message: 'The service cannot reach its database just now. Try again in 5 seconds.', extensions: { code: 'SERVICE_UNAVAILABLE', reason: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 5 } };
    const graphqlAnswers = answers.filter((a) => a.what.includes('/graphql'));
    expect(JSON.parse(graphqlAnswers[0]!.body)).toMatchObject({ data: null, errors: [{ ...unavailable, path: ['signIn'] }] });
    // Refused in authenticating its caller, before any operation: with the request's id like every other answer.
    expect(JSON.parse(graphqlAnswers[1]!.body)).toEqual({ errors: [{ ...unavailable, extensions: { ...unavailable.extensions, requestId: graphqlAnswers[1]!.requestId } }] });
    expect(graphqlAnswers[1]!.requestId).toMatch(/^[0-9a-f-]{36}$/);
    // The routes outside GraphQL and tus (media, downloads) answer in their own shape.
    for (const answer of answers.filter((a) => a.what.includes('/media/'))) {
      expect(JSON.parse(answer.body), answer.what).toEqual({ error: unavailable.message, code: 'SERVICE_UNAVAILABLE', reason: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 5, requestId: expect.any(String) });
    }
    // Each is logged with what went wrong, for the operator.
    expect(server.logLines.slice(logged).filter((l) => l.includes('"msg":"request failed"')).length).toBeGreaterThanOrEqual(3);
    // Back: the same person is served again.
    await expect.poll(async () => (await server.gql(graphql('query BackAgain { viewer { kind } }'), {}, { token: member.token })).data?.viewer.kind, { timeout: 10_000 }).toBe('USER');
  });
});
