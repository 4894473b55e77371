import { Form } from '@remix-run/react';
import { useState } from 'react';
import { FormAlert, Notice, TextField } from '~/components/forms';
import { graphql, type ResultOf } from '~/graphql';
import { formatBytes } from '~/models/episode';
import type { ReviewOutcome } from '~/models/review-form.server';

/** A contract PDF of one side's license, with a signed, expiring download path. */
const MatchLicenseDocumentFields = graphql(`
  fragment MatchLicenseDocumentFields on LicenseDocument { id fileName sizeBytes downloadUrl }
`);
type MatchLicenseDocument = ResultOf<typeof MatchLicenseDocumentFields>;

/**
 * A perceptual-fingerprint match of the case's video with another episode's (operators only), with
 * both series' chains of title.
 */
export const ContentMatchFields = graphql(
  `fragment ContentMatchFields on ContentMatch {
    id message sameStudio mirrored matchedFrames licensed licenseNote episodeNumber seriesTitle studioName videoUrl
    matchedEpisodeNumber matchedSeriesTitle matchedStudioName matchedVideoUrl moments { atSeconds matchedAtSeconds distance }
    licenseDocuments { ...MatchLicenseDocumentFields } matchedLicenseDocuments { ...MatchLicenseDocumentFields }
  }`,
  [MatchLicenseDocumentFields],
);
export type ContentMatch = ResultOf<typeof ContentMatchFields>;

const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;

/**
 * Fingerprint matches of the case's video with other episodes on the platform: both series and
 * studios, and the matching moments played side by side. Operators only (the API gives them to no one
 * else); leads can rule a match licensed.
 */
export function ContentMatches({ matches, isLead, outcome, busy }: { matches: ContentMatch[]; isLead: boolean; outcome: ReviewOutcome | undefined; busy: string | null }) {
  if (!matches.length) return null;
  const marked = outcome?.intent === 'markLicensed' ? outcome : undefined;
  return (
    <section className="panel content-matches" aria-labelledby="content-matches-heading">
      <h2 id="content-matches-heading">Matching content</h2>
      <Notice>{marked?.notice}</Notice>
      <FormAlert fieldErrors={marked?.fieldErrors}>{marked?.formError}</FormAlert>
      {matches.map((match) => (
        <MatchView key={match.id} match={match} isLead={isLead} error={marked?.fieldErrors?.note} busy={busy === 'markLicensed'} />
      ))}
    </section>
  );
}

function MatchView({ match, isLead, error, busy }: { match: ContentMatch; isLead: boolean; error: string | undefined; busy: boolean }) {
  const [selected, setSelected] = useState(0);
  const moment = match.moments[selected] ?? match.moments[0];
  return (
    <article className="content-match" aria-label={match.message}>
      <h3>{match.message}</h3>
      <p>
        {match.matchedFrames} matching seconds{match.mirrored ? ' · mirrored: one video shows the other’s pictures flipped left to right' : ''}
        {match.licensed ? ` · licensed: ${match.licenseNote ?? ''}` : ''}
      </p>
      <div className="side-by-side">
        <figure>
          <figcaption>
            This case: episode {match.episodeNumber} of {match.seriesTitle} ({match.studioName}) at {moment ? clock(moment.atSeconds) : '—'}
          </figcaption>
          {moment ? <video key={`a-${moment.atSeconds}`} src={`${match.videoUrl}#t=${moment.atSeconds}`} preload="metadata" muted controls aria-label="This case’s video at the matching moment" /> : null}
        </figure>
        <figure>
          <figcaption>
            Matched: episode {match.matchedEpisodeNumber} of {match.matchedSeriesTitle} ({match.matchedStudioName}) at {moment ? clock(moment.matchedAtSeconds) : '—'}
          </figcaption>
          {moment ? <video key={`b-${moment.matchedAtSeconds}`} src={`${match.matchedVideoUrl}#t=${moment.matchedAtSeconds}`} preload="metadata" muted controls aria-label="The matched video at the matching moment" /> : null}
        </figure>
      </div>
      <div className="side-by-side chain-of-title">
        <LicenseDocumentList label={`License documents of ${match.seriesTitle}`} documents={match.licenseDocuments} />
        <LicenseDocumentList label={`License documents of ${match.matchedSeriesTitle}`} documents={match.matchedLicenseDocuments} />
      </div>
      <ul className="match-moments" aria-label="Matching moments">
        {match.moments.map((m, i) => (
          <li key={`${m.atSeconds}-${m.matchedAtSeconds}`}>
            <button type="button" className="button button-secondary" aria-pressed={i === selected} onClick={() => setSelected(i)}>
              {clock(m.atSeconds)} ↔ {clock(m.matchedAtSeconds)}
            </button>
          </li>
        ))}
      </ul>
      {isLead && !match.licensed ? (
        <Form method="post" className="inline-form">
          <input type="hidden" name="matchId" value={match.id} />
          <TextField label="Why this reuse is licensed" name="note" maxLength={2000} error={error} />
          <button type="submit" name="intent" value="markLicensed" className="button button-secondary" disabled={busy}>
            Mark licensed
          </button>
        </Form>
      ) : null}
    </article>
  );
}

/** One side's chain of title: the contract PDFs attached to its series' license. */
function LicenseDocumentList({ label, documents }: { label: string; documents: readonly MatchLicenseDocument[] }) {
  return (
    <div>
      <h4>{label}</h4>
      {documents.length ? (
        <ul className="document-list" aria-label={label}>
          {documents.map((d) => (
            <li key={d.id}>
              <a href={d.downloadUrl} download={d.fileName}>
                {d.fileName}
              </a>{' '}
              <span className="muted">· {formatBytes(d.sizeBytes)}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">None attached.</p>
      )}
    </div>
  );
}
