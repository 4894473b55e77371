import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireCatalog } from '~/models/catalog-access.server';
import { getEpisodeMediaStates } from '~/models/episode.server';
import { expectData } from '~/models/graphql.server';

/** Where the media of some episodes stands (`?id=…&id=…`), for pages following their uploads. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireCatalog(request);
  const ids = new URL(request.url).searchParams.getAll('id');
  return { episodes: await expectData(request, await getEpisodeMediaStates(request, ids)) };
}
