import { Link } from '@remix-run/react';
import { LICENSE_KINDS, SOURCE_WORK_KINDS, WORLDWIDE, dayOf, labelOf, territoryName, type LicenseKind, type SourceWorkKind, type TerritoryOption } from '~/models/catalog';

export interface LicenseFacts {
  sourceWorkTitle: string;
  sourceWorkKind: SourceWorkKind;
  sourceWorkAuthor: string | null;
  licensor: string;
  licenseKind: LicenseKind;
  territoriesIncluded: string[];
  territoriesExcluded: string[];
  windowStart: string | null;
  windowEnd: string | null;
  exclusive: boolean;
  payPerEpisode: boolean;
  avod: boolean;
  svod: boolean;
  holdbacks: Array<{ territory: string; until: string }>;
}

/** "Canada, United States" or "Worldwide except China", by name. */
export function describeTerritories(license: Pick<LicenseFacts, 'territoriesIncluded' | 'territoriesExcluded'>, territories: readonly TerritoryOption[]): string {
  const names = (codes: string[]) =>
    codes
      .map((code) => (code === WORLDWIDE ? 'Worldwide' : territoryName(territories, code)))
      .sort((a, b) => a.localeCompare(b, 'en'))
      .join(', ');
  const included = names(license.territoriesIncluded) || 'None';
  return license.territoriesExcluded.length ? `${included} except ${names(license.territoriesExcluded)}` : included;
}

/** "2026-01-01 to 2027-01-01", "From 2026-01-01, open-ended" or "No window: always". */
export function describeWindow(license: Pick<LicenseFacts, 'windowStart' | 'windowEnd'>): string {
  const start = dayOf(license.windowStart);
  const end = dayOf(license.windowEnd);
  if (start && end) return `${start} to ${end}`;
  if (start) return `From ${start}, open-ended`;
  if (end) return `Until ${end}`;
  return 'No window: not limited in time';
}

export function describeRights(license: Pick<LicenseFacts, 'payPerEpisode' | 'avod' | 'svod' | 'exclusive'>): string {
  return [license.payPerEpisode && 'Pay-per-episode', license.avod && 'AVOD', license.svod && 'SVOD', license.exclusive ? 'exclusive' : 'non-exclusive']
    .filter(Boolean)
    .join(' · ');
}

interface LicenseSummaryProps {
  seriesId: string;
  license: LicenseFacts | null;
  availability: { available: boolean; reasons: Array<{ code: string; message: string }> };
  territory: string;
  territories: readonly TerritoryOption[];
  canEdit: boolean;
}

/** Where and when the series may be shown, and whether it may be shown in `territory` now. */
export function LicenseSummary({ seriesId, license, availability, territory, territories, canEdit }: LicenseSummaryProps) {
  const place = territoryName(territories, territory);
  return (
    <section className="panel" aria-labelledby="rights-heading">
      <div className="panel-heading">
        <h2 id="rights-heading">License</h2>
        <Link to={`/catalog/${seriesId}/license`} className="button button-secondary button-small">
          {license ? (canEdit ? 'Edit license' : 'View license') : canEdit ? 'Set the license' : 'View license'}
        </Link>
      </div>
      {license ? (
        <>
          <p className={`availability ${availability.available ? 'availability-yes' : 'availability-no'}`}>
            <strong>{availability.available ? `Available in ${place} now` : `Not available in ${place} now`}</strong>
          </p>
          {availability.reasons.length ? (
            <ul className="reasons">
              {availability.reasons.map((reason) => (
                <li key={reason.code + reason.message}>{reason.message}</li>
              ))}
            </ul>
          ) : null}
          <dl className="facts">
            <div>
              <dt>Territories</dt>
              <dd>{describeTerritories(license, territories)}</dd>
            </div>
            <div>
              <dt>Window</dt>
              <dd>{describeWindow(license)}</dd>
            </div>
            <div>
              <dt>Rights</dt>
              <dd>{describeRights(license)}</dd>
            </div>
            <div>
              <dt>Licensor</dt>
              <dd>
                {license.licensor} ({labelOf(LICENSE_KINDS, license.licenseKind).toLowerCase()} license)
              </dd>
            </div>
            <div>
              <dt>Source work</dt>
              <dd>
                {labelOf(SOURCE_WORK_KINDS, license.sourceWorkKind)}: “{license.sourceWorkTitle}”{license.sourceWorkAuthor ? ` by ${license.sourceWorkAuthor}` : ''}
              </dd>
            </div>
            {license.holdbacks.length ? (
              <div>
                <dt>Holdbacks</dt>
                <dd>{license.holdbacks.map((h) => `${territoryName(territories, h.territory)} until ${dayOf(h.until)}`).join('; ')}</dd>
              </div>
            ) : null}
          </dl>
        </>
      ) : (
        <p className="availability availability-no">
          <strong>No license yet.</strong> The series cannot be shown anywhere, and it is left out of avails, until its license is set.
        </p>
      )}
    </section>
  );
}
