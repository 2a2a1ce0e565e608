import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

// In dev, /api and /health go to the local worker (wrangler dev), so the app and API share one origin.
const api = process.env.API_ORIGIN ?? 'http://127.0.0.1:8787';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [preact()],
  server: {
    proxy: {
      '/api': { target: api, ws: true },
      '/health': api,
    },
  },
  build: { outDir: 'dist', emptyOutDir: true, reportCompressedSize: true },
});
