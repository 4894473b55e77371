import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, type ResultOf, type TadaDocumentNode } from '../../schema/graphql';
import { getMetadataStorage } from 'type-graphql';
import { CAPABILITIES, type Capability } from '../src/graphql/access';
import { buildGreenlightSchema } from '../src/graphql/schema';
import { Role, ROLES_BY_KIND } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { createPartner } from './support/publishing';
import { TestServer, type SignedInMember } from './support/server';

// `Viewer.can` and `Membership.can` are what the dashboard shows sections and buttons by, so each
// capability must say true exactly when the operations it names let the person through: for every
// role of every kind of organization, each such operation is called, with ids that exist nowhere, and
// the authorization refusal (FORBIDDEN, reason ROLE_REQUIRED) must come exactly when `can` says false.

const CAN = graphql(`
  query Can {
    viewer {
      can { readCatalog editCatalog submitForReview review lead administer manageTeam readAuditLog managePartners }
      memberships { role organization { kind } can { readCatalog editCatalog submitForReview review lead administer manageTeam readAuditLog managePartners } }
    }
  }
`);

const nowhere = () => randomUUID();
const LICENSE = { sourceWorkTitle: 'Nowhere', sourceWorkKind: 'NOVEL' as const, licensor: 'Nobody', licenseKind: 'ADAPTATION' as const, territoriesIncluded: ['US'], windowStart: '2026-01-01T00:00:00Z' } as const;

type Probe = { operation: string; document: TadaDocumentNode<unknown, never>; variables: () => Record<string, unknown> };

/**
 * Operations that do what each capability names, several where the dashboard relies on several
 * (reading the catalog is listing series, opening one, opening an episode). Each is called as every
 * role; its refusal must agree with the capability, and its `@Allow` must be the capability's group.
 */
const PROBES: Record<Capability, Probe[]> = {
  readCatalog: [
    { operation: 'seriesList', document: graphql(`query ProbeList($id: ID!) { seriesList(studioId: $id) { pageInfo { hasNextPage } } }`), variables: () => ({ id: nowhere() }) },
    { operation: 'series', document: graphql(`query ProbeSeries($id: ID!) { series(id: $id) { id } }`), variables: () => ({ id: nowhere() }) },
    { operation: 'episode', document: graphql(`query ProbeEpisode($id: ID!) { episode(id: $id) { id } }`), variables: () => ({ id: nowhere() }) },
  ],
  editCatalog: [
    { operation: 'setLicense', document: graphql(`mutation ProbeEdit($id: ID!, $input: LicenseInput!) { setLicense(seriesId: $id, input: $input) { updatedAt } }`), variables: () => ({ id: nowhere(), input: LICENSE }) },
    { operation: 'archiveSeries', document: graphql(`mutation ProbeArchive($id: ID!) { archiveSeries(id: $id) { id } }`), variables: () => ({ id: nowhere() }) },
  ],
  submitForReview: [
    { operation: 'submitForReview', document: graphql(`mutation ProbeSubmit($id: ID!) { submitForReview(input: { episodeIds: [$id], territories: ["US"] }) { id } }`), variables: () => ({ id: nowhere() }) },
  ],
  review: [
    { operation: 'queueStats', document: graphql(`query ProbeReview { queueStats { pending } }`), variables: () => ({}) },
    { operation: 'reviewQueue', document: graphql(`query ProbeQueue { reviewQueue(first: 1) { pageInfo { hasNextPage } } }`), variables: () => ({}) },
  ],
  lead: [{ operation: 'holdCase', document: graphql(`mutation ProbeLead($id: ID!) { holdCase(caseId: $id, held: true, reason: "Probe") { id } }`), variables: () => ({ id: nowhere() }) }],
  administer: [
    { operation: 'updatePartner', document: graphql(`mutation ProbeAdminister($id: ID!) { updatePartner(partnerId: $id, input: { territories: ["US"], currency: "USD" }) { currency } }`), variables: () => ({ id: nowhere() }) },
  ],
  manageTeam: [
    { operation: 'removeMember', document: graphql(`mutation ProbeTeam($id: ID!) { removeMember(membershipId: $id) }`), variables: () => ({ id: nowhere() }) },
    { operation: 'changeMemberRole', document: graphql(`mutation ProbeRole($id: ID!) { changeMemberRole(input: { membershipId: $id, role: VIEWER }) { id } }`), variables: () => ({ id: nowhere() }) },
  ],
  readAuditLog: [
    { operation: 'auditEvents', document: graphql(`query ProbeAudit($id: ID) { auditEvents(organizationId: $id, first: 1) { pageInfo { hasNextPage } } }`), variables: () => ({ id: nowhere() }) },
  ],
  managePartners: [
    { operation: 'apiKeys', document: graphql(`query ProbePartners($id: ID!) { apiKeys(organizationId: $id) { id } }`), variables: () => ({ id: nowhere() }) },
    { operation: 'webhookEndpoints', document: graphql(`query ProbeEndpoints($id: ID!) { webhookEndpoints(partnerId: $id) { id } }`), variables: () => ({ id: nowhere() }) },
  ],
};

let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start();
});
afterAll(() => server?.stop());

async function capabilities(member: SignedInMember) {
  const res = await server.gql(CAN, {}, { token: member.token });
  expect(res.errors).toBeUndefined();
  return res.data!.viewer;
}

/** Whether calling `probe` as `member` is refused for the caller's role. */
async function refusedForRole(member: SignedInMember, probe: Probe): Promise<boolean> {
  const res = await server.gql(probe.document as TadaDocumentNode<unknown, Record<string, unknown>>, probe.variables(), { token: member.token });
  for (const error of res.errors ?? []) expect(error.extensions.code, `${probe.operation}: ${error.message}`).not.toBe('INTERNAL_SERVER_ERROR');
  return (res.errors ?? []).some((e) => e.extensions.reason === 'ROLE_REQUIRED');
}

/** Each probe's verdict for `member` against what `can` says. */
async function disagreements(member: SignedInMember, can: Record<Capability, boolean>): Promise<string[]> {
  const found: string[] = [];
  for (const capability of Object.keys(CAPABILITIES) as Capability[]) {
    for (const probe of PROBES[capability]) {
      const refused = await refusedForRole(member, probe);
      if (refused === can[capability]) found.push(`can.${capability} is ${can[capability]} but ${probe.operation} ${refused ? 'refuses' : 'lets through'}`);
    }
  }
  return found;
}

describe('Viewer.can and Membership.can agree with the operations they name', () => {
  it('names every capability of the table, and the table names a role group for each', () => {
    const sample: ResultOf<typeof CAN>['viewer']['can'] = { readCatalog: false, editCatalog: false, submitForReview: false, review: false, lead: false, administer: false, manageTeam: false, readAuditLog: false, managePartners: false };
    expect(Object.keys(sample).sort()).toEqual(Object.keys(CAPABILITIES).sort());
    for (const rules of Object.values(CAPABILITIES)) expect(rules.length).toBeGreaterThan(0);
  });

  it('each capability is the role group its operations declare with @Allow', async () => {
    await buildGreenlightSchema();
    const allowed = new Map(getMetadataStorage().authorizedFields.map((f) => [f.fieldName, [...(f.roles as string[])].filter((r) => r.includes(':')).sort()]));
    for (const [capability, probes] of Object.entries(PROBES)) {
      expect(probes.length, capability).toBeGreaterThan(0);
      for (const probe of probes) expect(allowed.get(probe.operation), `${capability}: ${probe.operation}`).toEqual([...CAPABILITIES[capability as Capability]].sort());
    }
  });

  for (const kind of Object.values(OrganizationKind)) {
    for (const role of ROLES_BY_KIND[kind]) {
      it(`as ${kind} ${role}`, async () => {
        const member = await server.member(kind, role);
        const { can, memberships } = await capabilities(member);
        expect(memberships).toHaveLength(1);
        // With one membership, what the person may do anywhere is what that membership allows.
        expect(memberships[0]!.can).toEqual(can);
        expect(await disagreements(member, can), `${kind} ${role}`).toEqual([]);
      }, 60_000);
    }
  }

  it('someone in two organizations may do what either allows, and each membership says what it allows there', async () => {
    const editor = await server.member(OrganizationKind.STUDIO, Role.EDITOR);
    const lead = await server.member(OrganizationKind.OPERATOR, Role.LEAD);
    const em = server.orm.em.fork();
    await em.getConnection().execute('update membership set user_id = ? where user_id = ?', [editor.userId, lead.userId]);
    const { can, memberships } = await capabilities(editor);
    expect(memberships).toHaveLength(2);
    const studio = memberships.find((m) => m.organization.kind === 'STUDIO')!;
    const operator = memberships.find((m) => m.organization.kind === 'OPERATOR')!;
    expect(studio.can).toMatchObject({ editCatalog: true, review: false, lead: false });
    expect(operator.can).toMatchObject({ editCatalog: false, review: true, lead: true });
    for (const capability of Object.keys(CAPABILITIES) as Capability[]) expect(can[capability], capability).toBe(studio.can[capability] || operator.can[capability]);
    expect(await disagreements(editor, can)).toEqual([]);
  }, 60_000);

  it('a partner API key may do none of it: its partner admin manages keys, the key itself does not', async () => {
    const admin = await server.member(OrganizationKind.OPERATOR, Role.ADMIN);
    const partner = await createPartner(server, admin);
    const res = await server.gql(CAN, {}, { token: partner.key });
    expect(res.errors).toBeUndefined();
    expect(Object.values(res.data!.viewer.can).every((v) => v === false)).toBe(true);
    expect((await capabilities(partner)).can.managePartners).toBe(true);
  });
});
