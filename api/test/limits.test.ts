import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { rawExchange } from './support/raw-http';
import { errorCode, TestServer, type GraphQLResponse, type SignedInMember } from './support/server';
import { print } from '@0no-co/graphql.web';
import { graphql } from '../../schema/graphql';

let server: TestServer;
let owner: SignedInMember;
beforeAll(async () => {
  server = await TestServer.start();
  owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
});
afterAll(() => server?.stop());

/** POSTs like `TestServer.post`, keeping the response's `extensions` (where the cost is reported). */
async function postWithExtensions(target: TestServer, body: unknown, token?: string): Promise<GraphQLResponse & { extensions?: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${target.url}/graphql`, { method: 'POST', headers, body: JSON.stringify(body) });
  const json = (await res.json()) as Omit<GraphQLResponse, 'status' | 'headers'> & { extensions?: Record<string, unknown> };
  return { status: res.status, headers: res.headers, ...json };
}

/** A refusal in the project's error format: 400, BAD_USER_INPUT, the limit named, a request id. */
function expectRefused(res: GraphQLResponse, limit: string, message: RegExp) {
  expect(res.status).toBe(400);
  expect(res.data).toBeUndefined();
  expect(res.errors).toHaveLength(1);
  const [error] = res.errors!;
  expect(error!.message).toMatch(message);
  expect(error!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit });
  expect(error!.extensions.requestId).toBe(res.headers.get('x-request-id'));
}

describe('query depth', () => {
  it('a chain of previous cases deeper than 10 is refused with its depth', async () => {
    const res = await server.gql(previousCases(12), {}, { token: owner.token });
    expectRefused(res, 'depth', /^Query depth 14 exceeds the maximum of 10\.$/);
    expect(res.errors![0]!.extensions).toMatchObject({ maximum: 10, value: 14 });
  });

  it('depth 10 is allowed and runs (here: the case does not exist)', async () => {
    const res = await server.gql(previousCases(8), {}, { token: owner.token });
    expect(errorCode(res)).toBe('NOT_FOUND');
  });

  it('fragments do not hide depth', async () => {
    const res = await server.gql(
      // eslint-disable-next-line no-restricted-syntax -- deeper than the limit: built as text
      `query { series(id: "${MISSING_ID}") { ...Eps } }
       fragment Eps on Series { episodes { nodes { reviewCases { previousCase { previousCase { previousCase { previousCase { previousCase { previousCase { previousCase { id } } } } } } } } } } }`,
      {},
      { token: owner.token },
    );
    expectRefused(res, 'depth', /^Query depth 12 exceeds the maximum of 10\.$/);
  });
});

describe('query cost', () => {
  it('is reported on every response: objects count 1, lists their page size', async () => {
    const viewer = await postWithExtensions(server, { query: '{ viewer { kind user { email } } }' }, owner.token);
    expect(viewer.status).toBe(200);
    expect(viewer.extensions?.cost).toEqual({ requested: 2, maximum: 5000 });

    const organizations = await postWithExtensions(server, { query: '{ viewer { organizations { id name } } }' }, owner.token);
    // A list without first/last counts 5 items.
    expect(organizations.extensions?.cost).toEqual({ requested: 1 + 5 * 1, maximum: 5000 });

    const page = await postWithExtensions(server, { query: print(SERIES_PAGE), variables: { studioId: owner.organizationId, first: 5 } }, owner.token);
    expect(page.data).toEqual({ seriesList: { nodes: [] } });
    expect(page.extensions?.cost).toEqual({ requested: 1 + 5 * 1, maximum: 5000 });

    const defaultPage = await postWithExtensions(server, { query: print(SERIES_PAGE), variables: { studioId: owner.organizationId } }, owner.token);
    expect(defaultPage.extensions?.cost).toEqual({ requested: 1 + 20 * 1, maximum: 5000 });

    const errors = await postWithExtensions(server, { query: '{ organization(id: "nope") { id } }' }, owner.token);
    expect(errorCode(errors)).toBe('NOT_FOUND');
    expect(errors.extensions?.cost).toEqual({ requested: 1, maximum: 5000 });
  });

  it('a query that could fetch 100 episodes of each of 100 series is refused before anything runs', async () => {
    const list = vi.spyOn(server.app.services.series, 'list');
    const res = await postWithExtensions(server, { query: print(EPISODES_OF_EVERY_SERIES), variables: { studioId: owner.organizationId, first: 100 } }, owner.token);
    expect(list).not.toHaveBeenCalled();
    list.mockRestore();
    // seriesList 1 + 100 × (nodes 1 + episodes (1 + 100 × (nodes 1 + effectivePrice 1)))
    expectRefused(res, 'cost', /^Query cost 20201 exceeds the maximum of 5000\./);
    expect(res.errors![0]!.extensions).toMatchObject({ maximum: 5000, value: 20201 });
    expect(res.extensions?.cost).toEqual({ requested: 20201, maximum: 5000 });
  });

  it('the same query with small pages runs', async () => {
    const res = await postWithExtensions(server, { query: print(EPISODES_OF_EVERY_SERIES), variables: { studioId: owner.organizationId, first: 10 } }, owner.token);
    expect(res.errors).toBeUndefined();
    expect(res.extensions?.cost).toEqual({ requested: 1 + 10 * (1 + 1 + 10 * 2), maximum: 5000 });
  });
});

describe('aliases, repeated fields, directives and tokens', () => {
  const aliases = (n: number, field: string) => Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ');

  it('more than 50 aliases are refused; 50 are fine', async () => {
    const cheap = 'viewer { kind }';
    // eslint-disable-next-line no-restricted-syntax -- built as text to count aliases, repeats or tokens
    expectRefused(await server.gql(`{ ${aliases(51, cheap)} }`, {}, { token: owner.token }), 'aliases', /^Query uses 51 aliases; the maximum is 50\.$/);
    // eslint-disable-next-line no-restricted-syntax -- built as text to count aliases, repeats or tokens
    const fifty = await server.gql<Record<string, { kind: string }>>(`{ ${aliases(50, cheap)} }`, {}, { token: owner.token });
    expect(fifty.errors).toBeUndefined();
    expect(Object.keys(fifty.data!)).toHaveLength(50);
  });

  it('an alias bomb is refused: by the alias limit, and below it by cost', async () => {
    const bomb = `query($s: ID!) { ${aliases(60, 'seriesList(studioId: $s, first: 100) { nodes { id } }')} }`;
    expectRefused(await server.gql(bomb, { s: owner.organizationId }, { token: owner.token }), 'aliases', /^Query uses 60 aliases/);
    // Each alias: 1 + 100 × (1 + (1 + 20 × 1)).
    const costly = `query($s: ID!) { ${aliases(3, 'seriesList(studioId: $s, first: 100) { nodes { id episodes { nodes { id } } } }')} }`;
    expectRefused(await server.gql(costly, { s: owner.organizationId }, { token: owner.token }), 'cost', /^Query cost 6603 exceeds the maximum of 5000\./);
  });

  it('one field selected more than 5 times in a selection is refused, also through fragments', async () => {
    // eslint-disable-next-line no-restricted-syntax -- built as text to count aliases, repeats or tokens
    const direct = await server.gql(`{ viewer { ${'kind '.repeat(6)} } }`, {}, { token: owner.token });
    expectRefused(direct, 'fieldRepeats', /^Field "kind" is selected 6 times in one selection; the maximum is 5\.$/);
    // eslint-disable-next-line no-restricted-syntax -- built as text to count aliases, repeats or tokens
    const viaFragments = await server.gql(`{ viewer { ${'... on Viewer { kind } '.repeat(3)} ...K ...K ...K } } fragment K on Viewer { kind }`, {}, { token: owner.token });
    expectRefused(viaFragments, 'fieldRepeats', /^Field "kind" is selected 6 times/);
    // eslint-disable-next-line no-restricted-syntax -- built as text to count aliases, repeats or tokens
    const fine = await server.gql(`{ viewer { ${'kind '.repeat(5)} } }`, {}, { token: owner.token });
    expect(fine.data).toEqual({ viewer: { kind: 'USER' } });
  });

  it('more than 50 directives are refused', async () => {
    // Nested so that no location repeats a directive (a validation error of its own).
    const nested = `{ viewer { ${'... @include(if: true) { '.repeat(51)}kind${' }'.repeat(51)} } }`;
    const res = await server.gql(nested, {}, { token: owner.token });
    expectRefused(res, 'directives', /^Query uses 51 directives; the maximum is 50\.$/);
  });

  it('a document of more than 2000 tokens is refused while parsing', async () => {
    // eslint-disable-next-line no-restricted-syntax -- built as text to count aliases, repeats or tokens
    const res = await server.gql(`{ viewer { kind } ${'__typename '.repeat(2000)} }`, {}, { token: owner.token });
    expectRefused(res, 'tokens', /^Query has more than 2000 tokens; the maximum is 2000\.$/);
  });

  it('batched requests are refused', async () => {
    const res = await server.post([{ query: '{ __typename }' }, { query: '{ __typename }' }]);
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('BAD_REQUEST');
    expect(res.errors![0]!.message).toMatch(/batching/i);
  });
});

describe('introspection', () => {
  it('anonymous callers may not read the schema, directly or through a fragment', async () => {
    for (const query of [
      '{ __schema { types { name } } }',
      '{ __type(name: "Series") { fields { name } } }',
      '{ ...Schema } fragment Schema on Query { __schema { queryType { name } } }',
    ]) {
      const res = await server.post({ query });
      expect(res.status).toBe(401);
      expect(errorCode(res)).toBe('UNAUTHENTICATED');
      expect(res.data).toBeUndefined();
      expect(res.errors![0]!.extensions.requestId).toBe(res.headers.get('x-request-id'));
    }
    expect((await server.post({ query: '{ __typename }' })).data).toEqual({ __typename: 'Query' });
  });

  it('an expired or forged token is told why', async () => {
    const res = await server.post({ query: '{ __schema { types { name } } }' }, { token: 'gls_' + 'A'.repeat(43) });
    expect(res.status).toBe(401);
    expect(errorCode(res)).toBe('UNAUTHENTICATED');
  });

  it('signed-in people and API keys may run the full introspection query', async () => {
    const partner = await server.member(OrganizationKind.PARTNER, Role.PARTNER_ADMIN);
    const key = await server.gql(CREATE_KEY, { input: { organizationId: partner.organizationId, name: 'schema' } }, { token: partner.token });
    for (const token of [owner.token, key.data!.createApiKey.secret]) {
      const res = await server.post<{ __schema: { types: Array<{ name: string }> } }>({ query: getIntrospectionQuery() }, { token });
      expect(res.errors).toBeUndefined();
      expect(res.data!.__schema.types.map((t) => t.name)).toContain('Series');
    }
  });
});

describe('production configuration', () => {
  let production: TestServer;
  let token: string;
  beforeAll(async () => {
    production = await TestServer.start({ NODE_ENV: 'production', APP_SECRET: 'x'.repeat(40) }, server);
    // Sessions are bound to the secret, so sign in again.
    token = await production.signIn(owner.email);
  });
  afterAll(() => production?.stop());

  it('no field suggestions that would spell out the schema', async () => {
    const query = '{ viewer { kinds } }';
    const development = await server.post({ query }, { token: owner.token });
    expect(development.errors![0]!.message).toMatch(/Did you mean "kind"\?/);

    const res = await production.post({ query }, { token });
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors![0]!.message).toBe('Cannot query field "kinds" on type "Viewer".');
    expect(JSON.stringify(res)).not.toMatch(/Did you mean/);

    // A caller who may introspect is told what the input takes; an anonymous one only what is wrong.
    const input = await production.gql(CREATE_SERIES, { studioId: owner.organizationId, input: { titel: 'Typo' } }, { token });
    expect(input.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_VALUE', field: 'input' });
    expect(input.errors![0]!.message).toMatch(/^input has no field "titel": it takes .*\btitle\b/);
    const anonymousInput = await production.gql(CREATE_SERIES, { studioId: owner.organizationId, input: { titel: 'Typo' } });
    expect(anonymousInput.errors![0]!.message).toBe('input has no field "titel".');
    const status = await production.gql(EPISODES_BY_STATUS, { id: MISSING_ID, status: 'DRAFTY' }, { token });
    expect(status.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_VALUE', field: 'status' });
    expect(status.errors![0]!.message).toMatch(/\bDRAFT\b/);
    const anonymousStatus = await production.gql(EPISODES_BY_STATUS, { id: MISSING_ID, status: 'DRAFTY' });
    expect(anonymousStatus.errors![0]!.message).not.toMatch(/\bDRAFT\b|PUBLISHED/);
    expect(JSON.stringify([input, status, anonymousInput, anonymousStatus])).not.toMatch(/Did you mean/);
  });

  it('introspection still needs a signed-in caller, and works for one', async () => {
    expect(errorCode(await production.post({ query: '{ __schema { types { name } } }' }))).toBe('UNAUTHENTICATED');
    const res = await production.post<{ __schema: { queryType: { name: string } } }>({ query: '{ __schema { queryType { name } } }' }, { token });
    expect(res.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('the explorer landing page is for development only', async () => {
    const page = (target: TestServer) => fetch(`${target.url}/graphql`, { headers: { accept: 'text/html' } });
    const development = await page(server);
    expect(development.status).toBe(200);
    expect(await development.text()).toMatch(/<html/i);
    const res = await page(production);
    expect(res.headers.get('content-type')).not.toMatch(/text\/html/);
  });
});

describe('rate limits', () => {
  // Tiny budgets; each test calls from its own address (the API trusts X-Forwarded-For from
  // loopback only), so counters do not leak between tests.
  const LIMITS = { ANONYMOUS_RATE_LIMIT_PER_MINUTE: '5', USER_RATE_LIMIT_PER_MINUTE: '4', PARTNER_RATE_LIMIT_PER_MINUTE: '3' };
  let limited: TestServer;
  let twin: TestServer;
  beforeAll(async () => {
    limited = await TestServer.start(LIMITS);
    twin = await TestServer.start(LIMITS, limited);
  });
  afterAll(async () => {
    await twin?.stop();
    await limited?.stop();
  });

  const from = (address: string) => ({ headers: { 'x-forwarded-for': address } });

  function expectRateLimited(res: GraphQLResponse) {
    expect(res.status).toBe(429);
    expect(res.data).toBeUndefined();
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(res.errors).toEqual([
      {
        message: expect.stringMatching(/^Too many requests: the limit is \d+ a minute\. Try again in \d+ seconds\.$/),
        extensions: { code: 'RATE_LIMITED', retryAfterSeconds: retryAfter, requestId: res.headers.get('x-request-id') },
      },
    ]);
  }

  it('anonymous callers get 5 requests a minute per address, then 429 with Retry-After', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await limited.post({ query: '{ __typename }' }, from('203.0.113.10'));
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-remaining')).toBe(String(4 - i));
    }
    expectRateLimited(await limited.post({ query: '{ __typename }' }, from('203.0.113.10')));
    // Refused before the body is read: even a malformed request is answered with 429.
    expectRateLimited(await limited.post('{"query": ', from('203.0.113.10')));

    const elsewhere = await limited.post({ query: '{ __typename }' }, from('203.0.113.11'));
    expect(elsewhere.data).toEqual({ __typename: 'Query' });
  });

  it('a caller over its budget declaring a huge body gets its 429 at once and the connection closes; a small request keeps it', async () => {
    const address = '203.0.113.47';
    for (let i = 0; i < 5; i++) expect((await limited.post({ query: '{ __typename }' }, from(address))).status).toBe(200);
    // 1 GiB declared, 64 bytes sent: the answer must not wait for the rest, nor the connection stay to read it.
    const exchange = await rawExchange(limited.url, [`POST /graphql HTTP/1.1\r\nHost: api\r\nContent-Type: application/json\r\nX-Forwarded-For: ${address}\r\nContent-Length: ${2 ** 30}\r\n\r\n{"query": "{ __typename }"${' '.repeat(38)}`]);
    expect(exchange.text).toMatch(/^HTTP\/1\.1 429 /);
    expect(exchange.text.toLowerCase()).toContain('connection: close');
    expect(exchange.text).toContain('RATE_LIMITED');
    expect(exchange.closedAfterMs).not.toBeNull();
    expect(exchange.closedAfterMs).toBeLessThan(8_000);
    // A small request refused the same way keeps its connection for the next one.
    const small = await limited.post({ query: '{ __typename }' }, from(address));
    expect(small.status).toBe(429);
    expect(small.headers.get('connection')).not.toBe('close');
  });

  it('a signed-in person has a budget of their own, whatever address they call from', async () => {
    const member = await limited.member(OrganizationKind.STUDIO, Role.EDITOR);
    for (let i = 0; i < 4; i++) {
      expect((await limited.gql(VIEWER, {}, { token: member.token, ...from(`198.51.100.${i}`) })).data).toEqual({ viewer: { kind: 'USER' } });
    }
    expectRateLimited(await limited.gql(VIEWER, {}, { token: member.token, ...from('198.51.100.99') }));
    // The address itself is not spent.
    expect((await limited.post({ query: '{ __typename }' }, from('198.51.100.99'))).status).toBe(200);
  });

  it('a partner API key gets the partner budget', async () => {
    const partner = await limited.member(OrganizationKind.PARTNER, Role.PARTNER_ADMIN);
    const key = await limited.gql(CREATE_KEY, { input: { organizationId: partner.organizationId, name: 'sync' } }, { token: partner.token });
    const secret = key.data!.createApiKey.secret;
    for (let i = 0; i < 3; i++) {
      const res = await limited.gql(VIEWER, {}, { token: secret });
      expect(res.data).toEqual({ viewer: { kind: 'PARTNER_KEY' } });
      expect(res.headers.get('ratelimit-limit')).toBe('3');
    }
    expectRateLimited(await limited.gql(VIEWER, {}, { token: secret }));
  });

  it('a partner with its own limit gets that budget instead', async () => {
    const partner = await limited.member(OrganizationKind.PARTNER, Role.PARTNER_ADMIN);
    const admin = await limited.member(OrganizationKind.OPERATOR, Role.ADMIN);
    await limited.gql(graphql('mutation($id: ID!) { updatePartner(partnerId: $id, input: { territories: ["US"], currency: "USD", rateLimitPerMinute: 2 }) { rateLimitPerMinute } }'), { id: partner.organizationId }, { token: admin.token });
    const key = await limited.gql(CREATE_KEY, { input: { organizationId: partner.organizationId, name: 'sync' } }, { token: partner.token });
    const secret = key.data!.createApiKey.secret;
    for (let i = 0; i < 2; i++) expect((await limited.gql(VIEWER, {}, { token: secret })).headers.get('ratelimit-limit')).toBe('2');
    expectRateLimited(await limited.gql(VIEWER, {}, { token: secret }));
  });

  it('two API instances share the counters', async () => {
    const instances = [limited, twin];
    for (let i = 0; i < 5; i++) {
      const res = await instances[i % 2]!.post({ query: '{ __typename }' }, from('203.0.113.20'));
      expect(res.status).toBe(200);
    }
    // Neither instance alone has seen more than three requests from this address.
    expectRateLimited(await twin.post({ query: '{ __typename }' }, from('203.0.113.20')));
    expectRateLimited(await limited.post({ query: '{ __typename }' }, from('203.0.113.20')));
  });

  it('uploads count per person, apart from their GraphQL requests', async () => {
    const uploader = await limited.member(OrganizationKind.STUDIO, Role.EDITOR);
    const head = () => fetch(`${limited.url}/uploads/${'0'.repeat(32)}`, { method: 'HEAD', headers: { authorization: `Bearer ${uploader.token}`, 'tus-resumable': '1.0.0' } });
    for (let i = 0; i < 4; i++) expect((await head()).status).not.toBe(429);
    const refused = await head();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await limited.gql(VIEWER, {}, { token: uploader.token })).status).toBe(200);
  });
});

const MISSING_ID = '00000000-0000-4000-8000-000000000000';

function previousCases(levels: number): string {
  return `{ reviewCase(id: "${MISSING_ID}") { ${'previousCase { '.repeat(levels)}id${' }'.repeat(levels)} } }`;
}

const VIEWER = graphql(`
  query { viewer { kind } }
`);

const SERIES_PAGE = graphql(`
  query($studioId: ID!, $first: Int) { seriesList(studioId: $studioId, first: $first) { nodes { id title } } }
`);

const EPISODES_OF_EVERY_SERIES = graphql(`
  query($studioId: ID!, $first: Int!) {
    seriesList(studioId: $studioId, first: $first) {
      nodes { title episodes(first: $first) { nodes { id effectivePrice(territory: "US") { priced } } } }
    }
  }
`);

// Text, not typed documents: the tests send them variables the schema refuses on purpose.
const CREATE_SERIES = /* GraphQL */ `
  mutation($studioId: ID!, $input: SeriesInput!) { createSeries(studioId: $studioId, input: $input) { id } }
`;

const EPISODES_BY_STATUS = /* GraphQL */ `
  query($id: ID!, $status: EpisodeStatus) { series(id: $id) { episodes(status: $status) { nodes { id } } } }
`;

const CREATE_KEY = graphql(`
  mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }
`);
