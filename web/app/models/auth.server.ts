import { redirect } from '@remix-run/node';
import { graphql, type ResultOf } from '~/graphql';
import { OrganizationFields } from './roles';

/**
 * What the person may do (the API's `Capabilities`, from the role groups its resolvers allow): the
 * dashboard shows sections and buttons by these, never by role names.
 */
export const CapabilityFields = graphql(`
  fragment CapabilityFields on Capabilities { readCatalog editCatalog submitForReview review lead administer manageTeam readAuditLog managePartners }
`);
export type Capabilities = ResultOf<typeof CapabilityFields>;
import { expectData, gql, redirectToLogin, type ApiResult } from './graphql.server';
import { endSession, forgetSelectedOrganization, readSessionToken, startSession } from './session.server';

const VIEWER_QUERY = graphql(
  `
  query Viewer {
    viewer {
      kind
      user { id name email }
      memberships { id role createdAt organization { ...OrganizationFields } can { ...CapabilityFields } }
    }
  }
`,
  [OrganizationFields, CapabilityFields],
);

type ViewerResult = ResultOf<typeof VIEWER_QUERY>['viewer'];
export type User = NonNullable<ViewerResult['user']>;
export type ViewerMembership = ViewerResult['memberships'][number];

/** The signed-in person and the organizations they belong to, oldest membership first. */
export interface Viewer {
  user: User;
  memberships: ViewerMembership[];
}

async function fetchViewer(request: Request): Promise<ApiResult<Viewer | null>> {
  const result = await gql(request, VIEWER_QUERY, {});
  if (!result.ok) return result;
  const { viewer } = result.data;
  return { ok: true, data: viewer.user ? { user: viewer.user, memberships: viewer.memberships } : null };
}

/** The signed-in viewer, or a redirect to /login (clearing a session the API no longer accepts). */
export async function requireViewer(request: Request): Promise<Viewer> {
  if (!(await readSessionToken(request))) throw await redirectToLogin(request);
  const viewer = await expectData(request, await fetchViewer(request));
  if (!viewer) throw await redirectToLogin(request);
  return viewer;
}

/** The viewer when the session is still good; undefined otherwise (for public pages). */
export async function optionalViewer(request: Request): Promise<Viewer | undefined> {
  if (!(await readSessionToken(request))) return undefined;
  const result = await fetchViewer(request);
  return result.ok && result.data ? result.data : undefined;
}

const SIGN_IN = graphql(`
  mutation SignIn($input: SignInInput!) {
    signIn(input: $input) { token expiresAt user { id } }
  }
`);

/** Signs in with the API; on success, the Set-Cookie header that starts the dashboard session. */
export async function signIn(request: Request, email: string, password: string): Promise<ApiResult<{ setCookie: string }>> {
  const result = await gql(request, SIGN_IN, { input: { email, password } }, { token: null });
  if (!result.ok) return result;
  return { ok: true, data: { setCookie: await startSession(result.data.signIn.token, result.data.signIn.expiresAt) } };
}

const SIGN_OUT = graphql(`
  mutation SignOut {
    signOut
  }
`);

/** Ends the session at the API (best effort: the cookie goes either way) and returns to /login. */
export async function signOutAndRedirect(request: Request): Promise<Response> {
  if (await readSessionToken(request)) {
    const result = await gql(request, SIGN_OUT, {});
    if (!result.ok && result.error.code !== 'UNAUTHENTICATED') {
      console.error(`[${result.error.requestId}] sign-out failed at the API: ${result.error.message}`);
    }
  }
  const headers = new Headers();
  headers.append('Set-Cookie', await endSession());
  headers.append('Set-Cookie', await forgetSelectedOrganization());
  return redirect('/login', { headers });
}

/** Any origin of our own: relative targets are resolved against it, and must stay on it. */
const DASHBOARD_ORIGIN = new URL('https://dashboard.greenlight.invalid');

/**
 * A same-origin path to go to after signing in, or `fallback`. The target is parsed as a browser
 * would parse it against the dashboard's origin (`/\t/evil.example` is `//evil.example` there, another
 * site) and refused unless it stays on that origin; control characters are refused outright, so
 * nothing but the parsed, percent-encoded path reaches a `Location` header.
 */
export function safeRedirectPath(value: FormDataEntryValue | string | null | undefined, fallback = '/'): string {
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (typeof value !== 'string' || !value.startsWith('/') || /[\u0000-\u001F\u007F\\]/.test(value)) return fallback;
  let target: URL;
  try {
    target = new URL(value, DASHBOARD_ORIGIN);
  } catch {
    return fallback;
  }
  if (target.origin !== DASHBOARD_ORIGIN.origin) return fallback;
  return `${target.pathname}${target.search}${target.hash}`;
}
