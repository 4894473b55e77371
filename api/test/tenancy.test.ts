import { buildGreenlightSchema } from '../src/graphql/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { seriesWithEpisodes } from './support/catalog';
import { postLicenseDocument } from './support/license-documents';
import { LICENSE } from './support/publishing';
import { errorCode, TestServer, type SignedInMember } from './support/server';
import { graphql } from '../../schema/graphql';

/**
 * Two tenants side by side: for every operation the API has, org B's people try to read or change
 * org A's things and get nothing — no data, and no change in the database.
 */
let server: TestServer;
let a: { owner: SignedInMember; editor: SignedInMember; partner: SignedInMember; keyId: string; invitationId: string; seriesId: string; episodeId: string; documentId: string; trackId: string };
let b: { owner: SignedInMember; partner: SignedInMember };

beforeAll(async () => {
  server = await TestServer.start();
  const adminA = await server.member(OrganizationKind.OPERATOR, Role.ADMIN, 'Setup');
  const ownerA = await server.member(OrganizationKind.STUDIO, Role.OWNER, 'A');
  const editorA = await server.addMember(ownerA.organizationId, Role.EDITOR);
  const partnerA = await server.member(OrganizationKind.PARTNER, Role.PARTNER_ADMIN, 'A');
  const key = await server.gql(
    graphql('mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { apiKey { id } } }'),
    { i: { organizationId: partnerA.organizationId, name: 'A key' } },
    { token: adminA.token },
  );
  const invite = await server.gql(
    graphql('mutation($i: InviteMemberInput!) { inviteMember(input: $i) { invitation { id } } }'),
    { i: { organizationId: ownerA.organizationId, email: 'pending-a@example.com', role: 'VIEWER' } },
    { token: ownerA.token },
  );
  const seriesId = await seriesWithEpisodes(server, ownerA.token, ownerA.organizationId, 3, { title: 'A secret series' });
  const episodes = await server.gql(graphql('query($id: ID!) { series(id: $id) { episodes { nodes { id } } } }'), { id: seriesId }, { token: ownerA.token });
  // Localized texts of A's, for B to try to read, replace and remove.
  const episodeA = episodes.data!.series.episodes.nodes[0]!.id;
  await server.gql(graphql('mutation($id: ID!) { setSeriesLocalizations(seriesId: $id, localizations: [{ language: "es", title: "A secreta" }]) { language } }'), { id: seriesId }, { token: ownerA.token });
  await server.gql(graphql('mutation($id: ID!) { setEpisodeLocalizations(episodeId: $id, localizations: [{ language: "es", title: "A secreto" }]) { language } }'), { id: episodeA }, { token: ownerA.token });
  await server.gql(graphql('mutation($id: ID!, $i: LicenseInput!) { setLicense(seriesId: $id, input: $i) { id } }'), { id: seriesId, i: LICENSE }, { token: ownerA.token });
  const document = await postLicenseDocument(server, ownerA.token, seriesId, 'a-contract.pdf', Buffer.from('%PDF-1.7\n% A secret contract\n%%EOF\n'));
  expect(document.status).toBe(201);
  // A subtitle track of A's, for B to try to have translated.
  const track = await server.gql(graphql('mutation($i: SubtitlesInput!) { setSubtitles(input: $i) { id } }'), { i: { episodeId: episodeA, language: 'en', format: 'WEBVTT', content: 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nA secret line\n' } }, { token: ownerA.token });
  a = {
    owner: ownerA,
    editor: editorA,
    partner: partnerA,
    keyId: key.data!.createApiKey.apiKey.id,
    invitationId: invite.data!.inviteMember.invitation!.id,
    seriesId,
    episodeId: episodes.data!.series.episodes.nodes[0]!.id,
    documentId: document.body.id,
    trackId: track.data!.setSubtitles.id,
  };
  b = { owner: await server.member(OrganizationKind.STUDIO, Role.OWNER, 'B'), partner: await server.member(OrganizationKind.PARTNER, Role.PARTNER_ADMIN, 'B') };
  // A transcript offered to org A as a subtitle draft (screenings write them; no mutation creates one).
  await server.orm.em.getConnection().execute(
    `insert into subtitle_draft (id, episode_id, language, content, cues, cue_count, media_sha256, model, created_at) values (?, ?, 'zh-Hans', ?, ?, 1, ?, 'whisper-1', now())`,
    [DRAFT_ID, a.episodeId, 'WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n你好\n', JSON.stringify([{ start: 0, end: 1, text: '你好' }]), 'a'.repeat(64)],
  );
});
const DRAFT_ID = '6f1d3c9e-8b2a-4c1e-9f3a-2b7d5e8c1a40';
afterAll(() => server?.stop());

async function snapshot(): Promise<string> {
  const conn = server.orm.em.getConnection();
  const parts = [];
  for (const table of ['organization', 'app_user', 'membership', 'invitation', 'api_key', 'series', 'episode', 'episode_price_term', 'series_license', 'license_document', 'subtitle_track', 'subtitle_draft', 'localized_text', 'episode_upload', 'media_revision', 'review_case', 'review_settings', 'release_plan', 'partner_profile', 'webhook_endpoint']) {
    parts.push(JSON.stringify(await conn.execute(`select * from "${table}" order by 1`)));
  }
  return parts.join('\n');
}

type Attempt = () => Promise<{ res: Awaited<ReturnType<TestServer['gql']>>; expectCode?: string; leaks?: (data: unknown) => boolean }>;

/** One entry per operation in the schema; the coverage test below fails when one is missing. */
const attempts: Record<string, Attempt> = {
  viewer: async () => ({
    res: await server.gql(graphql('{ viewer { organizations { id } memberships { organization { id } } } }'), {}, { token: b.owner.token }),
    leaks: (data) => JSON.stringify(data).includes(a.owner.organizationId),
  }),
  organizations: async () => ({
    res: await server.gql(graphql('{ organizations { id } }'), {}, { token: b.owner.token }),
    leaks: (data) => JSON.stringify(data).includes(a.owner.organizationId),
  }),
  organization: async () => ({
    res: await server.gql(graphql('query($id: ID!) { organization(id: $id) { id name } }'), { id: a.owner.organizationId }, { token: b.owner.token }),
    expectCode: 'NOT_FOUND',
  }),
  members: async () => ({
    res: await server.gql(graphql('query($id: ID!) { members(organizationId: $id) { id user { email } } }'), { id: a.owner.organizationId }, { token: b.owner.token }),
    expectCode: 'NOT_FOUND',
  }),
  invitations: async () => ({
    res: await server.gql(graphql('query($id: ID!) { invitations(organizationId: $id) { id email } }'), { id: a.owner.organizationId }, { token: b.owner.token }),
    expectCode: 'NOT_FOUND',
  }),
  apiKeys: async () => ({
    res: await server.gql(graphql('query($id: ID!) { apiKeys(organizationId: $id) { id prefix } }'), { id: a.partner.organizationId }, { token: b.partner.token }),
    expectCode: 'NOT_FOUND',
  }),
  auditEvents: async () => ({
    res: await server.gql(graphql('query($id: ID) { auditEvents(organizationId: $id) { nodes { id } } }'), { id: a.owner.organizationId }, { token: b.owner.token }),
    expectCode: 'FORBIDDEN',
  }),
  signIn: async () => ({
    // Signing in is public; B cannot use it to reach A: a wrong password for A's owner gets nothing.
    res: await server.gql(graphql('mutation($i: SignInInput!) { signIn(input: $i) { token } }'), { i: { email: a.owner.email, password: 'guessing-from-b' } }),
    expectCode: 'UNAUTHENTICATED',
  }),
  signOut: async () => {
    // Signing out only ever ends the caller's own session: A's session still works afterwards.
    const throwaway = await server.signIn(b.owner.email);
    const res = await server.gql(graphql('mutation { signOut }'), {}, { token: throwaway });
    const stillA = await server.gql(graphql('{ viewer { kind } }'), {}, { token: a.owner.token });
    expect(stillA.data?.viewer.kind).toBe('USER');
    return { res };
  },
  createOrganization: async () => ({
    res: await server.gql(graphql('mutation { createOrganization(input: { name: "Sneaky", kind: STUDIO }) { id } }'), {}, { token: b.owner.token }),
    expectCode: 'FORBIDDEN',
  }),
  setOrganizationSuspended: async () => ({
    res: await server.gql(graphql('mutation($id: ID!) { setOrganizationSuspended(id: $id, suspended: true, reason: "Sneaky") { id } }'), { id: a.owner.organizationId }, { token: b.owner.token }),
    expectCode: 'FORBIDDEN',
  }),
  inviteMember: async () => ({
    res: await server.gql(
      graphql('mutation($i: InviteMemberInput!) { inviteMember(input: $i) { invitationToken } }'),
      { i: { organizationId: a.owner.organizationId, email: 'spy@example.com', role: 'OWNER' } },
      { token: b.owner.token },
    ),
    expectCode: 'NOT_FOUND',
  }),
  acceptInvitation: async () => ({
    // Knowing A's invitation id is not enough: only the one-time token accepts it.
    res: await server.gql(graphql('mutation($i: AcceptInvitationInput!) { acceptInvitation(input: $i) { id } }'), {
      i: { token: a.invitationId, name: 'Spy', password: 'long enough password' },
    }),
    expectCode: 'NOT_FOUND',
  }),
  joinOrganization: async () => ({
    // B's owner, holding A's invitation id (not its token), joins nothing.
    res: await server.gql(graphql(`mutation TenancyJoin($t: String!) { joinOrganization(token: $t) { id } }`), { t: a.invitationId }, { token: b.owner.token }),
    expectCode: 'NOT_FOUND',
  }),
  changeMemberRole: async () => {
    const members = await server.gql(
      graphql('query($id: ID!) { members(organizationId: $id) { id user { email } } }'),
      { id: a.owner.organizationId },
      { token: a.owner.token },
    );
    const editorMembership = members.data!.members.find((m) => m.user.email === a.editor.email)!;
    return {
      res: await server.gql(graphql('mutation($i: ChangeMemberRoleInput!) { changeMemberRole(input: $i) { id role } }'), { i: { membershipId: editorMembership.id, role: 'OWNER' } }, { token: b.owner.token }),
      expectCode: 'NOT_FOUND',
    };
  },
  removeMember: async () => {
    const members = await server.gql(graphql('query($id: ID!) { members(organizationId: $id) { id } }'), { id: a.owner.organizationId }, { token: a.owner.token });
    return {
      res: await server.gql(graphql('mutation($id: ID!) { removeMember(membershipId: $id) }'), { id: members.data!.members[0]!.id }, { token: b.owner.token }),
      expectCode: 'NOT_FOUND',
    };
  },
  createApiKey: async () => ({
    res: await server.gql(graphql('mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret } }'), { i: { organizationId: a.partner.organizationId, name: 'stolen' } }, { token: b.partner.token }),
    expectCode: 'NOT_FOUND',
  }),
  revokeApiKey: async () => ({
    res: await server.gql(graphql('mutation($id: ID!) { revokeApiKey(id: $id) { id } }'), { id: a.keyId }, { token: b.partner.token }),
    expectCode: 'NOT_FOUND',
  }),
  seriesList: async () => ({
    res: await server.gql(graphql('query($s: ID!) { seriesList(studioId: $s) { nodes { id } } }'), { s: a.owner.organizationId }, { token: b.owner.token }),
    expectCode: 'NOT_FOUND',
  }),
  series: async () => ({
    res: await server.gql(graphql('query($id: ID!) { series(id: $id) { title } }'), { id: a.seriesId }, { token: b.owner.token }),
    expectCode: 'NOT_FOUND',
  }),
  createSeries: async () => ({
    res: await server.gql(graphql('mutation($s: ID!) { createSeries(studioId: $s, input: { title: "Planted", originalLanguage: "en" }) { id } }'), { s: a.owner.organizationId }, { token: b.owner.token }),
    expectCode: 'NOT_FOUND',
  }),
  updateSeries: async () => ({
    res: await server.gql(graphql('mutation($id: ID!) { updateSeries(id: $id, input: { title: "Defaced" }) { id } }'), { id: a.seriesId }, { token: b.owner.token }),
    expectCode: 'NOT_FOUND',
  }),
  archiveSeries: async () => ({
    res: await server.gql(graphql('mutation($id: ID!) { archiveSeries(id: $id) { id } }'), { id: a.seriesId }, { token: b.owner.token }),
    expectCode: 'NOT_FOUND',
  }),
  restoreSeries: async () => ({
    res: await server.gql(graphql('mutation($id: ID!) { restoreSeries(id: $id) { id } }'), { id: a.seriesId }, { token: b.owner.token }),
    expectCode: 'NOT_FOUND',
  }),
  episode: async () => ({
    res: await server.gql(graphql('query($id: ID!) { episode(id: $id) { title } }'), { id: a.episodeId }, { token: b.owner.token }),
    expectCode: 'NOT_FOUND',
  }),
  addEpisodes: async () => ({
    res: await server.gql(graphql('mutation($i: AddEpisodesInput!) { addEpisodes(input: $i) { id } }'), { i: { seriesId: a.seriesId, fromNumber: 50, toNumber: 51 } }, { token: b.owner.token }),
    expectCode: 'NOT_FOUND',
  }),
  updateEpisode: async () => ({
    res: await server.gql(graphql('mutation($i: UpdateEpisodeInput!) { updateEpisode(input: $i) { id } }'), { i: { id: a.episodeId, title: 'Defaced' } }, { token: b.owner.token }),
    expectCode: 'NOT_FOUND',
  }),
  renumberEpisodes: async () => ({
    res: await server.gql(graphql('mutation($i: RenumberEpisodesInput!) { renumberEpisodes(input: $i) { id } }'), { i: { seriesId: a.seriesId, moves: [{ episodeId: a.episodeId, number: 99 }] } }, { token: b.owner.token }),
    expectCode: 'NOT_FOUND',
  }),
  deleteEpisode: async () => ({
    res: await server.gql(graphql('mutation($id: ID!) { deleteEpisode(id: $id) }'), { id: a.episodeId }, { token: b.owner.token }),
    expectCode: 'NOT_FOUND',
  }),
  setEpisodePrices: async () => ({
    res: await server.gql(graphql('mutation($i: SetEpisodePricesInput!) { setEpisodePrices(input: $i) { price { free } } }'), { i: { seriesId: a.seriesId, fromNumber: 1, toNumber: 3, territory: 'US', free: true } }, { token: b.owner.token }),
    expectCode: 'NOT_FOUND',
  }),
  clearEpisodePrices: async () => ({
    res: await server.gql(graphql('mutation($i: ClearEpisodePricesInput!) { clearEpisodePrices(input: $i) }'), { i: { seriesId: a.seriesId, fromNumber: 1, toNumber: 3, territory: 'US' } }, { token: b.owner.token }),
    expectCode: 'NOT_FOUND',
  }),
  setLicense: async () => ({
    res: await server.gql(
      graphql('mutation($id: ID!, $i: LicenseInput!) { setLicense(seriesId: $id, input: $i) { id } }'),
      { id: a.seriesId, i: { sourceWorkTitle: 'x', sourceWorkKind: 'NOVEL' as const, licensor: 'x', licenseKind: 'ORIGINAL' as const, territoriesIncluded: ['US'] } },
      { token: b.owner.token },
    ),
    expectCode: 'NOT_FOUND',
  }),
  availsCsv: async () => {
    // Naming B's own studio with A's series must not reach A's series either.
    const cross = await server.gql(graphql('query($s: ID!, $id: ID) { availsCsv(studioId: $s, seriesId: $id) }'), { s: b.owner.organizationId, id: a.seriesId }, { token: b.owner.token });
    expect(errorCode(cross)).toBe('NOT_FOUND');
    return { res: await server.gql(graphql('query($s: ID!) { availsCsv(studioId: $s) }'), { s: a.owner.organizationId }, { token: b.owner.token }), expectCode: 'NOT_FOUND' };
  },
  setSubtitles: async () => ({
    res: await server.gql(graphql('mutation($i: SubtitlesInput!) { setSubtitles(input: $i) { id } }'), { i: { episodeId: a.episodeId, language: 'en', format: 'WEBVTT', content: 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nPlanted\n' } }, { token: b.owner.token }),
    expectCode: 'NOT_FOUND',
  }),
  acceptSubtitleDraft: async () => ({
    res: await server.gql(graphql('mutation($id: ID!) { acceptSubtitleDraft(id: $id) { id } }'), { id: DRAFT_ID }, { token: b.owner.token }),
    expectCode: 'NOT_FOUND',
  }),
  discardSubtitleDraft: async () => ({
    res: await server.gql(graphql('mutation($id: ID!) { discardSubtitleDraft(id: $id) }'), { id: DRAFT_ID }, { token: b.owner.token }),
    expectCode: 'NOT_FOUND',
  }),
  removeSubtitles: async () => ({
    res: await server.gql(graphql('mutation($id: ID!) { removeSubtitles(episodeId: $id, language: "en") }'), { id: a.episodeId }, { token: b.owner.token }),
    expectCode: 'NOT_FOUND',
  }),
  removeAudioTrack: async () => ({
    res: await server.gql(graphql('mutation($id: ID!) { removeAudioTrack(episodeId: $id, language: "es") }'), { id: a.episodeId }, { token: b.owner.token }),
    expectCode: 'NOT_FOUND',
  }),
  requestSubtitleTranslations: async () => ({
    res: await server.gql(graphql('mutation($i: SubtitleTranslationsInput!) { requestSubtitleTranslations(input: $i) { id } }'), { i: { trackId: a.trackId, languages: ['es'] } }, { token: b.owner.token }),
    expectCode: 'NOT_FOUND',
  }),
  subtitleTranslationCapability: async () => ({
    res: await server.gql(graphql('{ subtitleTranslationCapability { available unavailableReason } }'), {}, { token: b.owner.token }),
    leaks: (data) => JSON.stringify(data).includes(a.owner.organizationId),
  }),
  setSeriesLocalizations: async () => ({
    res: await server.gql(graphql('mutation($id: ID!) { setSeriesLocalizations(seriesId: $id, localizations: [{ language: "es", title: "Planted" }]) { language } }'), { id: a.seriesId }, { token: b.owner.token }),
    expectCode: 'NOT_FOUND',
  }),
  removeSeriesLocalization: async () => ({
    res: await server.gql(graphql('mutation($id: ID!) { removeSeriesLocalization(seriesId: $id, language: "es") { language } }'), { id: a.seriesId }, { token: b.owner.token }),
    expectCode: 'NOT_FOUND',
  }),
  setEpisodeLocalizations: async () => ({
    res: await server.gql(graphql('mutation($id: ID!) { setEpisodeLocalizations(episodeId: $id, localizations: [{ language: "es", title: "Planted" }]) { language } }'), { id: a.episodeId }, { token: b.owner.token }),
    expectCode: 'NOT_FOUND',
  }),
  removeEpisodeLocalization: async () => ({
    res: await server.gql(graphql('mutation($id: ID!) { removeEpisodeLocalization(episodeId: $id, language: "es") { language } }'), { id: a.episodeId }, { token: b.owner.token }),
    expectCode: 'NOT_FOUND',
  }),
  submitForReview: async () => ({
    res: await server.gql(graphql('mutation($i: SubmitForReviewInput!) { submitForReview(input: $i) { id } }'), { i: { episodeIds: [a.episodeId], territories: ['US'] } }, { token: b.owner.token }),
    expectCode: 'NOT_FOUND',
  }),
  reviewCase: async () => ({
    // No case of A's exists yet; a made-up id and B's own lack of access both answer NOT_FOUND.
    res: await server.gql(graphql('query($id: ID!) { reviewCase(id: $id) { id } }'), { id: a.episodeId }, { token: b.owner.token }),
    expectCode: 'NOT_FOUND',
  }),
  policyPacks: async () => ({ res: await server.gql(graphql('{ policyPacks { territory } }'), {}, { token: b.owner.token }), expectCode: 'FORBIDDEN' }),
  reviewSettings: async () => ({ res: await server.gql(graphql('{ reviewSettings { autoApproveEnabled } }'), {}, { token: b.owner.token }), expectCode: 'FORBIDDEN' }),
  updateReviewSettings: async () => ({
    res: await server.gql(graphql('mutation { updateReviewSettings(input: { autoApproveEnabled: true, autoApproveMaxRisk: 100, studioSeesFindingsBeforeDecision: true }) { autoApproveEnabled } }'), {}, { token: b.owner.token }),
    expectCode: 'FORBIDDEN',
  }),
  reviewQueue: async () => ({ res: await server.gql(graphql('{ reviewQueue { nodes { id } } }'), {}, { token: b.owner.token }), expectCode: 'FORBIDDEN' }),
  queueStats: async () => ({ res: await server.gql(graphql('{ queueStats { pending } }'), {}, { token: b.owner.token }), expectCode: 'FORBIDDEN' }),
  reviewStats: async () => ({ res: await server.gql(graphql('{ reviewStats { territory } }'), {}, { token: b.owner.token }), expectCode: 'FORBIDDEN' }),
  reviewStatsByDetector: async () => ({ res: await server.gql(graphql('{ reviewStatsByDetector { detector } }'), {}, { token: b.owner.token }), expectCode: 'FORBIDDEN' }),
  claimNextCase: async () => ({ res: await server.gql(graphql('mutation { claimNextCase { id } }'), {}, { token: b.owner.token }), expectCode: 'FORBIDDEN' }),
  claimCase: async () => ({ res: await server.gql(graphql('mutation($id: ID!) { claimCase(caseId: $id) { id } }'), { id: a.episodeId }, { token: b.owner.token }), expectCode: 'FORBIDDEN' }),
  extendClaim: async () => ({ res: await server.gql(graphql('mutation($id: ID!) { extendClaim(caseId: $id) { id } }'), { id: a.episodeId }, { token: b.owner.token }), expectCode: 'FORBIDDEN' }),
  releaseCase: async () => ({ res: await server.gql(graphql('mutation($id: ID!) { releaseCase(caseId: $id) { id } }'), { id: a.episodeId }, { token: b.owner.token }), expectCode: 'FORBIDDEN' }),
  escalateCase: async () => ({ res: await server.gql(graphql('mutation($id: ID!) { escalateCase(caseId: $id, note: "x") { id } }'), { id: a.episodeId }, { token: b.owner.token }), expectCode: 'FORBIDDEN' }),
  markContentMatchLicensed: async () => ({ res: await server.gql(graphql('mutation($id: ID!) { markContentMatchLicensed(matchId: $id, note: "licensed re-release") { id } }'), { id: a.episodeId }, { token: b.owner.token }), expectCode: 'FORBIDDEN' }),
  removeLicenseDocument: async () => ({ res: await server.gql(graphql('mutation($id: ID!) { removeLicenseDocument(id: $id) }'), { id: a.documentId }, { token: b.owner.token }), expectCode: 'NOT_FOUND' }),
  holdCase: async () => ({ res: await server.gql(graphql('mutation($id: ID!) { holdCase(caseId: $id, held: true, reason: "x") { id } }'), { id: a.episodeId }, { token: b.owner.token }), expectCode: 'FORBIDDEN' }),
  assignCase: async () => ({ res: await server.gql(graphql('mutation($id: ID!) { assignCase(caseId: $id, reviewerId: $id) { id } }'), { id: a.episodeId }, { token: b.owner.token }), expectCode: 'FORBIDDEN' }),
  decideCase: async () => ({
    res: await server.gql(graphql('mutation($i: DecideCaseInput!) { decideCase(input: $i) { id } }'), { i: { caseId: a.episodeId, version: 1, decisions: [{ territory: 'US', decision: 'APPROVE' }] } }, { token: b.owner.token }),
    expectCode: 'FORBIDDEN',
  }),
  addCaseComment: async () => ({ res: await server.gql(graphql('mutation($id: ID!) { addCaseComment(caseId: $id, input: { text: "x" }) { id } }'), { id: a.episodeId }, { token: b.owner.token }), expectCode: 'FORBIDDEN' }),
  appealCase: async () => ({ res: await server.gql(graphql('mutation($id: ID!) { appealCase(caseId: $id, statement: "Please look again at this.") { id } }'), { id: a.episodeId }, { token: b.owner.token }), expectCode: 'NOT_FOUND' }),
  takeDownEpisode: async () => ({ res: await server.gql(graphql('mutation($id: ID!) { takeDownEpisode(episodeId: $id, reason: "because") { id } }'), { id: a.episodeId }, { token: b.owner.token }), expectCode: 'FORBIDDEN' }),
  catalog: async () => ({ res: await server.gql(graphql('{ catalog(territory: "US") { nodes { id } } }'), {}, { token: b.owner.token }), expectCode: 'FORBIDDEN' }),
  node: async () => ({ res: await server.gql(graphql('query($id: ID!) { node(id: $id) { id } }'), { id: a.seriesId }, { token: b.owner.token }), expectCode: 'FORBIDDEN' }),
  playback: async () => ({ res: await server.gql(graphql('query($id: ID!) { playback(episodeId: $id, territory: "US") { url } }'), { id: a.episodeId }, { token: b.owner.token }), expectCode: 'FORBIDDEN' }),
  changes: async () => ({ res: await server.gql(graphql('{ changes { nodes { id } } }'), {}, { token: b.owner.token }), expectCode: 'FORBIDDEN' }),
  partners: async () => ({
    res: await server.gql(graphql('{ partners { organization { id name } } }'), {}, { token: b.owner.token }),
    leaks: (data) => JSON.stringify(data).includes(a.owner.organizationId),
  }),
  updatePartner: async () => ({
    res: await server.gql(graphql('mutation($id: ID!) { updatePartner(partnerId: $id, input: { territories: ["US"], currency: "USD" }) { currency } }'), { id: a.partner.organizationId }, { token: b.partner.token }),
    expectCode: 'FORBIDDEN',
  }),
  setReleasePlan: async () => ({
    res: await server.gql(graphql('mutation($s: ID!, $p: ID!) { setReleasePlan(seriesId: $s, partnerId: $p, input: { mode: ALL_AT_ONCE, startsAt: "2026-01-01T00:00:00Z" }) { id } }'), { s: a.seriesId, p: b.partner.organizationId }, { token: b.owner.token }),
    expectCode: 'NOT_FOUND',
  }),
  removeReleasePlan: async () => ({
    res: await server.gql(graphql('mutation($s: ID!, $p: ID!) { removeReleasePlan(seriesId: $s, partnerId: $p) }'), { s: a.seriesId, p: a.partner.organizationId }, { token: b.owner.token }),
    expectCode: 'NOT_FOUND',
  }),
  webhookEndpoints: async () => ({ res: await server.gql(graphql('query($p: ID!) { webhookEndpoints(partnerId: $p) { id } }'), { p: a.partner.organizationId }, { token: b.partner.token }), expectCode: 'NOT_FOUND' }),
  createWebhookEndpoint: async () => ({
    res: await server.gql(graphql('mutation($p: ID!) { createWebhookEndpoint(partnerId: $p, url: "https://evil.example.com/hook") { secret } }'), { p: a.partner.organizationId }, { token: b.partner.token }),
    expectCode: 'NOT_FOUND',
  }),
  setWebhookEndpointEnabled: async () => ({ res: await server.gql(graphql('mutation($id: ID!) { setWebhookEndpointEnabled(id: $id, enabled: false) { id } }'), { id: a.keyId }, { token: b.partner.token }), expectCode: 'NOT_FOUND' }),
  webhookDeliveries: async () => ({ res: await server.gql(graphql('query($id: ID!) { webhookDeliveries(endpointId: $id) { id } }'), { id: a.keyId }, { token: b.partner.token }), expectCode: 'NOT_FOUND' }),
  redeliverWebhook: async () => ({ res: await server.gql(graphql('mutation { redeliverWebhook(deliveryId: "msg_1_abcdef12") { id } }'), {}, { token: b.partner.token }), expectCode: 'NOT_FOUND' }),
  // Checks the input's own rules only: it reads no studio's data, so org B learns nothing of org A's.
  seriesInputProblems: async () => ({
    res: await server.gql(graphql('query($i: SeriesInput!) { seriesInputProblems(input: $i, forUpdate: true) { field message } }'), { i: { title: 'Mine now' } }, { token: b.owner.token }),
    leaks: (data) => JSON.stringify(data).includes(a.owner.organizationId),
  }),
  episodePricesInputProblems: async () => ({
    res: await server.gql(graphql('query($i: SetEpisodePricesInput!) { episodePricesInputProblems(input: $i) { field message } }'), { i: { seriesId: a.seriesId, fromNumber: 3, toNumber: 1, territory: 'US', coins: 5 } }, { token: b.owner.token }),
    leaks: (data) => JSON.stringify(data).includes(a.seriesId) || JSON.stringify(data).includes('secret'),
  }),
  licenseInputProblems: async () => ({
    res: await server.gql(
      graphql('query($i: LicenseInput!) { licenseInputProblems(input: $i) { field message } }'),
      { i: { sourceWorkTitle: 'Mine now', sourceWorkKind: 'NOVEL', licensor: 'Someone', licenseKind: 'ADAPTATION', territoriesIncluded: ['WORLDWIDE'], windowStart: '2027-01-01T00:00:00.000Z', windowEnd: '2026-01-01T00:00:00.000Z' } },
      { token: b.owner.token },
    ),
    leaks: (data) => JSON.stringify(data).includes(a.seriesId) || JSON.stringify(data).includes(a.owner.organizationId),
  }),
  currencies: async () => ({
    res: await server.gql(graphql('{ currencies { code exponent } }'), {}, { token: b.owner.token }),
    leaks: (data) => JSON.stringify(data).includes(a.owner.organizationId),
  }),
  territories: async () => ({
    res: await server.gql(graphql('{ territories }'), {}, { token: b.owner.token }),
    leaks: (data) => JSON.stringify(data).includes(a.owner.organizationId),
  }),
  releaseHorizon: async () => ({
    res: await server.gql(graphql('{ releaseHorizon { horizonYears latestStartsAt earliestDropsStartsAt } }'), {}, { token: b.owner.token }),
    leaks: (data) => JSON.stringify(data).includes(a.owner.organizationId),
  }),
  uploadPolicy: async () => ({
    res: await server.gql(graphql('{ uploadPolicy { maxBytes acceptedTypes acceptedExtensions maxDurationSeconds } }'), {}, { token: b.owner.token }),
    leaks: (data) => JSON.stringify(data).includes(a.owner.organizationId),
  }),
};

describe('tenant isolation', () => {
  it('covers every query and mutation in the schema', async () => {
    const schema = await buildGreenlightSchema();
    const operations = [...Object.keys(schema.getQueryType()!.getFields()), ...Object.keys(schema.getMutationType()!.getFields())];
    expect(Object.keys(attempts).sort()).toEqual(operations.sort());
  });

  for (const [operation, attempt] of Object.entries(attempts)) {
    it(`${operation}: org B reads and changes nothing of org A`, async () => {
      const before = await snapshot();
      const { res, expectCode, leaks } = await attempt();
      if (expectCode) {
        expect(errorCode(res)).toBe(expectCode);
        expect(JSON.stringify(res.data ?? null)).not.toContain(a.owner.organizationId);
      }
      if (leaks) {
        expect(res.errors).toBeUndefined();
        expect(leaks(res.data)).toBe(false);
      }
      expect(await snapshot()).toBe(before);
    });
  }
});

describe('roles inside one organization', () => {
  it('an editor cannot invite, change roles or remove members; a viewer can only read', async () => {
    const before = await snapshot();
    const invite = await server.gql(
      graphql('mutation($i: InviteMemberInput!) { inviteMember(input: $i) { invitationToken } }'),
      { i: { organizationId: a.owner.organizationId, email: 'x@example.com', role: 'EDITOR' } },
      { token: a.editor.token },
    );
    expect(errorCode(invite)).toBe('FORBIDDEN');
    const viewer = await server.addMember(a.owner.organizationId, Role.VIEWER);
    const read = await server.gql(graphql('query($id: ID!) { members(organizationId: $id) { id } }'), { id: a.owner.organizationId }, { token: viewer.token });
    expect(read.data?.members.length).toBeGreaterThanOrEqual(3);
    const remove = await server.gql(graphql('mutation($id: ID!) { removeMember(membershipId: $id) }'), { id: '00000000-0000-4000-8000-000000000000' }, { token: viewer.token });
    expect(errorCode(remove)).toBe('FORBIDDEN');
    // Only the viewer's own membership was added above.
    expect((await snapshot()).length).toBeGreaterThan(before.length);
  });
});
