import { useState } from 'react';
import { formatClock, sensitiveFindingsAt, type Finding, type Keyframe } from '~/models/moderation';

interface KeyframeGalleryProps {
  caseId: string;
  keyframes: readonly Keyframe[];
  findings: readonly Finding[];
  seek: (seconds: number) => void;
}

/** Frames the screening sampled. Frames of sexual or violent findings stay blurred until revealed. */
export function KeyframeGallery({ caseId, keyframes, findings, seek }: KeyframeGalleryProps) {
  const [revealed, setRevealed] = useState<ReadonlySet<number>>(new Set());
  return (
    <section className="panel" aria-labelledby="keyframes-heading">
      <h2 id="keyframes-heading">Keyframes</h2>
      {keyframes.length === 0 ? (
        <p className="muted">No keyframes were sampled for this case (the built-in rules read text only).</p>
      ) : (
        <ul className="keyframes">
          {keyframes.map((frame) => {
            const flagged = sensitiveFindingsAt(frame, findings);
            const categories = [...new Set(flagged.map((f) => f.category))].join(', ');
            const hidden = flagged.length > 0 && !revealed.has(frame.index);
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
