import { Link } from '@remix-run/react';
import { Time } from '~/components/time';
import { territoryName, type TerritoryOption } from '~/models/catalog';
import { episodeHeading } from '~/models/episode';
import { describeDue, formatAge, withSearch } from '~/models/moderation';
import type { CalibrationRow, DetectorCalibrationRow, QueueCase, QueueStats } from '~/models/review.server';
import { RiskScore, VerdictBadge } from './review-badges';

/** The queue's numbers at a glance. */
export function QueueStatsPanel({ stats }: { stats: QueueStats }) {
  return (
    <section aria-labelledby="stats-heading" className="queue-stats">
      <h2 id="stats-heading" className="visually-hidden">
        Queue at a glance
      </h2>
      <dl className="stat-cards">
        <div className="stat-card">
          <dt>Pending</dt>
          <dd>
            <span className="stat-value">{stats.pending}</span>
            <span className="stat-detail">
              {stats.claimed} claimed · {stats.escalated} escalated · {stats.held} held
            </span>
          </dd>
        </div>
        <div className="stat-card">
          <dt>Oldest waiting</dt>
          <dd>
            <span className="stat-value">{stats.oldestPendingSeconds !== null ? formatAge(stats.oldestPendingSeconds) : '—'}</span>
            <span className="stat-detail">since submission</span>
          </dd>
        </div>
        <div className={stats.slaBreaches ? 'stat-card is-alarm' : 'stat-card'}>
          <dt>SLA breaches</dt>
          <dd>
            <span className="stat-value">{stats.slaBreaches}</span>
            <span className="stat-detail">past their due time</span>
          </dd>
        </div>
        <div className={stats.aiUnavailable ? 'stat-card is-warning' : 'stat-card'}>
          <dt>AI unavailable</dt>
          <dd>
            <span className="stat-value">{stats.aiUnavailable}</span>
            <span className="stat-detail">to review without AI</span>
          </dd>
        </div>
      </dl>
      <div className="throughput">
        <h3>Decisions in the last 24 hours</h3>
        {stats.throughput.length === 0 ? (
          <p className="muted small">None yet.</p>
        ) : (
          <ul>
            {stats.throughput.map((t) => (
              <li key={t.reviewer}>
                <span>{t.reviewer}</span> <strong>{t.decisions}</strong>
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}

interface QueueTableProps {
  cases: readonly QueueCase[];
  territories: readonly TerritoryOption[];
  filterSearch: string;
  now: string;
  me: string;
  /** Show each series' cases under its own heading (the API keeps them together). */
  groupBySeries?: boolean;
}

/** Runs of consecutive cases of one series, in the order given. */
function seriesGroups(cases: readonly QueueCase[]): Array<{ seriesId: string; seriesTitle: string; studio: string; cases: QueueCase[] }> {
  const groups: Array<{ seriesId: string; seriesTitle: string; studio: string; cases: QueueCase[] }> = [];
  for (const c of cases) {
    const last = groups[groups.length - 1];
    if (last && last.seriesId === c.episode.seriesId) last.cases.push(c);
    else groups.push({ seriesId: c.episode.seriesId, seriesTitle: c.seriesTitle, studio: c.studio.name, cases: [c] });
  }
  return groups;
}

/** Cases waiting for a human, in the order "Claim next" takes them. */
export function QueueTable({ cases, territories, filterSearch, now, me, groupBySeries = false }: QueueTableProps) {
  const row = (c: QueueCase) => <QueueRow key={c.id} c={c} territories={territories} filterSearch={filterSearch} now={now} me={me} />;
  return (
    <div className="table-scroll">
      <table className="queue-table">
        <caption className="visually-hidden">Cases waiting for a reviewer, highest priority first</caption>
        <thead>
          <tr>
            <th scope="col">Episode</th>
            <th scope="col">Territories and AI verdicts</th>
            <th scope="col">Risk</th>
            <th scope="col">SLA</th>
            <th scope="col">Claimed by</th>
          </tr>
        </thead>
        {groupBySeries ? (
          seriesGroups(cases).map((group, i) => (
            <tbody key={`${group.seriesId}-${i}`} className="queue-group">
              <tr>
                <th scope="colgroup" colSpan={5} className="queue-group-heading">
                  {group.seriesTitle} <span className="muted small">· {group.studio} · {group.cases.length} waiting here</span>
                </th>
              </tr>
              {group.cases.map(row)}
            </tbody>
          ))
        ) : (
          <tbody>{cases.map(row)}</tbody>
        )}
      </table>
    </div>
  );
}

/** One waiting case: which episode of which series and studio, its verdicts, risk, SLA and claim. */
function QueueRow({ c, territories, filterSearch, now, me }: { c: QueueCase; territories: readonly TerritoryOption[]; filterSearch: string; now: string; me: string }) {
  const due = describeDue(c.slaDueAt, now);
  const claimed = c.claim.held && c.claimedBy;
  return (
    <tr>
      <th scope="row">
        <Link to={withSearch(`/review/${encodeURIComponent(c.id)}`, filterSearch)}>
          {episodeHeading(c.episode)}
        </Link>
        <span className="queue-series">
          {c.seriesTitle} <span className="muted">· {c.studio.name}</span>
        </span>
        <span className="row-badges">
          {c.kind === 'APPEAL' ? <span className="badge badge-warning">Appeal</span> : null}
          {c.escalated ? <span className="badge badge-warning">{c.awaitingSecondApproval ? 'Second approval' : 'Escalated'}</span> : null}
          {c.routedToLead ? <span className="badge badge-danger">For a lead: possible copy</span> : null}
          {c.aiStatus === 'AI_UNAVAILABLE' ? <span className="badge badge-danger">AI unavailable</span> : null}
        </span>
        <span className="muted small">
          Submitted <Time value={c.submittedAt} withTime />
        </span>
      </th>
      <td>
        <ul className="verdict-cells">
          {c.territories.map((t) => {
            const verdict = c.verdicts.find((v) => v.territory === t);
            return (
              <li key={t}>
                <abbr title={territoryName(territories, t)}>{t}</abbr> {verdict ? <VerdictBadge verdict={verdict.verdict} /> : <span className="muted small">not screened</span>}
              </li>
            );
          })}
        </ul>
      </td>
      <td>
        <RiskScore score={c.riskScore} />
      </td>
      <td className={due.overdue ? 'sla-overdue' : undefined}>
        {due.text}
        <span className="muted small">
          <Time value={c.slaDueAt} withTime />
        </span>
      </td>
      <td>{claimed ? (c.claimedBy!.email === me ? <strong>You</strong> : c.claimedBy!.email) : <span className="muted">Nobody</span>}</td>
    </tr>
  );
}

/** How often reviewers agreed with the AI, per territory and finding category, as plain bars. */
export function CalibrationChart({ rows, days }: { rows: readonly CalibrationRow[]; days: number }) {
  return (
    <section className="panel" aria-labelledby="calibration-heading">
      <h2 id="calibration-heading">Calibration</h2>
      <p className="muted small">
        How often decisions in the last {days} days agreed with the AI’s recommendation. “Uncertain” means the AI asked for a human without a recommendation.
      </p>
      {rows.length === 0 ? (
        <p className="muted">No decisions to compare yet.</p>
      ) : (
        <>
          <p className="chart-legend" aria-hidden="true">
            <span className="swatch swatch-agreed" /> Agreed <span className="swatch swatch-overturned" /> Overturned <span className="swatch swatch-uncertain" /> Uncertain
          </p>
          <div className="table-scroll" role="group" aria-label="Agreement with the AI per territory and category" tabIndex={0}>
            <table className="calibration-table">
              <caption className="visually-hidden">Agreement with the AI per territory and category</caption>
              <thead>
                <tr>
                  <th scope="col">Territory · category</th>
                  <th scope="col">Decisions</th>
                  <th scope="col">Agreement</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={`${row.territory}|${row.category}`}>
                    <th scope="row">
                      {row.territory} · {row.category}
                    </th>
                    <td className="number-cell">{row.decisions}</td>
                    <AgreementCell decisions={row.decisions} agreed={row.agreed} overturned={row.overturned} third={[row.uncertain, 'uncertain']} />
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

/** One calibration row's agreement: a bar of shares (for the eye) and the counts in words (for everyone). */
function AgreementCell({ decisions, agreed, overturned, third: [rest, restLabel] }: { decisions: number; agreed: number; overturned: number; third: [number, string] }) {
  const share = (n: number) => `${(n / (decisions || 1)) * 100}%`;
  return (
    <td className="bar-cell">
      <div className="calibration-bar" aria-hidden="true">
        <span className="bar-agreed" style={{ width: share(agreed) }} />
        <span className="bar-overturned" style={{ width: share(overturned) }} />
        <span className="bar-uncertain" style={{ width: share(rest) }} />
      </div>
      <span className="bar-text">
        {agreed} agreed, {overturned} overturned, {rest} {restLabel}
      </span>
    </td>
  );
}

const DETECTOR_NAMES: Record<string, string> = {
  POLICY_CHECKS: 'Policy checks (rights, filings, format)',
  KEYWORD_RULES: 'Keyword rules',
  PROFANITY_MATCHER: 'Profanity matcher',
  EMBEDDED_IMAGE_MODEL: 'Embedded image model',
  OPENAI_MODERATION: 'OpenAI moderation',
  OPENAI_POLICY_MODEL: 'OpenAI policy model',
};

/** Agreement per detector of the screening and its model, so a weak rule set or model version shows on its own. */
export function DetectorCalibration({ rows, days }: { rows: readonly DetectorCalibrationRow[]; days: number }) {
  return (
    <section className="panel" aria-labelledby="detector-calibration-heading">
      <h2 id="detector-calibration-heading">Agreement by provider and model</h2>
      <p className="muted small">
        Decisions in the last {days} days against each detector that screened the case. “Overturned”: it flagged and the reviewer approved. “Missed”: it was silent and the reviewer did not approve.
      </p>
      {rows.length === 0 ? (
        <p className="muted">No decisions to compare yet.</p>
      ) : (
        <div className="table-scroll" role="group" aria-label="Agreement with each detector and model" tabIndex={0}>
          <table className="calibration-table">
            <caption className="visually-hidden">Agreement with each detector and model</caption>
            <thead>
              <tr>
                <th scope="col">Detector</th>
                <th scope="col">Model</th>
                <th scope="col">Decisions</th>
                <th scope="col">Agreement</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={`${row.detector}|${row.model ?? ''}`} data-detector={row.detector}>
                  <th scope="row">{DETECTOR_NAMES[row.detector] ?? row.detector}</th>
                  <td>{row.model ?? <span className="muted">rules, not a model</span>}</td>
                  <td className="number-cell">{row.decisions}</td>
                  <AgreementCell decisions={row.decisions} agreed={row.agreed} overturned={row.overturned} third={[row.missed, 'missed']} />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
