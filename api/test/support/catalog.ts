import type { TestServer } from './server';
import { graphql } from '../../../schema/graphql';

/** Creates a series with episodes 1..count through the API, as an editor would. */
export async function seriesWithEpisodes(server: TestServer, token: string, studioId: string, count: number, input: Record<string, unknown> = {}) {
  const created = await server.gql(
    graphql('mutation($studioId: ID!, $input: SeriesInput!) { createSeries(studioId: $studioId, input: $input) { id } }'),
    { studioId, input: { title: 'The Contract Bride', originalLanguage: 'zh-Hans', ...input } },
    { token },
  );
  if (!created.data) throw new Error(JSON.stringify(created.errors));
  const seriesId = created.data.createSeries.id;
  if (count > 0) {
    const added = await server.gql(graphql('mutation($input: AddEpisodesInput!) { addEpisodes(input: $input) { id } }'), { input: { seriesId, fromNumber: 1, toNumber: count } }, { token });
    if (added.errors) throw new Error(JSON.stringify(added.errors));
  }
  return seriesId;
}

/** A new series with episodes 1..count (count ≥ 1), and those episodes' ids in number order. */
export async function newSeriesEpisodes(server: TestServer, token: string, studioId: string, count: number): Promise<{ seriesId: string; episodeIds: string[] }> {
  const seriesId = await seriesWithEpisodes(server, token, studioId, 0);
  const added = await server.gql(graphql('mutation NewSeriesEpisodes($input: AddEpisodesInput!) { addEpisodes(input: $input) { id number } }'), { input: { seriesId, fromNumber: 1, toNumber: count } }, { token });
  if (!added.data) throw new Error(JSON.stringify(added.errors));
  return { seriesId, episodeIds: [...added.data.addEpisodes].sort((a, b) => a.number - b.number).map((e) => e.id) };
}

/** Every catalog table's rows, to show a refused change wrote nothing. */
export async function catalogSnapshot(server: TestServer): Promise<string> {
  const conn = server.orm.em.getConnection();
  const out = [];
  for (const table of ['series', 'episode', 'episode_price_term', 'series_license']) {
    out.push(JSON.stringify(await conn.execute(`select * from "${table}" order by id`)));
  }
  return out.join('\n');
}
