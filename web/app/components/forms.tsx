import { useEffect, useId, useRef, type FormEvent, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from 'react';

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

/** A problem with a whole form; announced as soon as it appears. */
export function FormAlert({ children }: { children?: ReactNode }) {
  return (
    <div className="alert-region" role="alert" aria-live="assertive">
      {children ? <p className="alert alert-error">{children}</p> : null}
    </div>
  );
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
