import { useEffect, useState } from 'react';

/** Copies `text` to the clipboard; where the browser refuses, the text stays selectable by hand. */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2500);
    return () => clearTimeout(timer);
  }, [state]);
  return (
    <button
      type="button"
      className="button button-secondary button-small"
      onClick={() => {
        // The clipboard API exists only on secure origins (https or localhost).
        if (!navigator.clipboard) return setState('failed');
        navigator.clipboard.writeText(text).then(
          () => setState('copied'),
          () => setState('failed'),
        );
      }}
    >
      <span aria-live="polite">{state === 'copied' ? 'Copied' : state === 'failed' ? 'Select and copy it by hand' : label}</span>
    </button>
  );
}
