import type { ReactNode } from 'react';

/** The page around the forms a person fills before they are in the dashboard: sign-in, invitations. */
export function AuthCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main id="main" className="auth-page">
      <div className="auth-card">
        <p className="brand-mark">
          <span className="brand-dot" aria-hidden="true" /> Greenlight
        </p>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}
