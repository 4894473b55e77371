import { useEffect, useRef } from 'react';
import { territoryName, type TerritoryOption } from '~/models/catalog';
import { findingTime, formatClock, sourceLabel, type AiStatus, type Evidence, type Finding } from '~/models/moderation';
import type { TerritoryVerdict } from '~/models/review.server';
import { SeverityBadge, VerdictBadge } from './review-badges';

interface FindingsPanelProps {
  findings: readonly Finding[];
  verdicts: readonly TerritoryVerdict[];
  aiStatus: AiStatus;
  aiError: string | null;
  assessment: { provider: string; model: string | null; policyVersion: string } | null;
  territories: readonly TerritoryOption[];
  activeFindingId: string | null;
  onSelectFinding: (finding: Finding) => void;
}

/** `text` with the part that matched shown as marked. */
function Highlighted({ text, match }: { text: string; match?: string }) {
  const at = match ? text.toLowerCase().indexOf(match.toLowerCase()) : -1;
  if (!match || at < 0) return <>{text}</>;
  return (
    <>
      {text.slice(0, at)}
      <mark>{text.slice(at, at + match.length)}</mark>
      {text.slice(at + match.length)}
    </>
  );
}

function EvidenceDetail({ evidence }: { evidence: Evidence }) {
  const match = typeof evidence.match === 'string' ? evidence.match : undefined;
  switch (evidence.kind) {
    case 'SUBTITLE_CUE':
      return (
        <figure className="evidence">
          <blockquote>
            <Highlighted text={String(evidence.text ?? '')} match={match} />
          </blockquote>
          <figcaption>
            Subtitle cue{evidence.language ? ` (${evidence.language})` : ''}, {formatClock(Number(evidence.cueStart ?? 0))}–{formatClock(Number(evidence.cueEnd ?? evidence.cueStart ?? 0))}
          </figcaption>
        </figure>
      );
    case 'FRAME':
      return <p className="evidence">Video frame at {formatClock(Number(evidence.frameTime ?? 0))}; see the keyframes.</p>;
    case 'METADATA':
      return (
        <figure className="evidence">
          {evidence.value !== undefined ? (
            <blockquote>
              <Highlighted text={typeof evidence.value === 'string' ? evidence.value : JSON.stringify(evidence.value)} match={match} />
            </blockquote>
          ) : null}
          <figcaption>Metadata: {String(evidence.field ?? 'unknown field')}</figcaption>
        </figure>
      );
    case 'MEDIA':
      return (
        <p className="evidence">
          Media:{' '}
          {typeof evidence.durationSeconds === 'number' ? `runs ${formatClock(evidence.durationSeconds)}` : null}
          {typeof evidence.width === 'number' ? `${evidence.width}×${String(evidence.height)} pixels` : null}
        </p>
      );
    case 'LICENSE':
      return <p className="evidence">License{Array.isArray(evidence.reasons) ? `: ${evidence.reasons.join(', ')}` : evidence.field ? `: ${String(evidence.field)}` : ''}</p>;
    default:
      return null;
  }
}

/** What the screening found, in video order; selecting one jumps the video to it. */
export function FindingsPanel({ findings, verdicts, aiStatus, aiError, assessment, territories, activeFindingId, onSelectFinding }: FindingsPanelProps) {
  const list = useRef<HTMLOListElement>(null);

  // Keeps the finding chosen with J/K in view inside the list.
  useEffect(() => {
    if (!activeFindingId || !list.current) return;
    const item = list.current.querySelector<HTMLElement>(`[data-finding="${activeFindingId}"]`);
    if (!item) return;
    const box = list.current.getBoundingClientRect();
    const rect = item.getBoundingClientRect();
    if (rect.top < box.top) list.current.scrollTop -= box.top - rect.top + 8;
    else if (rect.bottom > box.bottom) list.current.scrollTop += rect.bottom - box.bottom + 8;
  }, [activeFindingId]);

  return (
    <section className="panel findings-panel" aria-labelledby="findings-heading">
      <div className="panel-heading">
        <h2 id="findings-heading">
          Findings <span className="count">{findings.length}</span>
        </h2>
        <p className="muted small">
          <kbd>J</kbd> / <kbd>K</kbd> step through
        </p>
      </div>
      {aiStatus === 'AI_UNAVAILABLE' ? (
        <p className="alert alert-warning">
          <strong>AI unavailable.</strong> Only the deterministic checks ran; review this case without AI findings.
          {aiError ? <span className="small"> ({aiError})</span> : null}
        </p>
      ) : null}
      {verdicts.length ? (
        <ul className="verdict-list" aria-label="AI recommendation per territory">
          {verdicts.map((v) => (
            <li key={v.territory}>
              <span className="verdict-territory">{territoryName(territories, v.territory)}</span> <VerdictBadge verdict={v.verdict} riskScore={v.riskScore} />
            </li>
          ))}
        </ul>
      ) : null}
      {assessment ? (
        <p className="muted small">
          Screened by{' '}
          {assessment.provider === 'rules'
            ? 'the built-in keyword rules (not a model)'
            : assessment.provider === 'embedded'
              ? `the built-in keyword and profanity rules and a small embedded image model with known limits (${assessment.model ?? 'unknown model'})`
              : `${assessment.provider}${assessment.model ? ` (${assessment.model})` : ''}`}{' '}
          against{' '}
          {assessment.policyVersion}.
        </p>
      ) : null}
      {findings.length === 0 ? (
        <p className="muted">The screening found nothing to flag.</p>
      ) : (
        <ol className="finding-list" ref={list}>
          {findings.map((finding) => {
            const time = findingTime(finding);
            const active = finding.id === activeFindingId;
            return (
              <li key={finding.id} data-finding={finding.id} className={active ? 'finding is-active' : 'finding'} aria-current={active ? 'true' : undefined}>
                <button type="button" className="finding-select" onClick={() => onSelectFinding(finding)}>
                  <SeverityBadge severity={finding.severity} /> <code className="rule-id">{finding.ruleId}</code>{' '}
                  <span className="finding-time">{time !== null ? `at ${formatClock(time)}` : 'no time'}</span>
                </button>
                <p className="finding-explanation">{finding.explanation}</p>
                <EvidenceDetail evidence={finding.evidence} />
                <p className="finding-meta">
                  {territoryName(territories, finding.territory)} · {finding.category} · {sourceLabel(finding.source)}
                  {finding.score != null ? ` · score ${finding.score.toFixed(2)}` : ''}
                </p>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
