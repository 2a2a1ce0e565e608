// `npm run bench -- --profile chaos [--outage-seconds 180]` (issue 13): customers keep writing at 50 msg/s while the
// database goes away for a while, then comes back. The worker (Miniflare, wrangler.toml bindings, crons fired every
// minute as Cloudflare would) reaches Postgres through a fault proxy that refuses every connection during the outage,
// as a stopped server does; the benchmark itself counts through a direct connection. Reported: acknowledged vs
// stored vs dead-lettered vs lost, duplicates, what /health said during and after, and the time to drain.
// Results: bench/results/chaos-<date>-<outage>s.{json,md}.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { startFakeMeta } from '../fake-meta';
import { nodeDb } from '../scripts/lib/db';
import { driveCrons, wranglerCrons } from '../scripts/lib/cron';
import { devVars } from '../scripts/lib/stack';
import { provisionDatabase } from './lib/database';
import { startFaultProxy } from './lib/fault-proxy';
import { runOpenModel, type Stage } from './lib/load';
import { runInfo, stamp, table, writeResults } from './lib/report';
import { startWorkerServer, stateDir } from './lib/server';
import { fmtMs, summarize } from './lib/stats';
import { seedTenants } from './lib/tenants';
import { planMessage, postSigned } from './lib/webhooks';
import { trackAccepted, verifyStored, waitForDrain } from './lib/verify';

const { values: args } = parseArgs({
  options: {
    profile: { type: 'string', default: 'chaos' },
    'outage-seconds': { type: 'string', default: '180' },
    rate: { type: 'string', default: '50' },
    'before-seconds': { type: 'string', default: '20' },
    'after-seconds': { type: 'string', default: '30' },
    // Retries back off up to 2 min apart (queues/retry.ts): the drain after a long outage takes that long at least.
    'drain-timeout': { type: 'string', default: '600' },
    tenants: { type: 'string', default: '4' },
    customers: { type: 'string', default: '200' },
    label: { type: 'string' },
    out: { type: 'string', default: 'bench/results' },
    'log-level': { type: 'string', default: 'error' },
  },
});

const say = (s: string) => console.log(`[chaos] ${s}`);
const OUTAGE = Number(args['outage-seconds']);
const RATE = Number(args.rate);
if (!(OUTAGE > 0 && OUTAGE <= 3600)) throw new Error('--outage-seconds: 1 to 3600');
if (!(RATE > 0 && RATE <= 500)) throw new Error('--rate: 1 to 500 msg/s');
const stages: Stage[] = [
  { name: 'before', seconds: Number(args['before-seconds']), from: RATE, to: RATE },
  { name: 'outage', seconds: OUTAGE, from: RATE, to: RATE },
  { name: 'after', seconds: Number(args['after-seconds']), from: RATE, to: RATE },
];

interface HealthSample {
  t: number;
  stage: string;
  status: number | null;
  parked: number | null;
}

async function main(): Promise<number> {
  const info = runInfo();
  const runId = randomBytes(3).readUIntBE(0, 3).toString().padStart(8, '0').slice(0, 8);
  const vars = devVars();
  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c().catch((e) => say(`cleanup: ${e}`));
  };
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));
  try {
    say(`${RATE} msg/s: ${stages.map((s) => `${s.name} ${s.seconds} s`).join(', ')}`);
    const database = await provisionDatabase({ log: say });
    cleanups.push(() => database.close());
    const { db, pool } = nodeDb(database.url, database.wsProxy);
    cleanups.push(() => pool.end());
    const tenants = await seedTenants(db, vars.ENCRYPTION_KEY!, { tenants: Number(args.tenants), customersPerTenant: Number(args.customers), runId });
    const orgIds = tenants.map((t) => t.orgId);

    // The worker's way to the database goes through the fault proxy; ours does not.
    const direct = new URL(database.url);
    const fault = await startFaultProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    cleanups.push(() => fault.close());
    const workerUrl = new URL(database.url);
    workerUrl.hostname = fault.host;
    workerUrl.port = String(fault.port);

    const fakeMeta = await startFakeMeta({ host: '127.0.0.1', port: 0, webhookUrl: 'http://127.0.0.1:9/unused', appSecret: vars.META_APP_SECRET!, autoStatuses: false });
    cleanups.push(() => fakeMeta.close());
    const server = await startWorkerServer({
      persistRoot: stateDir(`chaos-${runId}`).path,
      databaseUrl: workerUrl.toString(),
      wsProxy: database.wsProxy,
      graphBaseUrl: fakeMeta.graphBaseUrl,
      buildDir: `bench/tmp/build-chaos-${runId}`,
      logLevel: args['log-level'],
      triggerHandlers: true,
    });
    cleanups.push(() => server.stop());
    const crons = driveCrons(server.url, wranglerCrons().filter((c) => c === '* * * * *'), (c, e) => say(`cron ${c}: ${e}`), '/cdn-cgi/local/scheduled');
    cleanups.push(async () => crons.stop());
    const first = await fetch(`${server.url}/health`);
    if (!first.ok) throw new Error(`worker unhealthy before the outage: ${first.status}`);
    say(`worker at ${server.url}; database ${database.kind} ${database.version} behind the fault proxy :${fault.port}`);

    // /health every 2 s, through the whole run and the drain.
    let stage = 'before';
    const health: HealthSample[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const t = performance.now();
        const s: HealthSample = { t, stage, status: null, parked: null };
        try {
          const r = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(8_000) });
          s.status = r.status;
          s.parked = ((await r.json()) as { deadLetters?: { parked?: number } }).deadLetters?.parked ?? null;
        } catch {
          // no answer at all: recorded as null
        }
        health.push(s);
        await new Promise((r) => setTimeout(r, Math.max(0, 2_000 - (performance.now() - t))));
      }
    })();

    const accepted = new Set<string>();
    const posted = new Set<string>();
    let seq = 0;
    let downAt = 0;
    let upAt = 0;
    const result = await runOpenModel(
      stages,
      async (i) => {
        const ti = i % tenants.length;
        const t = tenants[ti]!;
        const m = planMessage(seq++, ti, t.business, t.customers[Math.floor(Math.random() * t.customers.length)]!, vars.META_APP_SECRET!);
        posted.add(m.wamid);
        const r = await postSigned(`${server.url}/webhooks/whatsapp`, m.raw, m.signature);
        if (r.status === 200) accepted.add(m.wamid);
        return r;
      },
      {
        onStage: (s) => {
          stage = s.name;
          say(`stage ${s.name} (${s.seconds} s)`);
          if (s.name === 'outage') {
            downAt = performance.now();
            void fault.down().then(() => say('database DOWN (connections refused)'));
          }
          if (s.name === 'after') {
            upAt = performance.now();
            void fault.up().then(() => say('database UP'));
          }
        },
      },
    );
    stage = 'drain';
    const lastAck = Math.max(...result.shots.map((s) => s.done));
    await trackAccepted(pool, accepted);
    say(`${accepted.size} acknowledged; waiting up to ${args['drain-timeout']} s for them to be stored`);
    // Retries are up to 2 min apart: "nothing moved" is only a verdict after longer than that.
    const drained = await waitForDrain(pool, orgIds, { timeoutMs: Number(args['drain-timeout']) * 1000, idleMs: 200_000 });
    const drainedAt = drained.reachedAtPerf ?? performance.now();
    // A last /health after the drain, then stop sampling.
    await new Promise((r) => setTimeout(r, 2_500));
    sampling = false;
    await sampler;

    const verdict = await verifyStored(pool, orgIds, accepted, posted);
    const dead = Number((await pool.query('select count(*)::int as n from dead_letters')).rows[0]?.n ?? 0);
    const parked = health.at(-1)?.parked ?? null;
    const notStored = verdict.accepted - (verdict.stored - verdict.duplicated - verdict.storedUnacknowledged);
    const lost = Math.max(0, notStored - dead - (parked ?? 0));
    const acks = result.shots.filter((s) => s.status === 200).map((s) => s.done - s.scheduled);
    const byStage = (name: string) => {
      const shots = result.shots.filter((s) => s.stage === name);
      return { sent: shots.length, acked: shots.filter((s) => s.status === 200).length, ack: summarize(shots.filter((s) => s.status === 200).map((s) => s.done - s.scheduled)) };
    };
    const during = health.filter((h) => h.t >= downAt + 3_000 && h.t < upAt);
    const firstOkAfter = health.find((h) => h.t >= upAt && h.status === 200);
    const healthReport = {
      duringOutage: { samples: during.length, status503: during.filter((h) => h.status === 503).length, other: during.filter((h) => h.status !== 503).map((h) => h.status) },
      firstOkAfterUpMs: firstOkAfter ? Math.round(firstOkAfter.t - upAt) : null,
      afterDrain: health.at(-1)?.status ?? null,
      maxParked: Math.max(0, ...health.map((h) => h.parked ?? 0)),
    };
    const json = {
      benchmark: 'chaos',
      label: args.label ?? null,
      run: info,
      setup: { rate: RATE, stages, database: `${database.kind} ${database.version}`, tenants: tenants.length, fault: 'TCP proxy refusing connections (existing ones closed)' },
      totals: {
        posted: posted.size,
        acknowledged: verdict.accepted,
        stored: verdict.stored,
        deadLettered: dead,
        parkedInR2: parked,
        notStored,
        lost,
        duplicated: verdict.duplicated,
        drained: drained.reached,
        drainAfterUpMs: Math.round(drainedAt - upAt),
        drainAfterLastAckMs: Math.round(drainedAt - lastAck),
      },
      stages: Object.fromEntries(stages.map((s) => [s.name, byStage(s.name)])),
      ack: summarize(acks),
      health: healthReport,
      healthTimeline: health.map((h) => ({ s: Math.round((h.t - downAt) / 1000), stage: h.stage, status: h.status, parked: h.parked })),
      workerLogs: server.logs,
    };
    const rows = stages.map((s) => {
      const b = byStage(s.name);
      return [s.name, `${s.seconds} s`, `${b.acked}/${b.sent}`, fmtMs(b.ack?.median), fmtMs(b.ack?.p95), fmtMs(b.ack?.p99), fmtMs(b.ack?.max)];
    });
    const t = json.totals;
    const md = [
      `# Chaos benchmark — database down ${OUTAGE} s under ${RATE} msg/s${args.label ? ` (${args.label})` : ''}`,
      '',
      `${info.date} · commit ${info.commit}${info.dirty ? ' (uncommitted changes)' : ''} · ${info.cpu}, ${info.cores} cores · Node ${info.node} · ${database.kind} ${database.version} behind a fault proxy (connections refused during the outage) · crons fired every minute`,
      '',
      table(['stage', 'length', 'acked/sent', 'ack p50', 'ack p95', 'ack p99', 'ack max'], rows),
      '',
      `**Acknowledged ${t.acknowledged}, stored ${t.stored}, dead-lettered ${t.deadLettered}${parked ? ` (+${parked} parked in R2)` : ''}, lost ${t.lost}, duplicated ${t.duplicated}.** ` +
        `Queue ${t.drained ? `drained ${fmtMs(t.drainAfterUpMs)} after the database came back (${fmtMs(t.drainAfterLastAckMs)} after the last ack)` : `**did not drain** within ${args['drain-timeout']} s (${t.notStored} not stored)`}.`,
      '',
      `/health during the outage: ${healthReport.duringOutage.status503}/${healthReport.duringOutage.samples} answers were 503${healthReport.duringOutage.other.length ? ` (others: ${healthReport.duringOutage.other.join(', ')})` : ''}; first 200 ${healthReport.firstOkAfterUpMs === null ? 'never' : `${fmtMs(healthReport.firstOkAfterUpMs)} after the database came back`}; after the drain ${healthReport.afterDrain}. Worker warnings/errors: ${(server.logs.counts.warn ?? 0) + (server.logs.counts.error ?? 0)}.`,
    ].join('\n');
    console.log(`\n${md}\n`);
    const base = `chaos-${stamp()}-${OUTAGE}s${args.label ? `-${args.label.replace(/[^a-z0-9-]+/gi, '-')}` : ''}`;
    const files = writeResults(args.out!, base, json, md);
    say(`results: ${files.json}, ${files.md}`);
    return t.lost === 0 && t.duplicated === 0 && t.drained && t.deadLettered === 0 ? 0 : 1;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
