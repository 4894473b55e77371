import {
  decisionLabel,
  decisionTone,
  severityLabel,
  verdictLabel,
  verdictTone,
  type Decision,
  type Severity,
  type Verdict,
} from '~/models/moderation';

export function VerdictBadge({ verdict, riskScore }: { verdict: Verdict; riskScore?: number | null }) {
  return (
    <span className={`badge badge-${verdictTone(verdict)}`}>
      {verdictLabel(verdict)}
      {riskScore != null ? <span className="badge-detail"> · risk {riskScore}</span> : null}
    </span>
  );
}

export function SeverityBadge({ severity }: { severity: Severity }) {
  return <span className={`badge severity severity-${severity.toLowerCase()}`}>{severityLabel(severity)}</span>;
}

export function DecisionBadge({ decision }: { decision: Decision }) {
  return <span className={`badge badge-${decisionTone(decision)}`}>{decisionLabel(decision)}</span>;
}

/** 0–100, coloured by how worried to be. */
export function RiskScore({ score }: { score: number | null }) {
  if (score == null) return <span className="muted">—</span>;
  const tone = score >= 70 ? 'high' : score >= 30 ? 'medium' : 'low';
  return (
    <span className={`risk risk-${tone}`}>{score}</span>
  );
}
