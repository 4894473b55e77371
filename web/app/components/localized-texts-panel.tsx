import { Form } from '@remix-run/react';
import { TextAreaField } from '~/components/catalog-fields';
import { FormAlert, Notice, TextField, useResetWhenSaved } from '~/components/forms';
import { graphql, type ResultOf } from '~/graphql';
import type { FormOutcome } from '~/models/form-outcome';

/** A title and synopsis in one language, as the panel shows and edits it. */
export const LocalizedTextFields = graphql(`fragment LocalizedTextFields on LocalizedText { language title synopsis }`);
export type LocalizedText = ResultOf<typeof LocalizedTextFields>;

interface LocalizedTextsPanelProps {
  of: 'series' | 'episode';
  texts: readonly LocalizedText[];
  originalLanguage: string;
  canEdit: boolean;
  /** The answer to the last localization form, if any (`target` is the language edited, or `new`). */
  outcome?: FormOutcome;
  /** The form being sent: `${intent}|${target}`. */
  busy?: string;
}

/**
 * Titles and synopses in other languages, one form per language and one to add a language. They
 * are reviewed with the episodes: saving one sends the episodes back to review.
 */
export function LocalizedTextsPanel({ of, texts, originalLanguage, canEdit, outcome, busy }: LocalizedTextsPanelProps) {
  const added = outcome?.target === 'new' && outcome.notice ? outcome : undefined;
  const reset = useResetWhenSaved(added);
  const outcomeFor = (target: string) => (outcome?.target === target ? outcome : undefined);
  const newOutcome = outcomeFor('new');
  return (
    <section className="panel" aria-labelledby={`${of}-localized-heading`}>
      <h2 id={`${of}-localized-heading`}>Titles in other languages</h2>
      <p className="muted small">
        Partners asking in a language get the {of}’s title and synopsis in it (or in the nearest language you give: es-MX falls back to es), otherwise the original ({originalLanguage}).
        They are reviewed material: a change sends {of === 'series' ? 'every episode' : 'the episode'} back to review.
      </p>
      <Notice>{outcome?.notice}</Notice>
      {texts.length ? (
        <ul className="localized-texts">
          {texts.map((t) => {
            const own = outcomeFor(t.language);
            return (
              <li key={`${t.language}\n${t.title}\n${t.synopsis}`} className="localized-text" aria-label={`${t.language} title and synopsis`}>
                {canEdit ? (
                  <>
                    <FormAlert fieldErrors={own?.fieldErrors}>{own?.formError}</FormAlert>
                    <Form method="post" preventScrollReset>
                      <input type="hidden" name="target" value={t.language} />
                      <input type="hidden" name="language" value={t.language} />
                      <h3 lang={t.language}>{t.language}</h3>
                      <TextField label={`Title (${t.language})`} name="title" defaultValue={t.title} maxLength={200} required lang={t.language} error={own?.fieldErrors?.title} />
                      <TextAreaField label={`Synopsis (${t.language})`} name="synopsis" defaultValue={t.synopsis} maxLength={5000} lang={t.language} error={own?.fieldErrors?.synopsis} />
                      <div className="form-actions">
                        <button type="submit" name="intent" value="setLocalization" className="button" disabled={busy === `setLocalization|${t.language}`}>
                          Save {t.language}
                        </button>
                        <button type="submit" name="intent" value="removeLocalization" className="button button-danger" formNoValidate disabled={busy === `removeLocalization|${t.language}`} aria-label={`Remove the ${t.language} title and synopsis`}>
                          Remove
                        </button>
                      </div>
                    </Form>
                  </>
                ) : (
                  <>
                    <h3>{t.language}</h3>
                    <p lang={t.language}>
                      <strong>{t.title}</strong>
                    </p>
                    {t.synopsis ? <p lang={t.language}>{t.synopsis}</p> : null}
                  </>
                )}
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="muted">Only in the original language ({originalLanguage}) so far.</p>
      )}
      {canEdit ? (
        <Form method="post" preventScrollReset {...reset} aria-labelledby={`${of}-localized-add`}>
          <h3 id={`${of}-localized-add`}>Add a language</h3>
          <FormAlert fieldErrors={newOutcome?.fieldErrors}>{newOutcome?.formError}</FormAlert>
          <input type="hidden" name="intent" value="setLocalization" />
          <input type="hidden" name="target" value="new" />
          <TextField label="Language" name="language" placeholder="es-MX" hint="A BCP 47 language tag, such as es, es-MX or pt-BR. An existing language is replaced." required error={newOutcome?.fieldErrors?.language} />
          <TextField label="Title" name="title" maxLength={200} required error={newOutcome?.fieldErrors?.title} />
          <TextAreaField label="Synopsis" name="synopsis" maxLength={5000} error={newOutcome?.fieldErrors?.synopsis} />
          <button type="submit" className="button" disabled={busy === 'setLocalization|new'}>
            Add language
          </button>
        </Form>
      ) : null}
    </section>
  );
}
