// The console's build: React compiled by Vite's own transform (JSX automatic runtime), no plugin needed.
// `npm run web:build` writes web/dist, which the service serves at `/`; `npm run web:dev` serves it with
// hot reload and passes API calls to a service running on :3000.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const target = process.env.HAZARDLINE_URL ?? 'http://localhost:3000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No inline scripts or data: URIs for scripts: the service's CSP allows only 'self'.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1024,
  },
  server: {
    proxy: Object.fromEntries(['/api', '/audio', '/r', '/webhooks'].map((p) => [p, { target, changeOrigin: false }])),
  },
});
