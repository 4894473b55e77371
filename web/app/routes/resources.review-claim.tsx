import type { ActionFunctionArgs } from '@remix-run/node';
import { statusOf } from '~/models/graphql.server';
import { extendClaim } from '~/models/review.server';
import { requireSection } from '~/models/sections.server';

/** Renews the reviewer's claim on a case while its page is open (called from the browser). */
export async function action({ request }: ActionFunctionArgs) {
  await requireSection(request, 'review');
  const caseId = (await request.formData()).get('caseId');
  if (typeof caseId !== 'string' || !caseId) return Response.json({ ok: false, message: 'Which case?' }, { status: 400 });
  const result = await extendClaim(request, caseId);
  if (!result.ok) return Response.json({ ok: false, code: result.error.code, message: result.error.message }, { status: statusOf(result.error) });
  return Response.json({ ok: true, claimExpiresAt: result.data.claimExpiresAt });
}
