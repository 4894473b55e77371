import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { seriesWithEpisodes } from './support/catalog';
import { FakeOpenAi, type UploadedFile } from './support/fake-openai';
import { acknowledgingCancels, eventually, readyEpisode, uploadClip } from './support/media';
import { TestServer, type SignedInMember } from './support/server';
import { makeClip } from './support/videos';
import { graphql, type ResultOf } from '../../schema/graphql';

/**
 * With an OpenAI key, an episode without subtitles in its original language is transcribed during
 * its screening, through the fake OpenAI server: the transcript is screened like subtitles and offered
 * to the studio as a subtitle draft. A transcription that fails sends the episode to reviewers.
 */
let fake: FakeOpenAi;
let server: TestServer;
let owner: SignedInMember;
let lead: SignedInMember;
let spoken: string;
let silent: string;

beforeAll(async () => {
  fake = await new FakeOpenAi().start();
  server = await TestServer.start({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.url, AI_RETRY_BASE_MS: '10', AI_MAX_ATTEMPTS: '2', AI_CALL_TIMEOUT_MS: '3000', REVIEW_MAX_KEYFRAMES: '0' }, undefined, { runWorker: true });
  owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
  lead = await server.member(OrganizationKind.OPERATOR, Role.LEAD);
  spoken = makeClip('transcription-spoken', { seconds: 2, audio: true });
  silent = makeClip('transcription-no-audio', { seconds: 2 });
});
afterAll(async () => {
  await server?.stop();
  await fake?.stop();
});
beforeEach(() => {
  fake.clearFaults();
});

const LICENSE = { sourceWorkTitle: 'Night Vows', sourceWorkKind: 'NOVEL' as const, licensor: 'Lotus Press', licenseKind: 'ADAPTATION' as const, territoriesIncluded: ['WORLDWIDE'], windowStart: '2026-01-01T00:00:00Z', windowEnd: '2030-01-01T00:00:00Z' };
type CaseView = NonNullable<ResultOf<typeof CASE>['reviewCase']>;

async function episodeIn(language: string, clip: string, subtitles?: { language: string; content: string }): Promise<string> {
  const seriesId = await seriesWithEpisodes(server, owner.token, owner.organizationId, 1, { originalLanguage: language });
  await server.gql(SET_LICENSE, { id: seriesId, i: LICENSE }, { token: owner.token });
  const episodeId = (await server.gql(EPISODES, { id: seriesId }, { token: owner.token })).data!.series.episodes.nodes[0]!.id;
  await readyEpisode(server, owner.token, episodeId, clip);
  if (subtitles) expect((await server.gql(SET_SUBTITLES, { i: { episodeId, format: 'WEBVTT', ...subtitles } }, { token: owner.token })).errors).toBeUndefined();
  return episodeId;
}

async function screen(episodeId: string): Promise<CaseView> {
  const submitted = await server.gql(SUBMIT, { i: { episodeIds: [episodeId], territories: ['US', 'DE'] } }, { token: owner.token });
  const caseId = submitted.data!.submitForReview[0]!.id;
  return eventually(async () => (await server.gql(CASE, { id: caseId }, { token: lead.token })).data!.reviewCase!, (c) => c.status === 'PENDING_REVIEW', 'the screening', 60_000);
}

async function drafts(episodeId: string) {
  const read = await server.gql(DRAFTS, { id: episodeId }, { token: owner.token });
  expect(read.errors).toBeUndefined();
  return read.data!.episode;
}
const transcriptionRequests = () => fake.requests.filter((r) => r.path === '/v1/audio/transcriptions');

describe('transcription of an episode without subtitles in its original language', () => {
  it('uploads the extracted audio, screens the timed transcript like subtitles and offers it to the studio as a draft', async () => {
    const before = transcriptionRequests().length;
    const episodeId = await episodeIn('ko-KR', spoken);
    const view = await screen(episodeId);

    const sent = transcriptionRequests().slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toMatchObject({ model: 'whisper-1', language: 'ko', response_format: 'verbose_json', 'timestamp_granularities[]': ['segment'] });
    const file = sent[0]!.body.file as UploadedFile;
    expect(file.isMp3).toBe(true);
    expect(file.bytes).toBeGreaterThan(1000);
    expect(sent[0]!.authorization).toBe('Bearer sk-test');

    // Screened like subtitles: the transcript's "I will kill him." is moderated, at its cue's time.
    expect(view.aiStatus).toBe('COMPLETED');
    const fromTranscript = view.findings.filter((f) => f.evidence.aiTranscript === true);
    expect(fromTranscript.length).toBeGreaterThan(0);
    expect(fromTranscript[0]!.evidence).toMatchObject({ kind: 'SUBTITLE_CUE', language: 'ko-KR', cueStart: 1.2, text: 'I will kill him.' });
    for (const territory of new Set(fromTranscript.map((f) => f.territory))) expect(view.verdicts.find((v) => v.territory === territory)?.verdict).not.toBe('CLEAR');
    // A moderation request carried the transcript's lines.
    expect(fake.requests.some((r) => r.path === '/v1/moderations' && JSON.stringify(r.body.input).includes('Where were you last night?'))).toBe(true);

    // Offered as a draft; not a subtitle track until the studio accepts it.
    const episode = await drafts(episodeId);
    expect(episode.subtitles).toEqual([]);
    expect(episode.subtitleDrafts).toHaveLength(1);
    const draft = episode.subtitleDrafts[0]!;
    expect(draft).toMatchObject({ language: 'ko-KR', kind: 'SUBTITLES', format: 'WEBVTT', aiGenerated: true, cueCount: 2, model: 'whisper-1' });
    expect(draft.cues).toEqual([
      { start: 0.2, end: 1.1, text: 'Where were you last night?' },
      { start: 1.2, end: 1.9, text: 'I will kill him.' },
    ]);
    expect(draft.content).toMatch(/^WEBVTT\s[\s\S]*00:00:00\.200 --> 00:00:01\.100\nWhere were you last night\?/);

    // The studio edits a line and accepts: an AI-generated ko-KR track, the draft gone.
    const edited = draft.content.replace('I will kill him.', 'I will find him.');
    const accepted = await server.gql(ACCEPT, { id: draft.id, content: edited }, { token: owner.token });
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data!.acceptSubtitleDraft).toEqual({ language: 'ko-KR', aiGenerated: true, cueCount: 2 });
    const after = await drafts(episodeId);
    expect(after.subtitleDrafts).toEqual([]);
    expect(after.subtitles).toEqual([{ language: 'ko-KR', aiGenerated: true, content: edited }]);
  });

  it('refuses an edited draft that is not valid WebVTT, naming the line, and keeps the draft', async () => {
    const episodeId = await episodeIn('ja', spoken);
    await screen(episodeId);
    const [draft] = (await drafts(episodeId)).subtitleDrafts;
    const refused = await server.gql(ACCEPT, { id: draft!.id, content: 'WEBVTT\n\n00:00:02.000 --> 00:00:01.000\nBackwards' }, { token: owner.token });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'content' });
    expect((await drafts(episodeId)).subtitleDrafts.map((d) => d.id)).toEqual([draft!.id]);
    // Another studio can neither see nor discard it.
    const other = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const foreign = (await server.gql(DISCARD, { id: draft!.id }, { token: other.token })).errors?.[0];
    const missing = (await server.gql(DISCARD, { id: '00000000-0000-4000-8000-000000000000' }, { token: other.token })).errors?.[0];
    expect(foreign?.extensions.code).toBe('NOT_FOUND');
    // The same answer as for an id that does not exist: another studio's draft ids cannot be probed.
    const answer = (e: typeof foreign) => ({ message: e?.message, code: e?.extensions.code, reason: e?.extensions.reason });
    expect(answer(foreign)).toEqual(answer(missing));
    expect((await server.gql(DISCARD, { id: draft!.id }, { token: owner.token })).data?.discardSubtitleDraft).toBe(true);
    expect((await drafts(episodeId)).subtitleDrafts).toEqual([]);
  });

  it('what was said is plain text in the draft: markup in a transcript is escaped, and an edit adding markup outside WebVTT is refused naming the line', async () => {
    const spokenBefore = fake.transcript;
    fake.transcript = [{ start: 0.2, end: 1.1, text: ' <script>alert(1)</script> 1 < 2 & more ' }];
    try {
      const episodeId = await episodeIn('fr', spoken);
      await screen(episodeId);
      const [draft] = (await drafts(episodeId)).subtitleDrafts;
      expect(draft!.content).toBe('WEBVTT\n\n00:00:00.200 --> 00:00:01.100\n&lt;script&gt;alert(1)&lt;/script&gt; 1 &lt; 2 &amp; more\n');
      const hostile = draft!.content.replace('more', 'more <iframe src="//evil.example">');
      const refused = await server.gql(ACCEPT, { id: draft!.id, content: hostile }, { token: owner.token });
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'content', problems: [{ line: 4, message: expect.stringContaining('"<iframe src="//evil.example">" is not a WebVTT cue-text tag') }] });
      expect((await drafts(episodeId)).subtitleDrafts.map((d) => d.id)).toEqual([draft!.id]);
      expect((await server.gql(ACCEPT, { id: draft!.id }, { token: owner.token })).errors).toBeUndefined();
      expect((await drafts(episodeId)).subtitles).toEqual([{ language: 'fr', aiGenerated: true, content: draft!.content }]);
    } finally {
      fake.transcript = spokenBefore;
    }
  });

  it('refuses to accept a draft over subtitles the studio already has in that language (SUBTITLES_EXIST), unless told to replace', async () => {
    const episodeId = await episodeIn('ja', spoken);
    await screen(episodeId);
    const [draft] = (await drafts(episodeId)).subtitleDrafts;
    const human = 'WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nこんにちは\n';
    expect((await server.gql(SET_SUBTITLES, { i: { episodeId, language: 'ja', format: 'WEBVTT', content: human } }, { token: owner.token })).errors).toBeUndefined();
    const refused = await server.gql(ACCEPT_REPLACE, { id: draft!.id }, { token: owner.token });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'SUBTITLES_EXIST', language: 'ja' });
    expect(refused.errors?.[0]?.message).toContain('ja');
    // Nothing changed: the studio's track as uploaded, the draft still offered.
    let episode = await drafts(episodeId);
    expect(episode.subtitles).toEqual([{ language: 'ja', aiGenerated: false, content: human }]);
    expect(episode.subtitleDrafts.map((d) => d.id)).toEqual([draft!.id]);
    expect((await server.gql(ACCEPT_REPLACE, { id: draft!.id, replace: false }, { token: owner.token })).errors?.[0]?.extensions.reason).toBe('SUBTITLES_EXIST');
    // Told to replace, the draft becomes the track.
    const replaced = await server.gql(ACCEPT_REPLACE, { id: draft!.id, replace: true }, { token: owner.token });
    expect(replaced.errors).toBeUndefined();
    episode = await drafts(episodeId);
    expect(episode.subtitles).toEqual([{ language: 'ja', aiGenerated: true, content: draft!.content }]);
    expect(episode.subtitleDrafts).toEqual([]);
  });

  it('neither lists nor accepts a draft made from an earlier upload once new media replaces it (DRAFT_STALE)', async () => {
    const episodeId = await episodeIn('ja', spoken);
    await screen(episodeId);
    const [draft] = (await drafts(episodeId)).subtitleDrafts;
    const before = (await server.gql(MEDIA, { id: episodeId }, { token: owner.token })).data!.episode.media!.sha256;
    await uploadClip(server, owner.token, episodeId, makeClip('transcription-recut', { seconds: 3, audio: true }), await acknowledgingCancels(server, owner.token, episodeId));
    await eventually(() => server.gql(MEDIA, { id: episodeId }, { token: owner.token }), (r) => r.data?.episode.media?.sha256 !== before, 'the new upload');
    expect((await drafts(episodeId)).subtitleDrafts).toEqual([]);
    const refused = await server.gql(ACCEPT, { id: draft!.id }, { token: owner.token });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'DRAFT_STALE' });
    expect((await drafts(episodeId)).subtitles).toEqual([]);
  });

  it('does not transcribe an episode with subtitles in its original language, or one without sound', async () => {
    const before = transcriptionRequests().length;
    const subtitled = await episodeIn('ko', spoken, { language: 'ko', content: 'WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n안녕하세요\n' });
    const mute = await episodeIn('ko', silent);
    await screen(subtitled);
    await screen(mute);
    expect(transcriptionRequests().length).toBe(before);
    expect((await drafts(subtitled)).subtitleDrafts).toEqual([]);
    expect((await drafts(mute)).subtitleDrafts).toEqual([]);
  });

  for (const [name, fault] of [
    ['an HTTP error', { status: 500 }],
    ['a malformed answer', { malformed: true }],
    ['an answer without timed segments', { partial: true }],
    ['a timeout', { hang: true }],
  ] as const) {
    it(`fails closed on ${name}: the episode goes to reviewers with a finding that names it, and no draft is stored`, async () => {
      fake.inject('/v1/audio/transcriptions', fault, fault);
      const episodeId = await episodeIn('ko', spoken);
      const view = await screen(episodeId);
      expect(view.aiStatus).toBe('AI_UNAVAILABLE');
      expect(view.aiError).toMatch(/^Transcription failed: transcription: /);
      expect(view.verdicts.map((v) => v.verdict)).toEqual(['NEEDS_REVIEW', 'NEEDS_REVIEW']);
      const dialogue = view.findings.filter((f) => f.ruleId === 'GLOBAL-DIALOGUE-01');
      expect(dialogue.map((f) => f.territory).sort()).toEqual(['DE', 'US']);
      expect(dialogue[0]!.explanation).toMatch(/no subtitles in its original language \(ko\) and could not be transcribed .* a reviewer must listen/);
      expect((await drafts(episodeId)).subtitleDrafts).toEqual([]);
    });
  }
});

const SET_LICENSE = graphql('mutation($id: ID!, $i: LicenseInput!) { setLicense(seriesId: $id, input: $i) { id } }');
const EPISODES = graphql('query($id: ID!) { series(id: $id) { episodes { nodes { id } } } }');
const SET_SUBTITLES = graphql('mutation($i: SubtitlesInput!) { setSubtitles(input: $i) { id } }');
const SUBMIT = graphql('mutation($i: SubmitForReviewInput!) { submitForReview(input: $i) { id } }');
const CASE = graphql('query($id: ID!) { reviewCase(id: $id) { status aiStatus aiError verdicts { territory verdict } findings { territory ruleId category source evidence explanation } } }');
const DRAFTS = graphql('query($id: ID!) { episode(id: $id) { subtitles { language aiGenerated content } subtitleDrafts { id language kind format aiGenerated content cueCount cues { start end text } model } } }');
const ACCEPT = graphql('mutation($id: ID!, $content: String) { acceptSubtitleDraft(id: $id, content: $content) { language aiGenerated cueCount } }');
const ACCEPT_REPLACE = graphql('mutation($id: ID!, $replace: Boolean) { acceptSubtitleDraft(id: $id, replace: $replace) { language aiGenerated } }');
const MEDIA = graphql('query($id: ID!) { episode(id: $id) { media { sha256 } } }');
const DISCARD = graphql('mutation($id: ID!) { discardSubtitleDraft(id: $id) }');
