/**
 * The dashboard's configuration, read once at start-up. A bad value stops the server with a clear
 * message rather than surfacing later as a confusing failure.
 */
function readUrl(name: string, fallback: string | undefined): string | undefined {
  const value = process.env[name] || fallback;
  if (value === undefined) return undefined;
  try {
    return new URL(value).toString();
  } catch {
    throw new Error(`${name} must be an absolute URL, got "${value}".`);
  }
}

function readMilliseconds(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive number of milliseconds, got "${raw}".`);
  return value;
}

const apiUrl = readUrl('API_URL', 'http://127.0.0.1:4000/graphql')!;

export const env = {
  isProduction: process.env.NODE_ENV === 'production',
  /** Where this server sends GraphQL requests. */
  apiUrl,
  /** The API address partners should call; shown in the API access instructions. */
  publicApiUrl: readUrl('PUBLIC_API_URL', apiUrl)!,
  /** The dashboard's own public address, for links handed to other people (invitations). */
  publicWebUrl: readUrl('PUBLIC_WEB_URL', undefined)?.replace(/\/$/, ''),
  /** How long to wait for the API before giving up on a request. */
  apiTimeoutMs: readMilliseconds('API_TIMEOUT_MS', 15_000),
};
