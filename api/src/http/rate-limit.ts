import type { Request, RequestHandler, Response } from 'express';
import { RateLimiterMemory, RateLimiterPostgres, type RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../config';
import { RateLimitedError } from '../domain/errors';
import type { Actor } from '../domain/request-context';
import type { Logger } from '../logger';

export type RateLimits = Config['rateLimits'];

const WINDOW_SECONDS = 60;

/** Whose counter a request spends and how many requests per minute it holds. */
export interface RateBudget {
  key: string;
  perMinute: number;
}

/**
 * The budget of a caller: each API key, each signed-in person, and each address for anonymous
 * callers. A partner-specific limit (say, from the key's organization) belongs here.
 */
export function budgetOf(actor: Actor, ip: string | undefined, limits: RateLimits, partnerPerMinute?: number | null): RateBudget {
  switch (actor.kind) {
    case 'apiKey':
      return { key: `key:${actor.apiKey.id}`, perMinute: partnerPerMinute ?? limits.partnerPerMinute };
    case 'user':
      return { key: `user:${actor.user.id}`, perMinute: limits.userPerMinute };
    case 'anonymous':
      return { key: `ip:${ip ?? 'unknown'}`, perMinute: limits.anonymousPerMinute };
  }
}

export type RateDecision = { allowed: boolean; limit: number; remaining: number; resetSeconds: number };

/**
 * Counts requests per caller and minute in PostgreSQL (`rate_limit`), so every API instance
 * shares the counters. If the database cannot be reached, each instance counts in memory.
 */
export class RequestRateLimiter {
  private readonly counter: RateLimiterPostgres;

  private readonly partnerLimits = new Map<string, { perMinute: number | null; until: number }>();

  constructor(
    /** A pg Pool whose sessions commit asynchronously: counters need no fsync on every request. */
    pool: unknown,
    private readonly limits: RateLimits,
    /** Separates counters, e.g. GraphQL requests from upload requests. */
    scope: string,
    /** A partner's own per-key limit, if it has one. */
    private readonly partnerLimit: (partnerId: string) => Promise<number | null> = async () => null,
  ) {
    // Budgets differ per caller, so the store only counts; `take` compares with the caller's budget.
    const points = Number.MAX_SAFE_INTEGER;
    this.counter = new RateLimiterPostgres({
      storeClient: pool,
      storeType: 'pool',
      tableName: 'rate_limit',
      tableCreated: true,
      keyPrefix: `requests_${scope}`,
      points,
      duration: WINDOW_SECONDS,
      insuranceLimiter: new RateLimiterMemory({ points, duration: WINDOW_SECONDS }),
    });
  }

  /** Counts one request of `actor` and says whether it is within the budget. */
  async take(actor: Actor, ip: string | undefined): Promise<RateDecision> {
    const budget = budgetOf(actor, ip, this.limits, actor.kind === 'apiKey' ? await this.partnerLimitOf(actor.apiKey.organization.id) : null);
    const counted: RateLimiterRes = await this.counter.consume(budget.key);
    return {
      allowed: counted.consumedPoints <= budget.perMinute,
      limit: budget.perMinute,
      remaining: Math.max(0, budget.perMinute - counted.consumedPoints),
      resetSeconds: Math.max(1, Math.ceil(counted.msBeforeNext / 1000)),
    };
  }

  /** Partner limits change rarely: each instance looks one up at most every 30 seconds. */
  private async partnerLimitOf(partnerId: string): Promise<number | null> {
    const cached = this.partnerLimits.get(partnerId);
    if (cached && cached.until > Date.now()) return cached.perMinute;
    const perMinute = await this.partnerLimit(partnerId);
    this.partnerLimits.set(partnerId, { perMinute, until: Date.now() + 30_000 });
    return perMinute;
  }

  /**
   * Counts the request; when over budget, answers 429 — through `refuse` when given (the upload
   * endpoint's refusal), else in the GraphQL error shape — and returns false. Either way the
   * response carries the RateLimit-* headers.
   */
  async admit(actor: Actor, req: Request, res: Response, refuse?: (limited: RateLimitedError) => void): Promise<boolean> {
    const decision = await this.take(actor, req.ip);
    res.setHeader('RateLimit-Limit', decision.limit);
    res.setHeader('RateLimit-Remaining', decision.remaining);
    res.setHeader('RateLimit-Reset', decision.resetSeconds);
    if (decision.allowed) return true;
    const retryAfterSeconds = decision.resetSeconds;
    res.setHeader('Retry-After', retryAfterSeconds);
    if (refuse) {
      refuse(new RateLimitedError(retryAfterSeconds));
      return false;
    }
    res.status(429).json({
      errors: [
        {
          message: `Too many requests: the limit is ${decision.limit} a minute. Try again in ${retryAfterSeconds} seconds.`,
          extensions: { code: 'RATE_LIMITED', retryAfterSeconds, requestId: res.locals.requestId },
        },
      ],
    });
    return false;
  }
}

/**
 * Express middleware: rate-limits by the caller `identify` resolves (an authenticated request
 * context, reused later by the handler). If identifying fails, the handler reports that failure.
 */
export function rateLimited(limiter: RequestRateLimiter, identify: (req: Request, res: Response) => Promise<{ actor: Actor }>, logger: Logger): RequestHandler {
  return async (req, res, next) => {
    let actor: Actor;
    try {
      actor = (await identify(req, res)).actor;
    } catch {
      return next();
    }
    try {
      if (await limiter.admit(actor, req, res)) next();
    } catch (error) {
      // Counting must not take the API down with it.
      logger.error({ err: error, requestId: res.locals.requestId }, 'rate limiter failed; request let through');
      next();
    }
  };
}
