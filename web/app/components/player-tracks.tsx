import { useEffect, useId, useRef, useState } from 'react';
import { graphql, type ResultOf } from '~/graphql';

/** What the dashboard's players load of a subtitle track (WebVTT, SRT converted by the API). */
export const PlayerTrackFields = graphql(`fragment PlayerTrackFields on SubtitleTrack { language kind aiGenerated webVttUrl }`);

/** A track for a player; cues gathered from findings carry only their language (and are not offered to the player). */
export type PlayerTrack = Pick<ResultOf<typeof PlayerTrackFields>, 'language'> & Partial<ResultOf<typeof PlayerTrackFields>>;

/** The label a player's caption menu shows: the BCP 47 tag, the kind when not plain subtitles, and AI when declared. */
export function trackLabel(track: PlayerTrack): string {
  const kind = track.kind === 'CLOSED_CAPTIONS' ? ' (closed captions)' : track.kind === 'FORCED' ? ' (forced)' : '';
  return `${track.language}${kind}${track.aiGenerated ? ' · AI-generated' : ''}`;
}

/** `<track>` elements for a `<video>`: every track with a WebVTT URL. */
export function PlayerTracks({ tracks }: { tracks: readonly PlayerTrack[] }) {
  return (
    <>
      {tracks
        .filter((t) => t.webVttUrl)
        .map((t) => (
          <track key={t.webVttUrl} kind={t.kind === 'CLOSED_CAPTIONS' ? 'captions' : 'subtitles'} srcLang={t.language} label={trackLabel(t)} src={t.webVttUrl} />
        ))}
    </>
  );
}

/** What the dashboard's players load of a dubbed audio track. */
export const PlayerAudioFields = graphql(`fragment PlayerAudioFields on AudioTrack { id language url }`);
export type PlayerAudio = ResultOf<typeof PlayerAudioFields>;

/** Beyond this, in seconds, the dub is moved back to the picture. */
const DRIFT_SECONDS = 0.25;

/**
 * The player's audio choice: the video's own sound, or a dub. A dub is a separate file, so it plays
 * in an `<audio>` kept in step with the video (play, pause, seek, speed) while the video is muted.
 */
export function AudioTrackPicker({ tracks, video }: { tracks: readonly PlayerAudio[]; video: () => HTMLVideoElement | null }) {
  const id = useId();
  const [chosen, setChosen] = useState('');
  const audio = useRef<HTMLAudioElement>(null);
  const track = tracks.find((t) => t.id === chosen);
  const getVideo = useRef(video);
  getVideo.current = video;

  useEffect(() => {
    const picture = getVideo.current();
    const sound = audio.current;
    if (!picture) return;
    if (!track || !sound) {
      picture.muted = false;
      return;
    }
    const wasMuted = picture.muted;
    picture.muted = true;
    const align = () => {
      if (Math.abs(sound.currentTime - picture.currentTime) > DRIFT_SECONDS) sound.currentTime = picture.currentTime;
    };
    const play = () => {
      align();
      void sound.play().catch(() => undefined);
    };
    const pause = () => sound.pause();
    const rate = () => {
      sound.playbackRate = picture.playbackRate;
    };
    const events: Array<[string, () => void]> = [['play', play], ['playing', play], ['pause', pause], ['waiting', pause], ['ended', pause], ['seeked', align], ['timeupdate', align], ['ratechange', rate]];
    for (const [name, handler] of events) picture.addEventListener(name, handler);
    sound.currentTime = picture.currentTime;
    rate();
    if (!picture.paused) play();
    return () => {
      for (const [name, handler] of events) picture.removeEventListener(name, handler);
      sound.pause();
      picture.muted = wasMuted;
    };
  }, [track]);

  if (!tracks.length) return null;
  return (
    <div className="field audio-track-picker">
      <label htmlFor={`${id}-audio`}>Audio</label>
      <select id={`${id}-audio`} value={chosen} onChange={(e) => setChosen(e.currentTarget.value)}>
        <option value="">Original sound</option>
        {tracks.map((t) => (
          <option key={t.id} value={t.id}>
            {`${t.language} dub`}
          </option>
        ))}
      </select>
      {track ? <audio ref={audio} key={track.id} src={track.url} preload="auto" aria-label={`Dub in ${track.language}, playing with the video`} data-dub-language={track.language} /> : null}
    </div>
  );
}
