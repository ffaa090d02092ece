import { defineConfig } from 'vitest/config';

// No @vitejs/plugin-react: its current release wants Vite 8, which does not install on every
// machine here. esbuild compiles the JSX (React 17+ automatic runtime) just as well; we only lose
// Fast Refresh in `vite dev`.
export default defineConfig({
  // The RLS serves the UI under /ui/ (and redirects / there): Jersey owns the rest of the port.
  base: '/ui/',
  esbuild: { jsx: 'automatic' },
  build: {
    // Straight into the jar's resources: Maven runs this before packaging (rls-server/pom.xml).
    outDir: '../../../target/classes/ui',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1024,
  },
  server: {
    // `npm run dev` against a local RLS on 8080.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    // above setup.ts's 10 s wait for an element, so a slow wait fails on its own message
    testTimeout: 30_000,
  },
});
