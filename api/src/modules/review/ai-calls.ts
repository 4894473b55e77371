/** Thrown when the provider cannot be reached or keeps failing: the case goes to humans as AI_UNAVAILABLE. */
export class AiUnavailableError extends Error {}

export interface CallEntry {
  call: string;
  attempt: number;
  startedAt: string;
  durationMs: number;
  status: number | 'timeout' | 'network' | 'malformed' | 'ok';
  retryAfterMs?: number;
  error?: string;
  request?: unknown;
  response?: unknown;
}

/** Keeps the record of every call a screening makes, for the assessment. */
export class CallRecorder {
  readonly entries: CallEntry[] = [];
  get retries(): number {
    return this.entries.filter((e) => e.attempt > 1).length;
  }
}

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  /** Absolute time after which no further attempt starts. */
  deadline: number;
  sleep?: (ms: number) => Promise<void>;
}

interface HttpishError {
  status?: number;
  headers?: Headers | Record<string, string> | null;
  name?: string;
  message?: string;
}

function header(headers: HttpishError['headers'], name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  return (headers as Record<string, string>)[name];
}

/** Retry-After as milliseconds: `retry-after-ms`, seconds, or an HTTP date. */
export function retryAfterMs(error: HttpishError): number | undefined {
  const ms = Number(header(error.headers, 'retry-after-ms'));
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = header(error.headers, 'retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function classify(error: unknown): { status: CallEntry['status']; retryable: boolean } {
  const e = error as HttpishError;
  const kind = (error as { constructor?: { name?: string } })?.constructor?.name ?? e?.name;
  if (kind === 'APIConnectionTimeoutError' || /timed out/i.test(e?.message ?? '')) return { status: 'timeout', retryable: true };
  if (kind === 'APIConnectionError') return { status: 'network', retryable: true };
  if (error instanceof SyntaxError || e?.name === 'MalformedResponseError') return { status: 'malformed', retryable: true };
  if (typeof e?.status === 'number') return { status: e.status, retryable: e.status === 408 || e.status === 409 || e.status === 429 || e.status >= 500 };
  return { status: 'network', retryable: true };
}

/**
 * Runs one provider call with bounded retries: exponential backoff with jitter, Retry-After honoured,
 * nothing started after the deadline. Every attempt is recorded. Throws AiUnavailableError at the end.
 */
export async function withRetries<T>(call: string, request: unknown, policy: RetryPolicy, recorder: CallRecorder, attemptOnce: () => Promise<{ value: T; response?: unknown }>): Promise<T> {
  const sleep = policy.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let lastError = 'no attempt was made';
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    if (Date.now() >= policy.deadline) break;
    const started = Date.now();
    try {
      const { value, response } = await attemptOnce();
      recorder.entries.push({ call, attempt, startedAt: new Date(started).toISOString(), durationMs: Date.now() - started, status: 'ok', request, response });
      return value;
    } catch (error) {
      const { status, retryable } = classify(error);
      const after = retryAfterMs(error as HttpishError);
      lastError = `${call}: ${typeof status === 'number' ? `HTTP ${status}` : status} — ${(error as Error)?.message ?? String(error)}`.slice(0, 500);
      recorder.entries.push({ call, attempt, startedAt: new Date(started).toISOString(), durationMs: Date.now() - started, status, retryAfterMs: after, error: lastError, request });
      if (!retryable || attempt === policy.maxAttempts) break;
      const backoff = policy.baseDelayMs * 2 ** (attempt - 1) * (0.75 + Math.random() * 0.5);
      const wait = Math.max(after ?? 0, backoff);
      if (Date.now() + wait >= policy.deadline) break;
      await sleep(wait);
    }
  }
  throw new AiUnavailableError(lastError);
}

/** Request bodies for the record: images replaced by their size, long text cut. */
export function redactForLog(value: unknown): unknown {
  if (typeof value === 'string') {
    if (value.startsWith('data:image/')) return `<image ${Math.round((value.length * 3) / 4 / 1024)} KiB>`;
    return value.length > 2000 ? `${value.slice(0, 2000)}… (${value.length} chars)` : value;
  }
  if (Array.isArray(value)) return value.map(redactForLog);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, /key|secret|authorization/i.test(k) ? '[redacted]' : redactForLog(v)]));
  return value;
}
