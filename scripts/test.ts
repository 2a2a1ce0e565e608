// `npm test`: brings up a real Postgres (the embedded one, or TEST_DATABASE_URL / DATABASE_URL when set), the
// WebSocket proxy the Neon driver needs locally, a freshly migrated test database, then runs every vitest project
// and ends with one line `N passed, N failed`.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createDatabase, dropDatabase } from './lib/db';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './lib/embedded-pg';
import { runMigrations } from './lib/migrate';
import { startWsProxy } from './lib/ws-proxy';
import { requireNode22, withSameNode } from './lib/node-version';
import { startFakeMeta } from '../fake-meta';
import { startFakeEvolution } from '../fake-evolution';
import { startWebhookSink } from './lib/webhook-sink';
import { readFileSync as readText } from 'node:fs';
import { parseEnv } from 'node:util';

const RESULTS = 'test-results/vitest.json';
const E2E_RESULTS = 'test-results/e2e.json';

async function main(): Promise<number> {
  requireNode22();
  console.log(`[test] node ${process.version}`);
  const external = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  let embedded: EmbeddedPostgres | undefined;
  const adminUrl = external ?? (embedded = await startEmbeddedPostgres()).url;
  // PGlite runs all clients in one session: the proxy must hand it one transaction at a time.
  const proxy = await startWsProxy({ serialize: Boolean(embedded), pool: process.env.TEST_POOLER === '1' }); // TEST_POOLER=1: through a session pool, as on Neon's pooled endpoint
  // On an installed server every run gets its own database; the embedded one is new and in memory already.
  const dbName = external ? `conversa_test_${randomBytes(4).toString('hex')}` : undefined;
  const testUrl = dbName ? await createDatabase(adminUrl, dbName, proxy.address) : adminUrl;
  console.log(`[test] database: ${external ? `installed Postgres (${dbName})` : 'embedded PGlite (in memory)'}`);

  // The fake Graph API the worker under test sends to. Webhooks are posted by the tests themselves (signed like
  // Meta's), since the worker inside vitest has no HTTP address of its own.
  const devVars = parseEnv(readText('.dev.vars.example', 'utf8')) as Record<string, string>;
  const fakeMeta = await startFakeMeta({ webhookUrl: 'http://127.0.0.1:9/unused', appSecret: devVars.META_APP_SECRET!, autoStatuses: false });
  // Likewise the fake Evolution: tests create instances through the worker and post its webhook bodies themselves.
  const fakeEvolution = await startFakeEvolution({ apiKey: devVars.EVOLUTION_API_KEY!, autoScanMs: null, autoStatuses: false });
  // Receives the worker's outgoing webhooks (worker/webhooks-out) so tests can check what arrived and how it was signed.
  const webhookSink = await startWebhookSink();

  let code = 1;
  try {
    await runMigrations(testUrl, proxy.address);
    rmSync(RESULTS, { force: true });
    rmSync(E2E_RESULTS, { force: true });
    mkdirSync('test-results', { recursive: true });
    const args = process.argv.slice(2);
    code = await run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${RESULTS}`, ...args], {
      ...process.env,
      TEST_DATABASE_URL: testUrl,
      TEST_ADMIN_DATABASE_URL: adminUrl,
      TEST_DB_KIND: external ? 'postgres' : 'pglite',
      DB_WS_PROXY: proxy.address,
      FAKE_META_URL: fakeMeta.url,
      META_GRAPH_BASE_URL: fakeMeta.graphBaseUrl,
      FAKE_EVOLUTION_URL: fakeEvolution.url,
      EVOLUTION_API_URL: fakeEvolution.url,
      WEBHOOK_SINK_URL: webhookSink.url,
      WRANGLER_SEND_METRICS: 'false',
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    });
    // The browser tests start whole stacks of their own: after the rest, and only for a full run.
    if (args.length === 0 && !process.env.SKIP_E2E) {
      const e2e = await run('npx', ['vitest', 'run', '-c', 'vitest.e2e.config.ts', '--reporter=default', '--reporter=json', `--outputFile=${E2E_RESULTS}`], {
        ...process.env,
        WRANGLER_SEND_METRICS: 'false',
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      });
      code = code || e2e;
    }
  } finally {
    if (dbName) await dropDatabase(adminUrl, dbName, proxy.address).catch((e) => console.warn(`[test] drop ${dbName}: ${e}`));
    await proxy.close();
    await fakeMeta.close();
    await fakeEvolution.close();
    await webhookSink.close();
    await embedded?.close();
  }
  printSummary();
  return code;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'inherit', env: withSameNode(env) });
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
}

function printSummary() {
  type Report = { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number; numTotalTests: number };
  const read = (file: string): Report | null => {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Report;
    } catch {
      return null;
    }
  };
  const reports = [read(RESULTS), read(E2E_RESULTS)].filter((r): r is Report => r !== null);
  if (!read(RESULTS)) {
    console.error('[test] no vitest results were written: the run did not complete');
    console.log('0 passed, 1 failed');
    return;
  }
  const sum = (k: keyof Report) => reports.reduce((n, r) => n + r[k], 0);
  const skipped = sum('numPendingTests') + sum('numTodoTests');
  console.log(`${sum('numPassedTests')} passed, ${sum('numFailedTests')} failed${skipped ? `, ${skipped} skipped` : ''}`);
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error('[test] setup failed:', err);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
