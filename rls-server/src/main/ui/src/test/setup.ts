import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach, vi } from 'vitest';

// jsdom lays nothing out: give scroll containers a size so the virtualized table renders rows,
// and charts a ResizeObserver that never fires.
Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 640 });
Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1200 });
class NoResize {
  observe() {}
  unobserve() {}
  disconnect() {}
}
(globalThis as unknown as { ResizeObserver: unknown }).ResizeObserver = NoResize;
window.scrollTo = () => {};

// findBy*/waitFor give up after testing-library's 1 s by default: a full build on two busy cores
// has missed that (a PUT sent after the click's handler ran). A wait only ends early on success,
// so a longer bound costs a passing test nothing and keeps a loaded CI machine from failing it.
configure({ asyncUtilTimeout: 10_000 });

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  sessionStorage.clear();
  window.history.replaceState(null, '', '/ui/');
});
