// Micro-benchmark of the ingest consumer alone: queues/index.ts handleQueue, called from Node with batches of real
// signed webhook bodies, against a fresh database on the installed Postgres (through the same Neon driver and
// WebSocket proxy the worker uses). Durable Object stubs only count their calls. It isolates the database cost per
// batch (round trips, time) from HTTP, the queue and the realtime path, so store.ts/notify.ts changes can be
// compared on their own.
//
//   npx tsx bench/consumer.ts [--batches 40] [--batch-size 100] [--tenants 4] [--customers 500]
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client } from '@neondatabase/serverless';
import { createLogger } from '../worker/lib/log';
import { nodeDb } from '../scripts/lib/db';
import { devVars } from '../scripts/lib/stack';
import { provisionDatabase } from './lib/database';
import { applyExperiments } from './lib/experiments';
import { fmtSummary, summarize } from './lib/stats';
import { seedTenants } from './lib/tenants';
import { planMessage } from './lib/webhooks';
import { storedCount } from './lib/verify';

const { values: args } = parseArgs({
  options: {
    batches: { type: 'string', default: '40' },
    'batch-size': { type: 'string', default: '100' },
    tenants: { type: 'string', default: '4' },
    customers: { type: 'string', default: '500' },
    'keep-db': { type: 'boolean', default: false },
    // The worker's login: SCRAM iterations of its verifier (bench/lib/login-role.ts; 4096 is a local Postgres's default).
    'scram-iterations': { type: 'string', default: '1' },
    // Experiment: create the proposed reply index in the throw-away database (bench/lib/experiments.ts).
    'reply-index': { type: 'boolean', default: false },
    // History already in the table before the measured batches (a tenant a few months in): statements that scan
    // the organisation's messages show up here.
    preload: { type: 'string', default: '0' },
    // queue: handleQueue as the runtime calls it (a new connection per batch, as in the worker);
    // warm: processWebhooks on one open connection, i.e. the statements alone (what Hyperdrive-style pooling leaves).
    mode: { type: 'string', default: 'warm' },
  },
});

const say = (s: string) => console.log(`[consumer] ${s}`);

// The consumer's modules are loaded by path at run time: their types belong to the workerd tsconfig (Durable Object
// classes, cloudflare:workers), which the Node tsconfig that checks bench/ must not pull in.
type Fn = (...args: never[]) => Promise<unknown>;
const load = (path: string) => import(new URL(path, import.meta.url).href) as Promise<Record<string, Fn>>;
const handleQueue = (await load('../queues/index.ts')).handleQueue as unknown as (batch: unknown, env: unknown, ctx: unknown) => Promise<void>;
const processWebhooks = (await load('../queues/ingest/index.ts')).processWebhooks as unknown as (items: unknown[], env: unknown, db: unknown, log: unknown) => Promise<void>;

// Every statement the driver sends (Pool.query goes through a Client too).
let queries = 0;
const original = Client.prototype.query;
Client.prototype.query = function (this: Client, ...a: unknown[]) {
  queries++;
  return (original as (...x: unknown[]) => unknown).apply(this, a);
} as typeof Client.prototype.query;

async function main() {
  const vars = devVars();
  const database = await provisionDatabase({ keep: args['keep-db'], log: say, scramIterations: Number(args['scram-iterations']) });
  const { db, pool } = nodeDb(database.url, database.wsProxy); // also points the driver at `ws` for handleQueue
  try {
    const tenants = await seedTenants(db, vars.ENCRYPTION_KEY!, {
      tenants: Number(args.tenants),
      customersPerTenant: Number(args.customers),
      runId: randomBytes(3).readUIntBE(0, 3).toString().padStart(8, '0').slice(0, 8),
    });
    const experiments = await applyExperiments(pool, { replyIndex: args['reply-index']! });
    if (experiments.length) say(`experiments: ${experiments.join(', ')}`);
    let doCalls = 0;
    const stub = { publishMany: async (events: unknown[]) => { doCalls++; return events; }, consumeTicket: async () => true };
    const ns = { idFromName: (n: string) => n, get: () => stub };
    const env = {
      ...vars,
      DATABASE_URL: database.url,
      DB_WS_PROXY: database.wsProxy,
      LOG_LEVEL: 'warn',
      CONVERSATION_ROOM: ns,
      ORG_INBOX: ns,
      INGEST_QUEUE: { send: async () => {}, sendBatch: async () => {} },
      MEDIA: { get: async () => null, put: async () => null },
    };

    const size = Number(args['batch-size']);
    const preload = Number(args.preload);
    if (preload > 0) {
      // One message from every customer first (opens the conversations), then the history in bulk, server-side.
      for (const [ti, t] of tenants.entries()) {
        for (let i = 0; i < t.customers.length; i += size) {
          const messages = t.customers.slice(i, i + size).map((c, k) => {
            const m = planMessage(1_000_000 + ti * 100_000 + i + k, ti, t.business, c, vars.META_APP_SECRET!, true);
            return { id: m.wamid, timestamp: new Date(), attempts: 1, body: { type: 'meta.webhook', body: m.raw, receivedAt: new Date().toISOString() }, ack() {}, retry() {} };
          });
          await handleQueue({ queue: 'conversa-ingest', messages, ackAll() {}, retryAll() {} }, env, { waitUntil() {}, passThroughOnException() {} });
        }
      }
      const t0 = performance.now();
      await pool.query(
        `insert into messages (id, organization_id, conversation_id, direction, kind, body, status, provider_message_id, provider_timestamp, created_at, updated_at)
         select gen_random_uuid(), c.organization_id, c.id, 'inbound', 'text', 'Mensagem antiga ' || g, 'received',
                'wamid.preload.' || c.id || '.' || g, now() - make_interval(secs => g), now() - make_interval(secs => g), now() - make_interval(secs => g)
           from conversations c cross join generate_series(1, ceil($1::numeric / (select count(*) from conversations))::int) g`,
        [preload],
      );
      await pool.query('analyze messages');
      say(`preloaded ${await storedCount(pool, tenants.map((t) => t.orgId))} messages of history in ${Math.round(performance.now() - t0)} ms`);
    }
    const times: number[] = [];
    const perBatchQueries: number[] = [];
    const perBatchDo: number[] = [];
    let seq = 0;
    let acked = 0;
    let retried = 0;
    const log = createLogger({ bench: 'consumer' }, 'warn');
    await pool.query('select 1'); // the warm mode's connection is open before the clock starts
    const storedBefore = await storedCount(pool, tenants.map((t) => t.orgId));
    const t0 = performance.now();
    for (let b = 0; b < Number(args.batches); b++) {
      const messages = Array.from({ length: size }, () => {
        const ti = Math.floor(Math.random() * tenants.length);
        const t = tenants[ti]!;
        const m = planMessage(seq++, ti, t.business, t.customers[Math.floor(Math.random() * t.customers.length)]!, vars.META_APP_SECRET!);
        return {
          id: m.wamid,
          timestamp: new Date(),
          attempts: 1,
          body: { type: 'meta.webhook', body: m.raw, receivedAt: new Date().toISOString() },
          ack: () => acked++,
          retry: () => retried++,
        };
      });
      const waits: Promise<unknown>[] = [];
      const batch = { queue: 'conversa-ingest', messages, ackAll: () => (acked += size), retryAll: () => (retried += size) };
      const ctx = { waitUntil: (p: Promise<unknown>) => waits.push(p), passThroughOnException: () => {} };
      const q0 = queries;
      const d0 = doCalls;
      const s = performance.now();
      if (args.mode === 'queue') {
        await handleQueue(batch, env, ctx);
      } else {
        const items = messages.map((message) => ({ message, body: message.body }));
        await processWebhooks(items, env, db, log);
      }
      times.push(performance.now() - s);
      perBatchQueries.push(queries - q0);
      perBatchDo.push(doCalls - d0);
      await Promise.all(waits);
    }
    const elapsed = performance.now() - t0;
    const stored = (await storedCount(pool, tenants.map((t) => t.orgId))) - storedBefore;
    const total = Number(args.batches) * size;
    say(`mode ${args.mode}${args.mode === 'warm' ? ' (one open connection: statements only)' : ' (a new connection per batch, as in the worker)'}${preload ? `, ${preload} messages of history` : ''}`);
    say(`${args.batches} batches of ${size}: ${acked} acked, ${retried} retried, ${stored}/${total} stored`);
    say(`batch time ${fmtSummary(summarize(times))}`);
    say(`statements per batch: median ${summarize(perBatchQueries)?.median}, Durable Object calls per batch: median ${summarize(perBatchDo)?.median}`);
    say(`throughput (one consumer, batches back to back): ${Math.round((total / elapsed) * 1000)} msg/s`);
  } finally {
    await pool.end();
    await database.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
