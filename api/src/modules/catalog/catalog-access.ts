import { isOperatorStaff, membershipIn, requireRoleIn, requireUser } from '../../domain/access';
import { NotFoundError } from '../../domain/errors';
import type { RequestContext } from '../../domain/request-context';
import { isId } from '../common/ids';
import { Role } from '../membership/membership.entity';
import { OrganizationKind } from '../organization/organization.entity';
import { Episode } from './episode.entity';
import { Series } from './series.entity';

export const CATALOG_READERS: readonly Role[] = [Role.OWNER, Role.EDITOR, Role.VIEWER];
export const CATALOG_WRITERS: readonly Role[] = [Role.OWNER, Role.EDITOR];

export type Access = 'read' | 'write';

/** The caller must be a studio member (any role to read, owner or editor to write). */
/** The operator's people (reviewers, leads, admins) read every studio's catalog: they review it. */
export function readsAllCatalogs(ctx: RequestContext): boolean {
  return isOperatorStaff(ctx);
}

export function requireStudio(ctx: RequestContext, studioId: string, access: Access): void {
  requireUser(ctx);
  if (!isId(studioId)) throw new NotFoundError('Studio');
  if (access === 'read' && readsAllCatalogs(ctx) && !membershipIn(ctx, studioId)) return;
  const membership = requireRoleIn(ctx, studioId, access === 'write' ? CATALOG_WRITERS : CATALOG_READERS);
  if (membership?.organization.kind !== OrganizationKind.STUDIO) throw new NotFoundError('Studio');
}

/** Loads a series the caller may see; anything else, foreign or missing, is NOT_FOUND. */
export async function findSeries(ctx: RequestContext, id: string, access: Access, em = ctx.em): Promise<Series> {
  requireUser(ctx);
  const series = isId(id) ? await em.findOne(Series, id) : null;
  if (!series || (!membershipIn(ctx, series.studio.id) && !(access === 'read' && readsAllCatalogs(ctx)))) throw new NotFoundError('Series');
  requireStudio(ctx, series.studio.id, access);
  return series;
}

export async function findEpisode(ctx: RequestContext, id: string, access: Access, em = ctx.em): Promise<Episode> {
  requireUser(ctx);
  const episode = isId(id) ? await em.findOne(Episode, id, { populate: ['series'] }) : null;
  if (!episode) throw new NotFoundError('Episode');
  requireEpisodeAccess(ctx, episode.series.studio.id, access);
  return episode;
}

/**
 * The caller may see (`read`) or change (`write`) an episode of the studio `studioId`: NOT_FOUND for
 * anyone outside it (operator staff read every catalog), FORBIDDEN for a member without the role.
 */
export function requireEpisodeAccess(ctx: RequestContext, studioId: string, access: Access): void {
  if (!membershipIn(ctx, studioId) && !(access === 'read' && readsAllCatalogs(ctx))) throw new NotFoundError('Episode');
  requireStudio(ctx, studioId, access);
}

/** Before/after of the fields that changed, for audit summaries. */
export function changes<T extends object>(before: Partial<T>, after: Partial<T>): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const key of Object.keys(after) as Array<keyof T>) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      b[key as string] = before[key] ?? null;
      a[key as string] = after[key] ?? null;
    }
  }
  return { before: b, after: a };
}
