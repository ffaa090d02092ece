// The admin token lives in sessionStorage: it survives reloads of this tab, never other tabs or a
// closed browser, and is sent only as the bearer of change requests.
import { useSyncExternalStore } from 'react';

const KEY = 'rls.adminToken';
const listeners = new Set<() => void>();

export function getToken(): string | null {
  try {
    const t = sessionStorage.getItem(KEY);
    return t && t.trim() ? t : null;
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  try {
    if (token && token.trim()) {
      sessionStorage.setItem(KEY, token.trim());
    } else {
      sessionStorage.removeItem(KEY);
    }
  } catch {
    // storage disabled: the token is then simply not kept
  }
  listeners.forEach((l) => l());
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** The current token; components re-render when it is set or forgotten. */
export function useToken(): string | null {
  return useSyncExternalStore(subscribe, getToken, () => null);
}
