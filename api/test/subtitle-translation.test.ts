import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { TRANSLATION_BATCH } from '../src/modules/media/subtitle-translation';
import { seriesWithEpisodes } from './support/catalog';
import { FakeOpenAi, type Fault } from './support/fake-openai';
import { eventually } from './support/media';
import { createLiveSeries, createPartner } from './support/publishing';
import { errorCode, TestServer, type SignedInMember } from './support/server';

let fake: FakeOpenAi;
let server: TestServer;
let keyless: TestServer;
let editor: SignedInMember;

beforeAll(async () => {
  fake = await new FakeOpenAi().start();
  server = await TestServer.start({ OPENAI_API_KEY: 'sk-test-not-a-real-key', OPENAI_BASE_URL: fake.url, AI_CALL_TIMEOUT_MS: '5000', REVIEW_FOUR_EYES: 'false' }, undefined, { runWorker: true });
  keyless = await TestServer.start({}, undefined, { runWorker: true });
  editor = await server.member(OrganizationKind.STUDIO, Role.EDITOR);
});
afterAll(async () => {
  await server?.stop();
  await keyless?.stop();
  await fake?.stop();
});

// Timings with milliseconds that a float round trip could shift, and a two-line cue.
const ENGLISH_SRT = '1\n00:00:01,001 --> 00:00:02,499\nWhere is the contract?\n\n2\n00:00:03,333 --> 00:00:04,667\nIn the safe.\n\n3\n01:02:03,045 --> 01:02:05,955\n<i>He lies.</i>\nShe knows it.\n';
const ENGLISH_TIMINGS = [
  [1.001, 2.499],
  [3.333, 4.667],
  [3723.045, 3725.955],
];

type Translation = { id: string; language: string; sourceLanguage: string; kind: string; state: string; failureReason: string | null; track: { id: string; language: string; aiGenerated: boolean; format: string; content: string; cues: Array<{ start: number; end: number; text: string }> } | null };
const TRANSLATION_FIELDS = 'id language sourceLanguage kind state failureReason track { id language aiGenerated format content cues { start end text } }';
const REQUEST = `mutation($i: SubtitleTranslationsInput!) { requestSubtitleTranslations(input: $i) { ${TRANSLATION_FIELDS} } }`;
const EPISODE = `query($id: ID!) { episode(id: $id) { status subtitles { id language kind aiGenerated cueCount } subtitleTranslations { ${TRANSLATION_FIELDS} } } }`;

async function episodeWithTrack(s: TestServer, member: SignedInMember, content = ENGLISH_SRT, format = 'SRT') {
  const seriesId = await seriesWithEpisodes(s, member.token, member.organizationId, 1);
  const episodeId = (await s.gql<{ series: { episodes: { nodes: Array<{ id: string }> } } }>('query($id: ID!) { series(id: $id) { episodes { nodes { id } } } }', { id: seriesId }, { token: member.token })).data!.series.episodes.nodes[0]!.id;
  const set = await s.gql<{ setSubtitles: { id: string } }>('mutation($i: SubtitlesInput!) { setSubtitles(input: $i) { id } }', { i: { episodeId, language: 'en', format, content } }, { token: member.token });
  expect(set.errors).toBeUndefined();
  return { episodeId, trackId: set.data!.setSubtitles.id };
}

type EpisodeView = { status: string; subtitles: Array<{ id: string; language: string; kind: string; aiGenerated: boolean; cueCount: number }>; subtitleTranslations: Translation[] };
const episodeOf = async (s: TestServer, token: string, id: string) => {
  const res = await s.gql<{ episode: EpisodeView }>(EPISODE, { id }, { token });
  expect(res.errors).toBeUndefined();
  return res.data!.episode;
};
const settled = (token: string, episodeId: string) =>
  eventually(() => episodeOf(server, token, episodeId), (e) => e.subtitleTranslations.length > 0 && e.subtitleTranslations.every((t) => t.state === 'DONE' || t.state === 'FAILED'), 'translations to finish');

describe('AI subtitle translation', () => {
  it('stores a draft WebVTT track per language marked AI-generated, keeping every cue timing to the millisecond', async () => {
    const { episodeId, trackId } = await episodeWithTrack(server, editor);
    const asked = await server.gql<{ requestSubtitleTranslations: Translation[] }>(REQUEST, { i: { trackId, languages: ['es-MX', 'fr'] } }, { token: editor.token });
    expect(asked.errors).toBeUndefined();
    expect(asked.data!.requestSubtitleTranslations.map((t) => [t.sourceLanguage, t.language, t.kind, t.state, t.track])).toEqual([
      ['en', 'es-MX', 'SUBTITLES', 'QUEUED', null],
      ['en', 'fr', 'SUBTITLES', 'QUEUED', null],
    ]);

    const episode = await settled(editor.token, episodeId);
    for (const language of ['es-MX', 'fr']) {
      const t = episode.subtitleTranslations.find((x) => x.language === language)!;
      expect(t.state).toBe('DONE');
      expect(t.failureReason).toBeNull();
      expect(t.track).toMatchObject({ language, aiGenerated: true, format: 'WEBVTT' });
      expect(t.track!.cues.map((c) => [c.start, c.end])).toEqual(ENGLISH_TIMINGS);
      expect(t.track!.cues.map((c) => c.text)).toEqual([`[${language}] Where is the contract?`, `[${language}] In the safe.`, `[${language}] <i>He lies.</i>\nShe knows it.`]);
      expect(t.track!.content).toContain('01:02:03.045 --> 01:02:05.955');
    }
    expect(episode.subtitles.map((s) => [s.language, s.aiGenerated, s.cueCount])).toEqual([
      ['en', false, 3],
      ['es-MX', true, 3],
      ['fr', true, 3],
    ]);
    // The request went out as structured output through the real client, the source texts keyed by cue id.
    const request = fake.requests.filter((r) => r.path === '/v1/chat/completions').at(-1)!;
    expect(request.authorization).toBe('Bearer sk-test-not-a-real-key');
    expect(request.body.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'subtitle_translation', strict: true } });
  });

  it('translates a long track in batches and keeps each text on its own cue', async () => {
    const count = TRANSLATION_BATCH * 2 + 3;
    const vtt = `WEBVTT\n\n${Array.from({ length: count }, (_, i) => `00:${String(Math.floor(i / 30)).padStart(2, '0')}:${String((i % 30) * 2).padStart(2, '0')}.${String(i).padStart(3, '0')} --> 00:${String(Math.floor(i / 30)).padStart(2, '0')}:${String((i % 30) * 2 + 1).padStart(2, '0')}.500\nLine ${i + 1}`).join('\n\n')}\n`;
    const { episodeId, trackId } = await episodeWithTrack(server, editor, vtt, 'WEBVTT');
    const before = fake.count('/v1/chat/completions');
    expect((await server.gql(REQUEST, { i: { trackId, languages: ['de'] } }, { token: editor.token })).errors).toBeUndefined();
    const t = (await settled(editor.token, episodeId)).subtitleTranslations[0]!;
    expect(t.state).toBe('DONE');
    expect(fake.count('/v1/chat/completions') - before).toBe(3);
    expect(t.track!.cues.map((c) => c.text)).toEqual(Array.from({ length: count }, (_, i) => `[de] Line ${i + 1}`));
    const last = count - 1;
    expect(t.track!.cues[last]).toMatchObject({ start: Math.floor(last / 30) * 60 + (last % 30) * 2 + last / 1000, end: Math.floor(last / 30) * 60 + (last % 30) * 2 + 1.5 });
  });

  const wrongAnswers: Array<[string, Fault]> = [
    ['a partial answer (a cue left out)', { partial: true }],
    ['a reordered answer', { reordered: true }],
    ['an answer with an extra cue', { extraCue: true }],
    ['an answer that is not JSON', { notJson: true }],
    ['a malformed HTTP body', { malformed: true }],
  ];
  for (const [what, fault] of wrongAnswers) {
    it(`refuses ${what}: nothing is stored and the request says why it failed`, async () => {
      const { episodeId, trackId } = await episodeWithTrack(server, editor);
      const before = await server.orm.em.fork().getConnection().execute(`select count(*)::int as n from subtitle_track where episode_id = ?`, [episodeId]);
      fake.inject('/v1/chat/completions', fault);
      expect((await server.gql(REQUEST, { i: { trackId, languages: ['it'] } }, { token: editor.token })).errors).toBeUndefined();
      const episode = await settled(editor.token, episodeId);
      const t = episode.subtitleTranslations[0]!;
      expect(t.state).toBe('FAILED');
      expect(t.failureReason).toMatch(/^Translation failed: /);
      expect(t.track).toBeNull();
      expect(episode.subtitles.map((s) => s.language)).toEqual(['en']);
      const after = await server.orm.em.fork().getConnection().execute(`select count(*)::int as n from subtitle_track where episode_id = ?`, [episodeId]);
      expect(after).toEqual(before);
    });
  }

  it('is all or nothing per language: a wrong answer in a later batch stores none of the earlier ones', async () => {
    const count = TRANSLATION_BATCH + 1;
    const vtt = `WEBVTT\n\n${Array.from({ length: count }, (_, i) => `00:00:${String(i).padStart(2, '0')}.000 --> 00:00:${String(i).padStart(2, '0')}.900\nLine ${i + 1}`).join('\n\n')}\n`;
    const { episodeId, trackId } = await episodeWithTrack(server, editor, vtt, 'WEBVTT');
    // The first batch is answered well, the second leaves its cue out.
    fake.inject('/v1/chat/completions', { ok: true }, { partial: true });
    expect((await server.gql(REQUEST, { i: { trackId, languages: ['pt-BR'] } }, { token: editor.token })).errors).toBeUndefined();
    const episode = await settled(editor.token, episodeId);
    expect(episode.subtitleTranslations[0]).toMatchObject({ state: 'FAILED', track: null, failureReason: expect.stringMatching(/answered 0 cues for 1 asked/) });
    expect(episode.subtitles.map((t) => t.language)).toEqual(['en']);
  });

  it('refuses, naming the item, a bad tag, a repeated language, the track’s own language and a language that already has a track; nothing is queued', async () => {
    const { episodeId, trackId } = await episodeWithTrack(server, editor);
    const cases: Array<[string[], string]> = [
      [['es', 'not a tag!'], 'input.languages.1'],
      [['es', 'fr', 'ES'], 'input.languages.2'],
      [['de', 'en'], 'input.languages.1'],
      [[], 'input.languages'],
    ];
    for (const [languages, field] of cases) {
      const res = await server.gql(REQUEST, { i: { trackId, languages } }, { token: editor.token });
      expect(errorCode(res), languages.join(',')).toBe('BAD_USER_INPUT');
      expect(res.errors![0]!.extensions.field, languages.join(',')).toBe(field);
    }
    // A language with a track of that kind already: refused, the track is not replaced.
    await server.gql('mutation($i: SubtitlesInput!) { setSubtitles(input: $i) { id } }', { i: { episodeId, language: 'ja', format: 'SRT', content: ENGLISH_SRT } }, { token: editor.token });
    const taken = await server.gql(REQUEST, { i: { trackId, languages: ['ko', 'ja'] } }, { token: editor.token });
    expect(errorCode(taken)).toBe('BAD_USER_INPUT');
    expect(taken.errors![0]!.extensions.field).toBe('input.languages.1');
    expect((await episodeOf(server, editor.token, episodeId)).subtitleTranslations).toEqual([]);
  });

  it('answers NOT_FOUND for another studio’s track and for forged ids, and refuses viewers', async () => {
    const { trackId } = await episodeWithTrack(server, editor);
    const other = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    for (const id of [trackId, '00000000-0000-4000-8000-000000000000', 'not-an-id']) {
      const res = await server.gql(REQUEST, { i: { trackId: id, languages: ['es'] } }, { token: other.token });
      expect(errorCode(res), id).toBe('NOT_FOUND');
    }
    const viewer = await server.addMember(editor.organizationId, Role.VIEWER);
    expect(errorCode(await server.gql(REQUEST, { i: { trackId, languages: ['es'] } }, { token: viewer.token }))).toBe('FORBIDDEN');
    const count = await server.orm.em.fork().getConnection().execute(`select count(*)::int as n from subtitle_translation st join subtitle_track t on t.id = st.source_track_id where t.id = ?`, [trackId]);
    expect(count).toEqual([{ n: 0 }]);
  });

  it('lets the editor correct a draft, which stays AI-generated', async () => {
    const { episodeId, trackId } = await episodeWithTrack(server, editor);
    await server.gql(REQUEST, { i: { trackId, languages: ['nl'] } }, { token: editor.token });
    const draft = (await settled(editor.token, episodeId)).subtitleTranslations[0]!.track!;
    const corrected = draft.content.replace('[nl] In the safe.', 'In de kluis.');
    const res = await server.gql<{ setSubtitles: { aiGenerated: boolean; cues: Array<{ text: string }> } }>('mutation($i: SubtitlesInput!) { setSubtitles(input: $i) { aiGenerated cues { text } } }', { i: { episodeId, language: 'nl', format: 'WEBVTT', aiGenerated: true, content: corrected } }, { token: editor.token });
    expect(res.errors).toBeUndefined();
    expect(res.data!.setSubtitles.cues[1]!.text).toBe('In de kluis.');
    expect(res.data!.setSubtitles.aiGenerated).toBe(true);
  });

  it('goes through review like any track: an approved episode’s approval lapses when the draft is stored', async () => {
    const lead = await server.member(OrganizationKind.OPERATOR, Role.LEAD);
    const admin = await server.addMember(lead.organizationId, Role.ADMIN);
    const partner = await createPartner(server, admin);
    const live = await createLiveSeries(server, lead, 1, partner.organizationId, { subtitles: [{ language: 'en', format: 'SRT', content: ENGLISH_SRT }], subtitleLanguages: ['en', 'es'] });
    const episodeId = live.episodeIds[0]!;
    const before = await episodeOf(server, live.owner.token, episodeId);
    expect(['APPROVED', 'PUBLISHED']).toContain(before.status);
    const source = before.subtitles.find((s) => s.language === 'en')!;
    expect((await server.gql(REQUEST, { i: { trackId: source.id, languages: ['es'] } }, { token: live.owner.token })).errors).toBeUndefined();
    const after = await settled(live.owner.token, episodeId);
    expect(after.subtitleTranslations[0]).toMatchObject({ state: 'DONE', failureReason: null });
    expect(after.status).toBe('READY');
  });

  it('says what it needs without an OpenAI key, and refuses requests with that reason', async () => {
    const member = await keyless.member(OrganizationKind.STUDIO, Role.EDITOR);
    const capability = await keyless.gql<{ subtitleTranslationCapability: { available: boolean; unavailableReason: string } }>('{ subtitleTranslationCapability { available unavailableReason } }', {}, { token: member.token });
    expect(capability.data!.subtitleTranslationCapability).toEqual({ available: false, unavailableReason: expect.stringMatching(/needs an OpenAI API key/) });
    const withKey = await server.gql<{ subtitleTranslationCapability: { available: boolean; unavailableReason: string | null } }>('{ subtitleTranslationCapability { available unavailableReason } }', {}, { token: editor.token });
    expect(withKey.data!.subtitleTranslationCapability).toEqual({ available: true, unavailableReason: null });

    const { episodeId, trackId } = await episodeWithTrack(keyless, member);
    const res = await keyless.gql(REQUEST, { i: { trackId, languages: ['es'] } }, { token: member.token });
    expect(errorCode(res)).toBe('FORBIDDEN');
    expect(res.errors![0]!.extensions.reason).toBe('AI_TRANSLATION_UNAVAILABLE');
    expect(res.errors![0]!.message).toMatch(/needs an OpenAI API key/);
    expect((await keyless.gql<{ episode: EpisodeView }>(EPISODE, { id: episodeId }, { token: member.token })).data!.episode.subtitleTranslations).toEqual([]);
  });
});
