import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { createPartner, LICENSE, resubmitAndApprove as approveAgain, startWithOperatorLead } from './support/publishing';
import { seedPendingCases } from './support/review';
import { errorCode, TestServer, type SignedInMember } from './support/server';
import { graphql, type TadaDocumentNode } from '../../schema/graphql';

let server: TestServer;
let admin: SignedInMember;
let lead: SignedInMember;

beforeAll(async () => {
  ({ server, admin, lead } = await startWithOperatorLead());
});
afterAll(async () => {
  await server?.stop();
});

const SET_LICENSE = graphql('mutation($id: ID!, $i: LicenseInput!) { setLicense(seriesId: $id, input: $i) { aiGeneratedContent aiElements aiLabel aiDisclosure } }');
const REQUIREMENTS = graphql('query($id: ID!) { series(id: $id) { aiLabelRequirements { territory ruleId elements missing met } } }');
const DISTRIBUTION = graphql('query($id: ID!) { series(id: $id) { distribution { episodes { episode { number } territory live reasons { code message } } } } }');
const CATALOG = graphql('query($t: String!) { catalog(territory: $t) { nodes { aiContent { elements label disclosure } episodes { nodes { number aiContent { elements label disclosure } } } } } }');

const resubmitAndApprove = (studio: SignedInMember, episodeIds: string[], territories: string[]) => approveAgain(server, lead, studio, episodeIds, territories);

describe('AI-content disclosure and labels', () => {
  it('a series with AI voices and no visible label stays dark where the territory requires one (AI_LABEL_MISSING), is live elsewhere with its disclosure, and goes live once labelled and reviewed', async () => {
    const partner = await createPartner(server, admin, ['US', 'CN']);
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const seeded = await seedPendingCases(server, owner.organizationId, 2, { verdict: 'CLEAR', territories: ['US', 'CN'], filings: [{ territory: 'CN', filingNumber: '(2026) 0042' }] });
    const q = <T, V>(document: TadaDocumentNode<T, V>, variables: V) => server.gql(document, variables, { token: owner.token });

    const declared = await q(SET_LICENSE, { id: seeded.seriesId, i: { ...LICENSE, territoriesIncluded: ['US', 'CN'], aiElements: ['VOICE'], aiDisclosure: 'Character voices are synthesised.' } });
    // Declaring a use declares AI-generated content.
    expect(declared.data!.setLicense).toEqual({ aiGeneratedContent: true, aiElements: ['VOICE'], aiLabel: null, aiDisclosure: 'Character voices are synthesised.' });
    await q(graphql('mutation($i: SetEpisodePricesInput!) { setEpisodePrices(input: $i) { episode { number } } }'), { i: { seriesId: seeded.seriesId, fromNumber: 1, toNumber: 2, territory: 'WORLDWIDE', coins: 60 } });
    await resubmitAndApprove(owner, seeded.episodeIds, ['US', 'CN']);
    await q(graphql('mutation($s: ID!, $p: ID!, $i: ReleasePlanInput!) { setReleasePlan(seriesId: $s, partnerId: $p, input: $i) { id } }'), { s: seeded.seriesId, p: partner.organizationId, i: { mode: 'ALL_AT_ONCE', startsAt: '2026-01-01T00:00:00Z' } });

    // Pre-flight: CN requires a visible label for AI voices (licensed only in US and CN, so DE/FR are not listed).
    const before = await q(REQUIREMENTS, { id: seeded.seriesId });
    expect(before.data!.series.aiLabelRequirements).toEqual([{ territory: 'CN', ruleId: 'CN-AI-LABEL-01', elements: ['VOICE'], missing: ['VISIBLE_LABEL'], met: false }]);

    const grid = async () => (await q(DISTRIBUTION, { id: seeded.seriesId })).data!.series.distribution[0]!.episodes;
    for (const cell of await grid()) {
      if (cell.territory === 'US') expect(cell).toMatchObject({ live: true, reasons: [] });
      else expect(cell.reasons.map((r) => r.code), `episode ${cell.episode.number} in CN`).toEqual(['AI_LABEL_MISSING']);
    }
    expect((await grid()).find((c) => c.territory === 'CN')!.reasons[0]!.message).toMatch(/visible AI label .* voices/);

    // Partners see the disclosure where the episode is live.
    const us = await server.gql(CATALOG, { t: 'US' }, { token: partner.key });
    expect(us.data!.catalog.nodes[0]!.aiContent).toEqual({ elements: ['VOICE'], label: null, disclosure: 'Character voices are synthesised.' });
    expect(us.data!.catalog.nodes[0]!.episodes.nodes.map((e) => e.aiContent)).toEqual([
      { elements: ['VOICE'], label: null, disclosure: 'Character voices are synthesised.' },
      { elements: ['VOICE'], label: null, disclosure: 'Character voices are synthesised.' },
    ]);
    expect((await server.gql(CATALOG, { t: 'CN' }, { token: partner.key })).data!.catalog.nodes).toEqual([]);

    // The label is reviewed material: setting it meets the duty and sends the episodes back to review.
    await q(SET_LICENSE, { id: seeded.seriesId, i: { ...LICENSE, territoriesIncluded: ['US', 'CN'], aiElements: ['VOICE'], aiDisclosure: 'Character voices are synthesised.', aiLabel: 'AI 合成声音 · AI-generated voices' } });
    expect((await q(REQUIREMENTS, { id: seeded.seriesId })).data!.series.aiLabelRequirements).toEqual([expect.objectContaining({ territory: 'CN', met: true, missing: [] })]);
    for (const cell of await grid()) expect(cell.reasons.map((r) => r.code)).not.toContain('AI_LABEL_MISSING');
    await resubmitAndApprove(owner, seeded.episodeIds, ['US', 'CN']);
    expect((await grid()).every((c) => c.live)).toBe(true);
    const cn = await server.gql(CATALOG, { t: 'CN' }, { token: partner.key });
    expect(cn.data!.catalog.nodes[0]!.episodes.nodes[0]!.aiContent.label).toBe('AI 合成声音 · AI-generated voices');

    // The avails export carries the declaration on every row.
    const avails = (await q(graphql('query($s: ID!, $id: ID) { availsCsv(studioId: $s, seriesId: $id) }'), { s: owner.organizationId, id: seeded.seriesId })).data!.availsCsv.trim().split('\r\n');
    expect(avails[0]).toMatch(/,AIGeneratedContent,AIContentUses,AILabel,AIDisclosure$/);
    expect(avails.slice(1)).toHaveLength(4);
    for (const row of avails.slice(1)) expect(row).toMatch(/,Yes,VOICE,AI 合成声音 · AI-generated voices,Character voices are synthesised\.$/);
  });

  it('an episode declares its own AI uses beyond the series’, and the pre-flight lists the territories that then need a label', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const seeded = await seedPendingCases(server, owner.organizationId, 2, { territories: ['DE'] });
    await server.gql(SET_LICENSE, { id: seeded.seriesId, i: { ...LICENSE, territoriesIncluded: ['WORLDWIDE'], aiElements: ['TRANSLATION'], aiDisclosure: 'Subtitles are machine-translated.' } }, { token: owner.token });
    // A translation needs a label in CN only.
    const first = await server.gql(REQUIREMENTS, { id: seeded.seriesId }, { token: owner.token });
    expect(first.data!.series.aiLabelRequirements.map((r) => [r.territory, r.elements])).toEqual([['CN', ['TRANSLATION']]]);

    const updated = await server.gql(graphql('mutation($i: UpdateEpisodeInput!) { updateEpisode(input: $i) { aiElements } }'), { i: { id: seeded.episodeIds[1], aiElements: ['FACES'] } }, { token: owner.token });
    expect(updated.data!.updateEpisode.aiElements).toEqual(['FACES']);
    const after = await server.gql(REQUIREMENTS, { id: seeded.seriesId }, { token: owner.token });
    expect(after.data!.series.aiLabelRequirements.map((r) => [r.territory, r.elements])).toEqual(expect.arrayContaining([['CN', ['FACES', 'TRANSLATION']], ['DE', ['FACES']], ['FR', ['FACES']]]));
    // The episode's own declaration is reviewed material: its open case lapses.
    const lapsed = (await server.orm.em.getConnection().execute('select invalidated_at from review_case where episode_id = ?', [seeded.episodeIds[1]])) as Array<{ invalidated_at: Date | null }>;
    expect(lapsed[0]!.invalidated_at).not.toBeNull();
  });

  it('refuses a label that is too long and an unknown AI use, naming the field, and changes nothing', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const seeded = await seedPendingCases(server, owner.organizationId, 1);
    const long = await server.gql(SET_LICENSE, { id: seeded.seriesId, i: { ...LICENSE, aiElements: ['VOICE'], aiDisclosure: 'Synthesised.', aiLabel: 'x'.repeat(201) } }, { token: owner.token });
    expect(errorCode(long)).toBe('BAD_USER_INPUT');
    expect(long.errors![0]!.extensions.field).toBe('input.aiLabel');
    const noDisclosure = await server.gql(SET_LICENSE, { id: seeded.seriesId, i: { ...LICENSE, aiElements: ['FACES'] } }, { token: owner.token });
    expect(noDisclosure.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.aiDisclosure' });
    // eslint-disable-next-line no-restricted-syntax -- as text: ROBOTS is no AiContentElement, which a typed document would not let through
    const unknown = await server.gql('mutation($i: UpdateEpisodeInput!) { updateEpisode(input: $i) { id } }', { i: { id: seeded.episodeIds[0], aiElements: ['ROBOTS'] } }, { token: owner.token });
    expect(unknown.errors).toBeDefined();
    const rows = (await server.orm.em.getConnection().execute('select count(*)::int as n from series_license where series_id = ?', [seeded.seriesId])) as Array<{ n: number }>;
    expect(rows[0]!.n).toBe(0);
  });
});
