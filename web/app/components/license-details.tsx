import { LICENSE_KINDS, SOURCE_WORK_KINDS, aiElementsLabel, dayOf, labelOf, territoryName, type TerritoryOption } from '~/models/catalog';
import type { LicenseFormValues } from './license-form';
import { describeRights, describeTerritories, describeWindow } from './license-summary';

const listOrNone = (items: string[]) => (items.length ? items.join(', ') : <span className="muted">None</span>);
const orNone = (text: string | null) => text || <span className="muted">None</span>;

/** The license for people who may read but not change it. */
export function LicenseDetails({ license, territories }: { license: LicenseFormValues | null; territories: readonly TerritoryOption[] }) {
  if (!license) {
    return (
      <section className="panel">
        <h2>No license yet</h2>
        <p className="muted">An owner or editor of your studio sets it. Until then the series cannot be shown anywhere.</p>
      </section>
    );
  }
  return (
    <section className="panel" aria-labelledby="license-heading">
      <h2 id="license-heading">License</h2>
      <dl className="facts">
        <div>
          <dt>Source work</dt>
          <dd>
            {labelOf(SOURCE_WORK_KINDS, license.sourceWorkKind)}: “{license.sourceWorkTitle}”{license.sourceWorkAuthor ? ` by ${license.sourceWorkAuthor}` : ''}
            {license.sourceWorkPublisher ? ` (${license.sourceWorkPublisher})` : ''}
          </dd>
        </div>
        <div>
          <dt>Licensor</dt>
          <dd>
            {license.licensor} ({labelOf(LICENSE_KINDS, license.licenseKind).toLowerCase()} license)
          </dd>
        </div>
        <div>
          <dt>Contract reference</dt>
          <dd>{orNone(license.contractReference)}</dd>
        </div>
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
          <dt>Holdbacks</dt>
          <dd>{license.holdbacks.length ? license.holdbacks.map((h) => `${territoryName(territories, h.territory)} until ${dayOf(h.until)}`).join('; ') : <span className="muted">None</span>}</dd>
        </div>
        <div>
          <dt>Subtitle languages</dt>
          <dd>{listOrNone(license.subtitleLanguages)}</dd>
        </div>
        <div>
          <dt>Dub languages</dt>
          <dd>{listOrNone(license.dubLanguages)}</dd>
        </div>
        <div>
          <dt>AI-generated content</dt>
          <dd>
            {license.aiGeneratedContent ? `Yes. ${license.aiDisclosure ?? ''}` : 'No'}
            {license.aiElements.length ? <> Uses: {aiElementsLabel(license.aiElements)}.</> : null}
            {license.aiLabel ? <> Label: “{license.aiLabel}”.</> : null}
          </dd>
        </div>
      </dl>
    </section>
  );
}
