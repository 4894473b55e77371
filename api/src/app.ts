import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import type { MikroORM } from '@mikro-orm/postgresql';
import express, { type ErrorRequestHandler } from 'express';
import http from 'node:http';
import { pinoHttp } from 'pino-http';
import type { Config } from './config';
import { isReady } from './db/orm';
import { compiledExecution } from './graphql/compiled-execution';
import { buildContext, requestContext, type GraphQLContext } from './graphql/context';
import { contextUnavailable, errorLoggingPlugin, formatError, unavailableStatusPlugin } from './graphql/errors';
import { textInputPlugin } from './graphql/input-boundary';
import { InvalidLiteralRule } from './graphql/invalid-values';
import { hideSuggestionsPlugin, queryLimitRules, queryLimitsPlugin } from './graphql/limits';
import { buildGreenlightSchema } from './graphql/schema';
import { licenseDocumentRouter } from './http/license-document-route';
import { mediaRouter } from './http/media-route';
import { answerFailure } from './http/failure';
import { rateLimited, RequestRateLimiter } from './http/rate-limit';
import { PartnerProfile } from './modules/publishing/partner-profile.entity';
import pg from 'pg';
import { reviewFramesRouter } from './http/review-frames-route';
import { playbackRouter } from './http/playback-route';
import { startWorkers } from './jobs/workers';
import { startQueue } from './jobs/queue';
import { followPublication } from './jobs/publication-follower';
import type { ApolloServerPlugin } from '@apollo/server';
import type PgBoss from 'pg-boss';
import { requestId } from './http/request-id';
import { answerUnreadableRequests } from './http/unreadable-requests';
import { serverClosingInStages } from './http/closing-in-stages';
import { connectionsAwaitingRequest, keepIdleConnectionsPastClients } from './http/idle-connections';
import { createUploadServer, UPLOADS_PATH, type UploadServer } from './uploads/upload-server';
import { sendUploadRefusal, UploadFailedError } from './uploads/upload-refusals';
import { UploadRefusedError } from './modules/media/upload.service';
import { databaseUnavailableOf } from './db/unavailable';
import { ForbiddenError, UnauthenticatedError, type RateLimitedError } from './domain/errors';
import { createMediaStorage } from './uploads/media-storage';
import type { Logger } from './logger';
import { createServices, type Services } from './services';

export interface AppDeps {
  orm: MikroORM;
  config: Config;
  logger: Logger;
  /** The database the ORM uses; upload locks and state need their own connections to it. */
  databaseUrl: string;
  /** Also work the review queue in this process (tests, single-process setups). */
  runWorker?: boolean;
  /** The instant partner visibility is evaluated at (tests move it across time boundaries). */
  clock?: () => Date;
}

export interface App {
  server: http.Server;
  services: Services;
  uploads: UploadServer;
  queue: PgBoss;
  stop(): Promise<void>;
}

/** The most a /graphql request body may be: 2 MiB, for everyone. */
export const GRAPHQL_BODY_LIMIT_BYTES = 2 * 1024 ** 2;

/** Body-parser failures answered in the GraphQL error shape, so clients parse one format. */
const badBody: ErrorRequestHandler = (error, _req, res, next) => {
  // Refused already (refuseLargeBodyEarly): the parser reports the same body once it has let go of it.
  if (res.headersSent) return;
  const status = (error as { status?: number }).status;
  const type = (error as { type?: string }).type;
  if (!status || status >= 500) return next(error);
  if (type === 'entity.too.large') return refuseLargeBody(res);
  // A stable reason beside the code, as every other refusal has, so a client words it without reading the sentence.
  const [reason, message] = type === 'entity.parse.failed' ? ['BODY_NOT_JSON', 'The request body is not valid JSON.'] : ['BODY_UNREADABLE', 'The request could not be read.'];
  res.status(status).json({ errors: [{ message, extensions: { code: 'BAD_REQUEST', reason, requestId: res.locals.requestId } }] });
};

/** 413 BODY_TOO_LARGE, in the GraphQL error shape. */
function refuseLargeBody(res: express.Response): void {
  const message = `The request body is larger than the ${GRAPHQL_BODY_LIMIT_BYTES / 1024 ** 2} MiB a request may be.`;
  res.status(413).json({ errors: [{ message, extensions: { code: 'BAD_REQUEST', reason: 'BODY_TOO_LARGE', requestId: res.locals.requestId } }] });
}

/**
 * A body over the limit is refused as soon as that is known, and the connection closes after the
 * answer (RFC 9110 §15.5.14; the staged close drops what is still coming, for a moment): a declared
 * `Content-Length` over it before any of the body is read, a chunked body once its bytes pass it.
 * The body parser would read all of it first, so a client sending gigabytes (or a chunked body that
 * never ends) held the request until its timeout before learning why.
 */
const refuseLargeBodyEarly: express.RequestHandler = (req, res, next) => {
  const declared = req.headers['content-length'];
  const refuse = () => {
    res.setHeader('Connection', 'close');
    refuseLargeBody(res);
  };
  if (declared !== undefined) return Number(declared) > GRAPHQL_BODY_LIMIT_BYTES ? refuse() : next();
  // Counted beside the body parser, which reads the same chunks (both listen before any flows).
  let received = 0;
  const count = (chunk: Buffer) => {
    received += chunk.length;
    if (received <= GRAPHQL_BODY_LIMIT_BYTES) return;
    req.off('data', count);
    if (!res.headersSent) refuse();
  };
  req.on('data', count);
  next();
};

/** Builds the HTTP server (not yet listening): GraphQL at /graphql and health probes. */
export async function createApp(deps: AppDeps): Promise<App> {
  const { orm, config, logger } = deps;
  const storage = createMediaStorage(config);
  const queue = await startQueue(deps.databaseUrl, logger, config, { supervise: Boolean(deps.runWorker), ...(deps.runWorker ? { connections: config.review.concurrency + 5 } : {}) });
  const services = createServices(config, orm.em.getConnection().getKnex(), storage, () => queue, { orm, logger, clock: deps.clock });
  const publication = followPublication({ orm, databaseUrl: deps.databaseUrl, publication: services.publication, logger, pollSeconds: config.publishing.pollSeconds });
  const workers = deps.runWorker ? await startWorkers({ orm, config, logger, storage, services, boss: queue, databaseUrl: deps.databaseUrl }) : null;
  const uploads = await createUploadServer({ orm, config, logger, services, databaseUrl: deps.databaseUrl });
  // Rate-limit counters are throwaway: their connections commit without waiting for the disk.
  const counterPool = new pg.Pool({ connectionString: deps.databaseUrl, max: 5, options: '-c synchronous_commit=off' });
  counterPool.on('error', (err) => logger.warn({ err }, 'rate-limit connection error'));
  const partnerLimit = async (partnerId: string) => (await orm.em.fork().findOne(PartnerProfile, { organization: partnerId }))?.rateLimitPerMinute ?? null;
  const apiRateLimiter = new RequestRateLimiter(counterPool, config.rateLimits, 'api', partnerLimit);
  const uploadRateLimiter = new RequestRateLimiter(counterPool, config.rateLimits, 'uploads', partnerLimit);
  const app = express();
  app.disable('x-powered-by');
  // Express would hash every JSON answer for an ETag (a catalog page is hundreds of kilobytes); they are
  // per caller and \`no-store\`, so no client keeps one to revalidate. Media routes set their own.
  app.set('etag', false);
  app.set('trust proxy', config.trustProxy);
  const server = serverClosingInStages(app);
  keepIdleConnectionsPastClients(server);
  const awaitingRequest = connectionsAwaitingRequest(server);
  answerUnreadableRequests(server, http.maxHeaderSize);

  app.use(requestId);
  app.use(
    pinoHttp({
      logger,
      genReqId: (_req, res) => (res as unknown as { locals: { requestId: string } }).locals.requestId,
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
    }),
  );

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const state = await isReady(orm);
    res.status(state.ready ? 200 : 503).json({ status: state.ready ? 'ready' : 'not ready', reason: state.reason });
  });

  // Uploads stream straight to the store: mounted before any body parser. GET is not offered:
  // finished media is played through /media.
  const uploadMethods = new Set(['POST', 'HEAD', 'PATCH', 'DELETE', 'OPTIONS']);
  app.all([UPLOADS_PATH, `${UPLOADS_PATH}/*id`], async (req, res) => {
    if (!uploadMethods.has(req.method)) {
      res.setHeader('Allow', [...uploadMethods].join(', '));
      return sendUploadRefusal(res, new UploadRefusedError('UPLOAD_METHOD_NOT_ALLOWED', 'Uploads accept POST, HEAD, PATCH, DELETE and OPTIONS; finished videos play through /media.'));
    }
    uploads.readAhead(req);
    const ctx = await requestContext({ orm, config, logger, services }, req, res);
    if (req.method !== 'OPTIONS' && ctx.actor.kind !== 'user') {
      return sendUploadRefusal(res, ctx.actor.kind === 'apiKey' ? new ForbiddenError('Uploads need a signed-in studio member, not an API key.') : (ctx.authFailure ?? new UnauthenticatedError('Sign in to upload.')));
    }
    // Counted side by side with the upload's own check (two independent reads); the limit still answers
    // first, its refusal sent by the upload server once what the request took is let go.
    let limited: RateLimitedError | undefined;
    const admitted = req.method === 'OPTIONS' ? Promise.resolve(undefined) : uploadRateLimiter.admit(ctx.actor, req, res, (refusal) => (limited = refusal)).then(() => limited);
    await uploads.handle(req, res, ctx, admitted);
  });
  app.use(reviewFramesRouter({ orm, config, logger, services, storage }));
  app.use(playbackRouter({ orm, config, logger, storage }));
  app.use(licenseDocumentRouter({ orm, config, logger, services, storage, rateLimiter: uploadRateLimiter }));
  app.use(mediaRouter({ orm, config, logger, services, storage }));

  // A mutation answers once partners' view reflects it, so a client reads its own write. Which series
  // changed is known from the database marks, not from each mutation remembering to say so.
  const readYourWrites: ApolloServerPlugin<GraphQLContext> = {
    async requestDidStart() {
      return {
        async willSendResponse(request) {
          // Only signed-in people change gate inputs; anyone else's mutation (signIn) has nothing to wait for.
          if (request.operation?.operation !== 'mutation' || request.contextValue.actor.kind !== 'user') return;
          try {
            // Marks this request's transaction made are at or below the highest one now.
            const [last] = (await orm.em.getConnection().execute(`select max(id)::text as id from publication_mark`)) as Array<{ id: string | null }>;
            if (last?.id) await services.publication.drain(orm.em.fork(), { wait: true, maxSeries: 500, marksUpTo: last.id });
          } catch (err) {
            logger.error({ err }, 'publication drain after a mutation failed; the follower retries');
          }
        },
      };
    },
  };

  const apollo = new ApolloServer<GraphQLContext>({
    // Queries run compiled (graphql-jit): see compiled-execution.ts.
    gateway: compiledExecution(await buildGreenlightSchema()),
    // Apollo indents answers by default; a catalog page is thousands of fields, and partners parse it.
    stringifyResult: (value) => JSON.stringify(value),
    formatError,
    includeStacktraceInErrorResponses: false,
    // Anonymous callers are refused by queryLimitsPlugin; signed-in people and API keys may introspect.
    introspection: true,
    parseOptions: { maxTokens: config.graphqlLimits.maxTokens },
    validationRules: [...queryLimitRules(config.graphqlLimits), InvalidLiteralRule],
    allowBatchedHttpRequests: false,
    // The process owns shutdown order (HTTP, then pool, then the embedded database).
    stopOnTerminationSignals: false,
    plugins: [
      // No field sets cache hints, and the default cache-control plugin wraps every field's resolver
      // to look for them: on a catalog page (thousands of fields) that was the largest single cost.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      errorLoggingPlugin,
      unavailableStatusPlugin,
      textInputPlugin,
      readYourWrites,
      queryLimitsPlugin(config.graphqlLimits),
      ...(config.isProduction ? [hideSuggestionsPlugin] : []),
      config.isProduction ? ApolloServerPluginLandingPageDisabled() : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
    ],
  });
  await apollo.start();

  // Authenticated once per request: the rate limiter needs the caller, Apollo the whole context.
  const graphqlContext = (req: express.Request, res: express.Response): Promise<GraphQLContext> =>
    (res.locals.graphqlContext ??= buildContext({ orm, config, logger, services }, req, res));
  app.use(
    '/graphql',
    // Answers are per caller: no shared cache may keep them.
    (_req: express.Request, res: express.Response, next: express.NextFunction) => {
      res.setHeader('Cache-Control', 'no-store');
      next();
    },
    rateLimited(apiRateLimiter, graphqlContext, logger),
    // A client that hung up while it was authenticated and counted has no body left to read and no one
    // to answer: the body parser skips a request whose socket can no longer be read, and Apollo would
    // then find no body and log a 500 for it.
    (req: express.Request, _res: express.Response, next: express.NextFunction) => {
      if (!req.socket.destroyed && req.socket.readable) next();
    },
    // Room for a 1 MiB subtitle file plus the rest of the request. Larger files (license documents,
    // videos) have their own routes, so no GraphQL caller can send more than this.
    refuseLargeBodyEarly,
    express.json({ limit: GRAPHQL_BODY_LIMIT_BYTES }),
    badBody,
    expressMiddleware(apollo, {
      context: ({ req, res }) =>
        graphqlContext(req, res).catch((error: unknown) => {
          throw contextUnavailable(error, res.locals.requestId as string) ?? error;
        }),
    }),
  );

  app.use((_req, res) => {
    res.status(404).json({ errors: [{ message: 'Not found. The GraphQL API is at /graphql.', extensions: { code: 'NOT_FOUND' } }] });
  });
  // An error no route answered (say, the database gone while a request was authenticated): logged and
  // answered in our words, never Express's page (which in development shows the statement and stack).
  const unanswered: ErrorRequestHandler = (err, req, res, _next) => {
    if (!res.headersSent && (req.path === UPLOADS_PATH || req.path.startsWith(`${UPLOADS_PATH}/`))) {
      logger.error({ err, requestId: res.locals.requestId }, 'request failed');
      // The database out of reach is a moment's absence, not a defect: 503 with when to try again.
      return sendUploadRefusal(res, databaseUnavailableOf(err) ?? new UploadFailedError());
    }
    answerFailure(res, err, logger, 'request failed');
  };
  app.use(unanswered);

  return {
    server,
    services,
    uploads,
    queue,
    stop: async () => {
      // First, before any await: processing under way is cut and handed back (see stopProcessing).
      const processingStopped = uploads.stopProcessing();
      // Connections waiting for a request go at once; Apollo drains those with one in flight.
      awaitingRequest.close();
      await apollo.stop();
      await publication.stop();
      await processingStopped;
      await uploads.stop();
      await workers?.stop();
      await queue.stop();
      await counterPool.end();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
