// The built app runs under its own Content-Security-Policy (issue 14, point 6): `vite build` writes the policy into
// dist/_headers (as Cloudflare Pages serves it); a small server here serves that build with those headers and
// passes /api (HTTP and WebSocket) to the worker, as one origin. Logging in, reading the inbox and a conversation
// and seeing a photo must raise no CSP violation.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, browserAvailable, customerSays, DEMO_NUMBER, login, openBrowser, shootOnFailure, startE2E, type E2E, type Person } from './support';

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json' };

/** The headers `/*` gets in a Pages `_headers` file. */
function pagesHeaders(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  let inAll = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    if (!/^\s/.test(line)) inAll = line.trim() === '/*';
    else if (inAll) {
      const at = line.indexOf(':');
      out[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
    }
  }
  return out;
}

/** Static files of the build (SPA fallback) with the Pages headers; /api, /health, /dev to the worker. */
function serveBuild(dir: string, apiUrl: string, appOrigin: string): Promise<{ url: string; close(): void }> {
  const headers = pagesHeaders(join(dir, '_headers'));
  const api = new URL(apiUrl);
  const toApi = (p: string) => /^\/(api|health|dev)\b/.test(p);
  const server = http.createServer((req, res) => {
    const path = new URL(req.url!, 'http://x').pathname;
    if (toApi(path)) {
      // The app's origin as the worker knows it (APP_URL): this server stands in for it.
      const upstream = http.request({ host: api.hostname, port: api.port, path: req.url, method: req.method, headers: { ...req.headers, host: api.host, ...(req.headers.origin ? { origin: appOrigin } : {}) } }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
      return;
    }
    let file = join(dir, normalize(path));
    if (!file.startsWith(dir) || !existsSync(file) || path === '/') file = join(dir, 'index.html');
    res.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  server.on('upgrade', (req, socket, head) => {
    const up = net.connect(Number(api.port), api.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`, ...Object.entries({ ...req.headers, host: api.host, origin: appOrigin }).map(([k, v]) => `${k}: ${v}`), '', ''];
      up.write(lines.join('\r\n'));
      up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() })),
  );
}

describe.skipIf(!browserAvailable('web/e2e/csp.test.ts'))('the built app under its Content-Security-Policy', () => {
  let e2e: E2E;
  let person: Person;
  let site: { url: string; close(): void };
  const dist = mkdtempSync(join(tmpdir(), 'conversa-csp-'));

  beforeAll(async () => {
    e2e = await startE2E();
    await promisify(execFile)('node_modules/.bin/vite', ['build', 'web', '--outDir', dist, '--emptyOutDir', '--logLevel', 'error'], {
      env: { ...process.env, VITE_API_BASE: '' },
    });
    site = await serveBuild(dist, e2e.apiUrl, new URL(e2e.webUrl).origin);
    person = await openBrowser();
  }, 180_000);
  beforeEach((ctx) => shootOnFailure(ctx, () => person?.page));
  afterAll(async () => {
    await person?.close();
    site?.close();
    await e2e?.stop();
    rmSync(dist, { recursive: true, force: true });
  });

  it('logs in, shows the inbox, a conversation and its photo, then the reports, with no CSP violation', async () => {
    const { page } = person;
    const violations: string[] = [];
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        (window as unknown as { __csp: string[] }).__csp ??= [];
        (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    page.on('console', (m) => {
      if (/Content.Security.Policy/i.test(m.text())) violations.push(m.text());
    });
    const doc = await page.goto(`${site.url}/login`);
    const csp = doc?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('__API_ORIGINS__');

    const from = '5511987650777';
    await customerSays(e2e, from, 'Cliente CSP', 'Oi, chegou meu pedido?');
    await e2e.stack.fakeMeta.sendCustomerMessage({ phoneNumberId: DEMO_NUMBER.phoneNumberId, from, name: 'Cliente CSP', type: 'image', caption: 'Foto CSP' });

    await login(page, site.url, ADMIN);
    const row = page.getByTestId('conversation').filter({ hasText: 'Cliente CSP' });
    await row.waitFor({ timeout: 20_000 });
    await row.click();
    await page.getByTestId('messages').getByText('Oi, chegou meu pedido?').waitFor();
    // The photo comes through the media endpoint as a blob: URL (img-src blob:).
    const photo = page.getByTestId('message').filter({ hasText: 'Foto CSP' });
    await expect.poll(() => photo.locator('img').getAttribute('src'), { timeout: 20_000 }).toMatch(/^blob:/);
    await expect.poll(() => photo.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    // Live over the WebSocket through the same origin, which connect-src 'self' allows.
    await expect.poll(() => page.getAttribute('[data-connection]', 'data-connection'), { timeout: 15_000 }).toBe('live');
    // The reports page: its lazy chunk, its stylesheet and uPlot's canvas charts (styled through CSSOM, not attributes).
    await page.getByTestId('nav-reports').click();
    await page.getByTestId('chart-conversations').locator('canvas').waitFor({ timeout: 20_000 });
    await page.getByTestId('chart-messages').locator('canvas').waitFor();
    const fromPage = await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
    expect([...violations, ...fromPage]).toEqual([]);
  }, 120_000);
});
