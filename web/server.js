// The dashboard's HTTP server: Remix behind Express, so other handlers (such as resumable uploads)
// can be mounted before Remix sees the request.
import { createRequestHandler } from '@remix-run/express';
import express from 'express';
import { randomUUID } from 'node:crypto';
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

// Mount other handlers here (before Remix), e.g. app.use('/uploads', uploadHandler).

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

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  });
}
