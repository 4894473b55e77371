/** A subtitle track as the dashboard's players load it (WebVTT, SRT converted by the API). */
export interface PlayerTrack {
  language: string;
  kind?: string;
  aiGenerated?: boolean;
  webVttUrl?: string;
}

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
