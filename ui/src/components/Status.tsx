import { ApiError } from '../api/client';

/** A readable error: what failed and the server's own message. */
export function ErrorBox({ what, error }: { what: string; error: Error }) {
  const code = error instanceof ApiError ? error.code : undefined;
  const hint = code === 'unauthenticated'
    ? 'This server runs in multi-tenant mode: enter a tenant ID in the Tenant field at the top.'
    : '';
  return (
    <div className="alert" role="alert" data-testid="error">
      <strong>{what} failed{code ? ` (${code})` : ''}</strong>
      {error.message}
      {hint ? <div>{hint}</div> : null}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return <div className="spinner" role="status" aria-live="polite">Loading {what}…</div>;
}
