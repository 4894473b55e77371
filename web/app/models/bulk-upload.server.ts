import { graphql, type ResultOf } from '~/graphql';
import { EPISODE_PAGE_SIZE, numberRuns } from './catalog';
import { addEpisodes } from './catalog.server';
import type { ReplacementCancellation } from './bulk-upload';
import { gql, type ApiResult } from './graphql.server';

const UPLOAD_TARGETS = graphql(`
  query UploadTargets($id: ID!, $from: Int!, $to: Int!, $first: Int!, $after: String) {
    series(id: $id) {
      episodes(numberFrom: $from, numberTo: $to, first: $first, after: $after) {
        nodes { id number title status media { durationSeconds sizeBytes sha256 } replacementCancels { territory loss } }
        pageInfo { endCursor hasNextPage }
      }
    }
  }
`);

type TargetNode = ResultOf<typeof UPLOAD_TARGETS>['series']['episodes']['nodes'][number];

/** An episode a bulk upload can send a file to, as the preview shows it. */
export interface BulkUploadTarget {
  id: string;
  number: number;
  title: string;
  status: TargetNode['status'];
  hasMedia: boolean;
  /** The current video's size and sha256: a file with both is that video already. */
  media: { sizeBytes: number; sha256: string } | null;
  /** What replacing the video would cancel (the API's rule, `Episode.replacementCancels`). */
  replacementCancels: ReplacementCancellation[];
}

/** The series' episodes numbered `from`..`to` (inclusive), in number order. */
export async function getUploadTargets(request: Request, seriesId: string, from: number, to: number): Promise<ApiResult<BulkUploadTarget[]>> {
  const targets: BulkUploadTarget[] = [];
  let after: string | null = null;
  for (;;) {
    const result: ApiResult<ResultOf<typeof UPLOAD_TARGETS>> = await gql(request, UPLOAD_TARGETS, { id: seriesId, from, to, first: EPISODE_PAGE_SIZE, after });
    if (!result.ok) return result;
    const page: ResultOf<typeof UPLOAD_TARGETS>['series']['episodes'] = result.data.series.episodes;
    targets.push(
      ...page.nodes.map((e) => ({
        id: e.id,
        number: e.number,
        title: e.title,
        status: e.status,
        hasMedia: Boolean(e.media),
        media: e.media ? { sizeBytes: e.media.sizeBytes, sha256: e.media.sha256 } : null,
        replacementCancels: e.replacementCancels.map((c) => ({ territory: c.territory, loss: c.loss })),
      })),
    );
    if (!page.pageInfo.hasNextPage) return { ok: true, data: targets };
    after = page.pageInfo.endCursor;
  }
}

/**
 * The episodes `numbers` name, creating as drafts those the series lacks (the API's `addEpisodes`,
 * one call per run of consecutive missing numbers). `created` lists the numbers it added.
 */
export async function ensureEpisodes(request: Request, seriesId: string, numbers: readonly number[]): Promise<ApiResult<{ episodes: BulkUploadTarget[]; created: number[] }>> {
  const wanted = [...new Set(numbers)].sort((a, b) => a - b);
  if (!wanted.length) return { ok: true, data: { episodes: [], created: [] } };
  const from = wanted[0]!;
  const to = wanted[wanted.length - 1]!;
  const before = await getUploadTargets(request, seriesId, from, to);
  if (!before.ok) return before;
  const existing = new Set(before.data.map((e) => e.number));
  const created = wanted.filter((n) => !existing.has(n));
  for (const [fromNumber, toNumber] of numberRuns(created)) {
    const added = await addEpisodes(request, { seriesId, fromNumber, toNumber, titleTemplate: null });
    if (!added.ok) return added;
  }
  const after = created.length ? await getUploadTargets(request, seriesId, from, to) : before;
  if (!after.ok) return after;
  const asked = new Set(wanted);
  return { ok: true, data: { episodes: after.data.filter((e) => asked.has(e.number)), created } };
}
