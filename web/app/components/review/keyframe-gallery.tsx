import { useState } from 'react';
import { formatClock, sensitiveFindingsAt, type Finding, type Keyframe } from '~/models/moderation';

interface KeyframeGalleryProps {
  caseId: string;
  keyframes: readonly Keyframe[];
  findings: readonly Finding[];
  seek: (seconds: number) => void;
}

/**
 * Frames the screening sampled. Frames of sexual or violent findings, and frames whose embedded-model
 * scores reached a territory's threshold (the API marks them), stay blurred until revealed.
 */
export function KeyframeGallery({ caseId, keyframes, findings, seek }: KeyframeGalleryProps) {
  const [revealed, setRevealed] = useState<ReadonlySet<number>>(new Set());
  return (
    <section className="panel" aria-labelledby="keyframes-heading">
      <h2 id="keyframes-heading">Keyframes</h2>
      {keyframes.length === 0 ? (
        <p className="muted">No keyframes were sampled for this case (the text rules alone read no pictures).</p>
      ) : (
        <ul className="keyframes">
          {keyframes.map((frame) => {
            const flagged = sensitiveFindingsAt(frame, findings);
            const categories = [...new Set(flagged.map((f) => f.category))].join(', ') || 'by the image model';
            const hidden = (frame.blurred || flagged.length > 0) && !revealed.has(frame.index);
            const scored = frame.scores ? Object.entries(frame.scores).map(([c, v]) => `${c} ${v.toFixed(2)}`).join(' · ') : null;
            const src = `/media/frames/${encodeURIComponent(caseId)}/${frame.index}.jpg`;
            return (
              <li key={frame.index}>
                <figure className="keyframe">
                  {hidden ? (
                    <button
                      type="button"
                      className="keyframe-image is-blurred"
                      onClick={() => setRevealed((shown) => new Set(shown).add(frame.index))}
                      aria-label={`Reveal the keyframe at ${formatClock(frame.time)} (flagged: ${categories})`}
                    >
                      <img src={src} alt="" loading="lazy" />
                      <span className="keyframe-warning" aria-hidden="true">
                        Flagged: {categories}
                        <br />
                        Select to reveal
                      </span>
                    </button>
                  ) : (
                    <button type="button" className="keyframe-image" onClick={() => seek(frame.time)} aria-label={`Play from the keyframe at ${formatClock(frame.time)}`}>
                      <img src={src} alt={`Keyframe at ${formatClock(frame.time)}`} loading="lazy" />
                    </button>
                  )}
                  <figcaption>
                    {formatClock(frame.time)}
                    {flagged.length ? <span className="badge badge-danger">{categories}</span> : null}
                    {scored ? (
                      <span className="small muted keyframe-scores" title={`Scores from ${frame.model ?? 'the embedded image model'} (a small model with known limits)`}>
                        {scored}
                      </span>
                    ) : null}
                  </figcaption>
                </figure>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
