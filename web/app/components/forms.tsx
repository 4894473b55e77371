import { useEffect, useId, useRef, useState, type FormEvent, type MouseEvent, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from 'react';
import { fieldNamesOf, summaryMessage } from '~/models/form-outcome';

interface FieldProps {
  label: string;
  error?: string;
  hint?: ReactNode;
}

/** Describes the field by its hint and error, so screen readers read them with the label. */
function describedBy(id: string, hint: ReactNode, error: string | undefined): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function FieldMessages({ id, hint, error }: { id: string; hint?: ReactNode; error?: string }) {
  return (
    <>
      {hint ? (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <p className="field-error" id={`${id}-error`} aria-live="polite">
        {error ?? ''}
      </p>
    </>
  );
}

export function TextField({ label, error, hint, ...input }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        {...input}
      />
      <FieldMessages id={id} hint={hint} error={error} />
    </div>
  );
}

export function SelectField({
  label,
  error,
  hint,
  options,
  ...select
}: FieldProps & SelectHTMLAttributes<HTMLSelectElement> & { options: ReadonlyArray<{ value: string; label: string }> }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} {...select}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldMessages id={id} hint={hint} error={error} />
    </div>
  );
}


/**
 * The one error summary of every form (the GOV.UK error-summary pattern): what went wrong with the
 * whole form (`children`) and, when fields were refused (`fieldErrors`, the form's field names),
 * "There is a problem" with one link per field that moves to it. The messages also stand beside
 * their fields. Each new answer moves focus here, so the page never stays scrolled to a submit
 * button while the error sits out of sight; it is announced as soon as it appears.
 */
export function FormAlert({ children, fieldErrors }: { children?: ReactNode; fieldErrors?: Record<string, string> }) {
  const summary = useRef<HTMLDivElement>(null);
  const fields = Object.entries(fieldErrors ?? {});
  const shown = Boolean(children) || fields.length > 0;
  // The label of each field named, read from the form once it is on the page (see `summaryMessage`).
  const [labels, setLabels] = useState<Record<string, string>>({});
  useEffect(() => {
    if (shown) summary.current?.focus();
    const form = formOf(summary.current);
    setLabels(Object.fromEntries(Object.keys(fieldErrors ?? {}).map((field) => [field, labelOf(fieldControl(form, field))])));
    // A new answer is a new `fieldErrors` object or message, even when its words repeat.
  }, [shown, children, fieldErrors]);
  return (
    <div className="alert-region" role="alert" aria-live="assertive">
      {shown ? (
        <div className="alert alert-error error-summary" ref={summary} tabIndex={-1}>
          {fields.length ? (
            <>
              <h2 className="error-summary-title">There is a problem</h2>
              {children ? <p>{children}</p> : null}
              <ul className="error-summary-list">
                {fields.map(([field, message]) => (
                  <li key={field}>
                    <a href={`#${field}`} onClick={(event) => focusField(event, field)}>
                      {summaryMessage(message, labels[field])}
                    </a>
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p>{children}</p>
          )}
        </div>
      ) : null}
    </div>
  );
}

/**
 * Moves to the field an error summary names: the control of that name in the summary's form (or
 * the form after it) — or the field holding it, so `audioLanguages.1` (one item of a list typed into
 * one field) moves to `audioLanguages` — else the first control there marked invalid.
 */
function focusField(event: MouseEvent<HTMLAnchorElement>, field: string) {
  const form = formOf(event.currentTarget);
  const target = fieldControl(form, field) ?? form?.querySelector<HTMLElement>('[aria-invalid="true"]');
  if (!target) return;
  event.preventDefault();
  target.focus();
  target.scrollIntoView({ block: 'center' });
}

/** The form an error summary speaks of: the one it stands in, else the next one after it. */
function formOf(from: Element | null): HTMLFormElement | null {
  const region = from?.closest('.alert-region');
  return region?.closest('form') ?? nextForm(region);
}

/** The control a form field name names, or the nearest field holding it (`fieldNamesOf`). */
function fieldControl(form: HTMLFormElement | null, field: string): HTMLElement | undefined {
  if (!form) return undefined;
  const controls = [...form.elements].filter((el): el is HTMLElement => el instanceof HTMLElement && el.hasAttribute('name'));
  for (const name of fieldNamesOf(field)) {
    const named = controls.find((el) => el.getAttribute('name') === name);
    if (named) return named;
  }
  return undefined;
}

/** What a control is called on the page: its label, else the legend of the group it is in. */
function labelOf(control: HTMLElement | undefined): string {
  const label = control && 'labels' in control ? (control as HTMLInputElement).labels?.[0]?.textContent : undefined;
  const legend = control?.closest('fieldset')?.querySelector('legend')?.textContent;
  return (label ?? legend ?? '').trim();
}

function nextForm(from: Element | null | undefined): HTMLFormElement | null {
  for (let el = from?.nextElementSibling; el; el = el.nextElementSibling) {
    if (el instanceof HTMLFormElement) return el;
    const inside = el.querySelector('form');
    if (inside) return inside;
  }
  return null;
}

/** Confirms that something worked. */
export function Notice({ children }: { children?: ReactNode }) {
  return (
    <div className="alert-region" role="status" aria-live="polite">
      {children ? <p className="alert alert-success">{children}</p> : null}
    </div>
  );
}

/** What a form holds now, comparable with what it held when it was sent. */
export function formSnapshot(form: HTMLFormElement): string {
  return [...new FormData(form)].map(([name, value]) => `${name}=${typeof value === 'string' ? value : `${value.name}:${value.size}`}`).join('&');
}

/**
 * Clears a form once an answer says its entry was saved (`saved` is that answer), unless the user
 * changed the form after sending it: an answer can arrive late, and what was typed meanwhile is the
 * next entry, not the one just saved. Spread the result onto the form.
 */
export function useResetWhenSaved(saved: unknown) {
  const ref = useRef<HTMLFormElement>(null);
  const sent = useRef<string | null>(null);
  useEffect(() => {
    const form = ref.current;
    if (!saved || !form) return;
    if (sent.current === null || formSnapshot(form) === sent.current) form.reset();
    sent.current = null;
  }, [saved]);
  return {
    ref,
    onSubmit: (event: FormEvent<HTMLFormElement>) => {
      sent.current = formSnapshot(event.currentTarget);
    },
  };
}
