import { isId } from '../common/ids';

/** Opaque Relay global ids: the kind, the row and the territory the partner asked in. */
export function globalId(kind: 'CatalogSeries' | 'CatalogEpisode', id: string, territory: string): string {
  return Buffer.from(`${kind}:${id}:${territory}`).toString('base64url');
}

export function parseGlobalId(value: string): { kind: string; id: string; territory: string } | null {
  const [kind, id, territory] = Buffer.from(value, 'base64url').toString('utf8').split(':');
  return kind && id && territory && isId(id) && /^[A-Z]{2}$/.test(territory) ? { kind, id, territory } : null;
}
