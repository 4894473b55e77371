import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { Logger } from '../logger';
import type { PublicationService } from '../modules/publishing/publication.service';

/**
 * Keeps partner catalogs following the data in this process: drains the series marked by writes as
 * soon as their transactions commit (the gate-input triggers NOTIFY `publication_pending`), and
 * every `pollSeconds` the series whose next time boundary has passed. Any number of processes may
 * follow at once: each series is evaluated under its own lock and skipped by the others.
 */
export function followPublication(deps: { orm: MikroORM; databaseUrl: string; publication: PublicationService; logger: Logger; pollSeconds: number }): { stop(): Promise<void> } {
  const { logger } = deps;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let client: pg.Client | null = null;

  const drain = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await deps.publication.drain(deps.orm.em.fork());
        } catch (error) {
          logger.error({ err: error }, 'publication drain failed; it is retried at the next poll');
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
  };

  const listen = async (): Promise<void> => {
    if (stopped) return;
    const c = new pg.Client({ connectionString: deps.databaseUrl });
    c.on('notification', drain);
    c.on('error', (err) => {
      logger.warn({ err }, 'publication listener lost its connection; reconnecting');
      void c.end().catch(() => undefined);
      if (client === c) client = null;
      setTimeout(() => void listen().catch(() => undefined), 1000).unref();
    });
    try {
      await c.connect();
      await c.query('listen publication_pending');
      client = c;
      drain();
    } catch (err) {
      logger.warn({ err }, 'publication listener could not connect; retrying');
      void c.end().catch(() => undefined);
      setTimeout(() => void listen().catch(() => undefined), 1000).unref();
    }
  };

  const timer = setInterval(drain, deps.pollSeconds * 1000);
  timer.unref();
  void listen();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await client?.end().catch(() => undefined);
      await running;
    },
  };
}
