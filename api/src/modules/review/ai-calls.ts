/** Thrown when the provider cannot be reached or keeps failing: the case goes to humans as AI_UNAVAILABLE. */
export class AiUnavailableError extends Error {}

/**
 * An answer that does not cover everything it was asked about (fewer moderation results than inputs,
 * a territory missing from the policy check) or does not have the shape asked for. Never read as clean.
 */
export class MalformedResponseError extends Error {
  override readonly name = 'MalformedResponseError';
}

export interface CallEntry {
  call: string;
  attempt: number;
  startedAt: string;
  durationMs: number;
  /** `unanswered`: the call was made but no outcome was ever recorded (its worker stopped). */
  status: number | 'timeout' | 'network' | 'malformed' | 'ok' | 'unanswered';
  retryAfterMs?: number;
  error?: string;
  request?: unknown;
  response?: unknown;
}

/** Where calls are written as they are made (the database, for the pipeline). */
export interface CallSink {
  /** The call is about to be made; returns a handle for its outcome. */
  started(entry: CallEntry): Promise<string>;
  finished(handle: string, entry: CallEntry): Promise<void>;
}

/**
 * Keeps the record of every call a screening makes. With a sink, each call is written before it is
 * made and completed when it answers, so a worker that dies mid-call leaves its calls on record.
 */
export class CallRecorder {
  readonly entries: CallEntry[] = [];
  /**
   * `slots` runs each request within a limit on the requests in flight, shared by every screening of
   * a worker: only the request waits for one, so the writes around it never hold the provider's capacity.
   */
  constructor(
    private readonly sink?: CallSink,
    private readonly slots?: <T>(request: () => Promise<T>) => Promise<T>,
  ) {}

  /** Sends a request already on record, in a slot when there is a limit. */
  send<T>(request: () => Promise<T>): Promise<T> {
    return this.slots ? this.slots(request) : request();
  }

  get retries(): number {
    return this.entries.filter((e) => e.attempt > 1).length;
  }

  /** Records a call as started; the returned function records its outcome. */
  async begin(entry: Omit<CallEntry, 'durationMs' | 'status'>): Promise<(outcome: Omit<CallEntry, 'call' | 'attempt' | 'startedAt' | 'request'>) => Promise<void>> {
    const started: CallEntry = { ...entry, durationMs: 0, status: 'unanswered' };
    const handle = this.sink ? await this.sink.started(started) : undefined;
    return async (outcome) => {
      const done: CallEntry = { call: entry.call, attempt: entry.attempt, startedAt: entry.startedAt, ...outcome, request: entry.request, response: outcome.response };
      this.entries.push(done);
      if (this.sink && handle !== undefined) await this.sink.finished(handle, done);
    };
  }

  /** A note about a call already made (e.g. citations that were dropped). */
  async note(entry: CallEntry): Promise<void> {
    const finish = await this.begin(entry);
    await finish(entry);
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
    // Written before the call is made: a worker that dies waiting for the answer leaves it on record.
    const finish = await recorder.begin({ call, attempt, startedAt: new Date(started).toISOString(), request });
    // The call's duration counts from the request being sent, not from a wait for a slot.
    let sent = started;
    let outcome: { ok: true; value: T; response?: unknown } | { ok: false; error: unknown };
    try {
      outcome = {
        ok: true,
        ...(await recorder.send(() => {
          sent = Date.now();
          return attemptOnce();
        })),
      };
    } catch (error) {
      outcome = { ok: false, error };
    }
    if (outcome.ok) {
      await finish({ durationMs: Date.now() - sent, status: 'ok', response: outcome.response });
      return outcome.value;
    }
    const { status, retryable } = classify(outcome.error);
    const after = retryAfterMs(outcome.error as HttpishError);
    lastError = `${call}: ${typeof status === 'number' ? `HTTP ${status}` : status} — ${(outcome.error as Error)?.message ?? String(outcome.error)}`.slice(0, 500);
    await finish({ durationMs: Date.now() - sent, status, retryAfterMs: after, error: lastError });
    if (!retryable || attempt === policy.maxAttempts) break;
    const backoff = policy.baseDelayMs * 2 ** (attempt - 1) * (0.75 + Math.random() * 0.5);
    const wait = Math.max(after ?? 0, backoff);
    if (Date.now() + wait >= policy.deadline) break;
    await sleep(wait);
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
