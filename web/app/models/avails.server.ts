import { getAvailsCsv, getSeriesCard } from './catalog.server';
import { expectData } from './graphql.server';

/** "Moonlit Vows" → "moonlit-vows"; keeps file names safe in every browser and OS. */
function slug(text: string): string {
  const ascii = text
    .normalize('NFKD')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '-');
  return ascii.slice(0, 60) || 'catalog';
}

/**
 * The EMA avails of one series (or the whole catalog) as a download, named after what it holds
 * and the day it was made.
 */
export async function availsDownload(request: Request, scope: { studioId: string; studioName: string; seriesId?: string }): Promise<Response> {
  const title = scope.seriesId ? (await expectData(request, await getSeriesCard(request, scope.seriesId))).title : scope.studioName;
  const csv = await expectData(request, await getAvailsCsv(request, scope.studioId, scope.seriesId));
  const filename = `${slug(title)}-avails-${new Date().toISOString().slice(0, 10)}.csv`;
  return new Response(csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${filename}"`,
      'Cache-Control': 'private, no-store',
    },
  });
}
