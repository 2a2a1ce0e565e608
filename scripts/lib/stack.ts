// The whole product on this machine, as one call: database (embedded unless a URL is given), migrations, demo
// tenant, fake Meta, fake Evolution API, `wrangler dev` (worker, queues, Durable Objects, R2, cron) and Vite. `npm run dev` uses it with
// fixed ports; end-to-end tests use it with free ports and throw-away data.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { DEMO_NUMBER, seedDemo as seedFakeDemo, startFakeMeta, type FakeMeta } from '../../fake-meta';
import { startFakeEvolution, type FakeEvolution } from '../../fake-evolution';
import { createInstance } from '../../worker/whatsapp/evolution';
import { evolutionWebhook } from '../../worker/webhooks/evolution-secret';
import { driveCrons, wranglerCrons, type CronDriver } from './cron';
import { isLocalUrl, nodeDb } from './db';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-pg';
import { runMigrations } from './migrate';
import { freePort } from './ports';
import { prefixer, startProcess, stopProcess } from './processes';
import { DEMO_EVOLUTION_INSTANCE, seedDemo, seedDemoChannel, seedDemoEvolutionChannel } from './seed';
import { startWsProxy, type WsProxy } from './ws-proxy';

export interface StackOptions {
  host?: string;
  apiPort: number;
  webPort?: number;
  fakeMetaPort?: number;
  fakeEvolutionPort?: number;
  /** The fake Evolution's QR code scans itself this long after it is shown (null: only from its phone page or control API). */
  evolutionAutoScanMs?: number | null;
  /** Embedded Postgres data directory; in memory when absent. Ignored with databaseUrl. */
  dataDir?: string;
  databaseUrl?: string;
  /** wrangler's local state (R2, Durable Objects, queues). */
  persistTo: string;
  /** Called when a child process dies on its own. */
  onExit?: (name: string, code: number | null) => void;
  quiet?: boolean;
}

export interface Stack {
  apiUrl: string;
  webUrl?: string;
  databaseUrl: string;
  wsProxy?: string;
  fakeMeta: FakeMeta;
  fakeEvolution: FakeEvolution;
  embedded: boolean;
  stop(): Promise<void>;
}

/** The dev values (.dev.vars.example), overridden by the developer's own .dev.vars when there is one. */
export function devVars(): Record<string, string> {
  const read = (file: string) => (existsSync(file) ? (parseEnv(readFileSync(file, 'utf8')) as Record<string, string>) : {});
  return { ...read('.dev.vars.example'), ...read('.dev.vars') };
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const host = opts.host ?? '127.0.0.1';
  const say = prefixer('dev');
  const children: ChildProcess[] = [];
  let embedded: EmbeddedPostgres | undefined;
  let proxy: WsProxy | undefined;
  let fakeMeta: FakeMeta | undefined;
  let fakeEvolution: FakeEvolution | undefined;
  let crons: CronDriver | undefined;
  let stopping = false;

  const stop = async () => {
    stopping = true;
    crons?.stop();
    await Promise.all(children.map((c) => stopProcess(c)));
    await fakeMeta?.close().catch(() => {});
    await fakeEvolution?.close().catch(() => {});
    await proxy?.close().catch(() => {});
    await embedded?.close().catch(() => {});
  };

  try {
    const vars = devVars();
    let dbUrl = opts.databaseUrl;
    if (!dbUrl) {
      if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
      embedded = await startEmbeddedPostgres({ dataDir: opts.dataDir });
      dbUrl = embedded.url;
    }
    // Neon is reached directly; a Postgres on this machine needs the WebSocket proxy the driver speaks to.
    if (isLocalUrl(dbUrl)) proxy = await startWsProxy({ serialize: Boolean(embedded) });
    const wsProxy = proxy?.address;

    await runMigrations(dbUrl, wsProxy);
    const { db, pool } = nodeDb(dbUrl, wsProxy);
    const { created } = await seedDemo(db);
    await seedDemoChannel(db, vars.ENCRYPTION_KEY!, DEMO_NUMBER);
    const evolutionChannelId = await seedDemoEvolutionChannel(db);
    await pool.end();
    if (!opts.quiet) say(created ? 'migrations applied; demo organisation seeded' : 'migrations applied; demo organisation present');

    const apiUrl = `http://${host}:${opts.apiPort}`;
    fakeMeta = await startFakeMeta({
      host,
      port: opts.fakeMetaPort ?? 0,
      webhookUrl: `${apiUrl}/webhooks/whatsapp`,
      appSecret: vars.META_APP_SECRET!,
    });
    seedFakeDemo(fakeMeta);
    fakeEvolution = await startFakeEvolution({
      host,
      port: opts.fakeEvolutionPort ?? 0,
      apiKey: vars.EVOLUTION_API_KEY!,
      ...(opts.evolutionAutoScanMs !== undefined && { autoScanMs: opts.evolutionAutoScanMs }),
    });

    // No network here: keep wrangler from phoning home for metrics or the Request.cf object.
    const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', FORCE_COLOR: '0' };
    // Every var is passed explicitly, so a fresh checkout (no .dev.vars) or a stale .dev.vars still works.
    const workerVars: Record<string, string> = {
      ...devVars(),
      DATABASE_URL: dbUrl,
      META_GRAPH_BASE_URL: fakeMeta.graphBaseUrl,
      EVOLUTION_API_URL: fakeEvolution.url,
      WEBHOOK_BASE_URL: apiUrl,
      APP_URL: `http://${host}:${opts.webPort ?? opts.apiPort}`,
    };
    const wranglerArgs = ['dev', '--ip', host, '--port', String(opts.apiPort), '--inspector-port', String(await freePort()),
      '--persist-to', opts.persistTo, '--test-scheduled', '--show-interactive-dev-session=false', '--log-level', 'warn',
      ...Object.entries(workerVars).flatMap(([k, v]) => ['--var', `${k}:${v}`])];
    if (wsProxy) wranglerArgs.push('--var', `DB_WS_PROXY:${wsProxy}`);
    children.push(startProcess('api', 'node_modules/.bin/wrangler', wranglerArgs, env));
    if (opts.webPort) {
      children.push(startProcess('web', 'node_modules/.bin/vite', ['web', '--host', host, '--port', String(opts.webPort), '--strictPort'],
        { ...env, API_ORIGIN: apiUrl }));
    }
    for (const child of children) child.on('exit', (code) => !stopping && opts.onExit?.(String(child.spawnargs[0]), code));

    await waitForHealth(`${apiUrl}/health`, 180_000, () => stopping);
    // The demo's QR-connected number: its instance is created (fresh fake, fresh instance) once the worker can take
    // its webhooks, so the QR code and the connection reach Settings → Channels.
    if (evolutionChannelId) {
      const cfg = { baseUrl: fakeEvolution.url, apiKey: vars.EVOLUTION_API_KEY! };
      await createInstance(cfg, DEMO_EVOLUTION_INSTANCE, await evolutionWebhook(vars.EVOLUTION_WEBHOOK_KEY!, apiUrl, evolutionChannelId));
    }
    crons = driveCrons(apiUrl, wranglerCrons(), (cron, err) => say(`cron ${cron} could not be fired: ${err instanceof Error ? err.message : err}`));
    return {
      apiUrl,
      webUrl: opts.webPort ? `http://${host}:${opts.webPort}` : undefined,
      databaseUrl: dbUrl,
      wsProxy,
      fakeMeta,
      fakeEvolution,
      embedded: Boolean(embedded),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function waitForHealth(url: string, timeoutMs: number, cancelled: () => boolean) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !cancelled()) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`the API did not become healthy at ${url} within ${timeoutMs / 1000} s`);
}
