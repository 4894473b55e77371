import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Episode, EpisodeStatus } from '../src/modules/catalog/episode.entity';
import { allowedStatusChanges } from '../src/modules/catalog/episode-lifecycle';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { reviewedMetadata } from '../src/modules/review/review.service';
import { seriesWithEpisodes } from './support/catalog';
import { acknowledgingCancels, eventually, readyEpisode, settledRead, uploadClip, uploadsEnded } from './support/media';
import { seedPendingCases } from './support/review';
import { errorCode, TestServer, type SignedInMember } from './support/server';
import { makeClip, sha256Of } from './support/videos';
import { graphql } from '../../schema/graphql';

let server: TestServer;
let owner: SignedInMember;
let operatorOrg: string;

beforeAll(async () => {
  server = await TestServer.start();
  owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
  operatorOrg = (await server.member(OrganizationKind.OPERATOR, Role.ADMIN)).organizationId;
});
afterAll(() => server?.stop());

const sql = <T>(query: string, params: unknown[] = []) => server.orm.em.getConnection().execute(query, params) as Promise<T[]>;

async function episodesOf(seriesId: string): Promise<string[]> {
  const res = await server.gql(graphql('query($id: ID!) { series(id: $id) { episodes { nodes { id } } } }'), { id: seriesId }, { token: owner.token });
  return res.data!.series.episodes.nodes.map((n) => n.id);
}

const statusOf = async (episodeId: string) => (await sql<{ status: string }>('select status from episode where id = ?', [episodeId]))[0]!.status;

describe('the database enforces the lifecycle table', () => {
  it('allows exactly the (from, to) status changes the table declares, tried pair by pair in PostgreSQL', async () => {
    // The statuses come from the database's enum, so a status added there without a rule shows up here.
    const statuses = (await sql<{ s: string }>('select unnest(enum_range(null::episode_status))::text as s')).map((r) => r.s);
    expect([...statuses].sort()).toEqual(Object.values(EpisodeStatus).sort());
    const seriesId = await seriesWithEpisodes(server, owner.token, owner.organizationId, 1);
    const allowedInDb: string[] = [];
    const refusals: string[] = [];
    let number = 100;
    for (const from of statuses) {
      for (const to of statuses) {
        if (from === to) continue;
        const [row] = await sql<{ id: string }>(
          `insert into episode (id, series_id, number, title, synopsis, status, created_at, updated_at) values (gen_random_uuid(), ?, ?, 'Pair', '', ?::episode_status, now(), now()) returning id`,
          [seriesId, number++, from],
        );
        try {
          await sql('update episode set status = ?::episode_status where id = ?', [to, row!.id]);
          allowedInDb.push(`${from} → ${to}`);
          expect(await statusOf(row!.id)).toBe(to);
        } catch (error) {
          refusals.push((error as Error).message);
          expect((error as { code?: string }).code).toBe('23514');
          expect((error as Error).message).toContain(`cannot go from ${from} to ${to}: no transition of the episode lifecycle allows it`);
          expect(await statusOf(row!.id)).toBe(from);
        }
      }
    }
    expect(allowedInDb.sort()).toEqual(allowedStatusChanges().map(([from, to]) => `${from} → ${to}`).sort());
    expect(refusals).toHaveLength(statuses.length * (statuses.length - 1) - allowedInDb.length);
  });

  it('lets other columns change in any status, and refuses a bulk update as a whole when one row may not move', async () => {
    const seriesId = await seriesWithEpisodes(server, owner.token, owner.organizationId, 2);
    const [first, second] = await episodesOf(seriesId);
    await sql(`update episode set title = 'Renamed', updated_at = now() where series_id = ?`, [seriesId]);
    // DRAFT → UPLOADING is allowed for both; then one of them may go on to PROCESSING, the DRAFT one may not.
    await sql(`update episode set status = 'UPLOADING' where id = ?`, [first]);
    await expect(sql(`update episode set status = 'PROCESSING' where series_id = ?`, [seriesId])).rejects.toThrow(/cannot go from DRAFT to PROCESSING/);
    expect([await statusOf(first!), await statusOf(second!)]).toEqual(['UPLOADING', 'DRAFT']);
  });
});

describe('illegal transitions through the API', () => {
  const lead = () => server.addMember(operatorOrg, Role.LEAD);
  const TAKE_DOWN = graphql('mutation($id: ID!) { takeDownEpisode(episodeId: $id, reason: "Licensor dispute") { status } }');

  it('taking down a draft is a CONFLICT naming the episode, the transition and its status, and changes nothing', async () => {
    const seriesId = await seriesWithEpisodes(server, owner.token, owner.organizationId, 1);
    const [episodeId] = await episodesOf(seriesId);
    const res = await server.gql(TAKE_DOWN, { id: episodeId }, { token: (await lead()).token });
    expect(errorCode(res)).toBe('CONFLICT');
    expect(res.errors![0]!.message).toBe('Episode 1 is DRAFT, so it cannot be taken down: takeDown starts only from APPROVED or PUBLISHED.');
    expect(res.errors![0]!.extensions).toMatchObject({ transition: 'takeDown', status: 'DRAFT' });
    expect(await statusOf(episodeId!)).toBe('DRAFT');
  });

  it('submitting a draft names the field and the statuses it could be submitted from, and writes nothing', async () => {
    const seriesId = await seriesWithEpisodes(server, owner.token, owner.organizationId, 1);
    const [episodeId] = await episodesOf(seriesId);
    const before = await server.count('review_case');
    const res = await server.gql(graphql('mutation($i: SubmitForReviewInput!) { submitForReview(input: $i) { id } }'), { i: { episodeIds: [episodeId], territories: ['US'] } }, { token: owner.token });
    expect(res.errors![0]!.extensions.field).toBe('input.episodeIds.0');
    expect(res.errors![0]!.message).toBe('Episode 1 is DRAFT; only episodes with uploaded media (READY or CHANGES_REQUESTED) can be submitted.');
    expect(await server.count('review_case')).toBe(before);
    expect(await statusOf(episodeId!)).toBe('DRAFT');
  });

  it('an appeal does not lift a takedown: CONFLICT, no appeal case, still TAKEN_DOWN', async () => {
    const studio = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const { caseIds, episodeIds } = await seedPendingCases(server, studio.organizationId, 1, { territories: ['US', 'GB'] });
    // Decided as a reviewer would: approved for US, rejected for GB, so the episode is APPROVED.
    await sql(
      `insert into review_decision (id, review_case_id, territory, decision, actor_label, cited_rule_ids, created_at)
       values (gen_random_uuid(), ?, 'US', 'APPROVE', 'reviewer', '{}', now()), (gen_random_uuid(), ?, 'GB', 'REJECT', 'reviewer', '{GLOBAL-VIOLENCE-GRAPHIC-01}', now())`,
      [caseIds[0], caseIds[0]],
    );
    await sql(`update review_case set status = 'DECIDED', decided_at = now() where id = ?`, [caseIds[0]]);
    await sql(`update episode set status = 'APPROVED' where id = ?`, [episodeIds[0]]);
    expect((await server.gql(TAKE_DOWN, { id: episodeIds[0] }, { token: (await lead()).token })).data?.takeDownEpisode.status).toBe('TAKEN_DOWN');

    const before = await server.count('review_case');
    const appeal = await server.gql(graphql('mutation($id: ID!, $s: String!) { appealCase(caseId: $id, statement: $s) { id } }'), { id: caseIds[0], s: 'The GB rejection cites the wrong scene.' }, { token: studio.token });
    expect(errorCode(appeal)).toBe('CONFLICT');
    expect(appeal.errors![0]!.message).toBe('Episode 1 is TAKEN_DOWN, so it cannot be appealed: appeal starts only from REJECTED or CHANGES_REQUESTED or APPROVED or PUBLISHED.');
    expect(await server.count('review_case')).toBe(before);
    expect(await statusOf(episodeIds[0]!)).toBe('TAKEN_DOWN');
    const [original] = await sql<{ appealed_at: Date | null }>('select appealed_at from review_case where id = ?', [caseIds[0]]);
    expect(original!.appealed_at).toBeNull();
  });
});

describe('upload completion', () => {
  /** Leaves the episode APPROVED by a decided case bound to its current media, as a review would. */
  async function approveCurrentMedia(episodeId: string): Promise<string> {
    // Bound to the reviewed material as submission binds it, so only the media switch lapses it.
    const em = server.orm.em.fork();
    const { hash, snapshot } = await reviewedMetadata(em, await em.findOneOrFail(Episode, episodeId, { populate: ['series'] }));
    const [row] = await sql<{ id: string }>(
      `insert into review_case (id, episode_id, studio_id, media_revision_id, media_sha256, metadata_hash, metadata_snapshot, territories, status, ai_status, risk_score, verdicts, progress, submitted_at, sla_due_at, decided_at)
       select gen_random_uuid(), e.id, s.studio_id, m.id, m.sha256, ?, ?::jsonb, '{US}', 'DECIDED', 'COMPLETED', 0, '[]', '{}', now(), now() + interval '1 day', now()
       from episode e join series s on s.id = e.series_id join media_revision m on m.id = e.current_media_id where e.id = ? returning id`,
      [hash, JSON.stringify(snapshot), episodeId],
    );
    await sql(`update episode set status = 'IN_REVIEW' where id = ?`, [episodeId]);
    await sql(`update episode set status = 'APPROVED' where id = ?`, [episodeId]);
    return row!.id;
  }

  const view = (episodeId: string) =>
    server.gql(
      graphql('query($id: ID!) { episode(id: $id) { status uploadError media { sha256 } uploads { status failureReason } } }'),
      { id: episodeId },
      { token: owner.token },
    );
  const settled = (episodeId: string) => settledRead(() => view(episodeId), (r) => Boolean(r.data?.episode.uploads.length) && uploadsEnded(r.data!.episode.uploads), 'the upload to settle');
  const invalidation = async (caseId: string) => (await sql<{ invalidated_at: Date | null; invalidated_reason: string | null }>('select invalidated_at, invalidated_reason from review_case where id = ?', [caseId]))[0]!;

  it('switches the media and lapses the reviews of the old media together, or neither', async () => {
    const seriesId = await seriesWithEpisodes(server, owner.token, owner.organizationId, 1);
    const [episodeId] = await episodesOf(seriesId);
    const first = makeClip('lifecycle-first', { seconds: 1 });
    const second = makeClip('lifecycle-second', { seconds: 2 });
    const third = makeClip('lifecycle-third', { seconds: 3 });
    await readyEpisode(server, owner.token, episodeId!, first);
    const firstCase = await approveCurrentMedia(episodeId!);

    // A replacement: new media current, the approval of the old media lapsed, the episode back to READY.
    await uploadClip(server, owner.token, episodeId!, second, await acknowledgingCancels(server, owner.token, episodeId!));
    const replaced = (await settled(episodeId!)).data!.episode;
    expect(replaced).toMatchObject({ status: 'READY', uploadError: null, media: { sha256: sha256Of(second) } });
    expect(await invalidation(firstCase)).toMatchObject({ invalidated_reason: `The media was replaced (new sha256 ${sha256Of(second)}).` });

    // A failure after the reviews were lapsed (here: recording the new revision fails) undoes all of it.
    const secondCase = await approveCurrentMedia(episodeId!);
    await sql(`create function lifecycle_test_refuse() returns trigger language plpgsql as $$ begin raise exception 'no new media revisions in this test'; end $$`);
    await sql(`create trigger lifecycle_test_refuse before insert on media_revision for each row execute function lifecycle_test_refuse()`);
    try {
      await uploadClip(server, owner.token, episodeId!, third, await acknowledgingCancels(server, owner.token, episodeId!));
      await eventually(() => view(episodeId!), (r) => r.data?.episode.uploads.some((u) => u.status === 'FAILED') ?? false, 'the upload to fail');
    } finally {
      await sql('drop trigger lifecycle_test_refuse on media_revision');
      await sql('drop function lifecycle_test_refuse()');
    }
    const kept = (await view(episodeId!)).data!.episode;
    expect(kept).toMatchObject({ status: 'APPROVED', media: { sha256: sha256Of(second) }, uploadError: 'The file could not be processed. Try uploading it again.' });
    expect(await invalidation(secondCase)).toEqual({ invalidated_at: null, invalidated_reason: null });
    expect(await sql('select id from media_revision where episode_id = ? and sha256 = ?', [episodeId, sha256Of(third)])).toEqual([]);
  });
});
