import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimitedError } from '../../domain/errors';

/**
 * Failed sign-ins are counted per email and per client address in PostgreSQL, so every API
 * instance sees the same counters. Only failures count; a success clears the email's counter.
 */
export class SignInThrottle {
  private readonly byEmail: RateLimiterPostgres;
  private readonly byAddress: RateLimiterPostgres;

  constructor(knex: unknown, maxFailures: number, windowSeconds: number) {
    const common = { storeClient: knex, storeType: 'knex', tableName: 'rate_limit', tableCreated: true, duration: windowSeconds };
    this.byEmail = new RateLimiterPostgres({ ...common, points: maxFailures, keyPrefix: 'sign_in_email' });
    this.byAddress = new RateLimiterPostgres({ ...common, points: maxFailures * 5, keyPrefix: 'sign_in_ip' });
  }

  async assertAllowed(email: string, ip: string | undefined): Promise<void> {
    const checks: Array<[RateLimiterPostgres, string]> = [[this.byEmail, email]];
    if (ip) checks.push([this.byAddress, ip]);
    for (const [limiter, key] of checks) {
      const state = await limiter.get(key);
      if (state && state.consumedPoints >= limiter.points) {
        throw new RateLimitedError(Math.max(1, Math.ceil(state.msBeforeNext / 1000)));
      }
    }
  }

  async recordFailure(email: string, ip: string | undefined): Promise<void> {
    const consume = async (limiter: RateLimiterPostgres, key: string) => {
      try {
        await limiter.consume(key);
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) throw error;
      }
    };
    await consume(this.byEmail, email);
    if (ip) await consume(this.byAddress, ip);
  }

  async recordSuccess(email: string): Promise<void> {
    await this.byEmail.delete(email);
  }
}
