import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareFrames, MATCH_MAX_DISTANCE, MATCH_MIN_FRAMES } from '../src/modules/fingerprints/content-matching';
import { flippedLeftToRight, frameHashes, type FrameHash } from '../src/modules/fingerprints/frame-hashes';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { seriesWithEpisodes } from './support/catalog';
import { postLicenseDocument } from './support/license-documents';
import { LICENSE } from './support/publishing';
import { acknowledgingCancels, eventually, readyEpisode, uploadClip } from './support/media';
import { COPIES, copyOf, sceneClip } from './support/scenes';
import { errorCode, TestServer, type SignedInMember } from './support/server';
import { sha256Of } from './support/videos';
import { graphql } from '../../schema/graphql';

describe('perceptual fingerprints (real ffmpeg and pHash)', () => {
  let original: FrameHash[];
  beforeAll(async () => {
    original = await frameHashes(await sceneClip('fp-original', 101));
  });

  it('sample one frame per second of the video', () => {
    expect(original.map((f) => f.atMs)).toEqual([0, 1000, 2000, 3000, 4000, 5000, 6000, 7000]);
  });

  for (const kind of Object.keys(COPIES) as Array<keyof typeof COPIES>) {
    it(`a ${kind} copy matches the original at the same moments`, async () => {
      const copy = await frameHashes(copyOf(await sceneClip('fp-original', 101), kind));
      const match = compareFrames(copy, original);
      expect(match, `${kind} copy`).not.toBeNull();
      expect(match!.mirrored).toBe(kind === 'mirrored');
      expect(match!.moments.length).toBeGreaterThanOrEqual(original.length - 1);
      for (const m of match!.moments) expect(Math.abs(m.atMs - m.matchedAtMs)).toBeLessThanOrEqual(1000);
      // Seen from the original's side too (its mirrored hashes against the copy's).
      expect(compareFrames(original, copy)?.mirrored, `${kind} copy, from the original`).toBe(kind === 'mirrored');
    });
  }

  it('a mirrored copy does not match as shown, only mirrored: its pictures differ from the original’s', async () => {
    const mirrored = await frameHashes(copyOf(await sceneClip('fp-original', 101), 'mirrored'));
    expect(compareFrames(mirrored.map(({ atMs, hash }) => ({ atMs, hash })), original)).toBeNull();
  });

  it('the mirrored hash is the hash of the frame flipped left to right', () => {
    const pixels = Buffer.from(Array.from({ length: 16 }, (_, i) => i));
    expect([...flippedLeftToRight(pixels, 4)]).toEqual([3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12]);
    expect(flippedLeftToRight(flippedLeftToRight(pixels, 4), 4).equals(pixels)).toBe(true);
  });

  it('unrelated clips do not match, not even one frame', async () => {
    for (const seed of [202, 303, 404]) {
      const other = await frameHashes(await sceneClip(`fp-unrelated-${seed}`, seed));
      expect(compareFrames(other, original), `seed ${seed}`).toBeNull();
      expect(compareFrames(other, original.concat(original))).toBeNull();
      // Nor mirrored: flipping an unrelated clip does not make it the original.
      expect(compareFrames(await frameHashes(copyOf(await sceneClip(`fp-unrelated-${seed}`, seed), 'mirrored')), original), `seed ${seed} mirrored`).toBeNull();
    }
  });

  it(`a match needs ${MATCH_MIN_FRAMES} frames within ${MATCH_MAX_DISTANCE} bits`, () => {
    const near = (f: FrameHash, bits: number): FrameHash => ({ atMs: f.atMs, hash: BigInt.asIntN(64, f.hash ^ ((1n << BigInt(bits)) - 1n)) });
    expect(compareFrames(original.slice(0, MATCH_MIN_FRAMES).map((f) => near(f, MATCH_MAX_DISTANCE)), original)?.moments).toHaveLength(MATCH_MIN_FRAMES);
    expect(compareFrames(original.slice(0, MATCH_MIN_FRAMES - 1).map((f) => near(f, 0)), original)).toBeNull();
    expect(compareFrames(original.map((f) => near(f, MATCH_MAX_DISTANCE + 1)), original)).toBeNull();
  });
});

describe('matching across the platform, through the API as every role', () => {
  let server: TestServer;
  let owner: SignedInMember; // studio A: owns the original
  let pirate: SignedInMember; // studio B: uploads a copy
  let pirateEditor: SignedInMember;
  let pirateViewer: SignedInMember;
  let reviewer: SignedInMember;
  let lead: SignedInMember;
  let admin: SignedInMember;
  let partner: SignedInMember;
  let originalClip: string;
  let unrelatedClip: string;
  let original: { seriesId: string; episodeIds: string[] };
  let copy: { seriesId: string; episodeIds: string[] };
  const ORIGINAL_TITLE = 'Jade Palace Secrets';

  const episodesOf = async (seriesId: string, token: string) =>
    (await server.gql(graphql('query($id: ID!) { series(id: $id) { episodes { nodes { id } } } }'), { id: seriesId }, { token })).data!.series.episodes.nodes.map((n) => n.id);

/** Everything a studio reads about its case, its episode and its series. */
  const STUDIO_VIEW = graphql(`
      query($case: ID!, $episode: ID!, $series: ID!) {
        reviewCase(id: $case) { id status aiStatus aiError riskScore progress escalated escalationNote held
          verdicts { territory verdict riskScore reasons } findings { territory ruleId category severity source evidence explanation }
          assessment { provider model policyVersion aiCompleted calls keyframes } decisions { territory decision actorLabel notes }
          comments { text authorLabel } history { action actorLabel summary } }
        episode(id: $episode) { id status uploadError possibleDuplicates { message episodeId seriesTitle moments { atSeconds } }
          media { id sha256 warnings } reviewCases { id escalated escalationNote } }
        series(id: $series) { id title episodes { nodes { id status possibleDuplicates { message } } } }
      }`);

  /** What the original's owner reads about its episode and series. */
  const OWNER_VIEW = graphql(`
    query($episode: ID!, $series: ID!) {
      episode(id: $episode) { id status uploadError possibleDuplicates { message episodeId seriesTitle matchedFrames moments { atSeconds matchedAtSeconds distance } }
        media { id sha256 warnings } reviewCases { id status escalated escalationNote held } }
      series(id: $series) { id title episodes { nodes { id status possibleDuplicates { message episodeId } } } }
    }`);

  /** A view as plain JSON with its ids, hashes and times blanked, to compare two cases field by field. */
  const shape = (value: unknown): unknown =>
    JSON.parse(
      JSON.stringify(value)
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
        .replace(/\b[0-9a-f]{64}\b/gi, '<sha256>')
        .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>'),
    );

  const submit = async (episodeId: string, token: string) => {
    const res = await server.gql(graphql('mutation($i: SubmitForReviewInput!) { submitForReview(input: $i) { id } }'), { i: { episodeIds: [episodeId], territories: ['US'] } }, { token });
    if (!res.data) throw new Error(JSON.stringify(res.errors));
    return res.data.submitForReview[0]!.id;
  };

  const screened = (caseId: string) =>
    eventually(
      () => server.gql(graphql('query($id: ID!) { reviewCase(id: $id) { status escalated routedToLead } }'), { id: caseId }, { token: lead.token }),
      (r) => !!r.data && !['QUEUED', 'SCREENING'].includes(r.data.reviewCase.status),
      'screening',
      60_000,
    ).then((r) => r.data!.reviewCase);

  beforeAll(async () => {
    server = await TestServer.start({ REVIEW_MAX_KEYFRAMES: '0' }, undefined, { runWorker: true });
    owner = await server.member(OrganizationKind.STUDIO, Role.OWNER, 'Lotus Originals');
    pirate = await server.member(OrganizationKind.STUDIO, Role.OWNER, 'Copycat');
    pirateEditor = await server.addMember(pirate.organizationId, Role.EDITOR);
    pirateViewer = await server.addMember(pirate.organizationId, Role.VIEWER);
    reviewer = await server.member(OrganizationKind.OPERATOR, Role.REVIEWER);
    lead = await server.addMember(reviewer.organizationId, Role.LEAD);
    admin = await server.addMember(reviewer.organizationId, Role.ADMIN);
    partner = await server.member(OrganizationKind.PARTNER, Role.PARTNER_ADMIN);
    originalClip = await sceneClip('platform-original', 7);
    original = { seriesId: await seriesWithEpisodes(server, owner.token, owner.organizationId, 3, { title: ORIGINAL_TITLE }), episodeIds: [] };
    original.episodeIds = await episodesOf(original.seriesId, owner.token);
    copy = { seriesId: await seriesWithEpisodes(server, pirate.token, pirate.organizationId, 3, { title: 'Palace of Jade' }), episodeIds: [] };
    copy.episodeIds = await episodesOf(copy.seriesId, pirate.token);
    await readyEpisode(server, owner.token, original.episodeIds[0]!, originalClip);
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('fingerprints media when it is processed, one frame per second', async () => {
    const rows = (await server.orm.em.getConnection().execute(
      `select f.frame_count from media_fingerprint f join episode e on e.current_media_id = f.media_revision_id where e.id = ?`,
      [original.episodeIds[0]],
    )) as Array<{ frame_count: number }>;
    expect(rows[0]?.frame_count).toBe(8);
  });

  it('a same-studio duplicate is shown to the studio before it submits, naming its own episode', async () => {
    await readyEpisode(server, owner.token, original.episodeIds[2]!, copyOf(originalClip, 'reencoded'));
    const res = await server.gql(
      graphql('query($id: ID!) { episode(id: $id) { status possibleDuplicates { message episodeId matchedFrames moments { atSeconds matchedAtSeconds distance } } } }'),
      { id: original.episodeIds[2] },
      { token: owner.token },
    );
    expect(res.data!.episode.status).toBe('READY');
    expect(res.data!.episode.possibleDuplicates).toHaveLength(1);
    expect(res.data!.episode.possibleDuplicates[0]).toMatchObject({ message: `Possible duplicate of episode 1 of ${ORIGINAL_TITLE}`, episodeId: original.episodeIds[0] });
    expect(res.data!.episode.possibleDuplicates[0]!.matchedFrames).toBeGreaterThanOrEqual(MATCH_MIN_FRAMES);
    // Seen from the other side too.
    const back = await server.gql(graphql('query($id: ID!) { episode(id: $id) { possibleDuplicates { episodeId } } }'), { id: original.episodeIds[0] }, { token: owner.token });
    expect(back.data!.episode.possibleDuplicates.map((d) => d.episodeId)).toEqual([original.episodeIds[2]]);
  });

  it('the same video made READY at the same moment in two episodes of one studio: each shows the other before submitting, every round', async () => {
    // Each READY transaction matches against media already committed: two at once must not both miss
    // the other. Six rounds, each a fresh pair of episodes uploaded together (a re-encoded copy and its
    // source, so the bytes differ), so the transactions overlap in some of them.
    const ROUNDS = 6;
    const seriesId = await seriesWithEpisodes(server, owner.token, owner.organizationId, ROUNDS * 2, { title: 'Twin Uploads' });
    const episodeIds = await episodesOf(seriesId, owner.token);
    for (let round = 0; round < ROUNDS; round++) {
      const clip = await sceneClip(`fp-together-${round}`, 300 + round);
      const [a, b] = [episodeIds[round * 2]!, episodeIds[round * 2 + 1]!];
      await Promise.all([readyEpisode(server, owner.token, a, clip), readyEpisode(server, owner.token, b, copyOf(clip, 'reencoded'))]);
      for (const [episode, other] of [[a, b], [b, a]] as const) {
        const res = await server.gql(graphql('query($id: ID!) { episode(id: $id) { possibleDuplicates { episodeId } } }'), { id: episode }, { token: owner.token });
        expect(res.data!.episode.possibleDuplicates.map((d) => d.episodeId), `round ${round + 1}`).toEqual([other]);
      }
    }
  }, 120_000);

  it('an unrelated upload matches nothing', async () => {
    unrelatedClip = await sceneClip('platform-unrelated', 8);
    await readyEpisode(server, owner.token, original.episodeIds[1]!, unrelatedClip);
    const res = await server.gql(graphql('query($id: ID!) { episode(id: $id) { possibleDuplicates { episodeId } } }'), { id: original.episodeIds[1] }, { token: owner.token });
    expect(res.data!.episode.possibleDuplicates).toEqual([]);
  });

  describe('a copy of another studio’s episode', () => {
    let caseId: string;
    let secrets: string[];
    let originalRevisionId: string;
    let control: { seriesId: string; episodeId: string; caseId: string };
    let ownerBefore: unknown;
    let copyView: { data?: { reviewCase: unknown; episode: unknown } | null };
    let controlView: { data?: { reviewCase: unknown; episode: unknown } | null };
    const copied = () => copy.episodeIds[0]!;

    /** Cropped by 5 % and then watermarked: both at once. */
    const croppedAndStamped = async (clip: string) => {
      const cropped = copyOf(clip, 'cropped');
      const stamped = cropped.replace(/\.mp4$/, '-stamped.mp4');
      const { execFileSync } = await import('node:child_process');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      execFileSync((require('@ffmpeg-installer/ffmpeg') as { path: string }).path, ['-v', 'error', '-i', cropped, '-vf', COPIES.watermarked.filter, '-c:v', 'libx264', '-preset', 'ultrafast', '-y', stamped]);
      return stamped;
    };

    beforeAll(async () => {
      ownerBefore = shape(await server.gql(OWNER_VIEW, { episode: original.episodeIds[0], series: original.seriesId }, { token: owner.token }));
      // The control: an unrelated clip made the same way, uploaded by the same studio to a series like the copy's.
      const controlSeries = await seriesWithEpisodes(server, pirate.token, pirate.organizationId, 1, { title: 'Palace of Jade' });
      control = { seriesId: controlSeries, episodeId: (await episodesOf(controlSeries, pirate.token))[0]!, caseId: '' };
      await readyEpisode(server, pirateEditor.token, control.episodeId, await croppedAndStamped(await sceneClip('platform-control', 11)));
      control.caseId = await submit(control.episodeId, pirateEditor.token);
      await readyEpisode(server, pirateEditor.token, copied(), await croppedAndStamped(originalClip));
      caseId = await submit(copied(), pirateEditor.token);
      await screened(caseId);
      await screened(control.caseId);
      // Taken before anyone claims either case (a claim is part of the case's history).
      copyView = await server.gql(STUDIO_VIEW, { case: caseId, episode: copied(), series: copy.seriesId }, { token: pirate.token });
      controlView = await server.gql(STUDIO_VIEW, { case: control.caseId, episode: control.episodeId, series: control.seriesId }, { token: pirate.token });
      const orgName = (await server.orm.em.getConnection().execute(`select name from organization where id = ?`, [owner.organizationId])) as Array<{ name: string }>;
      const revision = (await server.orm.em.getConnection().execute(`select current_media_id::text as id from episode where id = ?`, [original.episodeIds[0]])) as Array<{ id: string }>;
      originalRevisionId = revision[0]!.id;
      secrets = [ORIGINAL_TITLE, orgName[0]!.name, owner.organizationId, original.seriesId, ...original.episodeIds, originalRevisionId, sha256Of(originalClip), owner.email, 'another studio', 'copy'];
    }, 120_000);

    it('goes to a lead, with both series and the matching moments for operators', async () => {
      const view = await screened(caseId);
      // Routed through the operators' flag; the studio-visible escalation stays untouched.
      expect(view).toMatchObject({ status: 'PENDING_REVIEW', routedToLead: true, escalated: false });
      expect(await screened(control.caseId)).toMatchObject({ status: 'PENDING_REVIEW', routedToLead: false, escalated: false });
      for (const token of [reviewer.token, lead.token, admin.token]) {
        const res = await server.gql(
          graphql(`query($id: ID!) { reviewCase(id: $id) { contentMatches { message sameStudio matchedFrames licensed episodeId seriesTitle matchedEpisodeId matchedEpisodeNumber matchedSeriesTitle matchedStudioName mediaRevisionId matchedRevisionId moments { atSeconds matchedAtSeconds distance } } } }`),
          { id: caseId },
          { token },
        );
        expect(res.errors).toBeUndefined();
        // The original and studio A's own re-encoded duplicate of it.
        expect(res.data!.reviewCase.contentMatches.map((m) => m.matchedEpisodeId).sort()).toEqual([original.episodeIds[0], original.episodeIds[2]].sort());
        const match = res.data!.reviewCase.contentMatches.find((m) => m.matchedEpisodeId === original.episodeIds[0]);
        expect(match).toMatchObject({ sameStudio: false, licensed: false, episodeId: copied(), seriesTitle: 'Palace of Jade', matchedEpisodeId: original.episodeIds[0], matchedEpisodeNumber: 1, matchedSeriesTitle: ORIGINAL_TITLE });
        expect(String(match!.message)).toContain('Possible copy of content owned by another studio');
        expect(match!.moments.length).toBeGreaterThanOrEqual(MATCH_MIN_FRAMES);
        for (const m of match!.moments) expect(m.distance).toBeLessThanOrEqual(MATCH_MAX_DISTANCE);
      }
      // The re-encoded duplicate in studio A matched the original too, but is not part of this case.
      // Reviewers read the case and its matches, and are told it is for leads; the control is not.
      const FOR_LEADS = graphql('query($id: ID!) { reviewCase(id: $id) { forLeadsOnly } }');
      for (const [id, expected] of [[caseId, true], [control.caseId, false]] as const) {
        expect((await server.gql(FOR_LEADS, { id }, { token: reviewer.token })).data!.reviewCase.forLeadsOnly).toBe(expected);
      }
      // A reviewer's queue does not hand out the case: it is for leads.
      const claimed = await server.gql(graphql('mutation { claimNextCase { id } }'), {}, { token: reviewer.token });
      expect(claimed.data?.claimNextCase?.id ?? null).not.toBe(caseId);
      const byLead = await server.gql(graphql('mutation { claimNextCase { id } }'), {}, { token: lead.token });
      expect(byLead.data!.claimNextCase!.id).toBe(caseId);
    });

    it('operators weigh the dispute with both series’ license documents (chain of title)', async () => {
      await server.gql(graphql('mutation($id: ID!, $i: LicenseInput!) { setLicense(seriesId: $id, input: $i) { id } }'), { id: original.seriesId, i: LICENSE }, { token: owner.token });
      const contract = Buffer.from('%PDF-1.7\n% Lotus Press adaptation agreement\n%%EOF\n');
      const attached = await postLicenseDocument(server, owner.token, original.seriesId, 'lotus-agreement.pdf', contract);
      expect(attached.status).toBe(201);
      const DOCS = graphql('query($id: ID!) { reviewCase(id: $id) { contentMatches { matchedEpisodeId licenseDocuments { id } matchedLicenseDocuments { id fileName downloadUrl } } } }');
      for (const token of [reviewer.token, lead.token, admin.token]) {
        const res = await server.gql(DOCS, { id: caseId }, { token });
        expect(res.errors).toBeUndefined();
        const match = res.data!.reviewCase.contentMatches.find((m) => m.matchedEpisodeId === original.episodeIds[0])!;
        expect(match.licenseDocuments).toEqual([]);
        expect(match.matchedLicenseDocuments.map((d) => [d.id, d.fileName])).toEqual([[attached.body.id, 'lotus-agreement.pdf']]);
        const file = await fetch(`${server.url}${match.matchedLicenseDocuments[0]!.downloadUrl}`);
        expect(Buffer.from(await file.arrayBuffer()).equals(contract)).toBe(true);
      }
      for (const member of [pirate, pirateEditor, pirateViewer, partner]) {
        const res = await server.gql(DOCS, { id: caseId }, { token: member.token });
        expect(['FORBIDDEN', 'NOT_FOUND']).toContain(errorCode(res));
        expect(JSON.stringify(res)).not.toContain('lotus-agreement');
      }
    });

    it('leaks nothing about the other studio to the uploader, whatever its role, nor to partners', async () => {
      await screened(caseId);
      const AUDIT = graphql('query($org: ID!) { auditEvents(organizationId: $org, first: 100) { nodes { action summary subjectType subjectId } } }');
      for (const member of [pirate, pirateEditor, pirateViewer]) {
        const res = await server.gql(STUDIO_VIEW, { case: caseId, episode: copied(), series: copy.seriesId }, { token: member.token });
        // Owners also read their organization's audit log.
        const audit = member === pirate ? await server.gql(AUDIT, { org: pirate.organizationId }, { token: member.token }) : null;
        if (audit) expect(audit.errors).toBeUndefined();
        const seen = JSON.stringify([res, audit]).toLowerCase();
        for (const secret of secrets) expect(seen, `${member.email} must not see "${secret}"`).not.toContain(secret.toLowerCase());
        expect(res.data, JSON.stringify(res.errors)).toBeTruthy();
        // The operators' field refuses studio members outright, match or not.
        const matches = await server.gql(graphql('query($id: ID!) { reviewCase(id: $id) { contentMatches { id } } }'), { id: caseId }, { token: member.token });
        expect(errorCode(matches)).toBe('FORBIDDEN');
        expect(JSON.stringify(matches).toLowerCase()).not.toContain(ORIGINAL_TITLE.toLowerCase());
        // So does the operators' routing flag, on this case and on the unrelated one alike.
        for (const id of [caseId, control.caseId]) {
          expect(errorCode(await server.gql(graphql('query($id: ID!) { reviewCase(id: $id) { routedToLead } }'), { id }, { token: member.token })), 'routedToLead').toBe('FORBIDDEN');
          expect(errorCode(await server.gql(graphql('query($id: ID!) { reviewCase(id: $id) { forLeadsOnly } }'), { id }, { token: member.token })), 'forLeadsOnly').toBe('FORBIDDEN');
        }
        // The original's episode and media stay out of reach.
        const probe = await server.gql(graphql('query($id: ID!) { episode(id: $id) { id } }'), { id: original.episodeIds[0] }, { token: member.token });
        expect(errorCode(probe)).toBe('NOT_FOUND');
        const media = await fetch(`${server.url}/media/${originalRevisionId}/video`, { headers: { authorization: `Bearer ${member.token}` } });
        expect([401, 403, 404]).toContain(media.status);
      }
      // Field by field, the studio's case and episode read exactly as for an unrelated upload made the same way.
      expect(copyView.data?.reviewCase).toBeTruthy();
      expect(shape(copyView.data!.reviewCase)).toEqual(shape(controlView.data!.reviewCase));
      expect(shape(copyView.data!.episode)).toEqual(shape(controlView.data!.episode));
      const forPartner = await server.gql(graphql('query($id: ID!) { reviewCase(id: $id) { contentMatches { id } } }'), { id: caseId }, { token: partner.token });
      expect(['FORBIDDEN', 'NOT_FOUND']).toContain(errorCode(forPartner));
      // Studio A is not told about the copy either (it is the operator's case).
      const ownerView = await server.gql(graphql('query($id: ID!) { episode(id: $id) { possibleDuplicates { episodeId } } }'), { id: original.episodeIds[0] }, { token: owner.token });
      expect(ownerView.data!.episode.possibleDuplicates.map((d) => d.episodeId)).not.toContain(copied());
      // Nothing the owner reads changed when the copy arrived (the ids are the same episodes' before and after).
      const ownerAfter = await server.gql(OWNER_VIEW, { episode: original.episodeIds[0], series: original.seriesId }, { token: owner.token });
      expect(JSON.stringify(ownerAfter)).not.toContain(copied());
      expect(shape(ownerAfter)).toEqual(ownerBefore);
    });

    it('the original’s owner submitting afterwards is not flagged where it can see, and each match is listed once', async () => {
      const ownerCase = await submit(original.episodeIds[0]!, owner.token);
      // Screening the original matches it against the copy: routed to leads, invisible to its owner.
      expect(await screened(ownerCase)).toMatchObject({ routedToLead: true, escalated: false });
      const ownerCaseView = await server.gql(STUDIO_VIEW, { case: ownerCase, episode: original.episodeIds[0], series: original.seriesId }, { token: owner.token });
      expect(ownerCaseView.data!.reviewCase).toMatchObject({ escalated: false, escalationNote: null });
      expect(JSON.stringify(ownerCaseView).toLowerCase()).not.toContain('palace of jade');
      expect(JSON.stringify(ownerCaseView)).not.toContain(copied());
      // Both media were now checked against each other, each way: two stored rows for the pair…
      const rows = (await server.orm.em.getConnection().execute(
        `select count(*)::int as n from content_match m join episode a on a.current_media_id = m.media_revision_id join episode b on b.current_media_id = m.matched_revision_id
         where (a.id = ? and b.id = ?) or (a.id = ? and b.id = ?)`,
        [copied(), original.episodeIds[0], original.episodeIds[0], copied()],
      )) as Array<{ n: number }>;
      expect(rows[0]!.n).toBe(2);
      // …but each matched episode is listed once, from either side.
      for (const [id, expected] of [
        [caseId, [original.episodeIds[0], original.episodeIds[2]]],
        [ownerCase, [copied(), original.episodeIds[2]]],
      ] as const) {
        const res = await server.gql(graphql('query($id: ID!) { reviewCase(id: $id) { contentMatches { matchedEpisodeId } } }'), { id }, { token: lead.token });
        expect(res.data!.reviewCase.contentMatches.map((m) => m.matchedEpisodeId).sort()).toEqual([...expected].sort());
      }
      const dups = await server.gql(graphql('query($id: ID!) { episode(id: $id) { possibleDuplicates { episodeId } } }'), { id: original.episodeIds[0] }, { token: owner.token });
      expect(dups.data!.episode.possibleDuplicates.map((d) => d.episodeId)).toEqual([original.episodeIds[2]]);
    }, 120_000);

    it('a lead marks a match licensed: remembered for that pair of videos, not for the two series', async () => {
      const listed = await server.gql(graphql('query($id: ID!) { reviewCase(id: $id) { contentMatches { id matchedEpisodeId } } }'), { id: caseId }, { token: lead.token });
      const matchId = listed.data!.reviewCase.contentMatches.find((m) => m.matchedEpisodeId === original.episodeIds[0])!.id;
      const MARK = graphql('mutation($id: ID!, $note: String!) { markContentMatchLicensed(matchId: $id, note: $note) { id licensed licenseNote } }');
      expect(errorCode(await server.gql(MARK, { id: matchId, note: 'x' }, { token: reviewer.token }))).toBe('FORBIDDEN');
      expect(errorCode(await server.gql(MARK, { id: matchId, note: 'x' }, { token: pirate.token }))).toBe('FORBIDDEN');
      const blank = await server.gql(MARK, { id: matchId, note: '  ' }, { token: lead.token });
      expect(errorCode(blank)).toBe('BAD_USER_INPUT');
      expect(blank.errors![0]!.extensions.field).toBe('note');
      expect(await server.count('licensed_media_reuse')).toBe(0);
      const marked = await server.gql(MARK, { id: matchId, note: 'Re-release licensed under contract LP-2026-114' }, { token: lead.token });
      expect(marked.data!.markContentMatchLicensed).toMatchObject({ licensed: true, licenseNote: 'Re-release licensed under contract LP-2026-114' });

      // Remembered for the pair of videos, from either side; the copy's other match (studio A's duplicate) stays open.
      const MATCHES = graphql('query($id: ID!) { reviewCase(id: $id) { contentMatches { licensed matchedEpisodeId } } }');
      const fromCopy = (await server.gql(MATCHES, { id: caseId }, { token: lead.token })).data!.reviewCase.contentMatches;
      expect(Object.fromEntries(fromCopy.map((m) => [m.matchedEpisodeId, m.licensed]))).toEqual({ [original.episodeIds[0]!]: true, [original.episodeIds[2]!]: false });
      const ownerCase = (await server.gql(graphql('query($id: ID!) { episode(id: $id) { reviewCases { id } } }'), { id: original.episodeIds[0] }, { token: lead.token })).data!.episode.reviewCases[0]!.id;
      const fromOriginal = (await server.gql(MATCHES, { id: ownerCase }, { token: lead.token })).data!.reviewCase.contentMatches;
      expect(fromOriginal.find((m) => m.matchedEpisodeId === copied())!.licensed).toBe(true);

      // A copy of a different episode between the same two series is checked afresh and goes to a lead.
      await readyEpisode(server, pirateEditor.token, copy.episodeIds[1]!, copyOf(unrelatedClip, 'rescaled'));
      const again = await submit(copy.episodeIds[1]!, pirateEditor.token);
      expect(await screened(again)).toMatchObject({ status: 'PENDING_REVIEW', routedToLead: true, escalated: false });
      const matches = (await server.gql(MATCHES, { id: again }, { token: lead.token })).data!.reviewCase.contentMatches;
      expect(matches).toEqual([{ matchedEpisodeId: original.episodeIds[1], licensed: false }]);
    }, 120_000);

    it('an unrelated upload by the same studio is not escalated', async () => {
      await readyEpisode(server, pirateEditor.token, copy.episodeIds[2]!, await sceneClip('platform-other', 9));
      const other = await submit(copy.episodeIds[2]!, pirateEditor.token);
      expect(await screened(other)).toMatchObject({ escalated: false, routedToLead: false });
      const res = await server.gql(graphql('query($id: ID!) { reviewCase(id: $id) { contentMatches { id } } }'), { id: other }, { token: lead.token });
      expect(res.data!.reviewCase.contentMatches).toEqual([]);
    }, 120_000);
  });

  it('a mirrored copy of another studio’s episode goes to a lead, marked mirrored — also when its fingerprint predates mirrored hashes', async () => {
    const seriesId = await seriesWithEpisodes(server, pirate.token, pirate.organizationId, 1, { title: 'Mirror Palace' });
    const [episodeId] = await episodesOf(seriesId, pirate.token);
    await readyEpisode(server, pirateEditor.token, episodeId!, copyOf(originalClip, 'mirrored'));
    const conn = server.orm.em.getConnection();
    const revision = ((await conn.execute(`select current_media_id::text as id from episode where id = ?`, [episodeId])) as Array<{ id: string }>)[0]!.id;
    const stored = (await conn.execute(`select count(*)::int as frames, count(mirrored_hash)::int as mirrored from fingerprint_frame where media_revision_id = ?`, [revision])) as Array<{ frames: number; mirrored: number }>;
    expect(stored[0]!.frames).toBeGreaterThan(0);
    expect(stored[0]!.mirrored).toBe(stored[0]!.frames);
    // As if fingerprinted before mirrored hashes were kept, and nothing matched yet: screening computes it again.
    await conn.execute(`update fingerprint_frame set mirrored_hash = null where media_revision_id = ?`, [revision]);
    await conn.execute(`update media_fingerprint set algorithm = 'pHash (64-bit DCT, sharp-phash) of 1 frame/s' where media_revision_id = ?`, [revision]);
    await conn.execute(`delete from content_match where media_revision_id = ? or matched_revision_id = ?`, [revision, revision]);
    const caseId = await submit(episodeId!, pirateEditor.token);
    expect(await screened(caseId)).toMatchObject({ status: 'PENDING_REVIEW', routedToLead: true, escalated: false });
    const res = await server.gql(
      graphql('query($id: ID!) { reviewCase(id: $id) { contentMatches { matchedEpisodeId mirrored sameStudio moments { atSeconds } } } }'),
      { id: caseId },
      { token: lead.token },
    );
    const match = res.data!.reviewCase.contentMatches.find((m) => m.matchedEpisodeId === original.episodeIds[0]);
    expect(match).toMatchObject({ mirrored: true, sameStudio: false });
    expect(match!.moments.length).toBeGreaterThanOrEqual(MATCH_MIN_FRAMES);
    const refreshed = (await conn.execute(`select count(mirrored_hash)::int as mirrored from fingerprint_frame where media_revision_id = ?`, [revision])) as Array<{ mirrored: number }>;
    expect(refreshed[0]!.mirrored).toBe(stored[0]!.frames);
    // The studio still reads nothing of it.
    const seen = await server.gql(STUDIO_VIEW, { case: caseId, episode: episodeId, series: seriesId }, { token: pirate.token });
    expect(JSON.stringify(seen).toLowerCase()).not.toContain(ORIGINAL_TITLE.toLowerCase());
  }, 120_000);

  it('a replaced upload is fingerprinted again', async () => {
    await uploadClip(server, owner.token, original.episodeIds[1]!, copyOf(originalClip, 'watermarked'), await acknowledgingCancels(server, owner.token, original.episodeIds[1]!));
    const dup = await eventually(
      () => server.gql(graphql('query($id: ID!) { episode(id: $id) { possibleDuplicates { episodeId } } }'), { id: original.episodeIds[1] }, { token: owner.token }),
      (r) => (r.data?.episode.possibleDuplicates.length ?? 0) > 0,
      'the replacement to be matched',
      60_000,
    );
    expect(dup.data!.episode.possibleDuplicates.map((d) => d.episodeId).sort()).toEqual([original.episodeIds[0], original.episodeIds[2]].sort());
    // Every match is recorded once, and marked same-studio exactly when both media are one studio's:
    // recorded together in one statement, whatever the number of matches.
    const recorded = (await server.orm.em.getConnection().execute(
      `select m.same_studio, s.studio_id::text as studio_id, e.id::text as episode_id from content_match m
       join media_revision r on r.id = m.matched_revision_id join episode e on e.id = r.episode_id join series s on s.id = e.series_id
       where m.media_revision_id = (select current_media_id from episode where id = ?)`,
      [original.episodeIds[1]],
    )) as Array<{ same_studio: boolean; studio_id: string; episode_id: string }>;
    expect(new Set(recorded.map((r) => r.episode_id)).size).toBe(recorded.length);
    expect(recorded.filter((r) => r.studio_id === owner.organizationId).map((r) => r.episode_id).sort()).toEqual([original.episodeIds[0], original.episodeIds[2]].sort());
    expect(recorded.filter((r) => r.studio_id !== owner.organizationId).length).toBeGreaterThan(0);
    for (const r of recorded) expect(r.same_studio).toBe(r.studio_id === owner.organizationId);
  });
});
