import { Form } from '@remix-run/react';
import { useState } from 'react';
import { AI_CONTENT_ELEMENTS, LICENSE_KINDS, SOURCE_WORK_KINDS, dayOf, type TerritoryOption } from '~/models/catalog';
import { errorWithin, type FormOutcome } from '~/models/form-outcome';
import { CheckboxField, DateField, FieldGroup, TerritoryPicker, TerritorySelect, TextAreaField, useRepeatableRows } from './catalog-fields';
import { FormAlert, SelectField, TextField } from './forms';
import type { LicenseFacts } from './license-summary';

export interface LicenseFormValues extends LicenseFacts {
  sourceWorkPublisher: string | null;
  subtitleLanguages: string[];
  dubLanguages: string[];
  contractReference: string | null;
  aiGeneratedContent: boolean;
  aiDisclosure: string | null;
  aiElements: string[];
  aiLabel: string | null;
}

interface LicenseFormProps {
  license: LicenseFormValues | null;
  territories: readonly TerritoryOption[];
  outcome?: FormOutcome;
  busy: boolean;
}

/** The whole license of a series; saving replaces the previous one. */
export function LicenseForm({ license, territories, outcome, busy }: LicenseFormProps) {
  const errors = outcome?.fieldErrors;
  const holdbacks = useRepeatableRows(license?.holdbacks ?? []);
  const [aiGenerated, setAiGenerated] = useState(license?.aiGeneratedContent ?? false);

  return (
    <Form method="post" className="stacked-form" noValidate>
      <FormAlert fieldErrors={outcome?.fieldErrors}>{outcome?.formError}</FormAlert>

      <section className="panel" aria-labelledby="source-heading">
        <h2 id="source-heading">Source work and licensor</h2>
        <div className="field-row">
          <TextField label="Source work title" name="sourceWorkTitle" required maxLength={300} defaultValue={license?.sourceWorkTitle} error={errors?.sourceWorkTitle} />
          <SelectField label="Kind of work" name="sourceWorkKind" options={SOURCE_WORK_KINDS} defaultValue={license?.sourceWorkKind ?? 'NOVEL'} error={errors?.sourceWorkKind} />
        </div>
        <div className="field-row">
          <TextField label="Author (optional)" name="sourceWorkAuthor" maxLength={200} defaultValue={license?.sourceWorkAuthor ?? ''} error={errors?.sourceWorkAuthor} />
          <TextField label="Publisher (optional)" name="sourceWorkPublisher" maxLength={200} defaultValue={license?.sourceWorkPublisher ?? ''} error={errors?.sourceWorkPublisher} />
        </div>
        <div className="field-row">
          <TextField label="Licensor" name="licensor" required maxLength={200} defaultValue={license?.licensor} hint="Who holds the rights." error={errors?.licensor} />
          <SelectField label="License kind" name="licenseKind" options={LICENSE_KINDS} defaultValue={license?.licenseKind ?? 'ADAPTATION'} error={errors?.licenseKind} />
        </div>
        <TextField label="Contract reference (optional)" name="contractReference" maxLength={200} defaultValue={license?.contractReference ?? ''} error={errors?.contractReference} />
      </section>

      <section className="panel" aria-labelledby="where-heading">
        <h2 id="where-heading">Where and when</h2>
        <div className="picker-pair">
          <TerritoryPicker
            legend="Included territories"
            name="territoriesIncluded"
            territories={territories}
            withWorldwide
            defaultSelected={license?.territoriesIncluded ?? []}
            hint="Worldwide covers every territory; list it alone."
            error={errorWithin(errors, 'territoriesIncluded')}
          />
          <TerritoryPicker
            legend="Excluded territories"
            name="territoriesExcluded"
            territories={territories}
            defaultSelected={license?.territoriesExcluded ?? []}
            hint="Carved out of the included ones, e.g. Worldwide except China."
            error={errorWithin(errors, 'territoriesExcluded')}
          />
        </div>
        <div className="field-row">
          <DateField label="Window start" name="windowStart" defaultValue={dayOf(license?.windowStart)} hint="Leave empty if the rights start at once." error={errors?.windowStart} />
          <DateField label="Window end" name="windowEnd" defaultValue={dayOf(license?.windowEnd)} hint="The rights end at the start of this day (UTC). Empty: open-ended." error={errors?.windowEnd} />
        </div>
        <CheckboxField label="Exclusive license" name="exclusive" defaultChecked={license?.exclusive ?? false} error={errors?.exclusive} />
        <FieldGroup legend="Holdbacks" className="rows-group" hint="Territories where the licensor keeps the rights until a date." error={errors?.holdbacks}>
          {holdbacks.rows.length === 0 ? <p className="muted small">No holdbacks.</p> : null}
          {holdbacks.rows.map((row, i) => (
            <div className="repeat-row" key={row.key}>
              <TerritorySelect
                label="Territory"
                name={`holdbacks.${i}.territory`}
                territories={territories}
                withWorldwide
                blank="Choose…"
                defaultValue={row.value?.territory ?? ''}
                error={errors?.[`holdbacks.${i}.territory`]}
              />
              <DateField label="Held back until" name={`holdbacks.${i}.until`} defaultValue={dayOf(row.value?.until)} error={errors?.[`holdbacks.${i}.until`] ?? errors?.[`holdbacks.${i}`]} />
              <button type="button" className="button button-secondary button-small row-remove" onClick={() => holdbacks.remove(row.key)} aria-label={`Remove holdback ${i + 1}`}>
                Remove
              </button>
            </div>
          ))}
          <button type="button" className="button button-secondary button-small" onClick={holdbacks.add}>
            Add a holdback
          </button>
        </FieldGroup>
      </section>

      <section className="panel" aria-labelledby="rights-heading">
        <h2 id="rights-heading">Rights</h2>
        <FieldGroup legend="Monetization rights" className="checks-group" error={errorWithin(errors, 'payPerEpisode') ?? errors?.avod ?? errors?.svod}>
          <CheckboxField label="Pay-per-episode" name="payPerEpisode" defaultChecked={license?.payPerEpisode ?? true} />
          <CheckboxField label="AVOD (advertising)" name="avod" defaultChecked={license?.avod ?? false} />
          <CheckboxField label="SVOD (subscription)" name="svod" defaultChecked={license?.svod ?? false} />
        </FieldGroup>
        <div className="field-row">
          <TextField
            label="Subtitle languages allowed"
            name="subtitleLanguages"
            defaultValue={license?.subtitleLanguages.join(', ')}
            hint="BCP 47 tags separated by commas, e.g. en, es, pt-BR."
            error={errorWithin(errors, 'subtitleLanguages')}
          />
          <TextField
            label="Dub languages allowed"
            name="dubLanguages"
            defaultValue={license?.dubLanguages.join(', ')}
            hint="BCP 47 tags separated by commas."
            error={errorWithin(errors, 'dubLanguages')}
          />
        </div>
      </section>

      <section className="panel" aria-labelledby="ai-heading">
        <h2 id="ai-heading">AI-generated content</h2>
        <CheckboxField
          label="The series contains AI-generated content"
          name="aiGeneratedContent"
          checked={aiGenerated}
          onChange={(event) => setAiGenerated(event.currentTarget.checked)}
          error={errors?.aiGeneratedContent}
        />
        <FieldGroup legend="Made or altered with AI" hint="Declaring a use declares AI-generated content. Episodes can declare more on their own page." error={errorWithin(errors, 'aiElements')}>
          {AI_CONTENT_ELEMENTS.map((element) => (
            <CheckboxField
              key={element.value}
              label={element.label}
              name="aiElements"
              value={element.value}
              defaultChecked={license?.aiElements.includes(element.value)}
              onChange={(event) => event.currentTarget.checked && setAiGenerated(true)}
            />
          ))}
        </FieldGroup>
        <TextField
          label="Visible AI label"
          name="aiLabel"
          maxLength={200}
          defaultValue={license?.aiLabel ?? ''}
          hint="The label viewers see, e.g. “AI-generated voices”. Some territories (China, the EU) require one before release."
          error={errors?.aiLabel}
        />
        <TextAreaField
          label={aiGenerated ? 'AI disclosure' : 'AI disclosure (when AI-generated content is used)'}
          name="aiDisclosure"
          maxLength={2000}
          defaultValue={license?.aiDisclosure ?? ''}
          hint="Shown to viewers where the content is used, e.g. “Backgrounds in episodes 3–7 were generated with AI.”"
          error={errors?.aiDisclosure}
        />
      </section>

      <div className="form-actions">
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Saving…' : 'Save license'}
        </button>
      </div>
    </Form>
  );
}
