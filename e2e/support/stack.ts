/** The isolated stack the end-to-end run starts (see playwright.config.ts). */
export const API_PORT = 4400;
export const WEB_PORT = 3400;
export const API_GRAPHQL_URL = `http://127.0.0.1:${API_PORT}/graphql`;

/** Demo accounts the API seeds into an empty database. */
export const DEMO_PASSWORD = 'greenlight-demo';
export const accounts = {
  admin: 'admin@greenlight.test',
  lead: 'lead@greenlight.test',
  reviewer: 'reviewer@greenlight.test',
  owner: 'owner@crimsonreel.test',
  editor: 'editor@crimsonreel.test',
  partner: 'partner@shortplay.test',
} as const;

/** Different on every call and every run, so tests never trip over each other's data. */
export function unique(label: string): string {
  return `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
