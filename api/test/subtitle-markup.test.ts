import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { seriesWithEpisodes } from './support/catalog';
import { FakeOpenAi } from './support/fake-openai';
import { hostileCue, seededRandom, tagsOutsideWebVtt } from './support/hostile-webvtt';
import { eventually } from './support/media';
import { TestServer, type SignedInMember } from './support/server';
import { graphql, type EnumOf } from '../../schema/graphql';

/**
 * Every subtitle writer goes through one WebVTT normalisation: markup outside the WebVTT cue-text
 * tags and cue settings out of range are refused with BAD_USER_INPUT naming the line, and what is
 * stored and served is written back from the parse. Uploads here; drafts in transcription.test.ts.
 */
let fake: FakeOpenAi;
let server: TestServer;
let editor: SignedInMember;
let episodeId: string;

const SET = graphql('mutation($i: SubtitlesInput!) { setSubtitles(input: $i) { id content } }');
const TRANSLATE = graphql('mutation($i: SubtitleTranslationsInput!) { requestSubtitleTranslations(input: $i) { id } }');
const TRANSLATIONS = graphql('query($id: ID!) { episode(id: $id) { subtitleTranslations { language state failureReason draft { id } } } }');

beforeAll(async () => {
  fake = await new FakeOpenAi().start();
  server = await TestServer.start({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.url, AI_CALL_TIMEOUT_MS: '5000', AI_MAX_ATTEMPTS: '1' }, undefined, { runWorker: true });
  editor = await server.member(OrganizationKind.STUDIO, Role.EDITOR, 'Markup');
  const seriesId = await seriesWithEpisodes(server, editor.token, editor.organizationId, 1);
  episodeId = (await server.gql(graphql('query($id: ID!) { series(id: $id) { episodes { nodes { id } } } }'), { id: seriesId }, { token: editor.token })).data!.series.episodes.nodes[0]!.id;
});
afterAll(async () => {
  await server?.stop();
  await fake?.stop();
});

const upload = (content: string, format: EnumOf<'SubtitleFormat'> = 'WEBVTT', language = 'en') => server.gql(SET, { i: { episodeId, language, format, content } }, { token: editor.token });
const served = async (trackId: string) => (await fetch(`${server.url}/media/subtitles/${trackId}.vtt`, { headers: { authorization: `Bearer ${editor.token}` } })).text();

describe('uploaded subtitles', () => {
  it('a <script> cue is refused naming its line, and the track already there stays as it was', async () => {
    const kept = await upload('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nKept\n');
    expect(kept.errors).toBeUndefined();
    const before = await served(kept.data!.setSubtitles.id);
    const res = await upload('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHi\n\n00:00:03.000 --> 00:00:04.000\n<script>alert(1)</script>\n');
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.content' });
    expect(res.errors?.[0]?.message).toMatch(/^Line 7: "<script>" is not a WebVTT cue-text tag/);
    expect(await served(kept.data!.setSubtitles.id)).toBe(before);
  });

  it('a cue setting out of range is refused naming the setting and its line', async () => {
    const res = await upload('WEBVTT\n\n00:00:01.000 --> 00:00:02.000 position:999%\nHi\n');
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.content', problems: [{ line: 3, message: 'The cue setting "position:999%" is not allowed: Text position needs to be between 0 and 100%.' }] });
  });

  it('an SRT file meets the same rules, its lines named as in the SRT file; SRT colours are dropped', async () => {
    const refused = await upload('1\n00:00:01,000 --> 00:00:02,000\nHi\n\n2\n00:00:03,000 --> 00:00:04,000\nBye\n<img src=x onerror=alert(1)>\n', 'SRT', 'fr');
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.content', problems: [{ line: 8, message: expect.stringContaining('"<img src=x onerror=alert(1)>" is not a WebVTT cue-text tag') }] });
    const coloured = await upload('1\n00:00:01,000 --> 00:00:02,000\n<font color="#ff0">Amarillo</font> <i>sí</i>\n', 'SRT', 'es');
    expect(coloured.errors).toBeUndefined();
    expect(await served(coloured.data!.setSubtitles.id)).toBe('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nAmarillo <i>sí</i>\n');
    // ASS override blocks ({\an8} position, {\i1} italics) are dropped, not shown as text; other braces stay.
    const overridden = await upload('1\n00:00:01,000 --> 00:00:02,000\n{\\an8}Hola {\\i1}amigo{\\i0} {sic}\n', 'SRT', 'pt');
    expect(overridden.errors).toBeUndefined();
    expect(await served(overridden.data!.setSubtitles.id)).toBe('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHola amigo {sic}\n');
  });

  const SEED = Number(process.env.WEBVTT_SEED ?? Math.floor(Math.random() * 1e9));
  it(`over seeded random hostile cues: each refused file names every bad line and stores nothing; each accepted one is served as WebVTT only (seed ${SEED})`, async () => {
    const random = seededRandom(SEED);
    let refused = 0;
    let accepted = 0;
    for (let n = 0; n < 60; n++) {
      const cues = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, i) => hostileCue(random, i));
      const lines = ['WEBVTT', ''];
      const badLines: number[] = [];
      for (const c of cues) {
        lines.push(`${c.timing}${c.settings}`);
        if (c.badSetting) badLines.push(lines.length);
        if (c.badMarkup) badLines.push(lines.length + 1);
        lines.push(c.text, '');
      }
      const file = lines.join('\n');
      const context = `seed ${SEED}, file ${n}:\n${file}`;
      const tracksBefore = await server.count('subtitle_track');
      const res = await upload(file, 'WEBVTT', 'de');
      if (badLines.length) {
        refused++;
        expect(res.errors?.[0]?.extensions, context).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.content' });
        const named = (res.errors![0]!.extensions.problems as Array<{ line: number }>).map((p) => p.line);
        expect(named, context).toEqual(expect.arrayContaining(badLines));
        expect(await server.count('subtitle_track'), context).toBe(tracksBefore);
      } else {
        accepted++;
        expect(res.errors, context).toBeUndefined();
        const vtt = await served(res.data!.setSubtitles.id);
        expect(vtt, context).toBe(res.data!.setSubtitles.content);
        expect(tagsOutsideWebVtt(vtt), context).toEqual([]);
      }
    }
    // The generator makes both kinds of file, or the test proves little.
    expect([refused > 5, accepted > 5]).toEqual([true, true]);
  });
});

describe('AI translations', () => {
  it('a translation whose text carries markup outside WebVTT fails, naming the line, and stores nothing', async () => {
    const source = await upload('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nWhere is the contract?\n', 'WEBVTT', 'en');
    expect(source.errors).toBeUndefined();
    fake.inject('/v1/chat/completions', { markup: '<img src=x onerror=alert(1)>' });
    expect((await server.gql(TRANSLATE, { i: { trackId: source.data!.setSubtitles.id, languages: ['it'] } }, { token: editor.token })).errors).toBeUndefined();
    const view = await eventually(() => server.gql(TRANSLATIONS, { id: episodeId }, { token: editor.token }), (r) => ['DONE', 'FAILED'].includes(r.data?.episode.subtitleTranslations.find((t) => t.language === 'it')?.state ?? ''), 'the translation');
    const italian = view.data!.episode.subtitleTranslations.find((t) => t.language === 'it')!;
    expect(italian).toMatchObject({ state: 'FAILED', draft: null, failureReason: expect.stringContaining('line 4: "<img src=x onerror=alert(1)>" is not a WebVTT cue-text tag') });
  });
});
