import { useEffect, useRef, useState, type RefObject } from 'react';

/** How often the claim is renewed while the reviewer works (well inside the API's lease, 15 minutes by default). */
const RENEW_EVERY_MS = 3 * 60_000;
/** Without input for this long the reviewer counts as away, and the claim is left to lapse. */
const AWAY_AFTER_MS = 10 * 60_000;

export interface ClaimState {
  expiresAt: string | null;
  /** Set when the claim could not be renewed: the reviewer must claim the case again. */
  lost: string | null;
}

/**
 * Keeps the reviewer's claim alive while the page is open and they are active (pointer, keys,
 * scrolling, or a playing video), through the dashboard's claim resource route.
 */
export function useClaimKeepAlive(caseId: string, initialExpiry: string | null, enabled: boolean, video: RefObject<HTMLVideoElement>): ClaimState {
  const [state, setState] = useState<ClaimState>({ expiresAt: initialExpiry, lost: null });
  const lastActive = useRef(Date.now());

  useEffect(() => setState({ expiresAt: initialExpiry, lost: null }), [caseId, initialExpiry]);

  useEffect(() => {
    if (!enabled) return;
    const active = () => {
      lastActive.current = Date.now();
    };
    const events = ['pointerdown', 'keydown', 'scroll', 'touchstart'] as const;
    for (const name of events) window.addEventListener(name, active, { passive: true });
    const timer = window.setInterval(async () => {
      const watching = Boolean(video.current && !video.current.paused);
      if (!watching && Date.now() - lastActive.current > AWAY_AFTER_MS) return;
      try {
        const response = await fetch('/resources/review-claim', { method: 'POST', body: new URLSearchParams({ caseId }) });
        const body = (await response.json()) as { ok: boolean; claimExpiresAt?: string | null; message?: string };
        if (body.ok) setState({ expiresAt: body.claimExpiresAt ?? null, lost: null });
        else if (response.status === 409 || response.status === 404) setState((s) => ({ ...s, lost: body.message ?? 'Your claim on this case has lapsed.' }));
      } catch {
        // A network hiccup: the next round tries again well before the lease runs out.
      }
    }, RENEW_EVERY_MS);
    return () => {
      for (const name of events) window.removeEventListener(name, active);
      window.clearInterval(timer);
    };
  }, [caseId, enabled, video]);

  return state;
}
