import { isId } from '../common/ids';
import { isTerritoryCode } from '../catalog/territories';

/**
 * Opaque Relay global ids: the kind, the row and the territory the partner asked in. Every part is
 * ASCII (a kind, a UUID, an ISO 3166-1 code), so the text is encoded as latin1, which is the same
 * bytes as UTF-8 there and half the work (a catalog page makes a thousand of these).
 */
export function globalId(kind: 'CatalogSeries' | 'CatalogEpisode', id: string, territory: string): string {
  return Buffer.from(`${kind}:${id}:${territory}`, 'latin1').toString('base64url');
}

const KINDS = new Set(['CatalogSeries', 'CatalogEpisode']);

/**
 * The parts of a global id this API issued, or null for anything else. Only the exact form
 * `globalId` writes is read: three parts, a known kind, a lower-case UUID, an ISO 3166-1 alpha-2
 * territory, unpadded base64url. Extra parts, upper-case UUIDs, other base64 spellings or two letters
 * that are no territory are not another name for the same row, so every reader (`node`, `playback`)
 * answers them alike: not found (not a complaint about a `territory` the caller never passed).
 */
export function parseGlobalId(value: string): { kind: 'CatalogSeries' | 'CatalogEpisode'; id: string; territory: string } | null {
  const [kind, id, territory, ...rest] = Buffer.from(value, 'base64url').toString('utf8').split(':');
  if (rest.length || !kind || !KINDS.has(kind) || !id || !territory || !isId(id) || id !== id.toLowerCase() || !isTerritoryCode(territory)) return null;
  const parsed = { kind: kind as 'CatalogSeries' | 'CatalogEpisode', id, territory };
  return globalId(parsed.kind, id, territory) === value ? parsed : null;
}
