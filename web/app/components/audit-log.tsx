import { useFetcher } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';
import type { loader as auditEventsLoader } from '~/routes/resources.audit-events';
import { graphql, type ResultOf } from '~/graphql';
import { Time } from './time';

export const AuditEventFields = graphql(`
  fragment AuditEventFields on AuditEvent { id occurredAt action actorLabel organizationId summary }
`);
export type AuditEvent = ResultOf<typeof AuditEventFields>;

/** One line of `key: value` facts; nested values get dotted keys. */
export function describeSummary(summary: Record<string, unknown>, prefix = ''): string {
  return Object.entries(summary)
    .map(([key, value]) => {
      const name = prefix ? `${prefix}.${key}` : key;
      if (value && typeof value === 'object' && !Array.isArray(value)) return describeSummary(value as Record<string, unknown>, name);
      return `${name}: ${Array.isArray(value) ? value.join(', ') : String(value)}`;
    })
    .filter(Boolean)
    .join('; ');
}

interface AuditLogProps {
  firstPage: { events: AuditEvent[]; nextCursor: string | null };
  organizationNames: Record<string, string>;
}

/** The newest events, with older ones fetched on request and added below. */
export function AuditLog({ firstPage, organizationNames }: AuditLogProps) {
  const fetcher = useFetcher<typeof auditEventsLoader>();
  const [older, setOlder] = useState<AuditEvent[]>([]);
  const [cursor, setCursor] = useState(firstPage.nextCursor);
  const shownUntil = useRef(firstPage.nextCursor);

  // A fresh first page (after any change on the page) restarts the list, so no gap can open.
  useEffect(() => {
    setOlder([]);
    setCursor(firstPage.nextCursor);
    shownUntil.current = firstPage.nextCursor;
  }, [firstPage]);

  // An older page is added only where the list ends now: an answer that comes after the list
  // restarted, or the same page fetched again when the page reloads its data, is left out.
  useEffect(() => {
    const page = fetcher.data;
    if (!page || page.after !== shownUntil.current) return;
    shownUntil.current = page.nextCursor;
    setOlder((rows) => [...rows, ...page.events]);
    setCursor(page.nextCursor);
  }, [fetcher.data]);

  const events = [...firstPage.events, ...older];
  const loading = fetcher.state !== 'idle';

  if (events.length === 0) return <p className="muted">Nothing has been recorded yet.</p>;
  return (
    <>
      <div className="table-scroll" role="group" aria-label="Audit log" tabIndex={0}>
        <table className="audit-table">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Actor</th>
              <th scope="col">Action</th>
              <th scope="col">Organization</th>
              <th scope="col">Summary</th>
            </tr>
          </thead>
          <tbody>
            {events.map((event) => (
              <tr key={event.id}>
                <td className="nowrap">
                  <Time value={event.occurredAt} withTime />
                </td>
                <td>{event.actorLabel}</td>
                <td>
                  <code>{event.action}</code>
                </td>
                <td>{event.organizationId ? (organizationNames[event.organizationId] ?? event.organizationId) : <span className="muted">—</span>}</td>
                <td className="summary">{describeSummary(event.summary)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {cursor ? (
        <fetcher.Form method="get" action="/resources/audit-events" className="load-more">
          <input type="hidden" name="after" value={cursor} />
          <button type="submit" className="button button-secondary" disabled={loading}>
            {loading ? 'Loading…' : 'Load more'}
          </button>
        </fetcher.Form>
      ) : (
        <p className="muted small">That is the beginning of the log.</p>
      )}
    </>
  );
}
