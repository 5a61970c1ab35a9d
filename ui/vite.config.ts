import { defineConfig } from 'vitest/config';

// The API shares the origin with the UI; in `npm run dev` these prefixes go to a local server.
const api = 'http://127.0.0.1:4040';
const apiPrefixes = ['/querier.v1.', '/push.v1.', '/settings.v1.', '/pyroscope/', '/ingest', '/api/', '/ready'];

export default defineConfig({
  plugins: [{
    // The server fills <base href> when it serves index.html; the dev server serves from /.
    name: 'flarestack-dev-base',
    apply: 'serve',
    transformIndexHtml: (html: string) => html.replace('__FLARESTACK_BASE__', '/'),
  }],
  // Relative asset URLs plus <base href> in index.html: the server fills the base, so the UI
  // also works under a sub-path.
  base: './',
  build: {
    // Straight into the Maven module's classes: the jar step packs them under this prefix.
    outDir: 'target/classes/flarestack-ui',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: Object.fromEntries(apiPrefixes.map((p) => [p, { target: api, changeOrigin: false }])),
  },
  test: {
    include: ['src/**/*.test.ts'],
  },
});
