import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

// In dev, the API paths go to the local worker (wrangler dev), so the app and API share one origin:
// /api (REST and WebSockets), /health, /dev (mail outbox) and /webhooks (so the webhook URL shown in the
// channel settings works locally too). In production, VITE_API_BASE may point at another origin.
const api = process.env.API_ORIGIN ?? 'http://127.0.0.1:8787';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [preact()],
  server: {
    proxy: {
      '/api': { target: api, ws: true },
      '/health': api,
      '^/dev/': api,
      '^/webhooks/': api,
    },
  },
  // Pre-bundle everything the app imports on its first page, so the dev server never reloads the page halfway
  // through a session (or an end-to-end test) to optimise a dependency it discovered late.
  optimizeDeps: {
    include: ['preact', 'preact/hooks', 'preact/jsx-runtime', 'preact-iso', '@preact/signals'],
  },
  build: { outDir: 'dist', emptyOutDir: true, reportCompressedSize: true, target: 'es2022' },
});
