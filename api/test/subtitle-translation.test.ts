import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { SUBTITLE_TRANSLATION_DEAD_LETTER, SUBTITLE_TRANSLATION_QUEUE } from '../src/jobs/queue';
import { TRANSLATION_BATCH } from '../src/modules/media/subtitle-translation';
import { TRANSLATION_STOPPED } from '../src/modules/media/subtitle-translation.service';
import { seriesWithEpisodes } from './support/catalog';
import { FakeOpenAi, type Fault } from './support/fake-openai';
import { eventually } from './support/media';
import { createLiveSeries, createPartner } from './support/publishing';
import { errorCode, TestServer, type SignedInMember } from './support/server';
import { graphql, type EnumOf } from '../../schema/graphql';

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

const DRAFT_FIELDS = graphql('fragment DraftFields on SubtitleDraft { id language kind origin sourceLanguage model aiGenerated format content cues { start end text } }');
const TRANSLATION_FIELDS = graphql('fragment TranslationFields on SubtitleTranslation { id language sourceLanguage kind state failureReason draft { ...DraftFields } }', [DRAFT_FIELDS]);
const REQUEST = graphql('mutation($i: SubtitleTranslationsInput!) { requestSubtitleTranslations(input: $i) { ...TranslationFields } }', [TRANSLATION_FIELDS]);
const EPISODE = graphql('query($id: ID!) { episode(id: $id) { status subtitles { id language kind aiGenerated cueCount } subtitleDrafts { ...DraftFields } subtitleTranslations { ...TranslationFields } } }', [DRAFT_FIELDS, TRANSLATION_FIELDS]);
const ACCEPT = graphql('mutation($id: ID!, $content: String) { acceptSubtitleDraft(id: $id, content: $content) { language kind aiGenerated cues { text } } }');
/** Rows of AI output stored for an episode, as tracks and as drafts. */
const storedRows = (episodeId: string) =>
  server.orm.em.fork().getConnection().execute(`select (select count(*)::int from subtitle_track where episode_id = ?) as tracks, (select count(*)::int from subtitle_draft where episode_id = ?) as drafts`, [episodeId, episodeId]);

async function episodeWithTrack(s: TestServer, member: SignedInMember, content = ENGLISH_SRT, format: EnumOf<'SubtitleFormat'> = 'SRT') {
  const seriesId = await seriesWithEpisodes(s, member.token, member.organizationId, 1);
  const episodeId = (await s.gql(graphql('query($id: ID!) { series(id: $id) { episodes { nodes { id } } } }'), { id: seriesId }, { token: member.token })).data!.series.episodes.nodes[0]!.id;
  const set = await s.gql(graphql('mutation($i: SubtitlesInput!) { setSubtitles(input: $i) { id } }'), { i: { episodeId, language: 'en', format, content } }, { token: member.token });
  expect(set.errors).toBeUndefined();
  return { episodeId, trackId: set.data!.setSubtitles.id };
}

const episodeOf = async (s: TestServer, token: string, id: string) => {
  const res = await s.gql(EPISODE, { id }, { token });
  expect(res.errors).toBeUndefined();
  return res.data!.episode;
};
const settled = (token: string, episodeId: string) =>
  eventually(() => episodeOf(server, token, episodeId), (e) => e.subtitleTranslations.length > 0 && e.subtitleTranslations.every((t) => t.state === 'DONE' || t.state === 'FAILED'), 'translations to finish');

describe('AI subtitle translation', () => {
  it('stores a WebVTT subtitle draft per language marked AI-generated, keeping every cue timing to the millisecond; no track until the editor accepts it', async () => {
    const { episodeId, trackId } = await episodeWithTrack(server, editor);
    const asked = await server.gql(REQUEST, { i: { trackId, languages: ['es-MX', 'fr'] } }, { token: editor.token });
    expect(asked.errors).toBeUndefined();
    expect(asked.data!.requestSubtitleTranslations.map((t) => [t.sourceLanguage, t.language, t.kind, t.state, t.draft])).toEqual([
      ['en', 'es-MX', 'SUBTITLES', 'QUEUED', null],
      ['en', 'fr', 'SUBTITLES', 'QUEUED', null],
    ]);

    const episode = await settled(editor.token, episodeId);
    for (const language of ['es-MX', 'fr']) {
      const t = episode.subtitleTranslations.find((x) => x.language === language)!;
      expect(t.state).toBe('DONE');
      expect(t.failureReason).toBeNull();
      expect(t.draft).toMatchObject({ language, kind: 'SUBTITLES', origin: 'TRANSLATION', sourceLanguage: 'en', model: 'gpt-4o-mini', aiGenerated: true, format: 'WEBVTT' });
      expect(t.draft!.cues.map((c) => [c.start, c.end])).toEqual(ENGLISH_TIMINGS);
      expect(t.draft!.cues.map((c) => c.text)).toEqual([`[${language}] Where is the contract?`, `[${language}] In the safe.`, `[${language}] <i>He lies.</i>\nShe knows it.`]);
      expect(t.draft!.content).toContain('01:02:03.045 --> 01:02:05.955');
    }
    // Drafts beside transcripts, in the one list the editor accepts from; no track yet.
    expect(episode.subtitleDrafts.map((d) => [d.language, d.origin])).toEqual([
      ['es-MX', 'TRANSLATION'],
      ['fr', 'TRANSLATION'],
    ]);
    expect(episode.subtitles.map((s) => [s.language, s.aiGenerated, s.cueCount])).toEqual([['en', false, 3]]);
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
    expect(t.draft!.cues.map((c) => c.text)).toEqual(Array.from({ length: count }, (_, i) => `[de] Line ${i + 1}`));
    const last = count - 1;
    expect(t.draft!.cues[last]).toMatchObject({ start: Math.floor(last / 30) * 60 + (last % 30) * 2 + last / 1000, end: Math.floor(last / 30) * 60 + (last % 30) * 2 + 1.5 });
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
      const before = await storedRows(episodeId);
      fake.inject('/v1/chat/completions', fault);
      expect((await server.gql(REQUEST, { i: { trackId, languages: ['it'] } }, { token: editor.token })).errors).toBeUndefined();
      const episode = await settled(editor.token, episodeId);
      const t = episode.subtitleTranslations[0]!;
      expect(t.state).toBe('FAILED');
      expect(t.failureReason).toMatch(/^Translation failed: /);
      expect(t.draft).toBeNull();
      expect(episode.subtitles.map((s) => s.language)).toEqual(['en']);
      expect(episode.subtitleDrafts).toEqual([]);
      expect(await storedRows(episodeId)).toEqual(before);
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
    expect(episode.subtitleTranslations[0]).toMatchObject({ state: 'FAILED', draft: null, failureReason: expect.stringMatching(/answered 0 cues for 1 asked/) });
    expect(episode.subtitles.map((t) => t.language)).toEqual(['en']);
    expect(episode.subtitleDrafts).toEqual([]);
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
    await server.gql(graphql('mutation($i: SubtitlesInput!) { setSubtitles(input: $i) { id } }'), { i: { episodeId, language: 'ja', format: 'SRT', content: ENGLISH_SRT } }, { token: editor.token });
    const taken = await server.gql(REQUEST, { i: { trackId, languages: ['ko', 'ja'] } }, { token: editor.token });
    expect(errorCode(taken)).toBe('BAD_USER_INPUT');
    expect(taken.errors![0]!.extensions.field).toBe('input.languages.1');
    expect((await episodeOf(server, editor.token, episodeId)).subtitleTranslations).toEqual([]);
  });

  it('requests sent at once for one language queue one translation; the others are refused naming the language, and the model is asked once', async () => {
    const { episodeId, trackId } = await episodeWithTrack(server, editor);
    const asked = () => fake.requests.filter((r) => r.path === '/v1/chat/completions' && JSON.stringify(r.body).includes('into the language tagged uk (')).length;
    const before = asked();
    const answers = await Promise.all(Array.from({ length: 5 }, () => server.gql(REQUEST, { i: { trackId, languages: ['uk'] } }, { token: editor.token })));
    expect(answers.filter((a) => a.errors === undefined)).toHaveLength(1);
    for (const refused of answers.filter((a) => a.errors !== undefined)) {
      expect(refused.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.languages.0' });
      expect(refused.errors![0]!.message).toMatch(/already under way|awaits your confirmation|already has/);
    }
    const episode = await settled(editor.token, episodeId);
    expect(episode.subtitleTranslations.map((t) => [t.language, t.state])).toEqual([['uk', 'DONE']]);
    expect(episode.subtitleTranslations[0]!.draft).not.toBeNull();
    expect(asked() - before).toBe(1);
  });

  it('a draft accepted and discarded at the same time is either one, never both: the other is told it is gone', async () => {
    const { episodeId, trackId } = await episodeWithTrack(server, editor);
    const languages = ['es', 'fr', 'de'];
    expect((await server.gql(REQUEST, { i: { trackId, languages } }, { token: editor.token })).errors).toBeUndefined();
    const drafts = (await settled(editor.token, episodeId)).subtitleDrafts;
    expect(drafts).toHaveLength(3);
    for (const draft of drafts) {
      const [accepted, discarded] = await Promise.all([
        server.gql(ACCEPT, { id: draft.id }, { token: editor.token }),
        server.gql(graphql('mutation DiscardAtOnce($id: ID!) { discardSubtitleDraft(id: $id) }'), { id: draft.id }, { token: editor.token }),
      ]);
      expect([accepted.errors === undefined, discarded.errors === undefined].filter(Boolean), draft.language).toHaveLength(1);
      const loser = accepted.errors ? accepted : discarded;
      expect(errorCode(loser), draft.language).toBe('NOT_FOUND');
    }
    const episode = await episodeOf(server, editor.token, episodeId);
    expect(episode.subtitleDrafts).toEqual([]);
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

  it('the editor corrects and accepts a translated draft like a transcript: it becomes an AI-generated track and the draft is gone', async () => {
    const { episodeId, trackId } = await episodeWithTrack(server, editor);
    await server.gql(REQUEST, { i: { trackId, languages: ['nl'] } }, { token: editor.token });
    const draft = (await settled(editor.token, episodeId)).subtitleTranslations[0]!.draft!;
    // While the draft awaits the editor, asking again for that language is refused.
    const again = await server.gql(REQUEST, { i: { trackId, languages: ['nl'] } }, { token: editor.token });
    expect(errorCode(again)).toBe('BAD_USER_INPUT');
    expect(again.errors![0]!.extensions.field).toBe('input.languages.0');
    expect(again.errors![0]!.message).toMatch(/awaits your confirmation/);

    const corrected = draft.content.replace('[nl] In the safe.', 'In de kluis.');
    const res = await server.gql(ACCEPT, { id: draft.id, content: corrected }, { token: editor.token });
    expect(res.errors).toBeUndefined();
    expect(res.data!.acceptSubtitleDraft).toMatchObject({ language: 'nl', kind: 'SUBTITLES', aiGenerated: true });
    expect(res.data!.acceptSubtitleDraft.cues.map((c) => c.text)).toEqual(['[nl] Where is the contract?', 'In de kluis.', '[nl] <i>He lies.</i>\nShe knows it.']);
    const episode = await episodeOf(server, editor.token, episodeId);
    expect(episode.subtitleDrafts).toEqual([]);
    expect(episode.subtitleTranslations[0]).toMatchObject({ state: 'DONE', draft: null });
    expect(episode.subtitles.map((s) => [s.language, s.aiGenerated])).toEqual([
      ['en', false],
      ['nl', true],
    ]);
  });

  it('a translated draft keeps the kind of its source: closed captions become a closed-captions draft and track', async () => {
    const seriesId = await seriesWithEpisodes(server, editor.token, editor.organizationId, 1);
    const episodeId = (await server.gql(graphql('query($id: ID!) { series(id: $id) { episodes { nodes { id } } } }'), { id: seriesId }, { token: editor.token })).data!.series.episodes.nodes[0]!.id;
    const set = await server.gql(graphql('mutation($i: SubtitlesInput!) { setSubtitles(input: $i) { id } }'), { i: { episodeId, language: 'en', kind: 'CLOSED_CAPTIONS', format: 'SRT', content: ENGLISH_SRT } }, { token: editor.token });
    await server.gql(REQUEST, { i: { trackId: set.data!.setSubtitles.id, languages: ['sv'] } }, { token: editor.token });
    const draft = (await settled(editor.token, episodeId)).subtitleTranslations[0]!.draft!;
    expect(draft).toMatchObject({ language: 'sv', kind: 'CLOSED_CAPTIONS', origin: 'TRANSLATION' });
    const accepted = await server.gql(ACCEPT, { id: draft.id }, { token: editor.token });
    expect(accepted.data!.acceptSubtitleDraft.kind).toBe('CLOSED_CAPTIONS');
  });

  it('goes through review like any track: storing the draft changes nothing partners see; accepting it lapses the approval', async () => {
    const lead = await server.member(OrganizationKind.OPERATOR, Role.LEAD);
    const admin = await server.addMember(lead.organizationId, Role.ADMIN);
    const partner = await createPartner(server, admin);
    const live = await createLiveSeries(server, lead, 1, partner.organizationId, { subtitles: [{ language: 'en', format: 'SRT', content: ENGLISH_SRT }], subtitleLanguages: ['en', 'es'] });
    const episodeId = live.episodeIds[0]!;
    const before = await episodeOf(server, live.owner.token, episodeId);
    expect(['APPROVED', 'PUBLISHED']).toContain(before.status);
    const source = before.subtitles.find((s) => s.language === 'en')!;
    expect((await server.gql(REQUEST, { i: { trackId: source.id, languages: ['es'] } }, { token: live.owner.token })).errors).toBeUndefined();
    const drafted = await settled(live.owner.token, episodeId);
    expect(drafted.subtitleTranslations[0]).toMatchObject({ state: 'DONE', failureReason: null });
    expect(drafted.status).toBe(before.status);
    const accepted = await server.gql(ACCEPT, { id: drafted.subtitleTranslations[0]!.draft!.id }, { token: live.owner.token });
    expect(accepted.errors).toBeUndefined();
    expect((await episodeOf(server, live.owner.token, episodeId)).status).toBe('READY');
  });

  it('a translation whose job never finished on any retry is marked failed by its dead letter, and its language can be asked again', async () => {
    // pg-boss sends the job to the dead letter once every retry failed or expired (a worker that died each time).
    expect((await server.app.queue.getQueue(SUBTITLE_TRANSLATION_QUEUE))?.deadLetter).toBe(SUBTITLE_TRANSLATION_DEAD_LETTER);
    const { episodeId, trackId } = await episodeWithTrack(server, editor);
    // As a dying worker leaves it: the request RUNNING, its model call not answered. The client's last
    // retry is answered only after the dead letter: that late answer must not revive the request.
    fake.inject('/v1/chat/completions', { hang: true }, { hang: true });
    const asked = await server.gql(REQUEST, { i: { trackId, languages: ['de'] } }, { token: editor.token });
    expect(asked.errors).toBeUndefined();
    const stuck = asked.data!.requestSubtitleTranslations[0]!.id;
    await eventually(() => episodeOf(server, editor.token, episodeId), (e) => e.subtitleTranslations[0]?.state === 'RUNNING', 'the translation to start');
    // While it runs, the language is taken.
    expect(errorCode(await server.gql(REQUEST, { i: { trackId, languages: ['de'] } }, { token: editor.token }))).toBe('BAD_USER_INPUT');

    await server.app.queue.send(SUBTITLE_TRANSLATION_DEAD_LETTER, { translationId: stuck });
    const failed = await eventually(() => episodeOf(server, editor.token, episodeId), (e) => e.subtitleTranslations[0]?.state === 'FAILED', 'the dead letter to mark the request failed');
    expect(failed.subtitleTranslations[0]).toMatchObject({ id: stuck, state: 'FAILED', failureReason: TRANSLATION_STOPPED, draft: null });
    expect(failed.subtitleDrafts).toEqual([]);
    // The run it gave up on gets its answer later, and stores nothing.
    await eventually(async () => server.logLines.some((l) => l.includes(stuck) && l.includes('subtitle translation processed')), Boolean, 'the hung run to end', 60_000);
    expect(await episodeOf(server, editor.token, episodeId)).toMatchObject({ subtitleTranslations: [{ id: stuck, state: 'FAILED', failureReason: TRANSLATION_STOPPED }], subtitleDrafts: [] });

    // A finished request is never undone by a late dead letter.
    const again = await server.gql(REQUEST, { i: { trackId, languages: ['de'] } }, { token: editor.token });
    expect(again.errors).toBeUndefined();
    const done = await eventually(() => episodeOf(server, editor.token, episodeId), (e) => e.subtitleTranslations.some((t) => t.state === 'DONE'), 'the new request to finish');
    const finished = done.subtitleTranslations.find((t) => t.state === 'DONE')!;
    const late = (await server.app.queue.send(SUBTITLE_TRANSLATION_DEAD_LETTER, { translationId: finished.id }))!;
    await eventually(() => server.app.queue.getJobById(SUBTITLE_TRANSLATION_DEAD_LETTER, late), (job) => job?.state === 'completed', 'the dead letter to be worked');
    const after = await episodeOf(server, editor.token, episodeId);
    expect(after.subtitleTranslations.find((t) => t.id === finished.id)).toMatchObject({ state: 'DONE', failureReason: null, draft: { language: 'de' } });
  }, 120_000);

  it('says what it needs without an OpenAI key, and refuses requests with that reason', async () => {
    const member = await keyless.member(OrganizationKind.STUDIO, Role.EDITOR);
    const capability = await keyless.gql(graphql('{ subtitleTranslationCapability { available unavailableReason } }'), {}, { token: member.token });
    expect(capability.data!.subtitleTranslationCapability).toEqual({ available: false, unavailableReason: expect.stringMatching(/needs an OpenAI API key/) });
    const withKey = await server.gql(graphql('{ subtitleTranslationCapability { available unavailableReason } }'), {}, { token: editor.token });
    expect(withKey.data!.subtitleTranslationCapability).toEqual({ available: true, unavailableReason: null });

    const { episodeId, trackId } = await episodeWithTrack(keyless, member);
    const res = await keyless.gql(REQUEST, { i: { trackId, languages: ['es'] } }, { token: member.token });
    expect(errorCode(res)).toBe('FORBIDDEN');
    expect(res.errors![0]!.extensions.reason).toBe('AI_TRANSLATION_UNAVAILABLE');
    expect(res.errors![0]!.message).toMatch(/needs an OpenAI API key/);
    expect((await keyless.gql(EPISODE, { id: episodeId }, { token: member.token })).data!.episode.subtitleTranslations).toEqual([]);
  });
});
