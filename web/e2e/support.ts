// End-to-end helpers: the whole product (scripts/lib/stack.ts) on free ports with throw-away data, Debian's Chromium
// through playwright-core (one fresh profile per person), logins, screenshots, the dev mail outbox and API calls.
import { execSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_NUMBER } from '../../fake-meta';
import { freePort } from '../../scripts/lib/ports';
import { DEMO_PASSWORD } from '../../scripts/lib/seed';
import { startStack, type Stack } from '../../scripts/lib/stack';

export { DEMO_NUMBER, DEMO_PASSWORD };
export const ADMIN = 'admin@demo.conversa.local';
export const MANAGER = 'gerente@demo.conversa.local';
export const AGENT = 'agente@demo.conversa.local';
export const SCREENSHOTS = 'test-results/screenshots';

/** Debian's Chromium, or null. */
export function findChromium(): string | null {
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const path = execSync(`command -v ${name}`, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      if (path) return path;
    } catch {
      // Not on PATH.
    }
  }
  return null;
}

/**
 * Whether the browser tests can run. Without Chromium they are skipped loudly on a developer machine; in CI
 * (CI set) a missing browser is a failure, because `.ci/run` installs it.
 */
export function browserAvailable(file: string): boolean {
  if (findChromium()) return true;
  if (process.env.CI) return true; // the suite runs and fails in beforeAll with a clear message
  console.warn(
    `\n\u26a0\ufe0f  ${file}: SKIPPED — Chromium not found (looked for \`chromium\` on PATH). ` +
      'Install Debian\'s chromium (apt-get install chromium) to run the browser tests. In CI this is a failure.\n',
  );
  return false;
}

export interface E2E {
  stack: Stack;
  webUrl: string;
  apiUrl: string;
  stop(): Promise<void>;
}

/**
 * wrangler dev reads the worker's dev secrets from `.dev.vars`, which `npm run dev` creates from `.dev.vars.example`.
 * Do the same here (a fresh checkout has none), and add keys the example gained since the file was made (an older
 * `.dev.vars` without MAIL_PROVIDER=outbox breaks invitations). Existing values are never changed.
 */
export function ensureDevVars() {
  const example = readFileSync('.dev.vars.example', 'utf8');
  if (!existsSync('.dev.vars')) {
    writeFileSync('.dev.vars', example);
    console.warn('[e2e] created .dev.vars from .dev.vars.example');
    return;
  }
  const have = parseEnv(readFileSync('.dev.vars', 'utf8'));
  const want = parseEnv(example) as Record<string, string>;
  const missing = Object.keys(want).filter((k) => !(k in have));
  if (missing.length) {
    appendFileSync('.dev.vars', `\n# Added by the e2e tests from .dev.vars.example\n${missing.map((k) => `${k}=${want[k]}`).join('\n')}\n`);
    console.warn(`[e2e] .dev.vars lacked ${missing.join(', ')}: added from .dev.vars.example`);
  }
}

export async function startE2E(opts: { evolutionAutoScanMs?: number | null } = {}): Promise<E2E> {
  // Fail before the (slow) stack starts: in CI a missing browser is an error, not a skip.
  if (!findChromium()) throw new Error('Chromium is not installed (`command -v chromium` found nothing); the browser tests need it.');
  ensureDevVars();
  const persistTo = mkdtempSync(join(tmpdir(), 'conversa-e2e-wrangler-'));
  const stack = await startStack({
    apiPort: await freePort(),
    webPort: await freePort(),
    persistTo,
    quiet: true,
    ...(opts.evolutionAutoScanMs !== undefined && { evolutionAutoScanMs: opts.evolutionAutoScanMs }),
  });
  // Vite compiles on first request: warm the app up so the first test does not pay for it.
  await fetch(`${stack.webUrl}/`).then((r) => r.text());
  await fetch(`${stack.webUrl}/src/main.tsx`).then((r) => r.text()).catch(() => '');
  return {
    stack,
    webUrl: stack.webUrl!,
    apiUrl: stack.apiUrl,
    stop: async () => {
      await stack.stop();
      rmSync(persistTo, { recursive: true, force: true });
    },
  };
}

export interface Person {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** A browser of its own (fresh --user-data-dir profile), so every person has their own cookies and storage. */
export async function openBrowser(opts: { width?: number; height?: number; forcePolling?: boolean; microphone?: boolean } = {}): Promise<Person> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('Chromium is not installed (`command -v chromium` found nothing); the browser tests need it.');
  const profile = mkdtempSync(join(tmpdir(), 'conversa-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: opts.width ?? 1360, height: opts.height ?? 820 },
    locale: 'pt-BR',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Chromium's own test microphone (a beep), allowed without the permission prompt.
      ...(opts.microphone ? ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] : []),
    ],
    ...(opts.microphone ? { permissions: ['microphone'] } : {}),
  });
  context.setDefaultTimeout(20_000);
  if (opts.forcePolling) await context.addInitScript(() => localStorage.setItem('conversa.transport', 'polling'));
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (err) => console.error(`[browser] page error: ${err.message}`));
  return {
    context,
    page,
    close: async () => {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function login(page: Page, webUrl: string, email: string, password = DEMO_PASSWORD) {
  await page.goto(`${webUrl}/login`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Senha', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.waitForURL(/\/inbox/);
}

export async function screenshot(page: Page, name: string, opts: { scrollTop?: string } = {}) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  if (opts.scrollTop) await page.locator(opts.scrollTop).evaluate((el) => el.scrollTo(0, 0));
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: false });
}

/** Registers (in beforeEach) a screenshot of the page when the running test fails: `failed-<test name>.png`. */
export function shootOnFailure(ctx: { task: { name: string }; onTestFailed(fn: () => Promise<void> | void): void }, page: () => Page | undefined) {
  ctx.onTestFailed(async () => {
    const p = page();
    if (p && !p.isClosed()) await screenshot(p, `failed-${ctx.task.name.replace(/[^\w]+/g, '-').slice(0, 60)}`).catch(() => {});
  });
}

/**
 * The token of the newest link of a kind (`accept-invite`, `reset-password`) mailed to an address, from the dev
 * outbox. Only the token is used: the link's origin is APP_URL, which may not be this test's web server.
 */
export async function mailedToken(apiUrl: string, to: string, path: string): Promise<string> {
  const link = await mailedLink(apiUrl, to, path);
  return new URL(link).searchParams.get('token')!;
}

export async function mailedLink(apiUrl: string, to: string, path: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const res = await fetch(`${apiUrl}/dev/outbox.json?to=${encodeURIComponent(to)}`);
    const { data } = (await res.json()) as { data: { text: string | null; html: string | null }[] };
    for (const mail of data) {
      const m = new RegExp(`https?://[^\\s"<>]*/${path}\\?token=[A-Za-z0-9_%-]+`).exec(mail.text ?? mail.html ?? '');
      if (m) return m[0];
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no ${path} link mailed to ${to}`);
}

type ApiClient = Awaited<ReturnType<typeof loginOverApi>>;
const apiClients = new Map<string, Promise<ApiClient>>();

/**
 * Logs in over the API (for setup steps the test is not about) and returns a small authenticated client. One login
 * per person and stack: logins count against the worker's per-IP auth rate limit (10 a minute).
 */
export function apiAs(apiUrl: string, email: string, password = DEMO_PASSWORD): Promise<ApiClient> {
  const key = `${apiUrl} ${email}`;
  let client = apiClients.get(key);
  if (!client) {
    client = loginOverApi(apiUrl, email, password);
    client.catch(() => apiClients.delete(key));
    apiClients.set(key, client);
  }
  return client;
}

async function loginOverApi(apiUrl: string, email: string, password: string) {
  const res = await fetch(`${apiUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`login ${email}: ${res.status} ${await res.text()}`);
  const { accessToken, user } = (await res.json()) as { accessToken: string; user: { id: string } };
  const call = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const r = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${accessToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  return { userId: user.id, call };
}

/** A customer writes to the demo business number through the fake WhatsApp. */
export async function customerSays(e2e: E2E, from: string, name: string, body: string, opts: { timestamp?: number } = {}) {
  const r = await e2e.stack.fakeMeta.sendCustomerMessage({
    phoneNumberId: DEMO_NUMBER.phoneNumberId,
    from,
    name,
    type: 'text',
    body,
    ...(opts.timestamp ? { timestamp: opts.timestamp } : {}),
  });
  if (r.webhookStatus !== 200) throw new Error(`webhook answered ${r.webhookStatus}`);
  return r;
}
