import { ORIENTATIONS, labelOf, territoryName, type Orientation, type TerritoryOption } from '~/models/catalog';
import type { SeriesFormValues } from './series-form';

const listOrNone = (items: string[]) => (items.length ? items.join(', ') : <span className="muted">None</span>);

/** The series' details for people who may read but not change them. */
export function SeriesDetailsView({ series, territories }: { series: SeriesFormValues & { archivedAt: string | null }; territories: readonly TerritoryOption[] }) {
  return (
    <>
      <section className="panel" aria-labelledby="about-heading">
        <h2 id="about-heading">About the series</h2>
        {series.synopsis ? <p>{series.synopsis}</p> : <p className="muted">No synopsis yet.</p>}
        <dl className="facts">
          <div>
            <dt>Genres</dt>
            <dd>{listOrNone(series.genres)}</dd>
          </div>
          <div>
            <dt>Original language</dt>
            <dd>{series.originalLanguage}</dd>
          </div>
          <div>
            <dt>Audio languages</dt>
            <dd>{listOrNone(series.audioLanguages)}</dd>
          </div>
          <div>
            <dt>Subtitle languages</dt>
            <dd>{listOrNone(series.subtitleLanguages)}</dd>
          </div>
          <div>
            <dt>Orientation</dt>
            <dd>{labelOf(ORIENTATIONS, series.orientation as Orientation)}</dd>
          </div>
          <div>
            <dt>Cover image</dt>
            <dd>{series.coverImageUrl ? <a href={series.coverImageUrl}>{series.coverImageUrl}</a> : <span className="muted">None</span>}</dd>
          </div>
          <div>
            <dt>Pricing defaults</dt>
            <dd>
              {series.freeEpisodeCount ? `Episodes 1–${series.freeEpisodeCount} free` : 'No free episodes'}
              {series.defaultCoinPrice != null ? `, then ${series.defaultCoinPrice} coins each` : ', no default price'}
            </dd>
          </div>
        </dl>
      </section>

      <section className="panel" aria-labelledby="ratings-heading">
        <h2 id="ratings-heading">Maturity ratings</h2>
        {series.maturityRatings.length ? (
          <div className="table-scroll" role="group" aria-labelledby="ratings-heading" tabIndex={0}>
            <table>
              <thead>
                <tr>
                  <th scope="col">Territory</th>
                  <th scope="col">Rating</th>
                  <th scope="col">System</th>
                </tr>
              </thead>
              <tbody>
                {series.maturityRatings.map((r) => (
                  <tr key={r.territory}>
                    <td>{territoryName(territories, r.territory)}</td>
                    <td>{r.rating}</td>
                    <td>{r.system ?? <span className="muted">—</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted">No ratings recorded.</p>
        )}
      </section>

      <section className="panel" aria-labelledby="filings-heading">
        <h2 id="filings-heading">Regulatory filings</h2>
        {series.filings.length ? (
          <div className="table-scroll" role="group" aria-labelledby="filings-heading" tabIndex={0}>
            <table>
              <thead>
                <tr>
                  <th scope="col">Territory</th>
                  <th scope="col">Filing number</th>
                  <th scope="col">Authority</th>
                  <th scope="col">Issued on</th>
                </tr>
              </thead>
              <tbody>
                {series.filings.map((f) => (
                  <tr key={f.territory}>
                    <td>{territoryName(territories, f.territory)}</td>
                    <td>{f.filingNumber}</td>
                    <td>{f.authority ?? <span className="muted">—</span>}</td>
                    <td>{f.issuedOn ?? <span className="muted">—</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted">No filings recorded.</p>
        )}
      </section>
    </>
  );
}
