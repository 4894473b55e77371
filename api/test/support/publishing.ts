import { expect } from 'vitest';
import { Role } from '../../src/modules/membership/membership.entity';
import { OrganizationKind } from '../../src/modules/organization/organization.entity';
import { CLAIM_NEXT, DECIDE, seedPendingCases, type SeedDub, type SeedSubtitle } from './review';
import { TestServer, type SignedInMember } from './server';
import { graphql, type TadaDocumentNode } from '../../../schema/graphql';

export const LICENSE = { sourceWorkTitle: 'The Heiress Returns', sourceWorkKind: 'NOVEL' as const, sourceWorkAuthor: 'Mei Lan', licensor: 'Lotus Press', licenseKind: 'ADAPTATION' as const, territoriesIncluded: ['US', 'CA'], windowStart: '2026-01-01T00:00:00Z', windowEnd: '2030-01-01T00:00:00Z' };

/** A partner serving `territories`, with an API key. */
/** A running server with an operator admin and a lead (second approvals off): the publishing tests' set-up. */
export async function startWithOperatorLead(env: Record<string, string> = {}): Promise<{ server: TestServer; admin: SignedInMember; lead: SignedInMember }> {
  const server = await TestServer.start({ REVIEW_FOUR_EYES: 'false', ...env });
  const admin = await server.member(OrganizationKind.OPERATOR, Role.ADMIN);
  const lead = await server.addMember(admin.organizationId, Role.LEAD);
  return { server, admin, lead };
}

export async function createPartner(server: TestServer, admin: SignedInMember, territories = ['US', 'CA']) {
  const p = await server.member(OrganizationKind.PARTNER, Role.PARTNER_ADMIN);
  await server.gql(graphql('mutation($id: ID!, $i: PartnerProfileInput!) { updatePartner(partnerId: $id, input: $i) { currency } }'), { id: p.organizationId, i: { territories, currency: 'USD' } }, { token: admin.token });
  const key = await server.gql(graphql('mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret } }'), { i: { organizationId: p.organizationId, name: 'sync' } }, { token: admin.token });
  return { ...p, key: key.data!.createApiKey.secret };
}

/**
 * A studio series with `n` episodes approved by a lead for `territories`, licensed there, priced
 * (US 0.49 USD, elsewhere 60 coins) and released to `partnerId`.
 */
export async function createLiveSeries(server: TestServer, lead: SignedInMember, n: number, partnerId: string, options: { territories?: string[]; filings?: Array<{ territory: string; filingNumber: string }>; subtitles?: SeedSubtitle[]; subtitleLanguages?: string[]; dubs?: SeedDub[]; dubLanguages?: string[]; varied?: boolean; before?: Parameters<typeof seedPendingCases>[3] extends infer O ? (O extends { before?: infer B } ? B : never) : never } = {}) {
  const territories = options.territories ?? ['US', 'CA'];
  const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
  const seeded = await seedPendingCases(server, owner.organizationId, n, { verdict: 'CLEAR', territories, filings: options.filings, subtitles: options.subtitles, dubs: options.dubs, varied: options.varied, before: options.before });
  const q = <T, V>(document: TadaDocumentNode<T, V>, variables: V) => server.gql(document, variables, { token: owner.token });
  await q(graphql('mutation($id: ID!, $i: LicenseInput!) { setLicense(seriesId: $id, input: $i) { id } }'), { id: seeded.seriesId, i: { ...LICENSE, territoriesIncluded: territories, subtitleLanguages: options.subtitleLanguages ?? [], dubLanguages: options.dubLanguages ?? [] } });
  await q(graphql('mutation($i: SetEpisodePricesInput!) { setEpisodePrices(input: $i) { episode { number } } }'), { i: { seriesId: seeded.seriesId, fromNumber: 1, toNumber: n, territory: 'WORLDWIDE', coins: 60 } });
  await q(graphql('mutation($i: SetEpisodePricesInput!) { setEpisodePrices(input: $i) { episode { number } } }'), { i: { seriesId: seeded.seriesId, fromNumber: 1, toNumber: n, territory: 'US', currency: 'USD', amountMinor: 49 } });
  for (let i = 0; i < n; i++) {
    const c = (await server.gql(CLAIM_NEXT, { f: { studioId: owner.organizationId } }, { token: lead.token })).data!.claimNextCase;
    const d = await server.gql(DECIDE, { i: { caseId: c!.id, version: c!.version, decisions: territories.map((territory) => ({ territory, decision: 'APPROVE' as const })) } }, { token: lead.token });
    expect(d.errors).toBeUndefined();
  }
  const plan = await q(graphql('mutation($s: ID!, $p: ID!, $i: ReleasePlanInput!) { setReleasePlan(seriesId: $s, partnerId: $p, input: $i) { id } }'), { s: seeded.seriesId, p: partnerId, i: { mode: 'ALL_AT_ONCE', startsAt: '2026-01-01T00:00:00Z' } });
  expect(plan.errors).toBeUndefined();
  return { owner, ...seeded };
}

/**
 * The studio submits the episodes again (a change to reviewed material lapsed their cases), the
 * cases are left as a clean screening leaves them, and a lead approves them for `territories`.
 */
export async function resubmitAndApprove(server: TestServer, lead: SignedInMember, studio: SignedInMember, episodeIds: string[], territories: string[]) {
  // Submission binds each case to the material as it is now.
  const submitted = await server.gql(graphql('mutation($i: SubmitForReviewInput!) { submitForReview(input: $i) { id } }'), { i: { episodeIds, territories } }, { token: studio.token });
  expect(submitted.errors).toBeUndefined();
  const verdicts = JSON.stringify(territories.map((territory) => ({ territory, verdict: 'CLEAR', riskScore: 0, reasons: [] })));
  // Its screening may have begun already: a screening that ends after this finds the case no longer
  // screening and records nothing over it.
  await server.orm.em.getConnection().execute(`update review_case set status = 'PENDING_REVIEW', ai_status = 'COMPLETED', risk_score = 0, verdicts = ?, screening_lease_until = null where episode_id = any(?::uuid[]) and status in ('QUEUED', 'SCREENING')`, [verdicts, `{${episodeIds.join(',')}}`]);
  const caseIds: string[] = [];
  for (const _ of episodeIds) {
    const c = (await server.gql(CLAIM_NEXT, { f: { studioId: studio.organizationId } }, { token: lead.token })).data!.claimNextCase!;
    const d = await server.gql(DECIDE, { i: { caseId: c.id, version: c.version, decisions: territories.map((territory) => ({ territory, decision: 'APPROVE' as const })) } }, { token: lead.token });
    expect(d.errors).toBeUndefined();
    caseIds.push(c.id);
  }
  return caseIds;
}

export const CATALOG = graphql(`
  query($t: String!, $first: Int, $eps: Int) {
    catalog(territory: $t, first: $first) {
      nodes { id title licensor sourceWork { title author } episodes(first: $eps) { nodes { id number title durationSeconds width height subtitleLanguages price { free coins currency amount } posterUrl } } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);
export const catalogOf = async (server: TestServer, key: string, t: string, first = 20, eps = 20) => server.gql(CATALOG, { t, first, eps }, { token: key });
