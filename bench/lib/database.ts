// A throw-away database for one benchmark run: on the installed Postgres when it answers (BENCH_DATABASE_URL,
// DATABASE_URL, or the local conversa_ci superuser), else the embedded PGlite. Migrated, dropped at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { createDatabase, dropDatabase, nodeDb } from '../../scripts/lib/db';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../scripts/lib/embedded-pg';
import { runMigrations } from '../../scripts/lib/migrate';
import { createLoginRole, dropLoginRole } from './login-role';
import type { ConnectionTurns } from '../../scripts/lib/ws-proxy';

export const DEFAULT_ADMIN_URL = 'postgres://conversa_ci:conversa_ci@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  /** Connection string of the fresh, migrated database. */
  url: string;
  /** DB_WS_PROXY value (`host:port/v1`) of the proxy in front of it: the path under test (latency, turns counted). */
  wsProxy: string;
  /** The same proxy without added latency or counting, for the harness's own queries. */
  ownWsProxy: string;
  /** Per connection opened on `wsProxy` since the last reset: request/response turns, per transaction too (scripts/lib/ws-proxy.ts). */
  connectionTurns(): Promise<ConnectionTurns[]>;
  resetTurns(): Promise<void>;
  kind: 'postgres' | 'pglite';
  /** Server version string, for the report. */
  version: string;
  name: string;
  close(): Promise<void>;
}

export interface ProxyProcess {
  address: string;
  untimedAddress: string;
  connectionTurns(): Promise<ConnectionTurns[]>;
  resetTurns(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts scripts/lib/ws-proxy.ts in a child process (it must not compete with the load generator's timers). */
export async function startProxyProcess(serialize: boolean, latencyMs = 0, pool = false): Promise<ProxyProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', new URL('./proxy-main.ts', import.meta.url).pathname], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, BENCH_PROXY_SERIALIZE: serialize ? '1' : '0', BENCH_PROXY_LATENCY_MS: String(latencyMs), BENCH_PROXY_POOL: pool ? '1' : '0' },
  });
  // The child answers commands in order: one waiting resolver per line sent.
  const answers: ((line: Record<string, unknown>) => void)[] = [];
  const rl = createInterface({ input: child.stdout! });
  const first = new Promise<{ address: string; untimedAddress: string }>((resolve, reject) => {
    answers.push((o) => resolve(o as { address: string; untimedAddress: string }));
    child.once('exit', (code) => reject(new Error(`ws proxy exited with ${code}`)));
  });
  rl.on('line', (line) => answers.shift()?.(JSON.parse(line) as Record<string, unknown>));
  const ask = (cmd: string) =>
    new Promise<Record<string, unknown>>((resolve) => {
      answers.push(resolve);
      child.stdin!.write(`${JSON.stringify({ cmd })}\n`);
    });
  const { address, untimedAddress } = await first;
  return {
    address,
    untimedAddress,
    connectionTurns: async () => (await ask('turns')).turns as ConnectionTurns[],
    resetTurns: async () => {
      await ask('reset');
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function reachable(adminUrl: string, wsProxy: string): Promise<boolean> {
  const { pool } = nodeDb(adminUrl, wsProxy);
  try {
    await pool.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await pool.end().catch(() => {});
  }
}

/**
 * `dbLatencyMs`: round-trip latency the proxy adds on the worker's path (the harness's own queries go untimed).
 * `pooler`: the worker's connections go through the proxy's session pool (scripts/lib/pg-pooler.ts), as through Neon's
 * pooled endpoint; not in front of PGlite.
 */
export async function provisionDatabase(
  opts: { keep?: boolean; log?: (s: string) => void; dbLatencyMs?: number; scramIterations?: number; pooler?: boolean } = {},
): Promise<BenchDatabase> {
  const log = opts.log ?? (() => {});
  const adminUrl = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || DEFAULT_ADMIN_URL;
  let proxy = await startProxyProcess(false, opts.dbLatencyMs, opts.pooler);
  let embedded: EmbeddedPostgres | undefined;
  let url: string;
  let name: string;
  let role: string | undefined;
  let workerUrl: string | undefined;
  if (await reachable(adminUrl, proxy.untimedAddress)) {
    name = `conversa_bench_${randomBytes(4).toString('hex')}`;
    url = await createDatabase(adminUrl, name, proxy.untimedAddress);
    // Objects are created by the admin (migrations below); the worker logs in as the run's own role.
    const login = await createLoginRole(adminUrl, url, opts.scramIterations ?? 1, proxy.untimedAddress);
    role = login.name;
    workerUrl = login.url;
  } else {
    log(`no Postgres answers at ${new URL(adminUrl).host}: falling back to the embedded PGlite (much slower, one query at a time)`);
    await proxy.stop();
    // PGlite runs every client in one session: the proxy hands it one transaction at a time.
    proxy = await startProxyProcess(true, opts.dbLatencyMs);
    embedded = await startEmbeddedPostgres();
    url = embedded.url;
    name = 'pglite';
  }
  await runMigrations(url, proxy.untimedAddress);
  const { pool } = nodeDb(url, proxy.untimedAddress);
  const version = String((await pool.query('show server_version')).rows[0]?.server_version ?? '?');
  await pool.end();
  return {
    url: workerUrl ?? url,
    wsProxy: proxy.address,
    ownWsProxy: proxy.untimedAddress,
    connectionTurns: () => proxy.connectionTurns(),
    resetTurns: () => proxy.resetTurns(),
    kind: embedded ? 'pglite' : 'postgres',
    version,
    name,
    async close() {
      if (!embedded && !opts.keep) await dropDatabase(adminUrl, name, proxy.untimedAddress).catch((e) => log(`drop ${name}: ${e}`));
      if (role && !opts.keep) await dropLoginRole(adminUrl, role, proxy.untimedAddress).catch((e) => log(`drop role ${role}: ${e}`));
      await proxy.stop();
      await embedded?.close();
    },
  };
}
