// The dashboard's HTTP server: Remix behind Express, so other handlers (such as resumable uploads)
// can be mounted before Remix sees the request.
import { createRequestHandler } from '@remix-run/express';
import { createCookie } from '@remix-run/node';
import express from 'express';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

const development = process.argv.includes('--dev');
const port = Number(process.env.WEB_PORT ?? 3000);
const host = process.env.WEB_HOST || undefined;
const here = (relative) => fileURLToPath(new URL(relative, import.meta.url));

const vite = development
  ? await import('vite').then((v) => v.createServer({ root: here('.'), server: { middlewareMode: true } }))
  : undefined;

const app = express();
app.disable('x-powered-by');
// Behind a reverse proxy set TRUST_PROXY (e.g. "loopback") so req.ip is the browser's address.
app.set('trust proxy', process.env.TRUST_PROXY || false);

// One id per request, passed on to the API, so a failure can be traced across both logs.
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;
app.use((req, res, next) => {
  const given = req.get('x-request-id');
  const id = given && ACCEPTABLE_REQUEST_ID.test(given) ? given : randomUUID();
  req.headers['x-request-id'] = id;
  // The API trusts X-Forwarded-For only from loopback; it must name the browser, not a spoofed value.
  req.headers['x-forwarded-for'] = req.ip ?? '';
  res.setHeader('X-Request-Id', id);
  // Invitation links carry a token in the path: never leak it to other sites; never be framed.
  res.setHeader('Referrer-Policy', 'same-origin');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  next();
});

if (vite) {
  app.use(vite.middlewares);
} else {
  // Fingerprinted files never change; everything else is revalidated.
  app.use('/assets', express.static(here('build/client/assets'), { immutable: true, maxAge: '1y' }));
  app.use(express.static(here('build/client'), { maxAge: '1h' }));
}

// Resumable uploads (tus) and media playback go straight through to the API, streamed both ways:
// the browser keeps one origin, and the session token from the dashboard's cookie becomes the
// API's bearer token (the cookie itself is not passed on).
const apiOrigin = new URL(process.env.API_URL ?? 'http://127.0.0.1:4000/graphql').origin;
const sessionCookie = createCookie('gl_session');
async function passToApi(req, res) {
  const token = await sessionCookie.parse(req.headers.cookie ?? null).catch(() => null);
  const headers = { ...req.headers };
  delete headers.cookie;
  delete headers.host;
  delete headers.authorization;
  if (typeof token === 'string' && token) headers.authorization = `Bearer ${token}`;
  const upstream = http.request(new URL(req.originalUrl, apiOrigin), { method: req.method, headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => {
    if (res.headersSent) res.destroy();
    else res.status(502).type('text').send('The Greenlight API is not reachable right now.\n');
  });
  req.on('aborted', () => upstream.destroy());
  req.pipe(upstream);
}
app.all(['/uploads', '/uploads/*'], passToApi);
app.get('/media/*', passToApi);

app.all(
  '*',
  createRequestHandler({
    build: vite
      ? () => vite.ssrLoadModule('virtual:remix/server-build')
      : await import('./build/server/index.js'),
    mode: development ? 'development' : 'production',
  }),
);

const server = app.listen(port, host, () => {
  console.log(`Greenlight dashboard listening on http://${host ?? 'localhost'}:${port}`);
});
// Idle keep-alive connections outlive those of the proxy in front (nginx keeps its own 60 s), so the
// proxy always closes first and never sends a form on a connection this server is closing.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
// A port another program holds is said plainly, with the setting that moves it, not as a stack.
server.on('error', (error) => {
  const taken = error.code === 'EADDRINUSE';
  console.error(
    taken
      ? `Port ${port} is already in use, so the dashboard cannot start. Stop the program using it, or set WEB_PORT to another port.`
      : `The dashboard cannot listen on port ${port}: ${error.message}`,
  );
  process.exit(1);
});

// Answers still being made at shutdown say `Connection: close`: their connection ends after them, and a
// proxy told to keep it alive would send its next request into that close and lose it.
const answering = new Set();
let closing = false;
const lastOnConnection = (res) => {
  if (!res.headersSent) res.setHeader('Connection', 'close');
};
server.on('request', (_req, res) => {
  answering.add(res);
  if (closing) lastOnConnection(res);
  res.once('close', () => answering.delete(res));
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    closing = true;
    answering.forEach(lastOnConnection);
    server.close(() => process.exit(0));
    // Like the API: a forced exit says so, in its words and its code, for whoever supervises it.
    setTimeout(() => {
      console.error('Greenlight dashboard: connections still open 5 s after the signal; exiting without them');
      process.exit(1);
    }, 5000).unref();
  });
}
