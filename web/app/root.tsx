import type { LinksFunction, MetaFunction } from '@remix-run/node';
import { Links, Meta, Outlet, Scripts, ScrollRestoration, isRouteErrorResponse, useRouteError } from '@remix-run/react';
import { useEffect, type ReactNode } from 'react';
import appStyles from '~/styles/app.css?url';

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: appStyles },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
];

export const meta: MetaFunction = () => [{ title: 'Greenlight' }];

export function Layout({ children }: { children: ReactNode }) {
  useEffect(() => {
    // Tests and scripts wait for this before driving interactive widgets.
    document.documentElement.dataset.hydrated = 'true';
  }, []);
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

function describe(error: unknown): { title: string; message: string; requestId?: string } {
  if (isRouteErrorResponse(error)) {
    const body = (typeof error.data === 'object' && error.data) || {};
    const message = typeof (body as { message?: unknown }).message === 'string' ? (body as { message: string }).message : undefined;
    const requestId = typeof (body as { requestId?: unknown }).requestId === 'string' ? (body as { requestId: string }).requestId : undefined;
    if (error.status === 403) return { title: 'Not available to you', message: message ?? 'Your role does not include this page.' };
    if (error.status === 404) return { title: 'Page not found', message: message ?? 'There is nothing at this address.' };
    if (error.status === 429) return { title: 'Slow down', message: message ?? 'Too many requests. Try again shortly.' };
    return { title: 'Something went wrong', message: message ?? 'The page could not be loaded.', requestId };
  }
  return { title: 'Something went wrong', message: 'The page could not be shown. Try again, and if it keeps happening, tell us.' };
}

export function ErrorBoundary() {
  const error = useRouteError();
  const { title, message, requestId } = describe(error);
  return (
    <main id="main" className="error-page">
      <p className="brand-mark" aria-hidden="true">
        Greenlight
      </p>
      <h1>{title}</h1>
      <p>{message}</p>
      {requestId ? (
        <p className="muted">
          Request id: <code>{requestId}</code>
        </p>
      ) : null}
      <p>
        <a className="button" href="/">
          Back to the dashboard
        </a>
      </p>
    </main>
  );
}
