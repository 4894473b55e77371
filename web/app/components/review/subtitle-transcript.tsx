import { useEffect, useRef, useState } from 'react';
import { formatClock } from '~/models/moderation';
import type { SubtitleTrack } from '~/models/review.server';

interface SubtitleTranscriptProps {
  tracks: readonly SubtitleTrack[];
  /** False when only the cues the screening flagged are known (the whole track was not shared). */
  complete: boolean;
  currentTime: number;
  seek: (seconds: number) => void;
}

/** The subtitles as a transcript that follows the video: the cue on screen is highlighted. */
export function SubtitleTranscript({ tracks, complete, currentTime, seek }: SubtitleTranscriptProps) {
  const [language, setLanguage] = useState(tracks[0]?.language ?? '');
  const track = tracks.find((t) => t.language === language) ?? tracks[0];
  const list = useRef<HTMLOListElement>(null);
  const current = track ? track.cues.findIndex((cue) => currentTime >= cue.start && currentTime < cue.end) : -1;

  // Scrolls the transcript, not the page, to keep the current cue in view.
  useEffect(() => {
    if (current < 0 || !list.current) return;
    const item = list.current.children[current] as HTMLElement | undefined;
    if (!item) return;
    const top = item.offsetTop - list.current.offsetTop;
    if (top < list.current.scrollTop || top + item.offsetHeight > list.current.scrollTop + list.current.clientHeight) {
      list.current.scrollTop = Math.max(0, top - list.current.clientHeight / 3);
    }
  }, [current]);

  return (
    <section className="panel transcript-panel" aria-labelledby="subtitles-heading">
      <div className="panel-heading">
        <h2 id="subtitles-heading">Subtitles</h2>
        {tracks.length > 1 ? (
          <div className="panel-tools">
            <label htmlFor="transcript-language">Language</label>
            <select id="transcript-language" value={track?.language} onChange={(event) => setLanguage(event.currentTarget.value)}>
              {tracks.map((t) => (
                <option key={t.language} value={t.language}>
                  {t.language}
                </option>
              ))}
            </select>
          </div>
        ) : null}
      </div>
      {!complete ? <p className="muted small">The full subtitle track is not shared with reviewers; these are the cues the screening flagged.</p> : null}
      {!track || track.cues.length === 0 ? (
        <p className="muted">{complete ? 'The episode has no subtitles.' : 'No subtitle cues were flagged.'}</p>
      ) : (
        <ol className="transcript" ref={list} aria-label={`Subtitles (${track.language})`}>
          {track.cues.map((cue, i) => (
            <li key={`${cue.start}-${i}`} className={i === current ? 'is-current' : undefined} aria-current={i === current ? 'true' : undefined}>
              <button type="button" onClick={() => seek(cue.start)}>
                <span className="cue-time">{formatClock(cue.start)}</span>
                <span className="cue-text">{cue.text}</span>
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
