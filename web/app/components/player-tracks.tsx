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
