import { forwardRef } from 'react';
import { SHORTCUTS } from './use-review-shortcuts';

/** The keyboard shortcuts, in a modal dialog (Escape or the button closes it). */
export const ShortcutsDialog = forwardRef<HTMLDialogElement>(function ShortcutsDialog(_props, ref) {
  return (
    <dialog ref={ref} className="shortcuts-dialog" aria-labelledby="shortcuts-heading">
      <h2 id="shortcuts-heading">Keyboard shortcuts</h2>
      <p className="muted small">They do nothing while you type in a field.</p>
      <dl className="shortcut-list">
        {SHORTCUTS.map((s) => (
          <div key={s.keys}>
            <dt>
              <kbd>{s.keys}</kbd>
            </dt>
            <dd>{s.action}</dd>
          </div>
        ))}
      </dl>
      <form method="dialog">
        <button type="submit" className="button" autoFocus>
          Close
        </button>
      </form>
    </dialog>
  );
});
