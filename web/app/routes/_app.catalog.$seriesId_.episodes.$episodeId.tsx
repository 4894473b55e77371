import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from '@remix-run/react';
import { GoLivePreflight } from '~/components/go-live-preflight';
import { LocalizationPreflight } from '~/components/localization-preflight';
import { LocalizedTextsPanel } from '~/components/localized-texts-panel';
import { PossibleDuplicates } from '~/components/possible-duplicates';
import { DetailsPanel, DubsPanel, MediaView, reviewHint, SubtitleDraftsPanel, SubtitlesPanel, UploadHistory, VIDEO_ID } from '~/components/episode-panels';
import { DubUploader, EpisodeUploader, useUploadQueue } from '~/components/episode-uploads';
import { FormAlert, Notice } from '~/components/forms';
import { TerritoryOutcomes } from '~/components/territory-outcomes';
import { ReviewHistory, ReviewSubmitFields, useRefreshWhile, useSeekFromAddress } from '~/components/review-history';
import { statusLabel, statusTone } from '~/models/catalog';
import { requireCatalog } from '~/models/catalog-access.server';
import { getUploadPolicy, listTerritories } from '~/models/catalog.server';
import { episodeHeading, formatLength, isCaseBusy } from '~/models/episode';
import { handleEpisodeForm, type EpisodeFormOutcome } from '~/models/episode-form.server';
import { getEpisodeDetail } from '~/models/episode.server';
import { expectData } from '~/models/graphql.server';
import episodeStyles from '~/styles/episode.css?url';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: episodeStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Episode ${data.episode.number} · ${data.series.title} · Greenlight` : 'Episode · Greenlight' },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { canEdit } = await requireCatalog(request);
  const [detail, territories, uploadPolicy] = await Promise.all([
    getEpisodeDetail(request, params.seriesId!, params.episodeId!).then((r) => expectData(request, r)),
    listTerritories(request).then((r) => expectData(request, r)),
    getUploadPolicy(request).then((r) => expectData(request, r)),
  ]);
  return { ...detail, territories, canEdit, uploadPolicy };
}

export async function action({ request, params }: ActionFunctionArgs) {
  await requireCatalog(request, { edit: true });
  const territories = await listTerritories(request).then((r) => expectData(request, r));
  return handleEpisodeForm(request, params.episodeId!, territories);
}

export default function EpisodePage() {
  const { episode, series, territories, canEdit, uploadPolicy, translation } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>() as EpisodeFormOutcome | undefined;
  const navigation = useNavigation();
  const busyForm = navigation.state === 'submitting' ? navigation.formData : undefined;
  const busyIntent = busyForm?.get('intent');
  const of = (intent: string) => (outcome?.intent === intent ? outcome : undefined);

  const revalidator = useRevalidator();
  const uploads = useUploadQueue(uploadPolicy, revalidator.revalidate);
  const dubUploads = useUploadQueue(uploadPolicy, revalidator.revalidate);
  // Processing and screening finish on their own; keep the page current until they do.
  useRefreshWhile(episode.status === 'PROCESSING' || episode.reviewCases.some((c) => isCaseBusy(c.status)) || episode.subtitleTranslations.some((t) => t.state === 'QUEUED' || t.state === 'RUNNING'));
  useSeekFromAddress(VIDEO_ID);

  const media = episode.media;
  // Where it was last reviewed, or else where the series is licensed.
  const defaultTerritories = episode.reviewCases[0]?.territories ?? series.licensedTerritories.filter((code) => territories.some((t) => t.code === code));

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/catalog">Catalog</Link>
        <span aria-hidden="true"> / </span>
        <Link to={`/catalog/${series.id}`}>{series.title}</Link>
        <span aria-hidden="true"> / </span>
      </nav>
      <header className="page-header episode-header">
        <h1>{episodeHeading(episode)}</h1>
        <p className="episode-summary">
          <span className={`badge badge-${statusTone(episode.status)}${episode.status === 'UPLOADING' || episode.status === 'PROCESSING' ? ' badge-busy' : ''}`} aria-label={`Status: ${statusLabel(episode.status)}`}>
            {statusLabel(episode.status)}
          </span>
          <TerritoryOutcomes outcomes={episode.territoryOutcomes} live={episode.liveTerritories} />
          {media ? <span className="muted">{formatLength(media.durationSeconds)}</span> : <span className="muted">No video yet</span>}
          {episode.subtitles.length ? <span className="muted">Subtitles: {episode.subtitles.map((s) => s.language).join(', ')}</span> : null}
        </p>
      </header>

      {episode.takedownReason ? <p className="alert alert-error">Taken down: {episode.takedownReason}</p> : null}
      {episode.uploadError ? (
        <p className="alert alert-error" role="alert">
          The last upload failed: {episode.uploadError}
        </p>
      ) : null}

      <div className="episode-layout">
        <section className="panel episode-media" aria-labelledby="video-heading">
          <h2 id="video-heading">Video</h2>
          {media ? <MediaView media={media} tracks={episode.subtitles} audioTracks={episode.audioTracks} /> : <p className="video-empty muted">No video yet.{canEdit ? ' Upload one below.' : ''}</p>}
          {canEdit ? <EpisodeUploader target={{ id: episode.id, number: episode.number, title: episode.title }} hasMedia={Boolean(media)} replacementCancels={episode.replacementCancels} queue={uploads} /> : null}
        </section>

        <div className="episode-main">
          <GoLivePreflight checks={episode.goLivePreflight} scope="episode" territories={territories} />
          <section className="panel" aria-labelledby="review-heading">
            <h2 id="review-heading">Review</h2>
            <PossibleDuplicates duplicates={episode.possibleDuplicates} />
            {episode.viewerCanSubmitForReview ? (
              <div className="review-submit">
                <Notice>{of('submitForReview')?.notice}</Notice>
                <FormAlert>{of('submitForReview')?.formError ?? of('submitForReview')?.fieldErrors?.episodes}</FormAlert>
                <Form method="post" preventScrollReset>
                  <input type="hidden" name="intent" value="submitForReview" />
                  <ReviewSubmitFields territories={territories} defaultTerritories={defaultTerritories} errors={of('submitForReview')?.fieldErrors} />
                  <button type="submit" className="button" disabled={busyIntent === 'submitForReview'}>
                    {busyIntent === 'submitForReview' ? 'Submitting…' : 'Submit for review'}
                  </button>
                </Form>
              </div>
            ) : (
              <>
                <Notice>{of('submitForReview')?.notice}</Notice>
                <p className="muted">{reviewHint(episode)}</p>
              </>
            )}
            <h3 className="review-history-heading">History</h3>
            <ReviewHistory
              cases={episode.reviewCases}
              territories={territories}
              videoId={media ? VIDEO_ID : null}
              outcome={of('appeal')}
              busyCaseId={busyIntent === 'appeal' ? String(busyForm?.get('caseId')) : undefined}
            />
          </section>

          <DetailsPanel episode={episode} canEdit={canEdit} outcome={of('saveDetails')} busy={busyIntent === 'saveDetails'} />
          <LocalizedTextsPanel
            of="episode"
            texts={episode.localizations}
            originalLanguage={series.originalLanguage}
            canEdit={canEdit}
            outcome={outcome?.intent === 'setLocalization' || outcome?.intent === 'removeLocalization' ? outcome : undefined}
            busy={busyIntent === 'setLocalization' || busyIntent === 'removeLocalization' ? `${String(busyIntent)}|${String(busyForm?.get('target'))}` : undefined}
          />
          <LocalizationPreflight checks={episode.localizationPreflight} scope="episode" />
          <SubtitleDraftsPanel episode={episode} canEdit={canEdit} outcome={outcome?.intent === 'acceptSubtitleDraft' || outcome?.intent === 'replaceWithSubtitleDraft' || outcome?.intent === 'discardSubtitleDraft' ? outcome : undefined} busyIntent={busyIntent} />
          <SubtitlesPanel episode={episode} canEdit={canEdit} outcome={['setSubtitles', 'removeSubtitles', 'translateSubtitles', 'editSubtitles'].includes(outcome?.intent ?? '') ? outcome : undefined} busyIntent={busyIntent} translation={translation} />
          <DubsPanel
            episode={episode}
            canEdit={canEdit}
            outcome={outcome?.intent === 'removeAudioTrack' ? outcome : undefined}
            busyIntent={busyIntent}
            uploader={
              <DubUploader
                target={{ id: episode.id, number: episode.number, title: episode.title }}
                dub={{ videoSeconds: media?.durationSeconds ?? null, toleranceSeconds: episode.dubDurationToleranceSeconds }}
                replacementCancels={episode.replacementCancels}
                queue={dubUploads}
              />
            }
          />
          <UploadHistory episode={episode} />
        </div>
      </div>
    </>
  );
}
