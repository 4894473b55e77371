import { Form, Link } from '@remix-run/react';
import type { TerritoryOption } from '~/models/catalog';
import type { QueueFilter } from '~/models/moderation';

interface QueueFiltersProps {
  filter: QueueFilter;
  territories: readonly TerritoryOption[];
  /** Territories with their own policy pack, offered first. */
  policyTerritories: readonly string[];
  categories: readonly string[];
  rulesByPack: ReadonlyArray<{ territory: string; name: string; ruleIds: string[] }>;
  /** Only operator admins can list studios; others get no studio choice. */
  studios: ReadonlyArray<{ id: string; name: string }>;
  /** Each series' cases together, under its name. */
  groupBySeries: boolean;
}

/** Narrows the list and "Claim next" alike; the choice lives in the address, so it can be shared. */
export function QueueFilters({ filter, territories, policyTerritories, categories, rulesByPack, studios, groupBySeries }: QueueFiltersProps) {
  const active = Object.keys(filter).length > 0;
  const withPack = territories.filter((t) => policyTerritories.includes(t.code));
  const others = territories.filter((t) => !policyTerritories.includes(t.code));
  return (
    <Form method="get" className="toolbar queue-filters" aria-label="Filter the queue">
      <div className="field">
        <label htmlFor="filter-territory">Territory</label>
        <select id="filter-territory" name="territory" defaultValue={filter.territory ?? ''}>
          <option value="">Any territory</option>
          <optgroup label="With their own policy">
            {withPack.map((t) => (
              <option key={t.code} value={t.code}>
                {t.name} ({t.code})
              </option>
            ))}
          </optgroup>
          <optgroup label="All territories">
            {others.map((t) => (
              <option key={t.code} value={t.code}>
                {t.name} ({t.code})
              </option>
            ))}
          </optgroup>
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-category">Category</label>
        <select id="filter-category" name="category" defaultValue={filter.category ?? ''}>
          <option value="">Any category</option>
          {categories.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-rule">Rule</label>
        <select id="filter-rule" name="ruleId" defaultValue={filter.ruleId ?? ''}>
          <option value="">Any rule</option>
          {rulesByPack.map((pack) => (
            <optgroup key={pack.territory} label={pack.name}>
              {pack.ruleIds.map((id) => (
                <option key={id} value={id}>
                  {id}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </div>
      {studios.length ? (
        <div className="field">
          <label htmlFor="filter-studio">Studio</label>
          <select id="filter-studio" name="studioId" defaultValue={filter.studioId ?? ''}>
            <option value="">Any studio</option>
            {studios.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
      ) : filter.studioId ? (
        <input type="hidden" name="studioId" value={filter.studioId} />
      ) : null}
      <div className="check toolbar-check">
        <input type="checkbox" id="filter-ai" name="aiUnavailable" value="1" defaultChecked={filter.aiUnavailable} />
        <label htmlFor="filter-ai">AI unavailable only</label>
      </div>
      <div className="check toolbar-check">
        <input type="checkbox" id="group-series" name="group" value="series" defaultChecked={groupBySeries} onChange={(event) => event.currentTarget.form?.requestSubmit()} />
        <label htmlFor="group-series">Group by series</label>
      </div>
      <button type="submit" className="button button-secondary">
        Apply filters
      </button>
      {active ? (
        <Link to="/review" className="small">
          Clear filters
        </Link>
      ) : null}
    </Form>
  );
}
