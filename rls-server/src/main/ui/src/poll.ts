import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from './api';

export interface Polled<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  /** Loads again now (after a change). */
  reload: () => void;
}

/** Default refresh of live pages; `?refresh=ms` in the page's URL overrides it (tests, demos). */
export function refreshMs(fallback = 3000): number {
  const v = Number(new URLSearchParams(window.location.search).get('refresh'));
  return Number.isFinite(v) && v >= 200 ? v : fallback;
}

/**
 * Calls `load` now and every `everyMs` while mounted (0 = once), and again when `deps` change.
 * Keeps the last good data while a later call fails, so a blip shows an error above stale
 * numbers instead of blanking the page.
 */
export function usePoll<T>(
  load: (signal: AbortSignal) => Promise<T>,
  everyMs: number,
  deps: unknown[],
  onData?: (t: T) => void,
): Polled<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(true);
  const [nonce, setNonce] = useState(0);
  const onDataRef = useRef(onData);
  onDataRef.current = onData;

  useEffect(() => {
    const ctl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const d = await load(ctl.signal);
        if (ctl.signal.aborted) return;
        setData(d);
        setError(undefined);
        onDataRef.current?.(d);
      } catch (e) {
        if (ctl.signal.aborted) return;
        setError(e instanceof ApiError ? e : new ApiError(0, String(e)));
      } finally {
        if (!ctl.signal.aborted) {
          setLoading(false);
          if (everyMs > 0) timer = setTimeout(tick, everyMs);
        }
      }
    };
    setLoading(true);
    void tick();
    return () => {
      ctl.abort();
      if (timer) clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, everyMs, nonce]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { data, error, loading, reload };
}
