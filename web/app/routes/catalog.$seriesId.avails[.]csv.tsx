import type { LoaderFunctionArgs } from '@remix-run/node';
import { availsDownload } from '~/models/avails.server';
import { requireCatalog } from '~/models/catalog-access.server';

/** One series' avails as a CSV download. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { studio } = await requireCatalog(request);
  return availsDownload(request, { studioId: studio.id, studioName: studio.name, seriesId: params.seriesId! });
}
