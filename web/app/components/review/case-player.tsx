import { formatClock, findingTime, severityLabel, type Finding } from '~/models/moderation';
import type { VideoPlayer } from './use-video-player';
import { AudioTrackPicker, PlayerTracks, type PlayerAudio, type PlayerTrack } from '../player-tracks';

interface CasePlayerProps {
  player: VideoPlayer;
  media: { videoUrl: string; posterUrl: string | null; width: number; height: number } | null;
  title: string;
  findings: readonly Finding[];
  activeFindingId: string | null;
  onSelectFinding: (finding: Finding) => void;
  notes: ReadonlyArray<{ atSeconds: number | null; text: string }>;
  /** Subtitle tracks the reviewer can turn on in the player. */
  tracks?: readonly PlayerTrack[];
  /** Dubs the reviewer can hear instead of the original sound. */
  audioTracks?: readonly PlayerAudio[];
}

const percent = (time: number, duration: number) => `${Math.min(100, Math.max(0, (time / (duration || 1)) * 100))}%`;

/** The episode's video with a timeline of findings and pinned notes under it. */
export function CasePlayer({ player, media, title, findings, activeFindingId, onSelectFinding, notes, tracks = [], audioTracks = [] }: CasePlayerProps) {
  const { duration, currentTime } = player;
  const timed = findings.filter((f) => findingTime(f) !== null);
  const pinned = notes.filter((n) => n.atSeconds !== null);
  return (
    <section className="panel case-player" aria-labelledby="player-heading">
      <h2 id="player-heading" className="visually-hidden">
        Video
      </h2>
      {media ? (
        <div className="player-frame">
          <video
            ref={player.ref}
            src={media.videoUrl}
            poster={media.posterUrl ?? undefined}
            controls
            preload="metadata"
            playsInline
            aria-label={`Video of ${title}`}
            className={media.height > media.width ? 'is-vertical' : undefined}
          >
            <PlayerTracks tracks={tracks} />
          </video>
          <AudioTrackPicker tracks={audioTracks} video={() => player.ref.current} />
        </div>
      ) : (
        <p className="muted">This case has no video.</p>
      )}
      <div className="timeline">
        <div className="timeline-track" aria-hidden="true">
          <div className="timeline-played" style={{ width: percent(currentTime, duration) }} />
        </div>
        <ul className="timeline-marks" aria-label="Findings and notes on the timeline">
          {timed.map((finding) => {
            const time = findingTime(finding)!;
            return (
              <li key={finding.id} style={{ left: percent(time, duration) }}>
                <button
                  type="button"
                  className={`timeline-mark severity-${finding.severity.toLowerCase()}`}
                  aria-label={`${finding.ruleId} (${severityLabel(finding.severity)}) at ${formatClock(time)}`}
                  aria-pressed={finding.id === activeFindingId}
                  title={`${formatClock(time)} · ${finding.ruleId}: ${finding.explanation}`}
                  onClick={() => onSelectFinding(finding)}
                />
              </li>
            );
          })}
          {pinned.map((note, i) => (
            <li key={`note-${i}`} style={{ left: percent(note.atSeconds!, duration) }}>
              <button
                type="button"
                className="timeline-note"
                aria-label={`Note at ${formatClock(note.atSeconds!)}: ${note.text}`}
                title={`${formatClock(note.atSeconds!)} · ${note.text}`}
                onClick={() => player.seek(note.atSeconds!)}
              />
            </li>
          ))}
        </ul>
        <p className="timeline-scale">
          <span>0:00</span>
          <span className="timeline-now" aria-live="off">
            {formatClock(currentTime)} / {formatClock(duration)}
          </span>
          <span>{formatClock(duration)}</span>
        </p>
      </div>
    </section>
  );
}
