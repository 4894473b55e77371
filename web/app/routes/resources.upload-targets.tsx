import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { ensureEpisodes, getUploadTargets, type BulkUploadTarget } from '~/models/bulk-upload.server';
import { requireCatalog } from '~/models/catalog-access.server';
import { formValues } from '~/models/form-values.server';
import { statusOf } from '~/models/graphql.server';

export type UploadTargetsAnswer = { ok: true; episodes: BulkUploadTarget[]; created: number[] } | { ok: false; message: string };

const wholeNumber = (text: string | null): number | null => (text && /^\d{1,6}$/.test(text) && Number(text) >= 1 ? Number(text) : null);

/** The series' episodes numbered `from`..`to` (`?seriesId=…&from=…&to=…`): what a bulk upload's preview matches files to. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireCatalog(request, { edit: true });
  const params = new URL(request.url).searchParams;
  const seriesId = params.get('seriesId');
  const from = wholeNumber(params.get('from'));
  const to = wholeNumber(params.get('to'));
  if (!seriesId || from === null || to === null || to < from) return Response.json({ ok: false, message: 'Which series and episode numbers?' } satisfies UploadTargetsAnswer, { status: 400 });
  const result = await getUploadTargets(request, seriesId, from, to);
  if (!result.ok) return Response.json({ ok: false, message: result.error.message } satisfies UploadTargetsAnswer, { status: statusOf(result.error) });
  return Response.json({ ok: true, episodes: result.data, created: [] } satisfies UploadTargetsAnswer);
}

/** Creates the episodes a confirmed bulk upload names that the series lacks, and answers every episode it names. */
export async function action({ request }: ActionFunctionArgs) {
  await requireCatalog(request, { edit: true });
  const form = await request.formData();
  const seriesId = formValues(form, 'seriesId')[0];
  const numbers = formValues(form, 'number').map(wholeNumber);
  if (!seriesId || !numbers.length || numbers.some((n) => n === null)) return Response.json({ ok: false, message: 'Give each file a whole episode number from 1.' } satisfies UploadTargetsAnswer, { status: 400 });
  const result = await ensureEpisodes(request, seriesId, numbers as number[]);
  if (!result.ok) return Response.json({ ok: false, message: result.error.message } satisfies UploadTargetsAnswer, { status: statusOf(result.error) });
  return Response.json({ ok: true, ...result.data } satisfies UploadTargetsAnswer);
}
