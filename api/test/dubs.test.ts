import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { acknowledgingCancels, eventually, settledRead, uploadClip, uploadDub, uploadsEnded } from './support/media';
import { seriesWithEpisodes } from './support/catalog';
import { createLiveSeries, createPartner, LICENSE } from './support/publishing';
import { TestServer, type SignedInMember } from './support/server';
import { makeAudio, makeClip, sha256Of } from './support/videos';
import { graphql } from '../../schema/graphql';
import { tusMetadata } from './support/tus';

let server: TestServer;
let admin: SignedInMember;
let lead: SignedInMember;
// The seeded episodes' video runs 60 s.
let dub60: string;

beforeAll(async () => {
  server = await TestServer.start({ REVIEW_FOUR_EYES: 'false' });
  admin = await server.member(OrganizationKind.OPERATOR, Role.ADMIN);
  lead = await server.addMember(admin.organizationId, Role.LEAD);
  dub60 = makeAudio('dub-60s', 60);
});
afterAll(async () => {
  await server?.stop();
});

const EPISODE = graphql(`query($id: ID!) { episode(id: $id) { status audioTracks { id language sha256 durationSeconds audioCodec url } uploads(first: 5) { status failureReason audioLanguage } } }`);
const episodeOf = async (token: string, id: string) => (await server.gql(EPISODE, { id }, { token })).data!.episode;
const settled = (token: string, id: string) => settledRead(() => episodeOf(token, id), (e) => e.uploads.length > 0 && uploadsEnded(e.uploads), 'the dub to be processed');
const storedAudio = () => (existsSync(path.join(server.config.mediaDir, 'audio')) ? readdirSync(path.join(server.config.mediaDir, 'audio')) : []);

async function rawCreate(token: string | null, metadata: Record<string, string>, length = 1000) {
  const encoded = tusMetadata(metadata);
  return fetch(`${server.url}/uploads`, { method: 'POST', headers: { 'tus-resumable': '1.0.0', 'upload-length': String(length), 'upload-metadata': encoded, ...(token ? { authorization: `Bearer ${token}` } : {}) } });
}

const PARTNER_EPISODES = graphql(`query($t: String!) { catalog(territory: $t, first: 10) { nodes { episodes(first: 10) { nodes { id number audioTracks { language codec durationSeconds url expiresAt } } } } } }`);
async function partnerEpisodes(key: string, territory = 'US') {
  const page = await server.gql(PARTNER_EPISODES, { t: territory }, { token: key });
  expect(page.errors).toBeUndefined();
  return page.data!.catalog.nodes.flatMap((s) => s.episodes.nodes);
}

const SUBMIT_DUBBED = graphql(`mutation SubmitDubbed($i: SubmitForReviewInput!) { submitForReview(input: $i) { id } }`);

describe('dubbed audio tracks', () => {
  it('a studio uploads a dub through tus: stored under its hash, listed, playable with ranges, and the approval lapses', async () => {
    const p = await createPartner(server, admin);
    const s = await createLiveSeries(server, lead, 1, p.organizationId, { dubLanguages: ['es'] });
    const episodeId = s.episodeIds[0]!;
    expect(await partnerEpisodes(p.key)).toHaveLength(1);

    await uploadDub(server, s.owner.token, episodeId, 'es-mx', dub60, await acknowledgingCancels(server, s.owner.token, episodeId));
    const view = await settled(s.owner.token, episodeId);
    expect(view.uploads[0]).toMatchObject({ status: 'SUCCEEDED', failureReason: null, audioLanguage: 'es-MX' });
    expect(view.audioTracks).toEqual([expect.objectContaining({ language: 'es-MX', sha256: sha256Of(dub60), audioCodec: 'aac' })]);
    expect(Math.abs(view.audioTracks[0]!.durationSeconds - 60)).toBeLessThan(0.5);
    expect(storedAudio()).toContain(`${sha256Of(dub60)}.m4a`);

    const range = await fetch(server.url + view.audioTracks[0]!.url, { headers: { authorization: `Bearer ${s.owner.token}`, range: 'bytes=0-99' } });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-type')).toBe('audio/mp4');
    expect((await range.arrayBuffer()).byteLength).toBe(100);

    // Reviewed material: the approval lapses (the follower evaluates the series), the partner no longer gets the episode.
    expect(await partnerEpisodes(p.key)).toEqual([]);
    await eventually(() => episodeOf(s.owner.token, episodeId), (e) => e.status === 'READY', 'the approval to lapse');
    const reviewer = await fetch(server.url + view.audioTracks[0]!.url, { headers: { authorization: `Bearer ${lead.token}` } });
    expect(reviewer.status).toBe(200);
  });

  it('a dub that would take a live episode off is refused unless it acknowledges what it cancels; nothing changes', async () => {
    const p = await createPartner(server, admin);
    const s = await createLiveSeries(server, lead, 1, p.organizationId, { dubLanguages: ['es'] });
    const episodeId = s.episodeIds[0]!;
    const rows = await server.count('episode_upload');
    const refused = await rawCreate(s.owner.token, { episodeId, audioLanguage: 'es', filename: 'dub.m4a', filetype: 'audio/mp4' });
    expect(refused.status).toBe(409);
    expect(refused.headers.get('upload-refusal-reason')).toBe('REPLACEMENT_CANCELS_REVIEW');
    expect((await refused.text()).trim()).toBe(
      `Uploading "dub.m4a" as the es dub of episode 1 would cancel its live release in CA, US. Confirm the dub by naming these territories in the upload's cancels metadata (CA,US), or keep the episode as it is.`,
    );
    // Through the tus client, acknowledging part of it: refused too.
    await expect(uploadDub(server, s.owner.token, episodeId, 'es', dub60, { cancels: 'US' })).rejects.toThrow(/REPLACEMENT_CANCELS_REVIEW|409/);
    expect(await server.count('episode_upload')).toBe(rows);
    expect((await episodeOf(s.owner.token, episodeId)).status).toBe('PUBLISHED');
    expect(await partnerEpisodes(p.key)).toHaveLength(1);

    // Acknowledged, it goes ahead and the episode comes off until reviewed again.
    await uploadDub(server, s.owner.token, episodeId, 'es', dub60, { cancels: 'US,CA' });
    expect((await settled(s.owner.token, episodeId)).uploads[0]).toMatchObject({ status: 'SUCCEEDED' });
    await eventually(() => episodeOf(s.owner.token, episodeId), (e) => e.status === 'READY', 'the approval to lapse');
    expect(await partnerEpisodes(p.key)).toEqual([]);
  });

  it('a dub whose duration does not match the video is refused naming the duration, and nothing is stored', async () => {
    const p = await createPartner(server, admin);
    const s = await createLiveSeries(server, lead, 1, p.organizationId, { dubLanguages: ['es'] });
    const episodeId = s.episodeIds[0]!;
    const before = storedAudio();
    const short = makeAudio('dub-50s', 50);
    await uploadDub(server, s.owner.token, episodeId, 'es', short, await acknowledgingCancels(server, s.owner.token, episodeId));
    const view = await settled(s.owner.token, episodeId);
    expect(view.uploads[0]!.status).toBe('FAILED');
    expect(view.uploads[0]!.failureReason).toMatch(/^duration: The dub runs 50\.0 s but the episode's video runs 60\.0 s; they must match within 1\.0 s/);
    expect(view.audioTracks).toEqual([]);
    expect(storedAudio()).toEqual(before);
    // Still approved: a refused dub changes nothing.
    expect(await partnerEpisodes(p.key)).toHaveLength(1);

    // A declared duration is checked before any byte is sent.
    const declared = await rawCreate(s.owner.token, { episodeId, audioLanguage: 'es', filename: 'dub.m4a', filetype: 'audio/mp4', duration: '45' });
    expect(declared.status).toBe(400);
    expect(declared.headers.get('upload-refusal-reason')).toBe('UPLOAD_DURATION_MISMATCH');
    expect(await declared.text()).toMatch(/^Upload metadata duration: The dub runs 45\.0 s/);
    // The tolerance clients word the refusal with: the larger of 1 s and 1 % of the 60 s video.
    const tolerance = await server.gql(graphql(`query($id: ID!) { episode(id: $id) { dubDurationToleranceSeconds } }`), { id: episodeId }, { token: s.owner.token });
    expect(tolerance.data!.episode.dubDurationToleranceSeconds).toBe(1);
  });

  it('a dub that no longer matches a replaced video cannot be submitted (DUB_DURATION_MISMATCH naming the language and durations), so it never reaches partners', async () => {
    const p = await createPartner(server, admin);
    const s = await createLiveSeries(server, lead, 1, p.organizationId, { dubs: [{ language: 'es', file: dub60 }], dubLanguages: ['es'] });
    const episodeId = s.episodeIds[0]!;
    expect((await partnerEpisodes(p.key)).map((e) => e.audioTracks.map((t) => t.language))).toEqual([['es']]);

    // A 9 s video replaces the 60 s one: the approval lapses, the 60 s dub stays, and fits no more.
    await uploadClip(server, s.owner.token, episodeId, makeClip('video-9s', { seconds: 9 }), await acknowledgingCancels(server, s.owner.token, episodeId));
    await eventually(() => episodeOf(s.owner.token, episodeId), (e) => e.status === 'READY' && e.uploads[0]?.status === 'SUCCEEDED', 'the new video to be processed');
    const may = await server.gql(graphql(`query DubFits($id: ID!) { episode(id: $id) { viewerCanSubmitForReview audioTracks { durationMismatch } } }`), { id: episodeId }, { token: s.owner.token });
    expect(may.data!.episode!.viewerCanSubmitForReview).toBe(false);
    expect(may.data!.episode!.audioTracks[0]!.durationMismatch).toMatch(/^The dub runs 60\.0 s but the episode's video runs 9\.0 s/);
    const submitted = await server.gql(SUBMIT_DUBBED, { i: { episodeIds: [episodeId], territories: ['US'] } }, { token: s.owner.token });
    expect(submitted.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'DUB_DURATION_MISMATCH', field: 'input.episodeIds.0', languages: ['es'] });
    expect(submitted.errors![0]!.message).toMatch(/video runs 9\.0 s but the es dub runs 60\.0 s; a dub must match the video within 1\.0 s/);
    expect((await episodeOf(s.owner.token, episodeId)).status).toBe('READY');
    expect(await partnerEpisodes(p.key)).toEqual([]);

    // Removing the dub makes the episode submittable again.
    expect((await server.gql(graphql(`mutation DubRemove($e: ID!) { removeAudioTrack(episodeId: $e, language: "es") }`), { e: episodeId }, { token: s.owner.token })).errors).toBeUndefined();
    const again = await server.gql(SUBMIT_DUBBED, { i: { episodeIds: [episodeId], territories: ['US'] } }, { token: s.owner.token });
    expect(again.errors).toBeUndefined();
  });

  it('refuses a dub for an episode that has no video yet, before any byte is sent, and stores nothing', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const seriesId = await seriesWithEpisodes(server, owner.token, owner.organizationId, 1);
    const listed = await server.gql(graphql('query($id: ID!) { series(id: $id) { episodes(first: 1) { nodes { id } } } }'), { id: seriesId }, { token: owner.token });
    const episodeId = listed.data!.series.episodes.nodes[0]!.id;
    const before = storedAudio();
    const refused = await rawCreate(owner.token, { episodeId, audioLanguage: 'es', filename: 'dub.m4a', filetype: 'audio/mp4', duration: '60' });
    expect(refused.status).toBe(409);
    expect(refused.headers.get('upload-refusal-reason')).toBe('UPLOAD_VIDEO_REQUIRED');
    expect(await refused.text()).toMatch(/video before its dubs/);
    const view = await episodeOf(owner.token, episodeId);
    expect(view).toMatchObject({ uploads: [], audioTracks: [] });
    expect(storedAudio()).toEqual(before);
  });

  it('refuses a file without audio, a bad language tag and a non-audio format, naming what is wrong', async () => {
    const p = await createPartner(server, admin);
    const s = await createLiveSeries(server, lead, 1, p.organizationId);
    const episodeId = s.episodeIds[0]!;
    const silentVideo = makeClip('no-audio', { seconds: 2 });
    await uploadDub(server, s.owner.token, episodeId, 'fr', silentVideo, await acknowledgingCancels(server, s.owner.token, episodeId));
    const view = await settled(s.owner.token, episodeId);
    expect(view.uploads[0]).toMatchObject({ status: 'FAILED', failureReason: 'The file has no audio stream.' });
    expect(view.audioTracks).toEqual([]);

    const badTag = await rawCreate(s.owner.token, { episodeId, audioLanguage: 'not a tag', filename: 'dub.m4a', filetype: 'audio/mp4' });
    expect(badTag.status).toBe(400);
    expect(badTag.headers.get('upload-refusal-reason')).toBe('UPLOAD_LANGUAGE_INVALID');
    expect(await badTag.text()).toMatch(/^Upload metadata audioLanguage: /);
    const video = await rawCreate(s.owner.token, { episodeId, audioLanguage: 'fr', filename: 'dub.mp4', filetype: 'video/mp4' });
    expect(video.status).toBe(415);
    // The formats a dub may take, as clients read them before sending.
    const policy = await server.gql(graphql(`{ uploadPolicy { dubFormats { extension mediaTypes } } }`), {});
    expect(policy.data!.uploadPolicy.dubFormats.map((f) => f.extension)).toEqual(['m4a', 'aac', 'mp3', 'wav']);
    expect(policy.data!.uploadPolicy.dubFormats.find((f) => f.extension === 'm4a')!.mediaTypes).toContain('audio/mp4');
  });

  it('partners get dubs only in languages the license allows, with signed URLs that serve ranges and stop when the license drops the language', async () => {
    const p = await createPartner(server, admin);
    const s = await createLiveSeries(server, lead, 1, p.organizationId, { dubs: [{ language: 'es-MX', file: dub60 }, { language: 'fr', file: dub60 }], dubLanguages: ['es'] });
    const [episode] = await partnerEpisodes(p.key);
    expect(episode!.audioTracks.map((t) => [t.language, t.codec, t.durationSeconds])).toEqual([['es-MX', 'aac', 60]]);
    const url = episode!.audioTracks[0]!.url;
    expect(new Date(episode!.audioTracks[0]!.expiresAt).getTime()).toBeGreaterThan(Date.now());

    const range = await fetch(server.url + url, { headers: { range: 'bytes=10-19' } });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-range')).toMatch(/^bytes 10-19\//);

    // A forged URL: the French track's id under the Spanish track's signature.
    const [fr] = (await server.orm.em.getConnection().execute(`select id from audio_track where episode_id = ? and language = 'fr'`, [s.episodeIds[0]])) as Array<{ id: string }>;
    expect((await fetch(server.url + url.replace(/audio-[0-9a-f-]+/, `audio-${fr!.id}`))).status).toBe(403);
    // Another partner cannot use it.
    const other = await createPartner(server, admin);
    expect((await fetch(server.url + url.replace(/partner=[^&]+/, `partner=${other.organizationId}`))).status).toBe(403);

    // The license stops allowing Spanish dubs: the track is gone from the catalog and its URL refuses.
    const license = await server.gql(graphql('mutation($id: ID!, $i: LicenseInput!) { setLicense(seriesId: $id, input: $i) { id } }'), { id: s.seriesId, i: { ...LICENSE, dubLanguages: [] } }, { token: s.owner.token });
    expect(license.errors).toBeUndefined();
    expect((await partnerEpisodes(p.key))[0]!.audioTracks).toEqual([]);
    expect((await fetch(server.url + url)).status).toBe(403);
  });

  it('removing a dub lapses the approval; other studios and partners can neither upload, list, fetch nor remove one', async () => {
    const p = await createPartner(server, admin);
    const s = await createLiveSeries(server, lead, 1, p.organizationId, { dubs: [{ language: 'es', file: dub60 }], dubLanguages: ['es'] });
    const episodeId = s.episodeIds[0]!;
    const [track] = (await episodeOf(s.owner.token, episodeId)).audioTracks;
    const stranger = await server.member(OrganizationKind.STUDIO, Role.OWNER);

    expect((await rawCreate(stranger.token, { episodeId, audioLanguage: 'es', filename: 'dub.m4a', filetype: 'audio/mp4' })).status).toBe(404);
    expect((await rawCreate(p.key, { episodeId, audioLanguage: 'es', filename: 'dub.m4a', filetype: 'audio/mp4' })).status).toBeGreaterThanOrEqual(401);
    expect((await fetch(server.url + track!.url, { headers: { authorization: `Bearer ${stranger.token}` } })).status).toBe(404);
    expect((await fetch(server.url + track!.url, { headers: { authorization: `Bearer ${p.key}` } })).status).toBeGreaterThanOrEqual(401);
    expect((await fetch(server.url + '/media/audio/00000000-0000-4000-8000-000000000000', { headers: { authorization: `Bearer ${s.owner.token}` } })).status).toBe(404);
    const foreign = await server.gql(graphql('mutation($e: ID!) { removeAudioTrack(episodeId: $e, language: "es") }'), { e: episodeId }, { token: stranger.token });
    expect(foreign.errors![0]!.extensions!.code).toBe('NOT_FOUND');
    const badTag = await server.gql(graphql('mutation($e: ID!) { removeAudioTrack(episodeId: $e, language: "???") }'), { e: episodeId }, { token: s.owner.token });
    expect(badTag.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'language' });
    expect(await partnerEpisodes(p.key)).toHaveLength(1);

    const removed = await server.gql(graphql('mutation($e: ID!) { removeAudioTrack(episodeId: $e, language: "es") }'), { e: episodeId }, { token: s.owner.token });
    expect(removed.errors).toBeUndefined();
    expect((await episodeOf(s.owner.token, episodeId)).audioTracks).toEqual([]);
    expect(await partnerEpisodes(p.key)).toEqual([]);
  });

  it('a reviewed dub the license allows satisfies a territory that requires local audio (LOCALIZATION_MISSING otherwise)', async () => {
    const p = await createPartner(server, admin, ['MX']);
    const codes = async (seriesId: string, token: string) => {
      const view = await server.gql(graphql('query($id: ID!) { series(id: $id) { distribution { partner { id } episodes { reasons { code } } } } }'), { id: seriesId }, { token });
      return view.data!.series.distribution.find((d) => d.partner.id === p.organizationId)!.episodes.map((e) => e.reasons.map((r) => r.code));
    };
    const without = await createLiveSeries(server, lead, 1, p.organizationId, { territories: ['MX'], dubs: [{ language: 'es-MX', file: dub60 }] });
    expect(await codes(without.seriesId, without.owner.token)).toEqual([['LOCALIZATION_MISSING']]);
    const dubbed = await createLiveSeries(server, lead, 1, p.organizationId, { territories: ['MX'], dubs: [{ language: 'es-MX', file: dub60 }], dubLanguages: ['es'] });
    expect(await codes(dubbed.seriesId, dubbed.owner.token)).toEqual([[]]);
    const preflight = await server.gql(graphql('query($id: ID!) { episode(id: $id) { localizationPreflight { territory satisfied } } }'), { id: dubbed.episodeIds[0] }, { token: dubbed.owner.token });
    expect(preflight.data!.episode.localizationPreflight).toEqual([{ territory: 'MX', satisfied: true }]);
    expect((await partnerEpisodes(p.key, 'MX')).map((e) => e.audioTracks.map((t) => t.language))).toEqual([['es-MX']]);
  });
});
