import { data } from '@remix-run/node';
import type { CurrencyOption, TerritoryOption } from './catalog';
import { listCurrencies, listTerritories } from './catalog.server';
import { expectData, type PageError } from './graphql.server';
import { roleLabel } from './roles';
import { requireSection } from './sections.server';

/**
 * The studio whose catalog the page shows and whether the user may change it. With `edit`, a
 * viewer gets a 403 page instead (the API would refuse the change anyway).
 */
export async function requireCatalog(request: Request, options: { edit?: boolean } = {}) {
  const { membership } = await requireSection(request, 'catalog');
  const canEdit = membership.can.editCatalog;
  if (options.edit && !canEdit) {
    throw data<PageError>(
      { message: `Only owners and editors can change the catalog; you are a ${roleLabel(membership.role).toLowerCase()} in ${membership.organization.name}.` },
      { status: 403 },
    );
  }
  return { studio: membership.organization, role: membership.role, canEdit };
}

/** The fixed lists the catalog forms choose from. */
export async function catalogLists(request: Request): Promise<{ territories: TerritoryOption[]; currencies: CurrencyOption[] }> {
  const [territories, currencies] = await Promise.all([
    listTerritories(request).then((r) => expectData(request, r)),
    listCurrencies(request).then((r) => expectData(request, r)),
  ]);
  return { territories, currencies };
}
