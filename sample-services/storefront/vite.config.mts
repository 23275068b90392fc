// Vite build of the storefront: src/ → dist/ (index.html + hashed assets), which the gateway
// serves at /. Run by `npm run build` (this workspace's build script). The bundle carries its own
// version; everything that differs per deployment comes from the gateway at runtime
// (/storefront-config.json), so one build serves compose, native runs and Kubernetes.
import { defineConfig } from 'vite';
import pkg from './package.json' with { type: 'json' };

export default defineConfig({
  root: '.',
  base: '/',
  define: { __APP_VERSION__: JSON.stringify(pkg.version) },
  resolve: {
    // one copy of the OpenTelemetry API in the bundle: Faro's packages nest their own 1.9.x while the
    // fetch instrumentation takes the workspace's 1.10; the 1.10 copy treats the 1.9 global registry
    // as incompatible, falls back to no-op propagation, and fetches go out without `traceparent`
    // (the browser test caught this)
    dedupe: ['@opentelemetry/api'],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    // one chunk for the app, one for the telemetry SDK: both small enough not to split further
    chunkSizeWarningLimit: 600,
  },
  server: {
    // `npx vite` in this folder: the page with hot reload, the API from a running gateway
    proxy: { '/api': 'http://127.0.0.1:8080', '/storefront-config.json': 'http://127.0.0.1:8080' },
  },
});
