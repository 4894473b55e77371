import { expect } from 'vitest';
import type { TestServer } from './server';

/** A WebVTT file of one cue saying `text`. */
export const vttOf = (text: string) => `WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n${text}\n`;

/** Runs SQL inside the seeding transaction (`createLiveSeries`' `before`). */
export type SeedSql = (sql: string, params: unknown[]) => Promise<unknown[]>;

/** Every field a partner reads of a catalog episode that comes from its media, tracks and texts. */
export const EPISODE_FIELDS = `id number title synopsis language durationSeconds width height posterUrl subtitleLanguages
  subtitles { language kind aiGenerated url } audioTracks { language codec durationSeconds url }`;

/** A catalog episode as EPISODE_FIELDS reads it (`audioTracks` left out where a query does not ask). */
export interface ShownEpisode {
  id: string;
  number: number;
  title: string;
  synopsis: string;
  language: string;
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
  posterUrl: string | null;
  subtitleLanguages: string[];
  subtitles: Array<{ language: string; kind: string; aiGenerated: boolean; url: string }>;
  audioTracks?: Array<{ language: string; codec: string; durationSeconds: number; url: string }>;
}

/** What the catalog probes read of an answer: a page of series with their episodes, or a node. */
export interface CatalogAnswer {
  catalog: { nodes: Array<{ id: string; episodes: { nodes: ShownEpisode[] } }> };
  node: ShownEpisode | null;
}

/** A partner query's data (text built at run time, so untyped), failing the test on any error. */
export async function partnerRead(server: TestServer, query: string, variables: Record<string, unknown>, key: string): Promise<CatalogAnswer> {
  const res = (await server.gql(query as never, variables as never, { token: key })) as { data?: CatalogAnswer; errors?: unknown[] };
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!;
}

/** The `after` cursor of an episode window ending at episode `number`. */
export const episodeCursor = (number: number) => Buffer.from(`c:${number}`, 'utf8').toString('base64url');
