import os from 'node:os';
import { lookup } from 'node:dns/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { sealSecret } from '../src/domain/secret-box';
import { createLogger } from '../src/logger';
import { PRIVATE_ADDRESS_REFUSAL } from '../src/modules/publishing/outbound-address';
import { seriesWithEpisodes } from './support/catalog';
import { CLAIM_NEXT, DECIDE, seedPendingCases } from './support/review';
import { LICENSE } from './support/publishing';
import { TestServer, type SignedInMember } from './support/server';
import { WebhookReceiver } from './support/webhook-receiver';
import { graphql } from '../../schema/graphql';
import { Migration20261202140000_null_genre_items } from '../../migrations/Migration20261202140000_null_genre_items';

/** The cases of issue "bad input never becomes an internal error", each named; the kind is walked in input-walk.test.ts. */
let server: TestServer;
let owner: SignedInMember;
let partner: SignedInMember;
let partnerKey: string;
let seriesId: string;
let episodeIds: string[];

const forged = (key: string) => Buffer.from(`c:${key}`).toString('base64url');

beforeAll(async () => {
  server = await TestServer.start();
  owner = await server.member(OrganizationKind.STUDIO, Role.OWNER, 'Hostile');
  partner = await server.member(OrganizationKind.PARTNER, Role.PARTNER_ADMIN, 'Hostile');
  const key = await server.gql(graphql('mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret } }'), { i: { organizationId: partner.organizationId, name: 'sync' } }, { token: partner.token });
  partnerKey = key.data!.createApiKey.secret;
  seriesId = await seriesWithEpisodes(server, owner.token, owner.organizationId, 3, { title: 'Plain title' });
  const episodes = await server.gql(graphql('query($id: ID!) { series(id: $id) { episodes { nodes { id } } } }'), { id: seriesId }, { token: owner.token });
  episodeIds = episodes.data!.series.episodes.nodes.map((e) => e.id);
});
afterAll(() => server?.stop());

const titleOf = async () => (await server.gql(graphql('query($id: ID!) { series(id: $id) { title } }'), { id: seriesId }, { token: owner.token })).data!.series.title;

describe('control characters in text', () => {
  it('a NUL in a variable is refused naming the argument path it feeds, and nothing is written', async () => {
    const res = await server.gql(graphql('mutation($id: ID!, $i: SeriesInput!) { updateSeries(id: $id, input: $i) { id } }'), { id: seriesId, i: { title: 'a\u0000b' } }, { token: owner.token });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.title' });
    expect(await titleOf()).toBe('Plain title');
  });

  it('a control character in a literal, nested in a list, is refused with its path', async () => {
    const res = await server.gql(graphql(`mutation($id: ID!) { updateSeries(id: $id, input: { title: "ok", genres: ["drama", "x\\u0007y"] }) { id } }`), { id: seriesId }, { token: owner.token });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.genres.1' });
    expect(await titleOf()).toBe('Plain title');
  });

  it('the refusal is a sentence for a person, not prefixed with the field path (the field is in extensions.field)', async () => {
    // eslint-disable-next-line no-restricted-syntax -- as text: the input lacks fields the schema requires, refused first for its control character
    const res = await server.gql('mutation($id: ID!, $i: SeriesInput!) { updateSeries(id: $id, input: $i) { id } }', { id: seriesId, i: { title: 'a\u001bb' } }, { token: owner.token });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.title' });
    expect(res.errors![0]!.message).toMatch(/^Contains the control character U\+001B/);
  });

  it('reads refuse it too: a search term and a catalog genre filter', async () => {
    const search = await server.gql(graphql('query($s: ID!) { seriesList(studioId: $s, search: "\\u0000") { nodes { id } } }'), { s: owner.organizationId }, { token: owner.token });
    expect(search.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'search' });
    const catalog = await server.gql(graphql('query($f: CatalogFilterInput) { catalog(territory: "US", filter: $f) { nodes { id } } }'), { f: { genres: ['\u0000'] } }, { token: partner.token });
    expect(catalog.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.genres.0' });
  });

  it('createSeries: a control character in the title is listed with every other refused field, each by its path; nothing is created', async () => {
    const before = await server.count('series');
    const asVariables = await server.gql(
      graphql('mutation($s: ID!, $i: SeriesInput!) { createSeries(studioId: $s, input: $i) { id } }'),
      { s: owner.organizationId, i: { title: 'Bell\u0007', synopsis: 'x'.repeat(5001), originalLanguage: 'en', freeEpisodeCount: -1 } },
      { token: owner.token },
    );
    const asLiterals = await server.gql(
      graphql(`mutation($s: ID!, $synopsis: String) { createSeries(studioId: $s, input: { title: "Bell\\u0007", synopsis: $synopsis, originalLanguage: "en", freeEpisodeCount: -1 }) { id } }`),
      { s: owner.organizationId, synopsis: 'x'.repeat(5001) },
      { token: owner.token },
    );
    for (const res of [asVariables, asLiterals]) {
      expect(res.errors).toHaveLength(1);
      const { extensions, message } = res.errors![0]!;
      expect(extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.title' });
      expect(message).toMatch(/^Contains the control character U\+0007/);
      expect(extensions.fieldErrors).toEqual([
        { field: 'input.title', message: expect.stringMatching(/^Contains the control character U\+0007/) },
        { field: 'input.synopsis', message: 'Synopsis must be at most 5000 characters.' },
        { field: 'input.freeEpisodeCount', message: 'Free episodes cannot be negative.' },
      ]);
    }
    expect(await server.count('series')).toBe(before);
  });

  it('updateSeries: control characters in two fields and an empty title are all listed; the series stays', async () => {
    const res = await server.gql(
      graphql('mutation($id: ID!, $i: SeriesInput!) { updateSeries(id: $id, input: $i) { id } }'),
      { id: seriesId, i: { title: '\u0007', genres: ['drama', 'x\u001by'], coverImageUrl: 'ftp://nowhere' } },
      { token: owner.token },
    );
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.title' });
    expect((res.errors![0]!.extensions.fieldErrors as Array<{ field: string }>).map((e) => e.field)).toEqual(['input.title', 'input.genres.1', 'input.coverImageUrl']);
    expect(await titleOf()).toBe('Plain title');
  });

  it('decideCase: a control character in one decision note is listed with a note too long and a blank comment; the case stays undecided', async () => {
    const operator = await server.member(OrganizationKind.OPERATOR, Role.LEAD, 'Hostile');
    const { caseIds } = await seedPendingCases(server, owner.organizationId, 1, { territories: ['US', 'DE'] });
    const claimed = await server.gql(CLAIM_NEXT, { f: { studioId: owner.organizationId } }, { token: operator.token });
    expect(claimed.data?.claimNextCase?.id).toBe(caseIds[0]);
    const decisions = [
      { territory: 'US', decision: 'APPROVE' as const, notes: 'Fine\u0007' },
      { territory: 'DE', decision: 'APPROVE' as const, notes: 'n'.repeat(5001) },
    ];
    const res = await server.gql(DECIDE, { i: { caseId: caseIds[0]!, version: claimed.data!.claimNextCase!.version, decisions, comments: [{ text: ' ' }] } }, { token: operator.token });
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.decisions.0.notes' });
    expect(res.errors![0]!.extensions.fieldErrors).toEqual([
      { field: 'input.decisions.0.notes', message: expect.stringMatching(/^Contains the control character U\+0007/) },
      { field: 'input.decisions.1.notes', message: 'Must be at most 5,000 characters long.' },
      { field: 'input.comments.0.text', message: 'A comment needs text.' },
    ]);
    const status = await server.gql(graphql('query($id: ID!) { reviewCase(id: $id) { status } }'), { id: caseIds[0]! }, { token: operator.token });
    expect(status.data?.reviewCase.status).toBe('PENDING_REVIEW');
  });

  it('tab, line feed and carriage return are text, not control characters to refuse', async () => {
    const res = await server.gql(graphql('mutation($id: ID!, $i: SeriesInput!) { updateSeries(id: $id, input: $i) { synopsis } }'), { id: seriesId, i: { synopsis: 'one\ttwo\r\nthree' } }, { token: owner.token });
    expect(res.errors).toBeUndefined();
  });

  it('tus metadata goes through the same rule: a NUL in the file name is a 400 naming the key', async () => {
    const meta = [`episodeId ${Buffer.from(episodeIds[0]!).toString('base64')}`, `filename ${Buffer.from('clip\u0000.mp4').toString('base64')}`, `filetype ${Buffer.from('video/mp4').toString('base64')}`].join(',');
    const res = await fetch(`${server.url}/uploads`, { method: 'POST', headers: { authorization: `Bearer ${owner.token}`, 'tus-resumable': '1.0.0', 'upload-length': '100', 'upload-metadata': meta } });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('filename');
    expect(await server.count('episode_upload')).toBe(0);
  });
});

describe('text that hides or reorders itself', () => {
  it('a bidi override (U+202E) in a variable or a literal is refused naming the field; the title stays', async () => {
    const variable = await server.gql(graphql('mutation($id: ID!, $i: SeriesInput!) { updateSeries(id: $id, input: $i) { id } }'), { id: seriesId, i: { title: 'Night \u202Eswov' } }, { token: owner.token });
    expect(variable.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.title' });
    expect(variable.errors?.[0]?.message).toContain('U+202E');
    for (const control of ['\\u202A', '\\u202B', '\\u202C', '\\u202D', '\\u2066', '\\u2067', '\\u2068', '\\u2069']) {
      // eslint-disable-next-line no-restricted-syntax -- as text: the character is written into the document's own string literal
      const literal = await server.gql(`mutation($id: ID!) { updateSeries(id: $id, input: { synopsis: "a${control}b" }) { id } }`, { id: seriesId }, { token: owner.token });
      expect(literal.errors?.[0]?.extensions, control).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.synopsis' });
    }
    expect(await titleOf()).toBe('Plain title');
  });

  it('right-to-left text with the marks U+200E/U+200F is kept', async () => {
    const res = await server.gql(graphql('mutation($id: ID!, $i: SeriesInput!) { updateSeries(id: $id, input: $i) { synopsis } }'), { id: seriesId, i: { synopsis: 'שלום\u200F (Hebrew) \u200Eok' } }, { token: owner.token });
    expect(res.errors).toBeUndefined();
  });

  it('a title of zero-width characters only is blank: refused as required', async () => {
    const res = await server.gql(graphql('mutation($id: ID!, $i: SeriesInput!) { updateSeries(id: $id, input: $i) { id } }'), { id: seriesId, i: { title: '\u200b\u200d\ufeff ' } }, { token: owner.token });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.title' });
    expect(await titleOf()).toBe('Plain title');
  });

  it('an invisible AI label or disclosure does not meet the labelling duty: refused naming the field, nothing stored', async () => {
    const ai = { ...LICENSE, aiElements: ['VOICE' as const] };
    const label = await server.gql(graphql('mutation($id: ID!, $i: LicenseInput!) { setLicense(seriesId: $id, input: $i) { id } }'), { id: seriesId, i: { ...ai, aiDisclosure: 'The voices are AI-generated.', aiLabel: '\u200b' } }, { token: owner.token });
    expect(label.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.aiLabel' });
    const disclosure = await server.gql(graphql('mutation($id: ID!, $i: LicenseInput!) { setLicense(seriesId: $id, input: $i) { id } }'), { id: seriesId, i: { ...ai, aiDisclosure: '\u200b', aiLabel: 'AI-generated voices' } }, { token: owner.token });
    expect(disclosure.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.aiDisclosure' });
    expect(await server.count('series_license')).toBe(0);
  });
});

describe('characters that are not text', () => {
  it('a title of a lone combining accent or variation selector is blank, and a noncharacter is refused anywhere, naming the field', async () => {
    const CREATE = graphql('mutation NotTextCreate($s: ID!, $i: SeriesInput!) { createSeries(studioId: $s, input: $i) { id } }');
    for (const title of ['\u0301', '\ufe0f', ' \u0301\ufe0f ']) {
      const res = await server.gql(CREATE, { s: owner.organizationId, i: { title, originalLanguage: 'en' } }, { token: owner.token });
      expect(res.errors?.[0]?.extensions, JSON.stringify(title)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.title' });
    }
    const nonchar = await server.gql(CREATE, { s: owner.organizationId, i: { title: 'Plain', synopsis: 'A\uFFFEB', originalLanguage: 'en' } }, { token: owner.token });
    expect(nonchar.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.synopsis' });
    expect(nonchar.errors![0]!.message).toMatch(/U\+FFFE/);
    expect(await titleOf()).toBe('Plain title');
  });
});

describe('Unicode normalization', () => {
  it('"Café" with a combining accent and with a precomposed é is one title, and either spelling finds it', async () => {
    const decomposed = 'Cafe\u0301 Nights';
    const created = await server.gql(graphql('mutation($s: ID!, $i: SeriesInput!) { createSeries(studioId: $s, input: $i) { id title } }'), { s: owner.organizationId, i: { title: decomposed, originalLanguage: 'en' } }, { token: owner.token });
    expect(created.data!.createSeries.title).toBe('Caf\u00e9 Nights');
    for (const term of ['Caf\u00e9', 'Cafe\u0301']) {
      const found = await server.gql(graphql('query($s: ID!, $q: String) { seriesList(studioId: $s, search: $q) { nodes { id } } }'), { s: owner.organizationId, q: term }, { token: owner.token });
      expect(found.data!.seriesList.nodes.map((n) => n.id)).toEqual([created.data!.createSeries.id]);
    }
    // A literal in the document is normalized as a variable is.
    const literal = await server.gql(graphql(`query($s: ID!) { seriesList(studioId: $s, search: "Cafe\u0301") { nodes { id } } }`), { s: owner.organizationId }, { token: owner.token });
    expect(literal.data!.seriesList.nodes).toHaveLength(1);
  });
});

describe('cursors', () => {
  it.each([
    ['seriesList', 'query($s: ID!, $a: String) { seriesList(studioId: $s, after: $a) { nodes { id } } }', () => forged(`${new Date().toISOString()}|notauuid`), 'owner'],
    ['changes', 'query($a: String) { changes(after: $a) { nodes { id } } }', () => forged('9999999999999999999'), 'partner'],
    ['auditEvents', 'query($s: ID, $a: String) { auditEvents(organizationId: $s, after: $a) { nodes { id } } }', () => forged('9999999999999999999'), 'owner'],
    ['reviewQueue', 'query($a: String) { reviewQueue(after: $a) { nodes { id } } }', () => forged('1e300'), 'operator'],
  ] as const)('%s answers BAD_USER_INPUT on after for a cursor that decodes to an impossible value', async (_name, query, cursor, who) => {
    const caller = who === 'owner' ? owner : who === 'partner' ? { ...partner, token: partnerKey } : await server.member(OrganizationKind.OPERATOR, Role.LEAD, 'Cursor');
    const res = await server.gql(query, { s: caller.organizationId, a: cursor() }, { token: caller.token });
    expect(res.status).not.toBe(500);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});

describe('subtitles', () => {
  it('every caller who may read an episode reads its subtitle tracks with their content', async () => {
    const vtt = 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello\n';
    const set = await server.gql(graphql('mutation($i: SubtitlesInput!) { setSubtitles(input: $i) { id } }'), { i: { episodeId: episodeIds[0], language: 'en', format: 'WEBVTT', content: vtt } }, { token: owner.token });
    expect(set.errors).toBeUndefined();
    const res = await server.gql(graphql('query($id: ID!) { episode(id: $id) { subtitles { language content } } }'), { id: episodeIds[0] }, { token: owner.token });
    expect(res.errors).toBeUndefined();
    expect(res.data!.episode.subtitles).toEqual([{ language: 'en', content: vtt }]);
  });

  it('/media/subtitles/<trackId>.vtt answers ranges, If-None-Match and HEAD as the other media routes do', async () => {
    const vtt = 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nBonjour\n';
    const set = await server.gql(graphql('mutation($i: SubtitlesInput!) { setSubtitles(input: $i) { id } }'), { i: { episodeId: episodeIds[0], language: 'en', format: 'WEBVTT', content: vtt } }, { token: owner.token });
    const url = `${server.url}/media/subtitles/${set.data!.setSubtitles.id}.vtt`;
    const auth = { authorization: `Bearer ${owner.token}` };
    const whole = await fetch(url, { headers: auth });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(await whole.text()).toBe(vtt);
    const etag = whole.headers.get('etag')!;
    const part = await fetch(url, { headers: { ...auth, range: 'bytes=0-5' } });
    expect([part.status, part.headers.get('content-range'), await part.text()]).toEqual([206, `bytes 0-5/${Buffer.byteLength(vtt)}`, 'WEBVTT']);
    const suffix = await fetch(url, { headers: { ...auth, range: 'bytes=-8' } });
    expect([suffix.status, await suffix.text()]).toEqual([206, 'Bonjour\n']);
    expect((await fetch(url, { headers: { ...auth, range: 'bytes=9999-' } })).status).toBe(416);
    expect((await fetch(url, { headers: { ...auth, 'if-none-match': etag } })).status).toBe(304);
    const head = await fetch(url, { method: 'HEAD', headers: auth });
    expect([head.status, head.headers.get('content-length'), head.headers.get('etag')]).toEqual([200, String(Buffer.byteLength(vtt)), etag]);
  });

  it('a WebVTT file with a header and no cues is refused, so it cannot satisfy a subtitle requirement', async () => {
    const res = await server.gql(graphql('mutation($i: SubtitlesInput!) { setSubtitles(input: $i) { id } }'), { i: { episodeId: episodeIds[1], language: 'fr', format: 'WEBVTT', content: 'WEBVTT\n' } }, { token: owner.token });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.content' });
    expect(await server.count('subtitle_track')).toBe(1);
  });

  it.each([
    ['an empty cue', 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n\n'],
    ['a cue of no-break spaces', 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n\u00a0\u00a0\n'],
    ['a cue of zero-width spaces', 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n\u200b\n\n00:00:03.000 --> 00:00:04.000\n<i>\u200b</i>\n'],
  ])('a WebVTT file whose only cues have no visible text (%s) is refused', async (_name, content) => {
    const res = await server.gql(graphql('mutation($i: SubtitlesInput!) { setSubtitles(input: $i) { id } }'), { i: { episodeId: episodeIds[1], language: 'fr', format: 'WEBVTT', content } }, { token: owner.token });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.content' });
    expect(await server.count('subtitle_track')).toBe(1);
  });
});

describe('upload policy', () => {
  it('the formats the API accepts are one list it exposes, and a file outside it is refused with 415', async () => {
    const res = await server.gql(graphql('{ uploadPolicy { acceptedExtensions acceptedTypes maxBytes maxDurationSeconds } }'), {}, { token: owner.token });
    expect(res.data!.uploadPolicy).toEqual({ acceptedExtensions: ['mp4', 'mov', 'webm'], acceptedTypes: ['video/mp4', 'video/quicktime', 'video/webm'], maxBytes: server.config.uploads.maxBytes, maxDurationSeconds: server.config.uploads.maxDurationSeconds });
    const meta = (name: string, type: string) => [`episodeId ${Buffer.from(episodeIds[0]!).toString('base64')}`, `filename ${Buffer.from(name).toString('base64')}`, `filetype ${Buffer.from(type).toString('base64')}`].join(',');
    const m4v = await fetch(`${server.url}/uploads`, { method: 'POST', headers: { authorization: `Bearer ${owner.token}`, 'tus-resumable': '1.0.0', 'upload-length': '100', 'upload-metadata': meta('clip.m4v', 'video/mp4') } });
    expect(m4v.status).toBe(415);
  });

  it('the highest episode number it exposes is the one adding, renumbering and scheduling episodes apply', async () => {
    const res = await server.gql(graphql('{ uploadPolicy { maxEpisodeNumber } }'), {}, { token: owner.token });
    const max = res.data!.uploadPolicy.maxEpisodeNumber;
    expect(max).toBe(10_000);
    // A series of its own: the others here keep their three episodes.
    const ownSeries = await seriesWithEpisodes(server, owner.token, owner.organizationId, 1, { title: 'Long series' });
    const own = await server.gql(graphql('query($id: ID!) { series(id: $id) { episodes { nodes { id } } } }'), { id: ownSeries }, { token: owner.token });
    const add = (n: number) => server.gql(graphql('mutation($i: AddEpisodesInput!) { addEpisodes(input: $i) { number } }'), { i: { seriesId: ownSeries, fromNumber: n, toNumber: n } }, { token: owner.token });
    const past = await add(max + 1);
    expect(past.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.fromNumber' });
    expect(past.errors![0]!.message).toBe('Episode numbers go up to 10,000.');
    const renumber = await server.gql(graphql('mutation($i: RenumberEpisodesInput!) { renumberEpisodes(input: $i) { number } }'), { i: { seriesId: ownSeries, moves: [{ episodeId: own.data!.series.episodes.nodes[0]!.id, number: max + 1 }] } }, { token: owner.token });
    expect(renumber.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.moves.0.number' });
    const highest = await add(max);
    expect(highest.data?.addEpisodes).toEqual([{ number: max }]);
  });

  it('the file-name rule it exposes is the one the upload endpoint applies, name by name', async () => {
    const res = await server.gql(graphql('{ uploadPolicy { fileNameMaxLength fileNameRefusedCharacters } }'), {}, { token: owner.token });
    const { fileNameMaxLength, fileNameRefusedCharacters } = res.data!.uploadPolicy;
    const refused = new RegExp(fileNameRefusedCharacters, 'u');
    const names = ['ep04.mp4', '第4集.mp4', 'Episode 8 👨‍👩‍👧.mp4', 'a\u0007b.mp4', 'ep11\u202Egnp.mp4', 'ep\u2067x.mp4', 'S01E14\r\n.mp4', 'a/b.mp4', 'a\\b.mp4', '\u200Fep.mp4', `${'x'.repeat(fileNameMaxLength - 4)}.mp4`, `${'x'.repeat(fileNameMaxLength - 3)}.mp4`];
    // A .mp4 declared as WebM stops an accepted name at the next check, creating nothing.
    const meta = (name: string) => [`episodeId ${Buffer.from(episodeIds[0]!).toString('base64')}`, `filename ${Buffer.from(name).toString('base64')}`, `filetype ${Buffer.from('video/webm').toString('base64')}`].join(',');
    for (const name of names) {
      const plain = name.length <= fileNameMaxLength && !refused.test(name);
      const answer = await fetch(`${server.url}/uploads`, { method: 'POST', headers: { authorization: `Bearer ${owner.token}`, 'tus-resumable': '1.0.0', 'upload-length': '100', 'upload-metadata': meta(name) } });
      expect(answer.headers.get('upload-refusal-reason'), JSON.stringify(name)).toBe(plain ? 'UPLOAD_TYPE_MISMATCH' : 'UPLOAD_METADATA_INVALID');
    }
  });
});

describe('lists with repeated keys', () => {
  it('the same episode moved twice in one renumbering is refused naming the repeated item; nothing moves', async () => {
    const res = await server.gql(graphql('mutation($i: RenumberEpisodesInput!) { renumberEpisodes(input: $i) { number } }'), { i: { seriesId, moves: [{ episodeId: episodeIds[2], number: 7 }, { episodeId: episodeIds[2], number: 8 }] } }, { token: owner.token });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.moves.1.episodeId' });
    const numbers = await server.gql(graphql('query($id: ID!) { series(id: $id) { episodes { nodes { number } } } }'), { id: seriesId }, { token: owner.token });
    expect(numbers.data!.series.episodes.nodes.map((e) => e.number)).toEqual([1, 2, 3]);
  });

  it('a repeated territory in a license is refused naming the field', async () => {
    const res = await server.gql(graphql('mutation($id: ID!, $i: LicenseInput!) { setLicense(seriesId: $id, input: $i) { id } }'), { id: seriesId, i: { ...LICENSE, territoriesIncluded: ['US', 'US'] } }, { token: owner.token });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.territoriesIncluded.1' });
  });

  it('the same territory held back twice in a license is refused naming the repeated holdback; nothing is stored', async () => {
    const until = new Date(Date.now() + 86_400_000).toISOString();
    const res = await server.gql(graphql('mutation($id: ID!, $i: LicenseInput!) { setLicense(seriesId: $id, input: $i) { id } }'), { id: seriesId, i: { ...LICENSE, holdbacks: [{ territory: 'US', until }, { territory: 'us', until }] } }, { token: owner.token });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.holdbacks.1.territory' });
    expect(await server.count('series_license')).toBe(0);
  });

  it('a genre repeated in any case is refused naming the repeated genre; the genres stay as they were', async () => {
    const res = await server.gql(graphql('mutation($id: ID!, $i: SeriesInput!) { updateSeries(id: $id, input: $i) { id } }'), { id: seriesId, i: { genres: ['drama', 'romance', 'Drama'] } }, { token: owner.token });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.genres.2' });
    const genres = await server.gql(graphql('query($id: ID!) { series(id: $id) { genres } }'), { id: seriesId }, { token: owner.token });
    expect(genres.data!.series.genres).toEqual([]);
  });

  it('genres an array literal reads specially (NULL, quotes, backslashes, braces, commas) are stored and read back exactly as written, not as a missing genre that fails every read of the series', async () => {
    const written = ['NULL', 'say "hi"', 'back\\slash', '{a,b}', 'slow, burn'];
    const res = await server.gql(graphql('mutation($id: ID!, $i: SeriesInput!) { updateSeries(id: $id, input: $i) { genres } }'), { id: seriesId, i: { genres: written } }, { token: owner.token });
    expect(res.errors).toBeUndefined();
    try {
      const read = await server.gql(graphql('query($id: ID!) { series(id: $id) { genres } }'), { id: seriesId }, { token: owner.token });
      expect(read.errors).toBeUndefined();
      expect(read.data!.series.genres).toEqual(written);
      const stored = await server.orm.em.getConnection().execute<Array<{ missing: number }>>('select count(*) filter (where g is null)::int as missing from series, unnest(genres) g where series.id = ?', [seriesId]);
      expect(stored[0]!.missing).toBe(0);
    } finally {
      await server.gql(graphql('mutation($id: ID!, $i: SeriesInput!) { updateSeries(id: $id, input: $i) { id } }'), { id: seriesId, i: { genres: [] } }, { token: owner.token });
    }
  });

  it('a null genre item stored before genres were quoted is restored as "NULL" by its migration, and the series reads again', async () => {
    const conn = server.orm.em.getConnection();
    await conn.execute(`update series set genres = array['drama', null] where id = ?`, [seriesId]);
    try {
      const broken = await server.gql(graphql('query($id: ID!) { series(id: $id) { genres } }'), { id: seriesId }, { token: owner.token });
      expect(broken.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      const migration = new Migration20261202140000_null_genre_items(server.orm.em.getDriver(), server.orm.config);
      await migration.up();
      for (const sql of migration.getQueries()) await conn.execute(String(sql));
      const read = await server.gql(graphql('query($id: ID!) { series(id: $id) { genres } }'), { id: seriesId }, { token: owner.token });
      expect(read.errors).toBeUndefined();
      expect(read.data!.series.genres).toEqual(['drama', 'NULL']);
    } finally {
      await conn.execute(`update series set genres = '{}' where id = ?`, [seriesId]);
    }
  });

  it.each([
    ['maturityRatings', [{ territory: 'US', rating: 'TV-14' }, { territory: 'US', rating: 'TV-MA' }]],
    ['filings', [{ territory: 'CN', filingNumber: 'A-1' }, { territory: 'cn', filingNumber: 'A-2' }]],
  ] as const)('a territory repeated in %s is refused naming the repeated item, not the whole list', async (field, items) => {
    const res = await server.gql(graphql('mutation($id: ID!, $i: SeriesInput!) { updateSeries(id: $id, input: $i) { id } }'), { id: seriesId, i: { [field]: items } }, { token: owner.token });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: `input.${field}.1.territory` });
  });
});

describe('catalog territory', () => {
  it('a territory that is not an ISO 3166-1 alpha-2 code is BAD_USER_INPUT on territory, and a huge one is not echoed', async () => {
    const huge = 'X'.repeat(1024 * 1024);
    const res = await server.gql(graphql('query($t: String!) { catalog(territory: $t) { nodes { id } } }'), { t: huge }, { token: partnerKey });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'territory' });
    expect(JSON.stringify(res.errors).length).toBeLessThan(2000);
    const playback = await server.gql(graphql('query($e: ID!, $t: String!) { playback(episodeId: $e, territory: $t) { url } }'), { e: 'x', t: 'ZZ' }, { token: partnerKey });
    expect(playback.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'territory' });
  });
});

describe('webhook targets', () => {
  const CREATE = graphql('mutation($p: ID!, $u: String!) { createWebhookEndpoint(partnerId: $p, url: $u) { endpoint { id } } }');

  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://127.0.0.1:4000/graphql',
    'http://[::1]/',
    'http://10.0.0.1/',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://0177.0.0.1/',
    'http://[::ffff:127.0.0.1]/',
    'http://100.64.0.1/',
    'http://224.0.0.1/',
    'http://0.0.0.0/',
    'http://localhost:4000/',
    'http://localhost./',
    'http://LOCALHOST.:4000/',
    'http://[::127.0.0.1]:4799/',
    'http://[::7f00:1]/',
  ])('%s is refused when the endpoint is created', async (url) => {
    const res = await server.gql(CREATE, { p: partner.organizationId, u: url }, { token: partner.token });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'url' });
    expect(await server.count('webhook_endpoint')).toBe(0);
  });

  it('a name resolving to a private address is refused at creation', async () => {
    const addresses = await lookup(os.hostname(), { all: true });
    expect(addresses.length).toBeGreaterThan(0);
    const res = await server.gql(CREATE, { p: partner.organizationId, u: `http://${os.hostname()}:9/hooks` }, { token: partner.token });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'url' });
  });

  it('an endpoint that points to a private address is checked again at delivery: nothing is sent and the log says only "refused: private address"', async () => {
    const receiver = await new WebhookReceiver().start();
    try {
      const conn = server.orm.em.getConnection();
      const port = new URL(receiver.url).port;
      // Endpoints stored before the policy, or whose name now resolves elsewhere: by literal address and by name.
      for (const [i, url] of [receiver.url, `http://${os.hostname()}:${port}/hooks`].entries()) {
        const [endpoint] = (await conn.execute(`insert into webhook_endpoint (id, partner_id, url, secret_encrypted, enabled, consecutive_failures, created_at) values (gen_random_uuid(), ?, ?, ?, true, 0, now()) returning id`, [partner.organizationId, url, sealed()])) as Array<{ id: string }>;
        await conn.execute(`insert into webhook_delivery (id, endpoint_id, event_type, payload, status, attempts, created_at) values (?, ?, 'catalog.test', '{}', 'PENDING', '[]', now())`, [`msg_private_${i}`, endpoint!.id]);
        await expect(server.app.services.webhooks.deliver(server.orm.em.fork(), `msg_private_${i}`, { isLast: false }, quietLogger)).rejects.toThrow(PRIVATE_ADDRESS_REFUSAL);
        const log = await server.gql(graphql('query($e: ID!) { webhookDeliveries(endpointId: $e) { attempts } }'), { e: endpoint!.id }, { token: partner.token });
        expect(log.data!.webhookDeliveries[0]!.attempts).toEqual([expect.objectContaining({ statusCode: null, latencyMs: null, error: PRIVATE_ADDRESS_REFUSAL })]);
      }
      expect(receiver.received).toEqual([]);
    } finally {
      await receiver.stop();
    }
  });
});

/** A signing secret sealed as the service seals it. */
const sealed = () => sealSecret(server.config.appSecret, 'webhook-signing', 'whsec_dGVzdHNlY3JldHRlc3RzZWNyZXR0ZXN0c2VjcmV0');
const quietLogger = createLogger('info', { write: () => undefined });
