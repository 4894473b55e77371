import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import type { ShouldRevalidateFunction } from '@remix-run/react';
import { useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { CaseWorkspace, episodeHeading } from '~/components/review/case-workspace';
import { outcomeParts } from '~/components/territory-outcomes';
import { statusLabel } from '~/models/catalog';
import { listTerritories } from '~/models/catalog.server';
import { expectData, type ApiResult } from '~/models/graphql.server';
import { filterFromSearch, filterToSearch, rulesForTerritory } from '~/models/moderation';
import { handleCaseForm, noticeOf } from '~/models/review-form.server';
import { getCaseDubs, getCaseSeries, getCaseSubtitles, getReviewCase, listOperatorPeople, listPolicyPacks } from '~/models/review.server';
import { requireSection } from '~/models/sections.server';
import reviewStyles from '~/styles/review.css?url';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${episodeHeading(data.reviewCase.episode)} · ${data.reviewCase.seriesTitle} · Review · Greenlight` : 'Review case · Greenlight' }];

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: reviewStyles }];

/** Parts the API may not share with every operator role: the page shows the rest without them. */
async function optional<T>(request: Request, result: ApiResult<T>): Promise<{ data: T | null; error: Extract<ApiResult<T>, { ok: false }>['error'] | null }> {
  if (result.ok) return { data: result.data, error: null };
  if (result.error.code === 'UNAUTHENTICATED') await expectData(request, result);
  return { data: null, error: result.error };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer, membership } = await requireSection(request, 'review');
  const caseId = params.caseId!;
  const isLead = membership.can.lead;
  const [reviewCase, packs, territories] = await Promise.all([
    getReviewCase(request, caseId).then((r) => expectData(request, r)),
    listPolicyPacks(request).then((r) => expectData(request, r)),
    listTerritories(request).then((r) => expectData(request, r)),
  ]);
  const [subtitles, audioTracks, series, people] = await Promise.all([
    getCaseSubtitles(request, caseId).then((r) => optional(request, r)),
    getCaseDubs(request, caseId).then((r) => optional(request, r)),
    getCaseSeries(request, reviewCase.episode.seriesId, reviewCase.episode.id, reviewCase.territories).then((r) => optional(request, r)),
    listOperatorPeople(request, membership.organization.id).then((r) => optional(request, r)),
  ]);
  // Nested under a case the API reliably returns only the claimer's id; their name comes from the team list.
  const claimer = reviewCase.claimedBy ? (people.data?.find((p) => p.id === reviewCase.claimedBy!.id) ?? { id: reviewCase.claimedBy.id, name: 'Another reviewer', email: 'another reviewer' }) : null;
  const url = new URL(request.url);
  let notice = noticeOf(url.searchParams);
  // Where it stands per territory, not the episode's one status: a partial rejection still reads "approved" there.
  if (notice && url.searchParams.get('notice') === 'decided') {
    const outcome = outcomeParts(reviewCase.territoryOutcomes).map((p) => p.text).join(' · ');
    notice += outcome ? ` ${episodeHeading(reviewCase.episode)}: ${outcome}.` : ` ${episodeHeading(reviewCase.episode)} is now ${statusLabel(reviewCase.episode.status).toLowerCase()}.`;
  }
  return {
    reviewCase,
    subtitles: subtitles.data,
    audioTracks: audioTracks.data,
    series: series.data,
    seriesUnavailable: series.error,
    rules: Object.fromEntries(reviewCase.territories.map((t) => [t, rulesForTerritory(packs, t)])),
    territories,
    me: { id: viewer.user.id, email: viewer.user.email },
    isLead,
    claimer,
    people: isLead ? (people.data ?? []) : [],
    filterSearch: filterToSearch(filterFromSearch(url.searchParams)),
    now: new Date().toISOString(),
    notice,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  await requireSection(request, 'review');
  const territories = await expectData(request, await listTerritories(request));
  return handleCaseForm(request, { caseId: params.caseId!, territoryNames: Object.fromEntries(territories.map((t) => [t.code, t.name])) });
}

/** A refused claim reloads the case, so the page shows who holds it now (other refusals keep what was typed). */
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  (actionResult as { intent?: unknown } | undefined)?.intent === 'claim' || defaultShouldRevalidate;

export default function ReviewCasePage() {
  const data = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === 'submitting' ? String(navigation.formData?.get('intent') ?? '') : null;
  // A new case (after "Submit & next") starts with a fresh player and an empty decision.
  return <CaseWorkspace key={data.reviewCase.id} {...data} outcome={outcome} busy={busy} />;
}
