import { useEffect, useRef } from 'react';
import type { Decision } from '~/models/moderation';

export interface ShortcutHandlers {
  /** Absent when the reviewer cannot decide the case. */
  decide?: (decision: Decision, focused: Element | null) => void;
  /** Submits the decision (Ctrl+Enter or ⌘+Enter, also from a text field); absent when the reviewer cannot decide. */
  submit?: () => void;
  nextFinding: () => void;
  previousFinding: () => void;
  togglePlay: () => void;
  showHelp: () => void;
}

/** The keys, for the help dialog. */
export const SHORTCUTS: ReadonlyArray<{ keys: string; action: string }> = [
  { keys: 'A', action: 'Approve the focused territory (or the first undecided one)' },
  { keys: 'C', action: 'Request changes in that territory' },
  { keys: 'R', action: 'Reject in that territory' },
  { keys: 'Ctrl+Enter (⌘+Enter)', action: 'Submit the decision' },
  { keys: 'J', action: 'Next finding: select it and jump the video there' },
  { keys: 'K', action: 'Previous finding' },
  { keys: 'Space', action: 'Play or pause the video' },
  { keys: '?', action: 'Show these shortcuts' },
];

const TEXT_INPUTS = new Set(['text', 'search', 'email', 'url', 'tel', 'password', 'number', 'date', 'datetime-local', 'month', 'time', 'week']);

/** Keys typed into a text field are text, not commands. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && TEXT_INPUTS.has(target.type);
}

/** Controls where the space bar already means "press". */
function spaceIsTaken(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return Boolean(target.closest('button, a[href], input, select, textarea, summary, [role="button"], [role="checkbox"], [role="radio"]'));
}

const DECISION_KEYS: Record<string, Decision> = { a: 'APPROVE', c: 'REQUEST_CHANGES', r: 'REJECT' };

/** The case page's keyboard shortcuts; quiet while the reviewer types or a dialog is open. */
export function useReviewShortcuts(handlers: ShortcutHandlers): void {
  const latest = useRef(handlers);
  latest.current = handlers;

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      // The one chord that works while typing: notes are written, then sent.
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && !event.defaultPrevented && !event.isComposing) {
        const submit = latest.current.submit;
        if (!submit || document.querySelector('dialog[open]')) return;
        event.preventDefault();
        submit();
        return;
      }
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
      if (isTyping(event.target) || document.querySelector('dialog[open]')) return;
      const h = latest.current;
      const key = event.key;
      if (key === '?') {
        event.preventDefault();
        h.showHelp();
        return;
      }
      if (key === ' ') {
        if (spaceIsTaken(event.target)) return;
        event.preventDefault();
        h.togglePlay();
        return;
      }
      if (event.shiftKey) return;
      const lower = key.toLowerCase();
      const decision = DECISION_KEYS[lower];
      if (decision && h.decide) {
        event.preventDefault();
        h.decide(decision, document.activeElement);
      } else if (lower === 'j') {
        event.preventDefault();
        h.nextFinding();
      } else if (lower === 'k') {
        event.preventDefault();
        h.previousFinding();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
