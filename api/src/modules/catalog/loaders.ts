import DataLoader from 'dataloader';
import type { RequestContext } from '../../domain/request-context';

const perRequest = new WeakMap<RequestContext, Map<string, DataLoader<string, unknown>>>();

/** A DataLoader that lives as long as one request, so list fields cost one query, not one per row. */
export function requestLoader<V>(ctx: RequestContext, name: string, batch: (keys: readonly string[]) => Promise<Map<string, V>>, fallback: V): DataLoader<string, V> {
  let loaders = perRequest.get(ctx);
  if (!loaders) perRequest.set(ctx, (loaders = new Map()));
  let loader = loaders.get(name) as DataLoader<string, V> | undefined;
  if (!loader) {
    loader = new DataLoader<string, V>(async (keys) => {
      const found = await batch(keys);
      return keys.map((k) => (found.has(k) ? found.get(k)! : fallback));
    });
    loaders.set(name, loader as DataLoader<string, unknown>);
  }
  return loader;
}
