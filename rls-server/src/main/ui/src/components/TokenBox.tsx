import { useState } from 'react';
import { setToken, useToken } from '../token';

/** Enter or forget the admin token; it is kept in this tab's sessionStorage only. */
export function TokenBox() {
  const token = useToken();
  const [draft, setDraft] = useState('');
  if (token) {
    return (
      <div className="token">
        <span className="badge ok">admin token set</span>
        <button type="button" onClick={() => setToken(null)}>
          Forget token
        </button>
      </div>
    );
  }
  return (
    <form
      className="token"
     
      onSubmit={(e) => {
        e.preventDefault();
        setToken(draft);
        setDraft('');
      }}
    >
      <input
        type="password"
        placeholder="admin token (for changes)"
        aria-label="Admin token"
        autoComplete="off"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
      />
      <button type="submit" disabled={!draft.trim()}>
        Use token
      </button>
    </form>
  );
}
