import { Form } from '@remix-run/react';
import { useId, type ReactNode } from 'react';
import { CheckboxField, FieldGroup, TextAreaField } from '~/components/catalog-fields';
import { FormAlert, Notice, TextField, useResetWhenSaved } from '~/components/forms';
import { Time } from '~/components/time';
import { AudioTrackPicker, PlayerTracks, trackLabel, type PlayerAudio, type PlayerTrack } from '~/components/player-tracks';
import { AI_CONTENT_ELEMENTS, aiElementsLabel } from '~/models/catalog';
import { errorWithin } from '~/models/form-outcome';
import { containerLabel, formatBytes, formatLength, SUBTITLE_KINDS, uploadStatusLabel } from '~/models/episode';
import type { EpisodeFormOutcome } from '~/models/episode-form.server';
import type { EpisodeDetail, TranslationCapability } from '~/models/episode.server';
import { graphql, type ResultOf } from '~/graphql';

/** The current (or an earlier) uploaded video; its URLs are paths on the dashboard's own origin. */
export const MediaFields = graphql(`
  fragment MediaFields on MediaRevision {
    id sha256 sizeBytes fileName container videoCodec audioCodec durationSeconds width height warnings videoUrl posterUrl createdAt
  }
`);
export type MediaInfo = ResultOf<typeof MediaFields>;

/** The id of the episode page's player, which comments pinned to a moment seek. */
export const VIDEO_ID = 'episode-video';

/** What the review section says when the episode cannot be submitted right now. */
export function reviewHint(episode: EpisodeDetail): string {
  switch (episode.status) {
    case 'DRAFT':
      return 'Upload a video first; an episode is reviewed with its video.';
    case 'UPLOADING':
    case 'PROCESSING':
      return 'The video is on its way. You can submit the episode once it is processed.';
    case 'IN_REVIEW':
      return 'In review: see its progress below.';
    case 'APPROVED':
    case 'PUBLISHED':
      return 'Approved. A new video or changed text sends it back through review.';
    case 'REJECTED':
      return 'Rejected. Appeal the decision below, or change the episode and submit it again.';
    default:
      return '';
  }
}

/** The player (its subtitles, and the dubs to hear instead of the original sound), what the server found in the file, and its policy warnings up front. */
export function MediaView({ media, tracks = [], audioTracks = [] }: { media: MediaInfo; tracks?: readonly PlayerTrack[]; audioTracks?: readonly PlayerAudio[] }) {
  const vertical = media.height > media.width;
  return (
    <>
      {media.warnings.length ? (
        <div className="alert alert-warning media-warnings" role="note" aria-label="Video warnings">
          <p>
            <strong>Check this video:</strong>
          </p>
          <ul>
            {media.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className={vertical ? 'video-frame video-vertical' : 'video-frame'}>
        {/* Keyed by revision so a replaced video loads afresh. */}
        <video key={media.id} id={VIDEO_ID} controls preload="metadata" playsInline poster={media.posterUrl ?? undefined} src={media.videoUrl} tabIndex={-1} aria-label="Episode video">
          <PlayerTracks tracks={tracks} />
          <a href={media.videoUrl}>Download the video</a>
        </video>
      </div>
      <AudioTrackPicker tracks={audioTracks} video={() => document.getElementById(VIDEO_ID) as HTMLVideoElement | null} />
      <dl className="facts media-facts">
        <div>
          <dt>Duration</dt>
          <dd>
            {formatLength(media.durationSeconds)} <span className="muted small">({media.durationSeconds.toFixed(2)} s)</span>
          </dd>
        </div>
        <div>
          <dt>Dimensions</dt>
          <dd>
            {media.width} × {media.height} {vertical ? '(vertical)' : media.width === media.height ? '(square)' : '(horizontal)'}
          </dd>
        </div>
        <div>
          <dt>Codecs</dt>
          <dd>
            {media.videoCodec}
            {media.audioCodec ? ` / ${media.audioCodec}` : ', no audio'} in {containerLabel(media.container, media.fileName)}
          </dd>
        </div>
        <div>
          <dt>File</dt>
          <dd className="break">
            {media.fileName} · {formatBytes(media.sizeBytes)}
          </dd>
        </div>
        <div>
          <dt>Uploaded</dt>
          <dd>
            <Time value={media.createdAt} withTime />
          </dd>
        </div>
        <div>
          <dt>SHA-256</dt>
          <dd>
            <code className="sha" title={media.sha256}>
              {media.sha256.slice(0, 16)}…
            </code>
          </dd>
        </div>
      </dl>
    </>
  );
}

export function DetailsPanel({ episode, canEdit, outcome, busy }: { episode: EpisodeDetail; canEdit: boolean; outcome?: EpisodeFormOutcome; busy: boolean }) {
  return (
    <section className="panel" aria-labelledby="details-heading">
      <h2 id="details-heading">Details</h2>
      {canEdit ? (
        <>
          <Notice>{outcome?.notice}</Notice>
          <FormAlert fieldErrors={outcome?.fieldErrors}>{outcome?.formError}</FormAlert>
          {/* Re-keyed by what is saved, not by time: the page refreshes while the API works, and typing must survive that. */}
          <Form method="post" key={`${episode.title}\n${episode.synopsis}\n${episode.aiElements.join()}`} preventScrollReset>
            <input type="hidden" name="intent" value="saveDetails" />
            <TextField label="Title" name="title" defaultValue={episode.title} maxLength={200} required error={outcome?.fieldErrors?.title} />
            <TextAreaField label="Synopsis" name="synopsis" defaultValue={episode.synopsis} maxLength={5000} error={outcome?.fieldErrors?.synopsis} />
            <FieldGroup
              legend="Made or altered with AI in this episode"
              hint="On top of what the series declares on its license page. Territories that require an AI label hold the episode back until the series sets one."
              error={errorWithin(outcome?.fieldErrors, 'aiElements')}
            >
              {AI_CONTENT_ELEMENTS.map((element) => (
                <CheckboxField key={element.value} label={element.label} name="aiElements" value={element.value} defaultChecked={episode.aiElements.includes(element.value)} />
              ))}
            </FieldGroup>
            <p className="field-hint">Reviewers see the title, synopsis and AI uses; changing them after a review sends the episode through review again.</p>
            <div className="form-actions">
              <button type="submit" className="button" disabled={busy}>
                {busy ? 'Saving…' : 'Save details'}
              </button>
            </div>
          </Form>
        </>
      ) : (
        <dl className="facts">
          <div>
            <dt>Title</dt>
            <dd>{episode.title}</dd>
          </div>
          <div>
            <dt>Synopsis</dt>
            <dd>{episode.synopsis || <span className="muted">None</span>}</dd>
          </div>
          <div>
            <dt>Made or altered with AI</dt>
            <dd>{episode.aiElements.length ? aiElementsLabel(episode.aiElements) : <span className="muted">Nothing declared for this episode</span>}</dd>
          </div>
        </dl>
      )}
    </section>
  );
}

const TRANSLATION_STATES: Record<string, string> = { QUEUED: 'Queued', RUNNING: 'Translating…', DONE: 'Draft ready under Subtitle drafts', FAILED: 'Failed' };

/** AI translation of a track into chosen languages, and the progress of each request. */
function SubtitleTranslations({ episode, canEdit, capability, outcome, busy }: { episode: EpisodeDetail; canEdit: boolean; capability: TranslationCapability; outcome?: EpisodeFormOutcome; busy: boolean }) {
  const id = useId();
  const form = useResetWhenSaved(outcome?.notice ? outcome : undefined);
  const sources = episode.subtitles;
  return (
    <section aria-labelledby={`${id}-heading`} className="subtitle-translations">
      <h3 id={`${id}-heading`}>AI translation</h3>
      {!capability.available ? (
        <p className="muted" role="note">
          {capability.unavailableReason}
        </p>
      ) : canEdit && sources.length ? (
        <details open={Boolean(outcome?.fieldErrors || outcome?.formError)}>
          <summary className="button button-secondary">Translate…</summary>
          <Form method="post" {...form} preventScrollReset>
            <Notice>{outcome?.notice}</Notice>
            <FormAlert fieldErrors={outcome?.fieldErrors}>{outcome?.formError}</FormAlert>
            <input type="hidden" name="intent" value="translateSubtitles" />
            <div className="field-row">
              <div className="field">
                <label htmlFor={`${id}-track`}>Track to translate</label>
                <select id={`${id}-track`} name="trackId">
                  {sources.map((t) => (
                    <option key={t.id} value={t.id}>
                      {trackLabel(t)}
                    </option>
                  ))}
                </select>
              </div>
              <TextField label="Into languages" name="languages" placeholder="es, fr" hint="Language tags separated by commas, such as es, fr or pt-BR. Each becomes a draft marked AI-generated, to correct and accept before it is reviewed." error={outcome?.fieldErrors?.languages} />
            </div>
            <button type="submit" className="button" disabled={busy}>
              {busy ? 'Queuing…' : 'Translate'}
            </button>
          </Form>
        </details>
      ) : null}
      {episode.subtitleTranslations.length ? (
        <ul className="translation-requests" aria-label="Translation requests">
          {episode.subtitleTranslations.map((t) => (
            <li key={t.id}>
              {t.sourceLanguage} → {t.language}: <strong>{TRANSLATION_STATES[t.state] ?? t.state}</strong>
              {t.failureReason ? <span className="muted"> — {t.failureReason}</span> : null} <Time value={t.updatedAt} withTime />
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

/** Dubbed audio tracks: each playable here; `uploader` (for editors) sends new ones through tus with `audioLanguage`. */
export function DubsPanel({ episode, canEdit, outcome, busyIntent, uploader }: { episode: EpisodeDetail; canEdit: boolean; outcome?: EpisodeFormOutcome; busyIntent: unknown; uploader?: ReactNode }) {
  return (
    <section className="panel" aria-labelledby="dubs-heading">
      <h2 id="dubs-heading">Dubbed audio</h2>
      <Notice>{outcome?.notice}</Notice>
      {outcome ? <FormAlert fieldErrors={outcome.fieldErrors}>{outcome.formError}</FormAlert> : null}
      {episode.audioTracks.length ? (
        <ul className="plain-list" aria-label="Dubs">
          {episode.audioTracks.map((t) => (
            <li key={t.id}>
              <strong>{t.language}</strong> <span className="muted">{t.audioCodec} · {formatLength(t.durationSeconds)}</span>
              {t.durationMismatch ? <p className="field-error">Does not match the video: {t.durationMismatch} Upload this dub again for the new video, or remove it, before submitting.</p> : null}
              <audio controls preload="none" src={t.url} aria-label={`Dub in ${t.language}`} />
              {canEdit ? (
                <Form method="post">
                  <input type="hidden" name="intent" value="removeAudioTrack" />
                  <input type="hidden" name="language" value={t.language} />
                  <button type="submit" className="button-secondary" disabled={busyIntent === 'removeAudioTrack'}>
                    Remove the {t.language} dub
                  </button>
                </Form>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No dubs yet. A dub must run as long as the video (within 1 s or 1 %, whichever is larger); adding or removing one sends an approved episode back to review.</p>
      )}
      {canEdit ? (episode.media ? uploader : <p className="muted">Upload the video first: a dub is measured against it.</p>) : null}
    </section>
  );
}

/** The text of an AI-generated draft, editable in place; saving replaces the track (and sends it through review). */
function DraftEditor({ track, outcome, busy }: { track: EpisodeDetail['subtitles'][number]; outcome?: EpisodeFormOutcome; busy: boolean }) {
  const id = useId();
  const mine = outcome?.target === track.language ? outcome : undefined;
  return (
    <details>
      <summary className="button button-small">Edit text</summary>
      <Form method="post" preventScrollReset>
        <FormAlert fieldErrors={mine?.fieldErrors}>{mine?.formError}</FormAlert>
        <input type="hidden" name="intent" value="editSubtitles" />
        <input type="hidden" name="language" value={track.language} />
        <input type="hidden" name="kind" value={track.kind} />
        <input type="hidden" name="format" value={track.format} />
        <input type="hidden" name="aiGenerated" value={String(track.aiGenerated)} />
        <div className="field">
          <label htmlFor={`${id}-content`}>{`${trackLabel(track)} (${track.format === 'WEBVTT' ? 'WebVTT' : 'SRT'})`}</label>
          <textarea id={`${id}-content`} name="content" rows={12} defaultValue={track.content} aria-invalid={mine?.fieldErrors?.content ? true : undefined} />
          <p className="field-error" aria-live="polite">
            {mine?.fieldErrors?.content ?? ''}
          </p>
        </div>
        <button type="submit" className="button button-small" disabled={busy}>
          {busy ? 'Saving…' : 'Save text'}
        </button>
      </Form>
    </details>
  );
}

export function SubtitlesPanel({ episode, canEdit, outcome, busyIntent, translation }: { episode: EpisodeDetail; canEdit: boolean; outcome?: EpisodeFormOutcome; busyIntent: unknown; translation: TranslationCapability }) {
  const id = useId();
  const setOutcome = outcome?.intent === 'setSubtitles' ? outcome : undefined;
  const form = useResetWhenSaved(setOutcome?.notice ? setOutcome : undefined);
  const fileError = setOutcome?.fieldErrors?.file;
  const problems = setOutcome?.problems;
  const describedBy = [`${id}-file-hint`, fileError ? `${id}-file-error` : '', problems?.length ? `${id}-problems` : ''].filter(Boolean).join(' ');
  return (
    <section className="panel" aria-labelledby="subtitles-heading">
      <h2 id="subtitles-heading">Subtitles</h2>
      {/* A translation request's notice shows beside its form, below. */}
      <Notice>{outcome?.intent === 'translateSubtitles' ? undefined : outcome?.notice}</Notice>
      {outcome?.intent === 'removeSubtitles' ? <FormAlert fieldErrors={outcome.fieldErrors}>{outcome.formError}</FormAlert> : null}
      {episode.subtitles.length ? (
        <div className="table-scroll" role="group" aria-labelledby="subtitles-heading" tabIndex={0}>
          <table>
            <caption className="visually-hidden">Subtitle tracks</caption>
            <thead>
              <tr>
                <th scope="col">Language</th>
                <th scope="col">Kind</th>
                <th scope="col">Format</th>
                <th scope="col">Cues</th>
                <th scope="col">Updated</th>
                {canEdit ? (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {episode.subtitles.map((track) => (
                <tr key={track.id}>
                  <th scope="row">{track.language}</th>
                  <td>
                    {SUBTITLE_KINDS.find((k) => k.value === track.kind)?.label.replace(/ \(.*\)$/, '') ?? track.kind}
                    {track.aiGenerated ? <span className="badge">AI-generated</span> : null}
                  </td>
                  <td>{track.format === 'WEBVTT' ? 'WebVTT' : 'SRT'}</td>
                  <td>{track.cueCount}</td>
                  <td>
                    <Time value={track.updatedAt} withTime />
                  </td>
                  {canEdit ? (
                    <td className="actions">
                      {track.aiGenerated ? <DraftEditor track={track} outcome={outcome?.intent === 'editSubtitles' ? outcome : undefined} busy={busyIntent === 'editSubtitles'} /> : null}
                      <Form method="post" preventScrollReset>
                        <input type="hidden" name="intent" value="removeSubtitles" />
                        <input type="hidden" name="language" value={track.language} />
                        <input type="hidden" name="kind" value={track.kind} />
                        <button type="submit" className="button button-danger button-small" aria-label={`Remove the ${trackLabel(track)} track`}>
                          Remove
                        </button>
                      </Form>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">No subtitles yet.</p>
      )}
      <SubtitleTranslations episode={episode} canEdit={canEdit} capability={translation} outcome={outcome?.intent === 'translateSubtitles' ? outcome : undefined} busy={busyIntent === 'translateSubtitles'} />
      {canEdit ? (
        <Form method="post" encType="multipart/form-data" className="subtitle-form" {...form} preventScrollReset>
          <h3>Add or replace a language</h3>
          <FormAlert fieldErrors={setOutcome?.fieldErrors}>{setOutcome?.formError}</FormAlert>
          <input type="hidden" name="intent" value="setSubtitles" />
          <div className="field-row">
            <TextField label="Language" name="language" placeholder="en" hint="A language tag, such as en, es or zh-Hans. The same language and kind replaces its track." error={setOutcome?.fieldErrors?.language} />
            <div className="field">
              <label htmlFor={`${id}-kind`}>Kind</label>
              <select id={`${id}-kind`} name="kind" defaultValue="SUBTITLES">
                {SUBTITLE_KINDS.map((k) => (
                  <option key={k.value} value={k.value}>
                    {k.label}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={`${id}-format`}>Format</label>
              <select id={`${id}-format`} name="format" defaultValue="">
                <option value="">From the file name (.vtt or .srt)</option>
                <option value="WEBVTT">WebVTT</option>
                <option value="SRT">SRT (SubRip)</option>
              </select>
            </div>
          </div>
          <div className="check">
            <input id={`${id}-ai`} type="checkbox" name="aiGenerated" />
            <label htmlFor={`${id}-ai`}>AI generated this track (transcription or translation)</label>
          </div>
          <div className="field">
            <label htmlFor={`${id}-file`}>Subtitle file</label>
            <input id={`${id}-file`} type="file" name="file" accept=".vtt,.srt,text/vtt" aria-invalid={fileError ? true : undefined} aria-describedby={describedBy} />
            <p className="field-hint" id={`${id}-file-hint`}>
              WebVTT or SRT, at most 1 MiB.
            </p>
            <p className="field-error" id={`${id}-file-error`} aria-live="polite">
              {fileError ?? ''}
            </p>
            {problems?.length ? (
              <ul className="subtitle-problems" id={`${id}-problems`}>
                {problems.map((p, i) => (
                  <li key={i}>{p.line !== null ? `Line ${p.line}: ${p.message}` : p.message}</li>
                ))}
              </ul>
            ) : null}
          </div>
          <button type="submit" className="button" disabled={busyIntent === 'setSubtitles'}>
            {busyIntent === 'setSubtitles' ? 'Uploading…' : 'Upload subtitles'}
          </button>
        </Form>
      ) : null}
    </section>
  );
}

export function UploadHistory({ episode }: { episode: EpisodeDetail }) {
  const earlier = episode.mediaRevisions.filter((r) => r.id !== episode.media?.id);
  return (
    <section className="panel" aria-labelledby="uploads-heading">
      <h2 id="uploads-heading">Upload history</h2>
      {episode.uploads.length ? (
        <div className="table-scroll" role="group" aria-labelledby="uploads-heading" tabIndex={0}>
          <table className="uploads-table">
            <caption className="visually-hidden">Recent uploads, newest first</caption>
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Size</th>
                <th scope="col">Started</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              {episode.uploads.map((u) => (
                <tr key={u.id}>
                  <th scope="row" className="break">
                    {u.fileName}
                  </th>
                  <td className="nowrap">{formatBytes(u.declaredSize)}</td>
                  <td>
                    <Time value={u.createdAt} withTime />
                  </td>
                  <td>
                    <span className={`badge badge-${u.status === 'SUCCEEDED' ? 'success' : u.status === 'FAILED' ? 'danger' : 'muted'}`}>{uploadStatusLabel(u.status)}</span>
                    {u.failureReason ? <span className="upload-reason small">{u.failureReason}</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">No uploads yet.</p>
      )}
      {earlier.length ? (
        <>
          <h3>Earlier videos</h3>
          <ul className="revision-list">
            {earlier.map((r) => (
              <li key={r.id}>
                <code title={r.sha256}>{r.sha256.slice(0, 12)}…</code> {r.fileName} · {formatLength(r.durationSeconds)} · {r.width}×{r.height} · <Time value={r.createdAt} withTime />
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

/** What a draft becomes, in words: "subtitles", "closed captions", "forced subtitles". */
const draftKindLabel = (kind: EpisodeDetail['subtitleDrafts'][number]['kind']): string => (kind === 'CLOSED_CAPTIONS' ? 'closed captions' : kind === 'FORCED' ? 'forced subtitles' : 'subtitles');

/**
 * The API refused to accept a draft over subtitles the episode already has in its language: which
 * ones, and the studio's choice to replace them (the draft's text, as edited, goes with the form).
 */
function ExistingSubtitles({ episode, draft, busy }: { episode: EpisodeDetail; draft: EpisodeDetail['subtitleDrafts'][number]; busy: boolean }) {
  const language = draft.language;
  const existing = episode.subtitles.find((t) => t.language === language && t.kind === draft.kind);
  return (
    <div className="alert alert-warning" role="alert">
      <p>
        This episode already has {existing ? `${existing.aiGenerated ? 'AI-generated' : 'uploaded'} ` : ''}{draftKindLabel(draft.kind)} in {language}
        {existing ? (
          <>
            {' '}({existing.cueCount === 1 ? '1 cue' : `${existing.cueCount} cues`}, updated <Time value={existing.updatedAt} withTime />)
          </>
        ) : null}
        . Accepting this {draft.origin === 'TRANSLATION' ? 'translation' : 'transcript'} replaces them, and partners get it instead. Keep them by discarding the draft.
      </p>
      <button type="submit" name="intent" value="replaceWithSubtitleDraft" className="button button-danger" disabled={busy}>
        Replace the existing {draftKindLabel(draft.kind)}
      </button>
    </div>
  );
}

/**
 * AI subtitles awaiting the studio: transcripts the screening made (the episode had no subtitles in
 * its original language) and AI translations an editor asked for. Each stays a draft until an editor
 * accepts it (as made or corrected) as an AI-generated track, or discards it.
 */
export function SubtitleDraftsPanel({ episode, canEdit, outcome, busyIntent }: { episode: EpisodeDetail; canEdit: boolean; outcome?: EpisodeFormOutcome; busyIntent: unknown }) {
  const id = useId();
  if (!episode.subtitleDrafts.length && !outcome?.notice) return null;
  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Subtitle drafts</h2>
      <Notice>{outcome?.notice}</Notice>
      {episode.subtitleDrafts.map((draft) => {
        const mine = outcome?.target === draft.id ? outcome : undefined;
        return (
          <article key={draft.id} className="subtitle-draft" aria-label={`Draft ${draft.language} ${draftKindLabel(draft.kind)}`}>
            <p>
              <strong>{draft.language}</strong> <span className="badge">AI-generated</span> <span className="badge badge-warning">Draft: needs your confirmation</span>
            </p>
            <p className="muted">
              {draft.origin === 'TRANSLATION' ? `Translated by ${draft.model} from the ${draft.sourceLanguage ?? ''} track` : `Transcribed by ${draft.model} from the episode’s audio`} (<Time value={draft.createdAt} withTime />), {draft.cueCount} cues. Partners see it only once you accept it; accepting sends the episode through review again.
            </p>
            {canEdit ? (
              <Form method="post" preventScrollReset>
                <FormAlert fieldErrors={mine?.fieldErrors}>{mine?.formError}</FormAlert>
                <input type="hidden" name="draftId" value={draft.id} />
                <TextAreaField label={`${draft.origin === 'TRANSLATION' ? 'Translation' : 'Transcript'} (${draft.language}, WebVTT)`} name="content" defaultValue={draft.content} rows={10} error={mine?.fieldErrors?.content} />
                {mine?.conflict === 'SUBTITLES_EXIST' ? <ExistingSubtitles episode={episode} draft={draft} busy={busyIntent === 'replaceWithSubtitleDraft'} /> : null}
                <div className="form-actions">
                  <button type="submit" name="intent" value="acceptSubtitleDraft" className="button" disabled={busyIntent === 'acceptSubtitleDraft'}>
                    Accept as {draftKindLabel(draft.kind)}
                  </button>
                  <button type="submit" name="intent" value="discardSubtitleDraft" className="button button-danger" disabled={busyIntent === 'discardSubtitleDraft'}>
                    Discard
                  </button>
                </div>
              </Form>
            ) : (
              <pre className="subtitle-draft-text">{draft.content}</pre>
            )}
          </article>
        );
      })}
    </section>
  );
}
