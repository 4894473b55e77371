import { Form } from '@remix-run/react';
import { ORIENTATIONS, type TerritoryOption } from '~/models/catalog';
import { errorWithin, type FormOutcome } from '~/models/form-outcome';
import { FieldGroup, TerritorySelect, TextAreaField, useRepeatableRows } from './catalog-fields';
import { FormAlert, SelectField, TextField } from './forms';

export interface SeriesFormValues {
  title: string;
  synopsis: string;
  genres: string[];
  originalLanguage: string;
  audioLanguages: string[];
  subtitleLanguages: string[];
  orientation: string;
  coverImageUrl: string | null;
  maturityRatings: Array<{ territory: string; rating: string; system: string | null }>;
  filings: Array<{ territory: string; filingNumber: string; authority: string | null; issuedOn: string | null }>;
  freeEpisodeCount: number;
  defaultCoinPrice: number | null;
}

interface SeriesFormProps {
  series?: SeriesFormValues;
  territories: readonly TerritoryOption[];
  outcome?: FormOutcome;
  busy: boolean;
  submitLabel: string;
}

/** Everything about a series except its episodes, license and per-episode prices. */
export function SeriesForm({ series, territories, outcome, busy, submitLabel }: SeriesFormProps) {
  const errors = outcome?.fieldErrors;
  const ratings = useRepeatableRows(series?.maturityRatings ?? []);
  const filings = useRepeatableRows(series?.filings ?? []);

  return (
    <Form method="post" className="stacked-form" noValidate>
      <input type="hidden" name="intent" value="save" />
      <FormAlert fieldErrors={outcome?.fieldErrors}>{outcome?.formError}</FormAlert>

      <section className="panel" aria-labelledby="about-heading">
        <h2 id="about-heading">About the series</h2>
        <TextField label="Title" name="title" required maxLength={200} defaultValue={series?.title} error={errors?.title} />
        <TextAreaField label="Synopsis" name="synopsis" maxLength={5000} defaultValue={series?.synopsis} error={errors?.synopsis} />
        <TextField
          label="Genres"
          name="genres"
          defaultValue={series?.genres.join(', ')}
          hint="Separate with commas, e.g. Romance, Revenge."
          error={errorWithin(errors, 'genres')}
        />
        <div className="field-row">
          <TextField
            label="Original language"
            name="originalLanguage"
            required
            defaultValue={series?.originalLanguage ?? ''}
            hint="A BCP 47 tag such as en, zh-Hans or es-419."
            error={errors?.originalLanguage}
          />
          <SelectField
            label="Orientation"
            name="orientation"
            options={ORIENTATIONS}
            defaultValue={series?.orientation ?? 'VERTICAL'}
            error={errors?.orientation}
          />
        </div>
        <div className="field-row">
          <TextField
            label="Audio languages"
            name="audioLanguages"
            defaultValue={series?.audioLanguages.join(', ')}
            hint="BCP 47 tags separated by commas, e.g. en, es."
            error={errorWithin(errors, 'audioLanguages')}
          />
          <TextField
            label="Subtitle languages"
            name="subtitleLanguages"
            defaultValue={series?.subtitleLanguages.join(', ')}
            hint="BCP 47 tags separated by commas, e.g. en, pt-BR."
            error={errorWithin(errors, 'subtitleLanguages')}
          />
        </div>
        <TextField
          label="Cover image URL"
          name="coverImageUrl"
          type="url"
          inputMode="url"
          defaultValue={series?.coverImageUrl ?? ''}
          hint="An http(s) address of a vertical poster image."
          error={errors?.coverImageUrl}
        />
      </section>

      <section className="panel" aria-labelledby="ratings-heading">
        <h2 id="ratings-heading">Maturity ratings</h2>
        <p className="muted">One rating per territory, as its rating board or platform assigned it.</p>
        <FieldGroup legend="Ratings" className="rows-group" error={errors?.maturityRatings}>
          {ratings.rows.length === 0 ? <p className="muted small">No ratings yet.</p> : null}
          {ratings.rows.map((row, i) => (
            <div className="repeat-row" key={row.key}>
              <TerritorySelect
                label="Territory"
                name={`maturityRatings.${i}.territory`}
                territories={territories}
                blank="Choose…"
                defaultValue={row.value?.territory ?? ''}
                error={errors?.[`maturityRatings.${i}.territory`]}
              />
              <TextField
                label="Rating"
                name={`maturityRatings.${i}.rating`}
                placeholder="TV-14"
                defaultValue={row.value?.rating ?? ''}
                error={errors?.[`maturityRatings.${i}.rating`]}
              />
              <TextField
                label="Rating system (optional)"
                name={`maturityRatings.${i}.system`}
                placeholder="TV Parental Guidelines"
                defaultValue={row.value?.system ?? ''}
                error={errors?.[`maturityRatings.${i}.system`]}
              />
              <button type="button" className="button button-secondary button-small row-remove" onClick={() => ratings.remove(row.key)} aria-label={`Remove rating ${i + 1}`}>
                Remove
              </button>
            </div>
          ))}
          <button type="button" className="button button-secondary button-small" onClick={ratings.add}>
            Add a rating
          </button>
        </FieldGroup>
      </section>

      <section className="panel" aria-labelledby="filings-heading">
        <h2 id="filings-heading">Regulatory filings</h2>
        <p className="muted">Permits, registrations or filing numbers a territory requires before the series may be shown there.</p>
        <FieldGroup legend="Filings" className="rows-group" error={errors?.filings}>
          {filings.rows.length === 0 ? <p className="muted small">No filings yet.</p> : null}
          {filings.rows.map((row, i) => (
            <div className="repeat-row" key={row.key}>
              <TerritorySelect
                label="Territory"
                name={`filings.${i}.territory`}
                territories={territories}
                blank="Choose…"
                defaultValue={row.value?.territory ?? ''}
                error={errors?.[`filings.${i}.territory`]}
              />
              <TextField
                label="Filing number"
                name={`filings.${i}.filingNumber`}
                defaultValue={row.value?.filingNumber ?? ''}
                error={errors?.[`filings.${i}.filingNumber`]}
              />
              <TextField label="Authority (optional)" name={`filings.${i}.authority`} defaultValue={row.value?.authority ?? ''} error={errors?.[`filings.${i}.authority`]} />
              <TextField
                label="Issued on (optional)"
                name={`filings.${i}.issuedOn`}
                type="date"
                defaultValue={row.value?.issuedOn ?? ''}
                error={errors?.[`filings.${i}.issuedOn`]}
              />
              <button type="button" className="button button-secondary button-small row-remove" onClick={() => filings.remove(row.key)} aria-label={`Remove filing ${i + 1}`}>
                Remove
              </button>
            </div>
          ))}
          <button type="button" className="button button-secondary button-small" onClick={filings.add}>
            Add a filing
          </button>
        </FieldGroup>
      </section>

      <section className="panel" aria-labelledby="defaults-heading">
        <h2 id="defaults-heading">Pricing defaults</h2>
        <p className="muted">Apply to every episode and territory unless a price is set on the episode.</p>
        <div className="field-row">
          <TextField
            label="Free episodes"
            name="freeEpisodeCount"
            inputMode="numeric"
            defaultValue={String(series?.freeEpisodeCount ?? 0)}
            hint="Episodes 1 to this number are free."
            error={errors?.freeEpisodeCount}
          />
          <TextField
            label="Default price in coins"
            name="defaultCoinPrice"
            inputMode="numeric"
            defaultValue={series?.defaultCoinPrice == null ? '' : String(series.defaultCoinPrice)}
            hint="For every other episode. Leave empty for no default price."
            error={errors?.defaultCoinPrice}
          />
        </div>
      </section>

      <div className="form-actions">
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Saving…' : submitLabel}
        </button>
      </div>
    </Form>
  );
}
