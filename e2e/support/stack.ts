import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The isolated stack the end-to-end run starts (see playwright.config.ts). E2E_PORT_OFFSET moves
 * every port (API, dashboard, database) so two runs can share a machine.
 */
const offset = Number(process.env.E2E_PORT_OFFSET ?? 0);
export const API_PORT = 4400 + offset;
export const WEB_PORT = 3400 + offset;
export const PG_PORT = 54340 + offset;
/**
 * The stand-in for the OpenAI API (api/test/support/fake-openai.ts, the real wire format) that the
 * stack's API is pointed at for AI subtitle translation only: the review provider stays the embedded
 * rules (AI_PROVIDER=rules), so screening in every journey is what a default install does.
 */
export const FAKE_OPENAI_PORT = 4450 + offset;
export const FAKE_OPENAI_URL = `http://127.0.0.1:${FAKE_OPENAI_PORT}/v1`;
export const DATA_FOLDER = offset ? `.data/e2e-${offset}` : '.data/e2e';
/**
 * Stored videos, posters and keyframes live outside `.data`: the API's file sender refuses paths
 * that pass through a dot-folder (as hidden files), so they would never play in the browser.
 */
export const MEDIA_FOLDER = path.join(tmpdir(), offset ? `greenlight-e2e-${offset}-media` : 'greenlight-e2e-media');
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
