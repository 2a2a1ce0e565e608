import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import preact from '@preact/preset-vite';
import { defineConfig, type Plugin } from 'vite';

// In dev, the API paths go to the local worker (wrangler dev), so the app and API share one origin:
// /api (REST and WebSockets), /health, /dev (mail outbox) and /webhooks (so the webhook URL shown in the
// channel settings works locally too). In production, VITE_API_BASE may point at another origin.
const api = process.env.API_ORIGIN ?? 'http://127.0.0.1:8787';

/**
 * The built app's Content-Security-Policy (public/_headers, for Cloudflare Pages) lets the page connect to its own
 * origin and, when VITE_API_BASE puts the API elsewhere, to that origin over HTTPS and WebSocket — nothing else.
 * (The dev server sends no CSP: Vite injects styles inline while developing.)
 */
function cspForApi(): Plugin {
  let outDir = '';
  return {
    name: 'conversa-csp',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const file = join(outDir, '_headers');
      const base = process.env.VITE_API_BASE?.trim();
      let origins = '';
      if (base) {
        const api = new URL(base);
        origins = `${api.origin} ${api.protocol === 'https:' ? 'wss:' : 'ws:'}//${api.host}`;
      }
      writeFileSync(file, readFileSync(file, 'utf8').replace('__API_ORIGINS__', origins).replace(/ +;/g, ';'));
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  plugins: [preact(), cspForApi()],
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
