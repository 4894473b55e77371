import { print } from '@0no-co/graphql.web';
import { graphql, type TadaDocumentNode } from '../../schema/graphql';
import { expect, type APIRequestContext } from '@playwright/test';
import { API_GRAPHQL_URL, DEMO_PASSWORD } from './stack';

/**
 * Talks to the API as one user, the way a test fixture sets up data the journey under test is not
 * about (a series to look at, a member to sign in as).
 */
export interface ApiClient {
  call<T, V>(document: TadaDocumentNode<T, V>, variables?: V): Promise<T>;
}

export async function apiAs(request: APIRequestContext, email: string, password = DEMO_PASSWORD): Promise<ApiClient> {
  const post = async <T, V>(document: TadaDocumentNode<T, V>, variables: V, token?: string): Promise<T> => {
    const query = print(document);
    const response = await request.post(API_GRAPHQL_URL, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      data: { query, variables },
    });
    const body = (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
    expect(body.errors, `GraphQL errors for ${query.slice(0, 60)}`).toBeUndefined();
    return body.data as T;
  };
  const { signIn } = await post(SIGN_IN, { input: { email, password } });
  return { call: (document, variables) => post(document, variables ?? ({} as typeof variables & {}), signIn.token) };
}

/** The first organization of the signed-in user (the demo studio for its owner and editor). */
export async function studioIdOf(api: ApiClient): Promise<string> {
  const { viewer } = await api.call(VIEWER);
  const studio = viewer.memberships.find((m) => m.organization.kind === 'STUDIO');
  if (!studio) throw new Error('The user is not in a studio.');
  return studio.organization.id;
}

/** Invites a new person to the owner's studio and accepts the invitation for them. */
export async function addStudioMember(owner: ApiClient, request: APIRequestContext, options: { email: string; name: string; password: string; role: 'EDITOR' | 'VIEWER' }): Promise<void> {
  const organizationId = await studioIdOf(owner);
  const { inviteMember } = await owner.call(INVITE, {
    input: { organizationId, email: options.email, role: options.role },
  });
  const response = await request.post(API_GRAPHQL_URL, {
    data: { query: print(ACCEPT), variables: { input: { token: inviteMember.invitationToken, name: options.name, password: options.password } } },
  });
  expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
}

export interface PricedSeries {
  id: string;
  title: string;
}

/**
 * A series of 20 episodes licensed for the US and Canada (window around today): episodes 1–5
 * free, 6–20 cost 60 coins worldwide and 0.49 USD in the US.
 */
export async function createPricedSeries(editor: ApiClient, title: string): Promise<PricedSeries> {
  const studioId = await studioIdOf(editor);
  const { createSeries } = await editor.call(CREATE_SERIES, {
    studioId,
    input: { title, originalLanguage: 'en', freeEpisodeCount: 5 },
  });
  const seriesId = createSeries.id;
  await editor.call(ADD_EPISODES, { input: { seriesId, fromNumber: 1, toNumber: 20 } });
  await editor.call(SET_PRICES, { input: { seriesId, fromNumber: 6, toNumber: 20, territory: 'WORLDWIDE', coins: 60 } });
  await editor.call(SET_PRICES, { input: { seriesId, fromNumber: 6, toNumber: 20, territory: 'US', currency: 'USD', amountMinor: 49 } });
  await editor.call(SET_LICENSE, {
    seriesId,
    input: {
      sourceWorkTitle: `${title} (novel)`,
      sourceWorkKind: 'NOVEL',
      licensor: 'Moonlight Press',
      licenseKind: 'ADAPTATION',
      territoriesIncluded: ['US', 'CA'],
      windowStart: daysFromToday(-30) + 'T00:00:00.000Z',
      windowEnd: daysFromToday(365) + 'T00:00:00.000Z',
    },
  });
  return { id: seriesId, title };
}

/** A calendar day relative to today (UTC), as date inputs take it: "2026-03-01". */
export function daysFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

const SIGN_IN = graphql(`mutation SignIn($input: SignInInput!) { signIn(input: $input) { token } }`);
const VIEWER = graphql(`{ viewer { memberships { organization { id kind } } } }`);
const INVITE = graphql(`mutation Invite($input: InviteMemberInput!) { inviteMember(input: $input) { invitationToken } }`);
const ACCEPT = graphql(`mutation Accept($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { email } }`);
const CREATE_SERIES = graphql(`mutation CreateSeries($studioId: ID!, $input: SeriesInput!) { createSeries(studioId: $studioId, input: $input) { id } }`);
const ADD_EPISODES = graphql(`mutation AddEpisodes($input: AddEpisodesInput!) { addEpisodes(input: $input) { id } }`);
const SET_PRICES = graphql(`mutation SetPrices($input: SetEpisodePricesInput!) { setEpisodePrices(input: $input) { episode { id } } }`);
const SET_LICENSE = graphql(`mutation SetLicense($seriesId: ID!, $input: LicenseInput!) { setLicense(seriesId: $seriesId, input: $input) { id } }`);
