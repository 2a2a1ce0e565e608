// A throw-away database for one benchmark run: on the installed Postgres when it answers (BENCH_DATABASE_URL,
// DATABASE_URL, or the local conversa_ci superuser), else the embedded PGlite. Migrated, dropped at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { createDatabase, dropDatabase, nodeDb } from '../../scripts/lib/db';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../scripts/lib/embedded-pg';
import { runMigrations } from '../../scripts/lib/migrate';

export const DEFAULT_ADMIN_URL = 'postgres://conversa_ci:conversa_ci@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  /** Connection string of the fresh, migrated database. */
  url: string;
  /** DB_WS_PROXY value (`host:port/v1`) of the proxy in front of it. */
  wsProxy: string;
  kind: 'postgres' | 'pglite';
  /** Server version string, for the report. */
  version: string;
  name: string;
  close(): Promise<void>;
}

/** Starts scripts/lib/ws-proxy.ts in a child process (it must not compete with the load generator's timers). */
export async function startProxyProcess(serialize: boolean): Promise<{ address: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', new URL('./proxy-main.ts', import.meta.url).pathname], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, BENCH_PROXY_SERIALIZE: serialize ? '1' : '0' },
  });
  const address = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (line) => resolve((JSON.parse(line) as { address: string }).address));
    child.once('exit', (code) => reject(new Error(`ws proxy exited with ${code}`)));
  });
  return {
    address,
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

export async function provisionDatabase(opts: { keep?: boolean; log?: (s: string) => void } = {}): Promise<BenchDatabase> {
  const log = opts.log ?? (() => {});
  const adminUrl = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || DEFAULT_ADMIN_URL;
  let proxy = await startProxyProcess(false);
  let embedded: EmbeddedPostgres | undefined;
  let url: string;
  let name: string;
  if (await reachable(adminUrl, proxy.address)) {
    name = `conversa_bench_${randomBytes(4).toString('hex')}`;
    url = await createDatabase(adminUrl, name, proxy.address);
  } else {
    log(`no Postgres answers at ${new URL(adminUrl).host}: falling back to the embedded PGlite (much slower, one query at a time)`);
    await proxy.stop();
    // PGlite runs every client in one session: the proxy hands it one transaction at a time.
    proxy = await startProxyProcess(true);
    embedded = await startEmbeddedPostgres();
    url = embedded.url;
    name = 'pglite';
  }
  await runMigrations(url, proxy.address);
  const { pool } = nodeDb(url, proxy.address);
  const version = String((await pool.query('show server_version')).rows[0]?.server_version ?? '?');
  await pool.end();
  return {
    url,
    wsProxy: proxy.address,
    kind: embedded ? 'pglite' : 'postgres',
    version,
    name,
    async close() {
      if (!embedded && !opts.keep) await dropDatabase(adminUrl, name, proxy.address).catch((e) => log(`drop ${name}: ${e}`));
      await proxy.stop();
      await embedded?.close();
    },
  };
}
