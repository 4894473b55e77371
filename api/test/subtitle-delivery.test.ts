import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { createLiveSeries, createPartner, LICENSE, startWithOperatorLead } from './support/publishing';
import type { SeedSubtitle } from './support/review';
import { TestServer, type SignedInMember } from './support/server';
import { graphql } from '../../schema/graphql';

let server: TestServer;
let admin: SignedInMember;
let lead: SignedInMember;

beforeAll(async () => {
  ({ server, admin, lead } = await startWithOperatorLead());
});
afterAll(async () => {
  await server?.stop();
});

const SPANISH_SRT = '1\n00:00:01,000 --> 00:00:02,500\n¿Dónde está el contrato?\n\n2\n00:00:03,000 --> 00:00:04,250\nEn la caja fuerte.\n';
const ENGLISH_VTT = 'WEBVTT\n\n00:00:01.000 --> 00:00:02.500\n[door slams] Where is the contract?\n';
const FRENCH_SRT = '1\n00:00:01,000 --> 00:00:02,000\nOù est le contrat ?\n';
const TRACKS: SeedSubtitle[] = [
  { language: 'es-MX', format: 'SRT', content: SPANISH_SRT },
  { language: 'en', format: 'WEBVTT', content: ENGLISH_VTT, kind: 'CLOSED_CAPTIONS', aiGenerated: true },
  { language: 'fr', format: 'SRT', content: FRENCH_SRT },
];

const EPISODES = graphql(`
  query($t: String!) { catalog(territory: $t, first: 10) { nodes { episodes(first: 10) { nodes { id number subtitleLanguages subtitles { language kind aiGenerated url expiresAt } } } } } }
`);
async function episodesOf(key: string, territory = 'US') {
  const page = await server.gql(EPISODES, { t: territory }, { token: key });
  expect(page.errors).toBeUndefined();
  return page.data!.catalog.nodes.flatMap((s) => s.episodes.nodes);
}

describe('subtitle tracks for partners', () => {
  it('lists only tracks in languages the license allows, each a signed, expiring WebVTT URL (SRT converted)', async () => {
    const p = await createPartner(server, admin);
    await createLiveSeries(server, lead, 1, p.organizationId, { subtitles: TRACKS, subtitleLanguages: ['es', 'en'] });
    const [episode] = await episodesOf(p.key);
    // The license allows "es" (so es-MX) and "en", not "fr".
    expect(episode!.subtitleLanguages).toEqual(['en', 'es-MX']);
    expect(episode!.subtitles.map((t) => [t.language, t.kind, t.aiGenerated])).toEqual([
      ['en', 'CLOSED_CAPTIONS', true],
      ['es-MX', 'SUBTITLES', false],
    ]);
    const spanish = episode!.subtitles.find((t) => t.language === 'es-MX')!;
    expect(new Date(spanish.expiresAt).getTime()).toBeGreaterThan(Date.now());

    const res = await fetch(server.url + spanish.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/vtt/);
    const vtt = await res.text();
    expect(vtt.startsWith('WEBVTT')).toBe(true);
    expect(vtt).toContain('00:00:01.000 --> 00:00:02.500\n¿Dónde está el contrato?');
    expect(vtt).toContain('00:00:03.000 --> 00:00:04.250\nEn la caja fuerte.');
    const english = await fetch(server.url + episode!.subtitles.find((t) => t.language === 'en')!.url);
    expect(await english.text()).toBe(ENGLISH_VTT);

    // The signature binds the track, the partner, the territory and the expiry.
    const url = new URL(spanish.url, server.url);
    const tampered = new URL(url);
    tampered.searchParams.set('territory', 'CA');
    expect((await fetch(tampered)).status).toBe(403);
    const expiredLater = new URL(url);
    expiredLater.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 60));
    expect((await fetch(expiredLater)).status).toBe(403);
    // A track id the signature was not made for.
    const otherTrack = new URL(url);
    otherTrack.pathname = url.pathname.replace(/subtitles-[^.]+\.vtt/, `subtitles-${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}.vtt`);
    expect((await fetch(otherTrack)).status).toBe(403);
  });

  it('a language dropped from the license takes its tracks away at once, URLs already given included, with an UPDATED event', async () => {
    const p = await createPartner(server, admin);
    const s = await createLiveSeries(server, lead, 1, p.organizationId, { subtitles: TRACKS, subtitleLanguages: ['es', 'en'] });
    const [before] = await episodesOf(p.key);
    const spanishUrl = before!.subtitles.find((t) => t.language === 'es-MX')!.url;
    const feed = await server.gql(graphql('{ changes(first: 100) { pageInfo { endCursor } } }'), {}, { token: p.key });

    const license = await server.gql(graphql('mutation($id: ID!, $i: LicenseInput!) { setLicense(seriesId: $id, input: $i) { id } }'), { id: s.seriesId, i: { ...LICENSE, subtitleLanguages: ['en'] } }, { token: s.owner.token });
    expect(license.errors).toBeUndefined();
    const [after] = await episodesOf(p.key);
    expect(after!.subtitles.map((t) => t.language)).toEqual(['en']);
    expect((await fetch(server.url + spanishUrl)).status).toBe(403);
    const changes = await server.gql(graphql('query($a: String) { changes(after: $a, first: 100) { nodes { type territory episodeNumber } } }'), { a: feed.data!.changes.pageInfo.endCursor }, { token: p.key });
    expect(changes.data!.changes.nodes).toEqual([
      { type: 'UPDATED', territory: 'US', episodeNumber: 1 },
      { type: 'UPDATED', territory: 'CA', episodeNumber: 1 },
    ]);
    // The episode itself stays live: only what it carries changed.
    expect(after!.id).toBe(before!.id);
  });

  it('a track added, replaced or relabelled lapses the approval: the episode is withdrawn until reviewed again', async () => {
    for (const change of [
      { language: 'es-MX', format: 'SRT', kind: 'FORCED', content: SPANISH_SRT },
      { language: 'es-MX', format: 'SRT', content: SPANISH_SRT.replace('caja fuerte', 'oficina') },
      { language: 'en', format: 'WEBVTT', kind: 'CLOSED_CAPTIONS', aiGenerated: false, content: ENGLISH_VTT },
    ] as const) {
      const p = await createPartner(server, admin);
      const s = await createLiveSeries(server, lead, 1, p.organizationId, { subtitles: TRACKS, subtitleLanguages: ['es', 'en'] });
      expect(await episodesOf(p.key)).toHaveLength(1);
      const set = await server.gql(graphql('mutation($i: SubtitlesInput!) { setSubtitles(input: $i) { language kind aiGenerated } }'), { i: { episodeId: s.episodeIds[0], ...change } }, { token: s.owner.token });
      expect(set.errors, JSON.stringify(change)).toBeUndefined();
      expect(await episodesOf(p.key), JSON.stringify(change)).toEqual([]);
      const feed = await server.gql(graphql('{ changes(first: 100) { nodes { type reasons { code message } } } }'), {}, { token: p.key });
      const withdrawal = feed.data!.changes.nodes.at(-1)!;
      expect(withdrawal.type).toBe('TAKEN_DOWN');
      expect(withdrawal.reasons.map((r) => r.code)).toEqual(['APPROVAL_STALE']);
    }
  });

  it('the studio’s and the reviewers’ players load a track as WebVTT; other studios cannot', async () => {
    const p = await createPartner(server, admin);
    const s = await createLiveSeries(server, lead, 1, p.organizationId, { subtitles: TRACKS, subtitleLanguages: ['es'] });
    const tracks = await server.gql(graphql('query($id: ID!) { episode(id: $id) { subtitles { language kind aiGenerated webVttUrl } } }'), { id: s.episodeIds[0] }, { token: s.owner.token });
    expect(tracks.errors).toBeUndefined();
    // The studio sees every track, licensed or not.
    expect(tracks.data!.episode.subtitles.map((t) => [t.language, t.kind, t.aiGenerated])).toEqual([['en', 'CLOSED_CAPTIONS', true], ['es-MX', 'SUBTITLES', false], ['fr', 'SUBTITLES', false]]);
    const french = tracks.data!.episode.subtitles.find((t) => t.language === 'fr')!.webVttUrl;
    const asOwner = await fetch(server.url + french, { headers: { authorization: `Bearer ${s.owner.token}` } });
    expect(asOwner.status).toBe(200);
    // SRT cue numbers are not carried over: WebVTT identifiers are optional and these name nothing.
    expect(await asOwner.text()).toBe('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nOù est le contrat ?\n');
    expect((await fetch(server.url + french, { headers: { authorization: `Bearer ${lead.token}` } })).status).toBe(200);
    const stranger = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    expect((await fetch(server.url + french, { headers: { authorization: `Bearer ${stranger.token}` } })).status).toBe(404);
    expect((await fetch(server.url + french)).status).toBe(401);
  });
});
