import { Form } from '@remix-run/react';
import { graphql, type ResultOf } from '~/graphql';
import { formatBytes } from '~/models/episode';
import type { FormOutcome } from '~/models/form-outcome';
import { FormAlert, TextField, useResetWhenSaved } from './forms';
import { Time } from './time';

/** A contract PDF behind the license, with a signed, expiring download path (through the dashboard's /media pass-through). */
export const LicenseDocumentFields = graphql(`
  fragment LicenseDocumentFields on LicenseDocument { id fileName sizeBytes createdAt downloadUrl }
`);
export type LicenseDocumentItem = ResultOf<typeof LicenseDocumentFields>;

/**
 * Chain of title: the contract PDFs behind the license. Seen by the studio and the operator's
 * reviewers in a dispute, never by partners. Owners and editors attach and remove them.
 */
export function LicenseDocuments({ documents, canEdit, outcome, busy }: { documents: readonly LicenseDocumentItem[]; canEdit: boolean; outcome?: FormOutcome; busy: boolean }) {
  const mine = outcome && (outcome.intent === 'attachDocument' || outcome.intent === 'removeDocument') ? outcome : undefined;
  const reset = useResetWhenSaved(mine?.intent === 'attachDocument' && mine.notice ? mine : null);
  return (
    <section className="panel" aria-labelledby="license-documents-heading">
      <h2 id="license-documents-heading">License documents</h2>
      <p className="muted">Contracts that show your chain of title. Reviewers see them if your rights are disputed; partners never do.</p>
      {documents.length ? (
        <ul className="document-list">
          {documents.map((d) => (
            <li key={d.id} className="row-form">
              <a href={d.downloadUrl} download={d.fileName}>
                {d.fileName}
              </a>{' '}
              <span className="muted">
                · {formatBytes(d.sizeBytes)} · attached <Time value={d.createdAt} />
              </span>
              {canEdit ? (
                <Form method="post">
                  <input type="hidden" name="intent" value="removeDocument" />
                  <input type="hidden" name="documentId" value={d.id} />
                  <button type="submit" className="button button-secondary button-small" disabled={busy} aria-label={`Remove ${d.fileName}`}>
                    Remove
                  </button>
                </Form>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No documents attached.</p>
      )}
      {canEdit ? (
        <Form method="post" encType="multipart/form-data" className="inline-form" {...reset}>
          <input type="hidden" name="intent" value="attachDocument" />
          <FormAlert fieldErrors={mine?.fieldErrors}>{mine?.formError}</FormAlert>
          <TextField label="Contract (PDF)" name="document" type="file" accept="application/pdf,.pdf" error={mine?.fieldErrors?.file ?? mine?.fieldErrors?.fileName} />
          <button type="submit" className="button" disabled={busy}>
            Attach document
          </button>
        </Form>
      ) : null}
    </section>
  );
}
