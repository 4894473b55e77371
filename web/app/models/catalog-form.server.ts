import { redirect } from '@remix-run/node';
import { LICENSE_KINDS, ORIENTATIONS, SOURCE_WORK_KINDS, type AiContentElement } from './catalog';
import { createSeries, licenseInputProblems, seriesInputProblems, setLicense, setSeriesArchived, updateSeries, type LicenseInput, type SeriesInput } from './catalog.server';
import { failed, formString, rejected, succeeded } from './forms.server';
import {
  formDay,
  formFlag,
  formList,
  formRowField,
  formRows,
  formValues,
  formWholeNumber,
  optionalString,
  renameField,
  type FormRow,
} from './form-values.server';

const isOneOf = <T extends string>(options: ReadonlyArray<{ value: T }>, value: string): value is T => options.some((o) => o.value === value);

const SERIES_FIELDS = [
  'title',
  'synopsis',
  'genres',
  'originalLanguage',
  'audioLanguages',
  'subtitleLanguages',
  'orientation',
  'coverImageUrl',
  'maturityRatings',
  'filings',
  'freeEpisodeCount',
  'defaultCoinPrice',
] as const;

/**
 * The series form read into the API's input. When some field cannot even be sent (not a number, no
 * orientation chosen), `fieldErrors` says so and `input` carries the rest, for the API to check.
 */
type SeriesParse = { ok: boolean; input: SeriesInput; ratings: Array<FormRow<string>>; filings: Array<FormRow<string>>; fieldErrors: Record<string, string> };

function parseSeries(form: FormData): SeriesParse {
  const fieldErrors: Record<string, string> = {};
  const title = formString(form, 'title');
  if (!title) fieldErrors.title = 'Enter a title.';
  const originalLanguage = formString(form, 'originalLanguage');
  if (!originalLanguage) fieldErrors.originalLanguage = 'Enter the original language, such as en or zh-Hans.';
  const orientation = formString(form, 'orientation');
  if (!isOneOf(ORIENTATIONS, orientation)) fieldErrors.orientation = 'Choose an orientation.';

  const ratings = formRows(form, 'maturityRatings', ['territory', 'rating', 'system']);
  ratings.forEach(({ index, values }) => {
    if (!values.territory) fieldErrors[`maturityRatings.${index}.territory`] = 'Choose the territory of this rating.';
    else if (!values.rating) fieldErrors[`maturityRatings.${index}.rating`] = 'Enter the rating, such as TV-14.';
  });
  const filings = formRows(form, 'filings', ['territory', 'filingNumber', 'authority', 'issuedOn']);
  filings.forEach(({ index, values }) => {
    if (!values.territory) fieldErrors[`filings.${index}.territory`] = 'Choose the territory of this filing.';
    else if (!values.filingNumber) fieldErrors[`filings.${index}.filingNumber`] = 'Enter the filing number.';
    else if (values.issuedOn && !/^\d{4}-\d{2}-\d{2}$/.test(values.issuedOn)) fieldErrors[`filings.${index}.issuedOn`] = 'Use a date such as 2026-03-01.';
  });

  const freeEpisodeCount = formWholeNumber(form, 'freeEpisodeCount', { empty: 0, what: 'Free episodes' });
  if (!freeEpisodeCount.ok) fieldErrors.freeEpisodeCount = freeEpisodeCount.error;
  const defaultCoinPrice = formWholeNumber(form, 'defaultCoinPrice', { empty: null, what: 'The default price' });
  if (!defaultCoinPrice.ok) fieldErrors.defaultCoinPrice = defaultCoinPrice.error;

  return {
    ok: !Object.keys(fieldErrors).length && freeEpisodeCount.ok && defaultCoinPrice.ok,
    fieldErrors,
    ratings,
    filings,
    input: {
      title,
      synopsis: formString(form, 'synopsis'),
      genres: formList(form, 'genres'),
      originalLanguage,
      audioLanguages: formList(form, 'audioLanguages'),
      subtitleLanguages: formList(form, 'subtitleLanguages'),
      orientation: isOneOf(ORIENTATIONS, orientation) ? orientation : 'VERTICAL',
      coverImageUrl: optionalString(form, 'coverImageUrl'),
      maturityRatings: ratings.map(({ values }) => ({ territory: values.territory, rating: values.rating, system: values.system || null })),
      filings: filings.map(({ values }) => ({
        territory: values.territory,
        filingNumber: values.filingNumber,
        authority: values.authority || null,
        issuedOn: values.issuedOn || null,
      })),
      freeEpisodeCount: freeEpisodeCount.ok ? freeEpisodeCount.value : 0,
      defaultCoinPrice: defaultCoinPrice.ok ? defaultCoinPrice.value : null,
    },
  };
}

/**
 * The series editor: create (then go to the new series), save changes, archive or restore.
 * `seriesId` is absent on /catalog/new.
 */
export async function handleSeriesForm(request: Request, scope: { studioId: string; seriesId?: string }) {
  const form = await request.formData();
  const intent = formString(form, 'intent');

  if ((intent === 'archive' || intent === 'restore') && scope.seriesId) {
    const result = await setSeriesArchived(request, scope.seriesId, intent === 'archive');
    if (!result.ok) return failed(request, result.error, { intent });
    return succeeded({
      intent,
      notice:
        intent === 'archive'
          ? `${result.data.title} is archived: it no longer appears in the catalog list. Restore it at any time.`
          : `${result.data.title} is restored to the catalog.`,
    });
  }

  if (intent !== 'save') return rejected({ intent, formError: 'That action is not known. Reload the page and try again.' });
  const parsed = parseSeries(form);
  const formField = (field: string) => formRowField(formRowField(field, 'maturityRatings', parsed.ratings), 'filings', parsed.filings);
  if (!parsed.ok) {
    // Every error after one submit: what the form could not send, and whatever else the API's own
    // rules refuse in the rest (a language tag, a range), each beside its field.
    const fieldErrors = { ...parsed.fieldErrors };
    const place = (field: string) => SERIES_FIELDS.findIndex((f) => field === f || field.startsWith(`${f}.`));
    for (const [field, message] of Object.entries(await seriesInputProblems(request, parsed.input, Boolean(scope.seriesId)))) {
      const named = formField(field);
      if (place(named) >= 0) fieldErrors[named] ??= message;
    }
    // In the order of the form, as the error summary lists them.
    const ordered = Object.entries(fieldErrors).sort(([a], [b]) => place(a) - place(b));
    return rejected({ intent, fieldErrors: Object.fromEntries(ordered) });
  }
  const result = scope.seriesId
    ? await updateSeries(request, scope.seriesId, parsed.input)
    : await createSeries(request, scope.studioId, parsed.input);
  if (!result.ok) return failed(request, renameField(result.error, formField), { intent, fields: SERIES_FIELDS });
  if (!scope.seriesId) throw redirect(`/catalog/${encodeURIComponent(result.data.id)}?created=1`);
  return succeeded({ intent, notice: `Changes to ${result.data.title} are saved.` });
}

const LICENSE_FIELDS = [
  'sourceWorkTitle',
  'sourceWorkKind',
  'sourceWorkAuthor',
  'sourceWorkPublisher',
  'licensor',
  'licenseKind',
  'territoriesIncluded',
  'territoriesExcluded',
  'windowStart',
  'windowEnd',
  'exclusive',
  'payPerEpisode',
  'avod',
  'svod',
  'subtitleLanguages',
  'dubLanguages',
  'holdbacks',
  'contractReference',
  'aiGeneratedContent',
  'aiDisclosure',
  'aiElements',
  'aiLabel',
] as const;

/** Stands in for a date the form could not read while the API is asked about the rest. */
const STAND_IN_DAY = '2000-01-01T00:00:00.000Z';

/** The license editor: the whole license is sent and replaces the previous one. */
export async function handleLicenseForm(request: Request, seriesId: string) {
  const form = await request.formData();
  const intent = 'saveLicense';
  const fieldErrors: Record<string, string> = {};

  const sourceWorkKind = formString(form, 'sourceWorkKind');
  if (!isOneOf(SOURCE_WORK_KINDS, sourceWorkKind)) fieldErrors.sourceWorkKind = 'Choose what kind of work the series is based on.';
  const licenseKind = formString(form, 'licenseKind');
  if (!isOneOf(LICENSE_KINDS, licenseKind)) fieldErrors.licenseKind = 'Choose the kind of license.';
  const windowStart = formDay(form, 'windowStart');
  if (!windowStart.ok) fieldErrors.windowStart = windowStart.error;
  const windowEnd = formDay(form, 'windowEnd');
  if (!windowEnd.ok) fieldErrors.windowEnd = windowEnd.error;

  const holdbackRows = formRows(form, 'holdbacks', ['territory', 'until']);
  const holdbacks: Array<{ territory: string; until: string }> = [];
  for (const { index, values } of holdbackRows) {
    const until = /^\d{4}-\d{2}-\d{2}$/.test(values.until) ? `${values.until}T00:00:00.000Z` : '';
    if (!values.territory) fieldErrors[`holdbacks.${index}.territory`] = 'Choose the territory held back.';
    else if (!until) fieldErrors[`holdbacks.${index}.until`] = 'Enter the date the holdback ends, such as 2026-03-01.';
    holdbacks.push({ territory: values.territory, until });
  }

  const input: LicenseInput = {
    sourceWorkTitle: formString(form, 'sourceWorkTitle'),
    // What could not be read is refused above; the API is asked about the rest with a stand-in.
    sourceWorkKind: isOneOf(SOURCE_WORK_KINDS, sourceWorkKind) ? sourceWorkKind : SOURCE_WORK_KINDS[0]!.value,
    sourceWorkAuthor: optionalString(form, 'sourceWorkAuthor'),
    sourceWorkPublisher: optionalString(form, 'sourceWorkPublisher'),
    licensor: formString(form, 'licensor'),
    licenseKind: isOneOf(LICENSE_KINDS, licenseKind) ? licenseKind : LICENSE_KINDS[0]!.value,
    territoriesIncluded: formValues(form, 'territoriesIncluded'),
    territoriesExcluded: formValues(form, 'territoriesExcluded'),
    windowStart: windowStart.ok ? windowStart.value : null,
    windowEnd: windowEnd.ok ? windowEnd.value : null,
    exclusive: formFlag(form, 'exclusive'),
    payPerEpisode: formFlag(form, 'payPerEpisode'),
    avod: formFlag(form, 'avod'),
    svod: formFlag(form, 'svod'),
    subtitleLanguages: formList(form, 'subtitleLanguages'),
    dubLanguages: formList(form, 'dubLanguages'),
    holdbacks,
    contractReference: optionalString(form, 'contractReference'),
    aiGeneratedContent: formFlag(form, 'aiGeneratedContent'),
    aiDisclosure: optionalString(form, 'aiDisclosure'),
    // The API refuses a value outside AiContentElement naming the field.
    aiElements: formValues(form, 'aiElements') as AiContentElement[],
    aiLabel: optionalString(form, 'aiLabel'),
  };
  const formField = (field: string) => formRowField(field, 'holdbacks', holdbackRows);
  if (Object.keys(fieldErrors).length || !windowStart.ok || !windowEnd.ok) {
    // Every error after one submit: what the form could not send, and whatever else the API's own
    // rules refuse in the rest (a control character, a language tag), each beside its field.
    // A holdback whose date could not be read goes with a stand-in date; the API's words on that row wait for its own fix.
    const problemsInput = { ...input, holdbacks: holdbacks.map((h) => ({ ...h, until: h.until || STAND_IN_DAY })) };
    const place = (field: string) => LICENSE_FIELDS.findIndex((f) => field === f || field.startsWith(`${f}.`));
    const refusedRows = Object.keys(fieldErrors).map((f) => /^holdbacks\.\d+\./.exec(f)?.[0]).filter(Boolean);
    for (const [field, message] of Object.entries(await licenseInputProblems(request, problemsInput))) {
      const named = formField(field);
      if (place(named) >= 0 && !refusedRows.some((row) => named.startsWith(row!))) fieldErrors[named] ??= message;
    }
    const ordered = Object.entries(fieldErrors).sort(([a], [b]) => place(a) - place(b));
    return rejected({ intent, fieldErrors: Object.fromEntries(ordered) });
  }
  const result = await setLicense(request, seriesId, input);
  if (!result.ok) {
    const error = renameField(result.error, formField);
    return failed(request, error, { intent, fields: LICENSE_FIELDS });
  }
  return succeeded({ intent, notice: 'The license is saved.' });
}
