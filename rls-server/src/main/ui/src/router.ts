// A few routes under /ui/ need no router library: the path is the state, history does the rest.
import { useSyncExternalStore } from 'react';

export const BASE = '/ui';

export type Route =
  | { page: 'overview' }
  | { page: 'tenants' }
  | { page: 'tenant'; id: string }
  | { page: 'denials' }
  | { page: 'rollout' }
  | { page: 'health' }
  | { page: 'notFound'; path: string };

export function parse(pathname: string): Route {
  let p = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  p = p.replace(/\/+$/, '');
  if (p === '' || p === '/overview') return { page: 'overview' };
  if (p === '/tenants') return { page: 'tenants' };
  const t = /^\/tenants\/(.+)$/.exec(p);
  if (t) return { page: 'tenant', id: decodeURIComponent(t[1]) };
  if (p === '/denials') return { page: 'denials' };
  if (p === '/rollout') return { page: 'rollout' };
  if (p === '/health') return { page: 'health' };
  return { page: 'notFound', path: pathname };
}

export const hrefs = {
  overview: `${BASE}/`,
  tenants: `${BASE}/tenants`,
  tenant: (id: string) => `${BASE}/tenants/${encodeURIComponent(id)}`,
  denials: `${BASE}/denials`,
  rollout: `${BASE}/rollout`,
  health: `${BASE}/health`,
};

const listeners = new Set<() => void>();

export function navigate(href: string): void {
  // keep ?refresh= and the like across pages
  const url = new URL(href, window.location.origin);
  if (!url.search) url.search = window.location.search;
  window.history.pushState(null, '', url.pathname + url.search);
  listeners.forEach((l) => l());
  window.scrollTo?.(0, 0);
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  window.addEventListener('popstate', l);
  return () => {
    listeners.delete(l);
    window.removeEventListener('popstate', l);
  };
}

export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}
