import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';

export interface VideoPlayer {
  ref: RefObject<HTMLVideoElement>;
  /** Seconds into the video, updated as it plays and seeks. */
  currentTime: number;
  /** From the media once loaded; until then the duration the API reported. */
  duration: number;
  playing: boolean;
  seek: (seconds: number) => void;
  togglePlay: () => void;
}

/** State of one <video> element, for the timeline, transcript and notes beside it. */
export function useVideoPlayer(knownDuration: number): VideoPlayer {
  const ref = useRef<HTMLVideoElement>(null);
  const [currentTime, setCurrentTime] = useState(0);
  const [duration, setDuration] = useState(knownDuration);
  const [playing, setPlaying] = useState(false);

  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    const onTime = () => setCurrentTime(video.currentTime);
    const onDuration = () => {
      if (Number.isFinite(video.duration) && video.duration > 0) setDuration(video.duration);
    };
    const onPlay = () => setPlaying(true);
    const onPause = () => setPlaying(false);
    video.addEventListener('timeupdate', onTime);
    video.addEventListener('seeked', onTime);
    video.addEventListener('loadedmetadata', onDuration);
    video.addEventListener('durationchange', onDuration);
    video.addEventListener('play', onPlay);
    video.addEventListener('pause', onPause);
    onDuration();
    return () => {
      video.removeEventListener('timeupdate', onTime);
      video.removeEventListener('seeked', onTime);
      video.removeEventListener('loadedmetadata', onDuration);
      video.removeEventListener('durationchange', onDuration);
      video.removeEventListener('play', onPlay);
      video.removeEventListener('pause', onPause);
    };
  }, []);

  const seek = useCallback((seconds: number) => {
    const video = ref.current;
    const target = Math.max(0, seconds);
    // Shown at once, before the browser has finished seeking.
    setCurrentTime(target);
    if (video) video.currentTime = target;
  }, []);

  const togglePlay = useCallback(() => {
    const video = ref.current;
    if (!video) return;
    if (video.paused) void video.play().catch(() => undefined);
    else video.pause();
  }, []);

  return { ref, currentTime, duration, playing, seek, togglePlay };
}
