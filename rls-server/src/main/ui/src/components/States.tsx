import type { ReactNode } from 'react';
import { ApiError } from '../api';

export function Loading({ what }: { what: string }) {
  return (
    <div className="state loading" role="status" aria-live="polite">
      Loading {what}…
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state empty">{children}</div>;
}

/** A failed call: the RLS unreachable, or the API's own message and problems. */
export function ErrorBanner({ error, stale }: { error: ApiError; stale?: boolean }) {
  let title: string;
  if (error.unreachable) {
    title = 'RLS unreachable';
  } else if (error.status === 401) {
    title = 'Not authorized (401)';
  } else if (error.status === 403) {
    title = 'Forbidden (403)';
  } else {
    title = `Error ${error.status}`;
  }
  return (
    <div className="state error" role="alert">
      <strong>{title}</strong>: {error.message}
      {error.problems.length > 0 && (
        <ul>
          {error.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      {stale && <div className="hint">Showing the last numbers received; retrying.</div>}
    </div>
  );
}
