import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { createMediaStorage } from '../src/uploads/media-storage';
import { catalogOf, createLiveSeries, createPartner, LICENSE } from './support/publishing';
import { CLAIM_NEXT, DECIDE, seedPendingCases } from './support/review';
import { TestServer, type SignedInMember } from './support/server';
import { graphql, type TadaDocumentNode } from '../../schema/graphql';

let server: TestServer;
let admin: SignedInMember;
let lead: SignedInMember;

beforeAll(async () => {
  server = await TestServer.start({ REVIEW_FOUR_EYES: 'false' });
  admin = await server.member(OrganizationKind.OPERATOR, Role.ADMIN);
  lead = await server.addMember(admin.organizationId, Role.LEAD);
  await createMediaStorage(server.config).putBuffer(`media/${'a'.repeat(64)}.mp4`, Buffer.from('0123456789'.repeat(100)));
});
afterAll(async () => {
  await server?.stop();
});

type Change = { id: string; type: string; territory: string; data: { episodeNumber?: number; reasons?: Array<{ code: string }> } };

/** The whole feed of a partner, page by page, as a sync client reads it. */
async function feedOf(key: string, after: string | null = null): Promise<Change[]> {
  const all: Change[] = [];
  for (let cursor = after; ; ) {
    const page = await server.gql(
      graphql('query($a: String) { changes(first: 100, after: $a) { nodes { id type territory data } pageInfo { hasNextPage endCursor } } }'),
      { a: cursor },
      { token: key },
    );
    expect(page.errors).toBeUndefined();
    all.push(...page.data!.changes.nodes);
    if (!page.data!.changes.pageInfo.hasNextPage) return all;
    cursor = page.data!.changes.pageInfo.endCursor;
  }
}

const seriesMutation = (name: string) => `mutation($id: ID!) { ${name}(id: $id) { id } }`;

describe('what partners see follows every input of the gate', () => {
  it('archiving a live series withdraws it from catalog, node and playback with a reason; restoring brings it back', async () => {
    const p = await createPartner(server, admin);
    const s = await createLiveSeries(server, lead, 1, p.organizationId);
    const episodeId = (await catalogOf(server, p.key, 'US')).data!.catalog.nodes[0]!.episodes.nodes[0]!.id;
    const play = await server.gql(graphql('query($id: ID!) { playback(episodeId: $id, territory: "US") { url } }'), { id: episodeId }, { token: p.key });
    const url = server.url + play.data!.playback.url;
    expect((await fetch(url, { headers: { range: 'bytes=0-9' } })).status).toBe(206);
    const seen = (await feedOf(p.key)).length;

    expect((await server.gql(seriesMutation('archiveSeries'), { id: s.seriesId }, { token: s.owner.token })).errors).toBeUndefined();

    expect((await catalogOf(server, p.key, 'US')).data!.catalog.nodes).toEqual([]);
    expect((await server.gql(graphql('query($id: ID!) { node(id: $id) { id } }'), { id: episodeId }, { token: p.key })).data!.node).toBeNull();
    expect((await fetch(url, { headers: { range: 'bytes=0-9' } })).status).toBe(403);
    const withdrawals = (await feedOf(p.key)).slice(seen);
    expect(withdrawals.map((c) => `${c.type}:${c.territory}:${c.data.reasons!.map((r) => r.code).join('+')}`)).toEqual(['TAKEN_DOWN:US:SERIES_ARCHIVED', 'TAKEN_DOWN:CA:SERIES_ARCHIVED']);
    const view = await server.gql(
      graphql('query($id: ID!) { series(id: $id) { distribution { episodes { live reasons { code message } } } } }'),
      { id: s.seriesId },
      { token: s.owner.token },
    );
    expect(view.data!.series.distribution[0]!.episodes.map((e) => [e.live, e.reasons.map((r) => r.code)])).toEqual([
      [false, ['SERIES_ARCHIVED']],
      [false, ['SERIES_ARCHIVED']],
    ]);
    expect(view.data!.series.distribution[0]!.episodes[0]!.reasons[0]!.message).toMatch(/archived/);

    await server.gql(seriesMutation('restoreSeries'), { id: s.seriesId }, { token: s.owner.token });
    expect((await catalogOf(server, p.key, 'US')).data!.catalog.nodes).toHaveLength(1);
    expect((await feedOf(p.key)).slice(seen + 2).map((c) => `${c.type}:${c.territory}`)).toEqual(['PUBLISHED:US', 'PUBLISHED:CA']);
  });

  it('removing a required filing lapses the approval and withdraws the episode there, naming the change', async () => {
    const p = await createPartner(server, admin, ['CN']);
    const s = await createLiveSeries(server, lead, 1, p.organizationId, { territories: ['CN'], filings: [{ territory: 'CN', filingNumber: '(2026)-0042' }] });
    expect((await catalogOf(server, p.key, 'CN')).data!.catalog.nodes).toHaveLength(1);

    const update = await server.gql(graphql('mutation($id: ID!, $i: SeriesInput!) { updateSeries(id: $id, input: $i) { id } }'), { id: s.seriesId, i: { filings: [] } }, { token: s.owner.token });
    expect(update.errors).toBeUndefined();

    expect((await catalogOf(server, p.key, 'CN')).data!.catalog.nodes).toEqual([]);
    const last = (await feedOf(p.key)).at(-1)!;
    expect([last.type, last.territory, last.data.reasons!.map((r) => r.code)]).toEqual(['TAKEN_DOWN', 'CN', ['APPROVAL_STALE']]);
    const [row] = (await server.orm.em.getConnection().execute(
      `select e.status, c.invalidated_reason from episode e join review_case c on c.episode_id = e.id where e.id = ? and c.status = 'DECIDED'`,
      [s.episodeIds[0]],
    )) as Array<{ status: string; invalidated_reason: string }>;
    expect(row!.status).toBe('READY');
    expect(row!.invalidated_reason).toMatch(/regulatory filings/);
  });

  it('suspending the studio or the partner darkens the catalog until reinstated', async () => {
    const p = await createPartner(server, admin);
    const s = await createLiveSeries(server, lead, 1, p.organizationId);
    const suspend = (id: string, suspended: boolean) =>
      server.gql(graphql('mutation($id: ID!, $s: Boolean!) { setOrganizationSuspended(id: $id, suspended: $s, reason: "Unpaid invoices") { suspendedAt } }'), { id, s: suspended }, { token: admin.token });
    const live = async () => (await catalogOf(server, p.key, 'US')).data!.catalog.nodes.length;

    expect((await suspend(s.owner.organizationId, true)).errors).toBeUndefined();
    expect(await live()).toBe(0);
    expect((await feedOf(p.key)).at(-1)!.data.reasons!.map((r) => r.code)).toEqual(['STUDIO_SUSPENDED']);
    await suspend(s.owner.organizationId, false);
    expect(await live()).toBe(1);

    await suspend(p.organizationId, true);
    expect(await live()).toBe(0);
    expect((await feedOf(p.key)).at(-1)!.data.reasons!.map((r) => r.code)).toEqual(['PARTNER_DISABLED']);
    await suspend(p.organizationId, false);
    expect(await live()).toBe(1);

    const refused = await server.gql(graphql('mutation($id: ID!) { setOrganizationSuspended(id: $id, suspended: true) { id } }'), { id: p.organizationId }, { token: admin.token });
    expect(refused.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    expect(await live()).toBe(1);
  });

  it('a write to any gate input, even in raw SQL, marks its series in the writer’s own transaction', async () => {
    const p = await createPartner(server, admin);
    const s = await createLiveSeries(server, lead, 1, p.organizationId);
    const [ids] = (await server.orm.em.getConnection().execute(`select e.id as episode, e.series_id as series from episode e where e.id = ?`, [s.episodeIds[0]])) as Array<{ episode: string; series: string }>;
    // Every table the gate or the approval binding reads, with a write that changes a row of it.
    const inputs: Record<string, string[]> = {
      series: [`update series set title = title || '!' where id = '${ids!.series}'`],
      episode: [`update episode set title = title || '!' where id = '${ids!.episode}'`],
      // Revisions are immutable: a new one is the only write.
      media_revision: [
        `insert into media_revision (id, episode_id, sha256, size_bytes, storage_key, file_name, container, video_codec, duration_seconds, width, height, warnings, created_at)
         values (gen_random_uuid(), '${ids!.episode}', repeat('c', 64), 1, 'k', 'x.mp4', 'mp4', 'h264', 1, 720, 1280, '[]', now())`,
      ],
      localized_text: [
        `insert into localized_text (id, series_id, episode_id, language, title, synopsis, created_at, updated_at) values (gen_random_uuid(), '${ids!.series}', null, 'es', 'Título', '', now(), now())`,
        `insert into localized_text (id, series_id, episode_id, language, title, synopsis, created_at, updated_at) values (gen_random_uuid(), '${ids!.series}', '${ids!.episode}', 'es', 'Título', '', now(), now())`,
      ],
      subtitle_track: [`insert into subtitle_track (id, episode_id, language, format, content, cues, cue_count, updated_at) values (gen_random_uuid(), '${ids!.episode}', 'fr', 'WEBVTT', 'WEBVTT', '[]', 0, now())`],
      audio_track: [`insert into audio_track (id, episode_id, language, sha256, size_bytes, storage_key, file_name, container, audio_codec, duration_seconds, created_at) values (gen_random_uuid(), '${ids!.episode}', 'es', repeat('d', 64), 1, 'audio/k', 'dub.m4a', 'mp4', 'aac', 60, now())`],
      series_license: [`update series_license set licensor = licensor || '!' where series_id = '${ids!.series}'`],
      episode_price_term: [`update episode_price_term set coins = coalesce(coins, 0) + 1 where episode_id = '${ids!.episode}'`],
      release_plan: [`update release_plan set starts_at = starts_at - interval '1 day' where series_id = '${ids!.series}'`],
      review_case: [`update review_case set invalidated_at = now() where episode_id = '${ids!.episode}'`],
      review_decision: [`update review_decision set notes = 'n' where review_case_id in (select id from review_case where episode_id = '${ids!.episode}')`],
      partner_profile: [`update partner_profile set currency = 'EUR' where organization_id = '${p.organizationId}'`],
      organization: [`update organization set suspended_at = now() where id = '${s.owner.organizationId}'`, `update organization set suspended_at = now() where id = '${p.organizationId}'`],
    };
    const client = new pg.Client({ connectionString: server.databaseUrl });
    await client.connect();
    try {
      const triggered = await client.query<{ table: string }>(`select distinct c.relname as table from pg_trigger t join pg_class c on c.oid = t.tgrelid where t.tgname like '%publication_input'`);
      expect(triggered.rows.map((r) => r.table).sort()).toEqual(Object.keys(inputs).sort());
      for (const [table, writes] of Object.entries(inputs)) {
        for (const write of writes) {
          await client.query('begin');
          try {
            const changed = await client.query(write);
            expect(changed.rowCount, `${table}: the write changes a row`).toBeGreaterThan(0);
            const marks = await client.query(`select count(*)::int as n from publication_mark where series_id = $1 and xmin = pg_current_xact_id()::xid`, [ids!.series]);
            expect(marks.rows[0].n, `${table}: ${write}`).toBeGreaterThan(0);
          } finally {
            await client.query('rollback');
          }
        }
      }
      // What the gate does not read (a screening's progress) does not mark anything.
      await client.query('begin');
      await client.query(`update review_case set progress = '{"step":"x"}' where episode_id = $1`, [ids!.episode]);
      expect((await client.query(`select count(*)::int as n from publication_mark where xmin = pg_current_xact_id()::xid`)).rows[0].n).toBe(0);
      await client.query('rollback');
      // Nor does a case moving between open states (the gate reads them as one set); leaving them does.
      await client.query('begin');
      try {
        const marks = async () => (await client.query(`select count(*)::int as n from publication_mark where xmin = pg_current_xact_id()::xid`)).rows[0].n as number;
        await client.query(`update review_case set status = 'QUEUED', decided_at = null where episode_id = $1`, [ids!.episode]);
        const reopened = await marks();
        expect(reopened).toBeGreaterThan(0);
        for (const status of ['SCREENING', 'PENDING_REVIEW', 'QUEUED']) {
          expect((await client.query(`update review_case set status = $2 where episode_id = $1`, [ids!.episode, status])).rowCount).toBeGreaterThan(0);
          expect(await marks(), `→ ${status}`).toBe(reopened);
        }
        await client.query(`update review_case set metadata_hash = metadata_hash || '!' where episode_id = $1`, [ids!.episode]);
        expect(await marks()).toBeGreaterThan(reopened);
        const changed = await marks();
        await client.query(`update review_case set status = 'DECIDED', decided_at = now() where episode_id = $1`, [ids!.episode]);
        expect(await marks()).toBeGreaterThan(changed);
      } finally {
        await client.query('rollback');
      }
    } finally {
      await client.end();
    }
  });

  it('a tick with nothing marked or due does nothing, and a boundary in the future is scheduled', async () => {
    const p = await createPartner(server, admin);
    const s = await createLiveSeries(server, lead, 1, p.organizationId);
    const publication = server.app.services.publication;
    await publication.drain(server.orm.em.fork(), { wait: true });
    expect(await publication.drain(server.orm.em.fork())).toEqual({ series: 0, events: 0 });
    const [schedule] = (await server.orm.em.getConnection().execute(`select due_at from publication_schedule where series_id = ?`, [s.seriesId])) as Array<{ due_at: Date }>;
    // The license window of the test series ends 2030-01-01: the series is due then, not before.
    expect(new Date(schedule!.due_at).toISOString()).toBe('2030-01-01T00:00:00.000Z');
  });
});

describe('failing closed', () => {
  it('between a change to shown material and its re-evaluation, partners see the episode as not live, never the new material', async () => {
    const p = await createPartner(server, admin);
    const s = await createLiveSeries(server, lead, 1, p.organizationId);
    const episodeId = (await catalogOf(server, p.key, 'US')).data!.catalog.nodes[0]!.episodes.nodes[0]!.id;
    const url = server.url + (await server.gql(graphql('query($id: ID!) { playback(episodeId: $id, territory: "US") { url } }'), { id: episodeId }, { token: p.key })).data!.playback.url;
    // Hold the series' evaluation lock, as a slow evaluation would, so the change waits to be followed.
    const holder = new pg.Client({ connectionString: server.databaseUrl });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query(`select pg_advisory_xact_lock(hashtext('publication'), hashtext($1::text))`, [s.seriesId]);
      await server.orm.em.getConnection().execute(`update episode set title = 'UNREVIEWED' where id = ?`, [s.episodeIds[0]]);
      const catalog = await catalogOf(server, p.key, 'US');
      expect(JSON.stringify(catalog.data)).not.toContain('UNREVIEWED');
      expect(catalog.data!.catalog.nodes).toEqual([]);
      expect((await server.gql(graphql('query($id: ID!) { node(id: $id) { id } }'), { id: episodeId }, { token: p.key })).data!.node).toBeNull();
      expect((await fetch(url, { headers: { range: 'bytes=0-9' } })).status).toBe(403);
    } finally {
      await holder.query('rollback');
      await holder.end();
    }
    await server.app.services.publication.drain(server.orm.em.fork(), { wait: true });
    expect((await feedOf(p.key)).at(-1)!.data.reasons!.map((r) => r.code)).toEqual(['APPROVAL_STALE']);
  });

  it('a series whose data cannot be evaluated is withdrawn with a reason, and holds up no other series', async () => {
    const p = await createPartner(server, admin);
    const broken = await createLiveSeries(server, lead, 1, p.organizationId);
    const healthy = await createLiveSeries(server, lead, 1, p.organizationId);
    const conn = server.orm.em.getConnection();
    // A corrupt row written around the API, then an ordinary change to another series.
    await conn.execute(`update series_license set holdbacks = '{"x": 1}'::jsonb where series_id = ?`, [broken.seriesId]);
    const priced = await server.gql(graphql('mutation($i: SetEpisodePricesInput!) { setEpisodePrices(input: $i) { episode { number } } }'), { i: { seriesId: healthy.seriesId, fromNumber: 1, toNumber: 1, territory: 'US', currency: 'USD', amountMinor: 99 } }, { token: healthy.owner.token });
    expect(priced.errors).toBeUndefined();
    await server.app.services.publication.drain(server.orm.em.fork(), { wait: true });
    const us = (await catalogOf(server, p.key, 'US')).data!.catalog.nodes;
    expect(us.map((n) => n.episodes.nodes[0]!.price.amount)).toEqual(['0.99']);
    const feed = await feedOf(p.key);
    expect(feed.filter((c) => c.data.reasons?.some((r) => r.code === 'EVALUATION_FAILED')).map((c) => c.territory)).toEqual(['US', 'CA']);

    await conn.execute(`update series_license set holdbacks = '[]'::jsonb where series_id = ?`, [broken.seriesId]);
    await server.app.services.publication.drain(server.orm.em.fork(), { wait: true });
    expect((await catalogOf(server, p.key, 'US')).data!.catalog.nodes).toHaveLength(2);
  });
});

describe('appeals', () => {
  it('an appeal decides only the territories it appealed: the others stay live, and an upheld appeal adds its own', async () => {
    const p = await createPartner(server, admin);
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const seeded = await seedPendingCases(server, owner.organizationId, 1, { verdict: 'CLEAR', territories: ['US', 'CA'] });
    const q = <T, V>(document: TadaDocumentNode<T, V>, variables: V, token = owner.token) => server.gql(document, variables, { token });
    await q(graphql('mutation($id: ID!, $i: LicenseInput!) { setLicense(seriesId: $id, input: $i) { id } }'), { id: seeded.seriesId, i: LICENSE });
    await q(graphql('mutation($i: SetEpisodePricesInput!) { setEpisodePrices(input: $i) { episode { number } } }'), { i: { seriesId: seeded.seriesId, fromNumber: 1, toNumber: 1, territory: 'WORLDWIDE', coins: 60 } });
    await q(graphql('mutation($s: ID!, $p: ID!, $i: ReleasePlanInput!) { setReleasePlan(seriesId: $s, partnerId: $p, input: $i) { id } }'), { s: seeded.seriesId, p: p.organizationId, i: { mode: 'ALL_AT_ONCE', startsAt: '2026-01-01T00:00:00Z' } });
    const claimed = (await q(CLAIM_NEXT, { f: { studioId: owner.organizationId } }, lead.token)).data!.claimNextCase!;
    const decided = await q(DECIDE, { i: { caseId: claimed.id, version: claimed.version, decisions: [{ territory: 'US', decision: 'APPROVE' }, { territory: 'CA', decision: 'REJECT', citedRuleIds: ['GLOBAL-VIOLENCE-GRAPHIC-01'], notes: 'Needs a cut' }] } }, lead.token);
    expect(decided.errors, JSON.stringify(decided.errors)).toBeUndefined();
    const liveIn = async () => (await Promise.all(['US', 'CA'].map(async (t) => ((await catalogOf(server, p.key, t)).data!.catalog.nodes.length ? t : null)))).filter(Boolean);
    expect(await liveIn()).toEqual(['US']);

    const appealed = await q(graphql('mutation($id: ID!) { appealCase(caseId: $id, statement: "The scene is within the CA rating.") { id } }'), { id: claimed.id });
    expect(appealed.errors, JSON.stringify(appealed.errors)).toBeUndefined();
    expect(await liveIn()).toEqual(['US']);
    // Another lead decides the appeal (the one who rejected may not).
    const second = await server.addMember(admin.organizationId, Role.LEAD);
    const appeal = (await q(CLAIM_NEXT, { f: { studioId: owner.organizationId } }, second.token)).data!.claimNextCase!;
    const upheld = await q(DECIDE, { i: { caseId: appeal.id, version: appeal.version, decisions: [{ territory: 'CA', decision: 'APPROVE' }] } }, second.token);
    expect(upheld.errors, JSON.stringify(upheld.errors)).toBeUndefined();
    expect(await liveIn()).toEqual(['US', 'CA']);
  });
});

describe('the change feed tells what partners show', () => {
  it('renumbering live episodes is an UPDATED event for each', async () => {
    const p = await createPartner(server, admin, ['US']);
    const s = await createLiveSeries(server, lead, 2, p.organizationId, { territories: ['US'] });
    const seen = (await feedOf(p.key)).length;
    const moved = await server.gql(graphql('mutation($i: RenumberEpisodesInput!) { renumberEpisodes(input: $i) { id number } }'), { i: { seriesId: s.seriesId, moves: [{ episodeId: s.episodeIds[0], number: 2 }, { episodeId: s.episodeIds[1], number: 1 }] } }, { token: s.owner.token });
    expect(moved.errors).toBeUndefined();
    const updates = (await feedOf(p.key)).slice(seen);
    expect(updates.map((c) => `${c.type}:${c.data.episodeNumber}`).sort()).toEqual(['UPDATED:1', 'UPDATED:2']);
  });
});

describe('the change feed', () => {
  it('misses and doubles nothing while writers on several connections commit out of order', async () => {
    const p = await createPartner(server, admin);
    const s = await createLiveSeries(server, lead, 1, p.organizationId);
    const start = (await feedOf(p.key)).at(-1)!.id;
    const writers = Array.from({ length: 6 }, () => new pg.Client({ connectionString: server.databaseUrl }));
    await Promise.all(writers.map((w) => w.connect()));
    let done = false;
    const tailed: string[] = [];
    // A partner following the feed with its cursor, as fast as it can.
    const tail = (async () => {
      let cursor: string | null = Buffer.from(`c:${start}`).toString('base64url');
      for (let more = true; more; ) {
        more = !done;
        const page: { data?: { changes: { nodes: Array<{ id: string }>; pageInfo: { endCursor: string | null } } } | null } = await server.gql(graphql('query($a: String) { changes(first: 100, after: $a) { nodes { id } pageInfo { endCursor } } }'), { a: cursor }, { token: p.key });
        tailed.push(...page.data!.changes.nodes.map((n) => n.id));
        cursor = page.data!.changes.pageInfo.endCursor ?? cursor;
        if (page.data!.changes.nodes.length) more = true;
      }
    })();
    try {
      // Each writer takes its position, then holds its transaction open for a random while: without
      // positions in commit order, a later position would be visible before an earlier one.
      await Promise.all(
        writers.map(async (w, i) => {
          for (let round = 0; round < 8; round++) {
            await w.query('begin');
            await w.query(`insert into catalog_event (partner_id, type, territory, episode_id, series_id, data, occurred_at) values ($1, 'UPDATED', 'US', $2, $3, $4, now())`, [p.organizationId, s.episodeIds[0], s.seriesId, JSON.stringify({ writer: i, round })]);
            await new Promise((r) => setTimeout(r, Math.random() * 30));
            await w.query('commit');
          }
        }),
      );
      // And real re-evaluations of the same series, concurrently, from the service.
      await Promise.all(Array.from({ length: 4 }, () => server.app.services.publication.evaluateNow(server.orm.em.fork(), [s.seriesId])));
    } finally {
      done = true;
      await tail;
      await Promise.all(writers.map((w) => w.end()));
    }
    const stored = (await server.orm.em.getConnection().execute(`select id::text from catalog_event where partner_id = ? and id > ? order by id`, [p.organizationId, start])) as Array<{ id: string }>;
    expect(stored).toHaveLength(48);
    expect(tailed).toEqual(stored.map((r) => r.id));
  });
});
