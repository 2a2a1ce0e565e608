// `npm run dev`: the whole product on this machine. Embedded Postgres (unless DATABASE_URL is set) with data under
// .data/, migrations, the demo tenant, `wrangler dev` (worker, queues, Durable Objects, R2, cron) and the Vite dev
// server for web/. Ctrl-C stops everything.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { isLocalUrl, nodeDb } from './lib/db';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './lib/embedded-pg';
import { runMigrations } from './lib/migrate';
import { freePort, isPortFree } from './lib/ports';
import { prefixer, startProcess, stopProcess } from './lib/processes';
import { DEMO_LOGINS, DEMO_PASSWORD, seedDemo } from './lib/seed';
import { startWsProxy, type WsProxy } from './lib/ws-proxy';

const HOST = '127.0.0.1';
const PORT = Number(process.env.PORT ?? 8787);
const WEB_PORT = Number(process.env.WEB_PORT ?? 5173);
const say = prefixer('dev');

const children: ChildProcess[] = [];
let embedded: EmbeddedPostgres | undefined;
let proxy: WsProxy | undefined;
let stopping = false;

async function main() {
  for (const [name, port] of [['PORT', PORT], ['WEB_PORT', WEB_PORT]] as const) {
    if (!Number.isInteger(port) || port <= 0 || port > 65535) fail(`${name}=${port} is not a valid port.`);
    if (!(await isPortFree(port, HOST))) {
      fail(`Port ${port} on ${HOST} is already in use (${name}). Stop what uses it, or run e.g. ${name}=${port + 10} npm run dev.`);
    }
  }
  if (!existsSync('.dev.vars')) {
    copyFileSync('.dev.vars.example', '.dev.vars');
    say('created .dev.vars from .dev.vars.example');
  }
  mkdirSync('.data', { recursive: true });

  let dbUrl = process.env.DATABASE_URL;
  if (!dbUrl) {
    say('starting embedded Postgres (PGlite), data in .data/pglite …');
    embedded = await startEmbeddedPostgres({ dataDir: '.data/pglite' });
    dbUrl = embedded.url;
  } else {
    say(`using DATABASE_URL (${new URL(dbUrl).host})`);
  }
  // Neon is reached directly; a Postgres on this machine needs the WebSocket proxy the driver speaks to.
  if (isLocalUrl(dbUrl)) proxy = await startWsProxy({ serialize: Boolean(embedded) });
  const wsProxy = proxy?.address;

  await runMigrations(dbUrl, wsProxy);
  say('migrations applied');
  const { db, pool } = nodeDb(dbUrl, wsProxy);
  const { created } = await seedDemo(db);
  await pool.end();
  say(created ? 'demo organisation seeded' : 'demo organisation already present');

  // No network here: keep wrangler from phoning home for metrics or the Request.cf object.
  const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', FORCE_COLOR: '0' };
  const inspectorPort = await freePort();
  const wranglerArgs = ['dev', '--ip', HOST, '--port', String(PORT), '--inspector-port', String(inspectorPort),
    '--persist-to', '.data/wrangler', '--test-scheduled', '--show-interactive-dev-session=false', '--log-level', 'warn',
    '--var', `DATABASE_URL:${dbUrl}`];
  if (wsProxy) wranglerArgs.push('--var', `DB_WS_PROXY:${wsProxy}`);
  children.push(startProcess('api', 'node_modules/.bin/wrangler', wranglerArgs, env));
  children.push(startProcess('web', 'node_modules/.bin/vite', ['web', '--host', HOST, '--port', String(WEB_PORT), '--strictPort'],
    { ...env, API_ORIGIN: `http://${HOST}:${PORT}` }));
  for (const child of children) {
    child.on('exit', (code) => {
      if (!stopping) {
        say(`a service exited (code ${code}); stopping everything`);
        void shutdown(1);
      }
    });
  }

  await waitForHealth(`http://${HOST}:${PORT}/health`, 90_000);
  banner();
}

async function waitForHealth(url: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopping) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  if (!stopping) fail(`the API did not become healthy at ${url} within ${timeoutMs / 1000} s`);
}

function banner() {
  const lines = [
    '',
    'Conversa is running:',
    `  API      http://${HOST}:${PORT}   (health: http://${HOST}:${PORT}/health)`,
    `  Web app  http://${HOST}:${WEB_PORT}`,
    `  Database ${embedded ? 'embedded PGlite, data in .data/pglite' : 'DATABASE_URL'}`,
    '',
    `Demo logins (password: ${DEMO_PASSWORD}):`,
    ...DEMO_LOGINS.map((l) => `  ${l.role.padEnd(13)} ${l.email}`),
    '',
    'Ctrl-C stops everything.',
  ];
  for (const l of lines) say(l);
}

function fail(message: string): never {
  console.error(`\n[dev] ${message}\n`);
  void shutdown(1);
  throw new Error(message);
}

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  await Promise.all(children.map((c) => stopProcess(c)));
  await proxy?.close().catch(() => {});
  await embedded?.close().catch(() => {});
  process.exit(code);
}

// Last resort if we exit some other way: never leave workerd or Vite running behind us.
process.on('exit', () => {
  for (const c of children) {
    try {
      if (c.pid && c.exitCode === null) process.kill(-c.pid, 'SIGKILL');
    } catch {}
  }
});
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
main().catch((err) => {
  if (!stopping) {
    console.error('[dev] failed to start:', err);
    void shutdown(1);
  }
});
