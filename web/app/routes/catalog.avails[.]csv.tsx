import type { LoaderFunctionArgs } from '@remix-run/node';
import { availsDownload } from '~/models/avails.server';
import { requireCatalog } from '~/models/catalog-access.server';

/** The whole catalog's avails (licensed, unarchived series) as a CSV download. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { studio } = await requireCatalog(request);
  return availsDownload(request, { studioId: studio.id, studioName: studio.name });
}
