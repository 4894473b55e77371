import { useId, useMemo, useRef, useState, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import { WORLDWIDE, type CurrencyOption, type TerritoryOption } from '~/models/catalog';

/** Describes a control by its hint and error, so screen readers read them with the label. */
function describedBy(id: string, hint: ReactNode, error: string | undefined): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function Hint({ id, hint }: { id: string; hint?: ReactNode }) {
  return hint ? (
    <p className="field-hint" id={`${id}-hint`}>
      {hint}
    </p>
  ) : null;
}

function ErrorText({ id, error }: { id: string; error?: string }) {
  return (
    <p className="field-error" id={`${id}-error`} aria-live="polite">
      {error ?? ''}
    </p>
  );
}

function Messages({ id, hint, error }: { id: string; hint?: ReactNode; error?: string }) {
  return (
    <>
      <Hint id={id} hint={hint} />
      <ErrorText id={id} error={error} />
    </>
  );
}

export function TextAreaField({ label, error, hint, ...textarea }: { label: string; error?: string; hint?: ReactNode } & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} rows={4} {...textarea} />
      <Messages id={id} hint={hint} error={error} />
    </div>
  );
}

export function CheckboxField({ label, error, hint, ...input }: { label: string; error?: string; hint?: ReactNode } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className="field field-check">
      <div className="check">
        <input id={id} type="checkbox" aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} {...input} />
        <label htmlFor={id}>{label}</label>
      </div>
      <Messages id={id} hint={hint} error={error} />
    </div>
  );
}

/** A group of related controls with one legend, hint and error (e.g. monetization rights). */
export function FieldGroup({ legend, hint, error, className, children }: { legend: string; hint?: ReactNode; error?: string; className?: string; children: ReactNode }) {
  const id = useId();
  return (
    <fieldset className={['field-group', className].filter(Boolean).join(' ')} aria-describedby={describedBy(id, hint, error)} aria-invalid={error ? true : undefined}>
      <legend>{legend}</legend>
      <Hint id={id} hint={hint} />
      {children}
      <ErrorText id={id} error={error} />
    </fieldset>
  );
}

/** "United States (US)". */
export const territoryLabel = (t: TerritoryOption) => `${t.name} (${t.code})`;

/** A territory drop-down by country name; optionally with Worldwide first, or a blank choice. */
export function TerritorySelect({
  label,
  territories,
  withWorldwide = false,
  blank,
  error,
  hint,
  className,
  ...select
}: {
  label: string;
  territories: readonly TerritoryOption[];
  withWorldwide?: boolean;
  /** The text of an empty first choice, for optional rows. */
  blank?: string;
  error?: string;
  hint?: ReactNode;
  className?: string;
} & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = useId();
  return (
    <div className={['field', className].filter(Boolean).join(' ')}>
      <label htmlFor={id}>{label}</label>
      <select id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} {...select}>
        {blank !== undefined ? <option value="">{blank}</option> : null}
        {withWorldwide ? <option value={WORLDWIDE}>Worldwide</option> : null}
        {territories.map((t) => (
          <option key={t.code} value={t.code}>
            {territoryLabel(t)}
          </option>
        ))}
      </select>
      <Messages id={id} hint={hint} error={error} />
    </div>
  );
}

const normalise = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .trim();

/**
 * Picks any number of territories from the full list: a filter box over a list of checkboxes, with
 * the chosen ones shown above it. Unticked rows that do not match the filter are hidden; ticked
 * ones stay in the form whatever the filter says.
 */
export function TerritoryPicker({
  legend,
  name,
  territories,
  defaultSelected,
  withWorldwide = false,
  hint,
  error,
}: {
  legend: string;
  name: string;
  territories: readonly TerritoryOption[];
  defaultSelected: readonly string[];
  withWorldwide?: boolean;
  hint?: ReactNode;
  error?: string;
}) {
  const id = useId();
  const [selected, setSelected] = useState<string[]>(() => [...defaultSelected]);
  const [filter, setFilter] = useState('');
  const options = useMemo(
    () => [...(withWorldwide ? [{ code: WORLDWIDE, name: 'Worldwide (every territory)' }] : []), ...territories],
    [territories, withWorldwide],
  );
  const needle = normalise(filter);
  const matches = (t: TerritoryOption) => !needle || normalise(t.name).includes(needle) || t.code.toLowerCase() === needle;
  const visible = options.filter(matches);
  const toggle = (code: string, on: boolean) => setSelected((codes) => (on ? [...codes.filter((c) => c !== code), code] : codes.filter((c) => c !== code)));
  const labelOf = (code: string) => {
    const option = options.find((t) => t.code === code);
    return option ? (code === WORLDWIDE ? 'Worldwide' : territoryLabel(option)) : code;
  };
  const filterInput = useRef<HTMLInputElement>(null);

  return (
    <fieldset className="field-group territory-picker" aria-describedby={describedBy(id, hint, error)} aria-invalid={error ? true : undefined}>
      <legend>{legend}</legend>
      <Hint id={id} hint={hint} />
      <div className="picker-selected" aria-live="polite">
        {selected.length === 0 ? (
          <span className="muted small">None selected.</span>
        ) : (
          <>
            <span className="visually-hidden">{selected.length} selected: </span>
            <ul className="chips">
              {selected.map((code) => (
                <li key={code} className="chip">
                  {labelOf(code)}
                  <button type="button" className="chip-remove" aria-label={`Remove ${labelOf(code)}`} onClick={() => toggle(code, false)}>
                    ×
                  </button>
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
      <label htmlFor={`${id}-filter`} className="picker-filter-label">
        Find a territory
      </label>
      <input
        ref={filterInput}
        id={`${id}-filter`}
        type="search"
        className="picker-filter"
        placeholder="Name or code, e.g. Canada or CA; Enter adds it"
        autoComplete="off"
        value={filter}
        aria-controls={`${id}-list`}
        onChange={(event) => setFilter(event.currentTarget.value)}
        onKeyDown={(event) => {
          // Enter picks the territory with that code, or the only match, instead of submitting the form.
          if (event.key !== 'Enter') return;
          event.preventDefault();
          const pick = options.find((t) => t.code.toLowerCase() === needle) ?? (visible.length === 1 ? visible[0] : undefined);
          if (pick) {
            toggle(pick.code, true);
            setFilter('');
          }
        }}
      />
      <p className="visually-hidden" aria-live="polite">
        {needle ? `${visible.length} territor${visible.length === 1 ? 'y matches' : 'ies match'}.` : ''}
      </p>
      <div className="picker-list" id={`${id}-list`}>
        {options.map((t) => {
          const checked = selected.includes(t.code);
          return (
            <label key={t.code} className="picker-option" hidden={!checked && !matches(t)}>
              <input type="checkbox" name={name} value={t.code} checked={checked} onChange={(event) => toggle(t.code, event.currentTarget.checked)} />
              {t.code === WORLDWIDE ? t.name : territoryLabel(t)}
            </label>
          );
        })}
        {visible.length === 0 ? <p className="muted small picker-empty">No territory matches “{filter}”.</p> : null}
      </div>
      <ErrorText id={id} error={error} />
    </fieldset>
  );
}

/**
 * Rows that can be added and removed (ratings, filings, holdbacks). Keys stay with their row so
 * removing one keeps what was typed in the others.
 */
export function useRepeatableRows<T>(initial: readonly T[]) {
  const next = useRef(initial.length);
  const [rows, setRows] = useState(() => initial.map((value, i) => ({ key: i, value: value as T | undefined })));
  return {
    rows,
    add: () => setRows((current) => [...current, { key: next.current++, value: undefined }]),
    remove: (key: number) => setRows((current) => current.filter((row) => row.key !== key)),
  };
}

export type PriceKind = 'free' | 'coins' | 'money';

/**
 * What to charge and where: Free, a coin price or money in a currency, for a territory or
 * worldwide, optionally only within a window. Every input is always present, so the form works
 * before scripts load; typing into one chooses its kind.
 */
export function PriceFields({
  territories,
  currencies,
  errors = {},
  defaultTerritory = WORLDWIDE,
}: {
  territories: readonly TerritoryOption[];
  currencies: readonly CurrencyOption[];
  errors?: Record<string, string>;
  defaultTerritory?: string;
}) {
  const id = useId();
  const [kind, setKind] = useState<PriceKind>('coins');
  const kindError = errors.kind;
  return (
    <div className="price-fields">
      <TerritorySelect label="Territory" name="territory" territories={territories} withWorldwide defaultValue={defaultTerritory} error={errors.territory} />
      <fieldset className="field-group price-kind" aria-describedby={kindError ? `${id}-kind-error` : undefined}>
        <legend>Price</legend>
        <div className="price-option">
          <input type="radio" id={`${id}-free`} name="kind" value="free" checked={kind === 'free'} onChange={() => setKind('free')} />
          <label htmlFor={`${id}-free`}>Free</label>
        </div>
        <div className="price-option">
          <input type="radio" id={`${id}-coins`} name="kind" value="coins" checked={kind === 'coins'} onChange={() => setKind('coins')} />
          <label htmlFor={`${id}-coins`}>Coins</label>
          <div className="price-inputs">
            <label htmlFor={`${id}-coin-count`} className="visually-hidden">
              Coins per episode
            </label>
            <input
              id={`${id}-coin-count`}
              name="coins"
              inputMode="numeric"
              pattern="[0-9]*"
              placeholder="60"
              size={8}
              aria-invalid={errors.coins ? true : undefined}
              aria-describedby={errors.coins ? `${id}-coins-error` : undefined}
              onFocus={() => setKind('coins')}
            />
            <span className="muted">coins</span>
          </div>
        </div>
        <p className="field-error" id={`${id}-coins-error`} aria-live="polite">
          {errors.coins ?? ''}
        </p>
        <div className="price-option">
          <input type="radio" id={`${id}-money`} name="kind" value="money" checked={kind === 'money'} onChange={() => setKind('money')} />
          <label htmlFor={`${id}-money`}>Money</label>
          <div className="price-inputs">
            <label htmlFor={`${id}-amount`} className="visually-hidden">
              Amount
            </label>
            <input
              id={`${id}-amount`}
              name="amount"
              inputMode="decimal"
              placeholder="0.49"
              size={10}
              aria-invalid={errors.amount ? true : undefined}
              aria-describedby={errors.amount ? `${id}-amount-error` : undefined}
              onFocus={() => setKind('money')}
            />
            <label htmlFor={`${id}-currency`} className="visually-hidden">
              Currency
            </label>
            <select
              id={`${id}-currency`}
              name="currency"
              defaultValue="USD"
              aria-invalid={errors.currency ? true : undefined}
              aria-describedby={errors.currency ? `${id}-currency-error` : undefined}
              onFocus={() => setKind('money')}
            >
              {currencies.map((c) => (
                <option key={c.code} value={c.code}>
                  {c.code} — {c.name}
                </option>
              ))}
            </select>
          </div>
        </div>
        <p className="field-error" id={`${id}-amount-error`} aria-live="polite">
          {errors.amount ?? ''}
        </p>
        <p className="field-error" id={`${id}-currency-error`} aria-live="polite">
          {errors.currency ?? ''}
        </p>
        <p className="field-error" id={`${id}-kind-error`} aria-live="polite">
          {kindError ?? ''}
        </p>
      </fieldset>
      <div className="field-row">
        <DateField label="Starts on (optional)" name="startsAt" error={errors.startsAt} />
        <DateField label="Ends on (optional)" name="endsAt" error={errors.endsAt} hint="Ends at the start of this day (UTC)." />
      </div>
    </div>
  );
}

export function DateField({ label, error, hint, ...input }: { label: string; error?: string; hint?: ReactNode } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="date" aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} {...input} />
      <Messages id={id} hint={hint} error={error} />
    </div>
  );
}
