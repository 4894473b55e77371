/**
 * A small hook so the catalog, review and media modules can say "this series changed" without
 * knowing who cares (publishing re-evaluates what partners may show).
 */
type Listener = (seriesIds: string[]) => Promise<void>;

export class CatalogChanges {
  private readonly listeners: Listener[] = [];

  subscribe(listener: Listener): void {
    this.listeners.push(listener);
  }

  async changed(...seriesIds: string[]): Promise<void> {
    const ids = [...new Set(seriesIds.filter(Boolean))];
    if (!ids.length) return;
    for (const listener of this.listeners) await listener(ids);
  }
}
