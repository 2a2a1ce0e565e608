// `npm run bench` (issue 8): load and latency of the ingest path, webhook → queue → Postgres → rooms → sockets.
//
// The worker is served by Miniflare from this process (the bundle `wrangler deploy --dry-run` makes, the bindings of
// wrangler.toml), against a fresh database on the installed Postgres (embedded PGlite if none answers). Signed,
// realistic webhooks from many customers of several tenants arrive on a fixed schedule (open model) through the
// stages ramp → sustained → burst → recovery; agents' WebSockets watch a sample of conversations and every
// tenant's inbox. After the queue drains the database must hold every acknowledged message exactly once. A bare Hono
// route on the same workerd gives the ceiling; stored end to end is then measured for --stored-seconds. The proxy in
// front of Postgres can add round-trip latency (--db-latency) and counts the worker's round trips; the consumer's
// ingest.timing lines give the per-stage breakdown. --repeat runs it all N times (fresh database, server and state
// each time) and reports medians with their spread, and a verdict against issue 18's targets. Results:
// bench/results/ingest-<date>-<profile>[-db<ms>ms][-<label>][-dirty].{json,md}, listed in bench/results/INDEX.md.
//
//   npm run bench                      # the issue's targets: 100 msg/s sustained, a 1,000 msg/s burst, 60 s stored
//   npm run bench -- --db-latency 5 --repeat 3   # as Neon is from a Worker (a few ms per round trip), three runs
//   npm run bench -- --profile goal    # our own goal: 1,000 msg/s sustained for 60 s
//   npm run bench -- --profile steps --steps 100,200,300,400   # 15 s per rate: where it stops keeping up
//   npm run bench -- --sustained-rate 300 --sustained-seconds 20 --burst-rate 1500 ...
//   npm run bench -- --pooler --no-encryption --label plain   # content stored unencrypted: A/B of encryption at rest
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { startFakeMeta } from '../fake-meta';
import { nodeDb } from '../scripts/lib/db';
import { devVars } from '../scripts/lib/stack';
import { connectAgent, login, type AgentSocket, type Session } from './lib/agents';
import { provisionDatabase } from './lib/database';
import { applyExperiments } from './lib/experiments';
import { httpStats } from './lib/http';
import { lagSampler, runOpenModel, saturate, stageReports, type Stage } from './lib/load';
import { cpuMeter, runInfo, table, type CpuShare } from './lib/report';
import { freePort } from '../scripts/lib/ports';
import { startProfiler } from './lib/profile';
import { CEILING_PATH, startWorkerServer, stateDir } from './lib/server';
import { fmtMs, fmtSummary, summarize } from './lib/stats';
import { BENCH_PASSWORD, seedTenants } from './lib/tenants';
import { Tracker } from './lib/tracker';
import { planMessage, postSigned, type Planned } from './lib/webhooks';
import { storedCount, trackAccepted, verifyStored, waitForDrain } from './lib/verify';
import { parseTiming, timingByWindow, type IngestTiming } from './lib/ingest-timing';
import { turnsByWindow, turnsOverall } from './lib/round-trips';
import { storedLoop } from './lib/stored-loop';
import { checks, type Check, type Metrics } from './lib/verdict';
import { breakdownTable, combinedReport, roundTripTable } from './lib/ingest-summary';
import { publishResults } from './lib/results-index';

const { values: args } = parseArgs({
  options: {
    profile: { type: 'string', default: 'issue' },
    tenants: { type: 'string', default: '4' },
    customers: { type: 'string', default: '500' },
    'ramp-seconds': { type: 'string' },
    'sustained-rate': { type: 'string' },
    'sustained-seconds': { type: 'string' },
    'burst-rate': { type: 'string' },
    'burst-seconds': { type: 'string' },
    'recovery-rate': { type: 'string' },
    'recovery-seconds': { type: 'string' },
    'sample-rooms': { type: 'string', default: '5' },
    'room-share': { type: 'string', default: '0.1' },
    redeliver: { type: 'string', default: '0.01' },
    'ceiling-seconds': { type: 'string', default: '5' },
    // Round-trip latency the database proxy adds for the worker, in ms (Neon from a Worker: a few ms).
    'db-latency': { type: 'string', default: '0' },
    // The worker's login: SCRAM iterations of its verifier (bench/lib/login-role.ts; 4096 is a local Postgres's default).
    'scram-iterations': { type: 'string', default: '1' },
    // The worker's connections through a local session pool (warm server sessions), as through Neon's pooled endpoint.
    pooler: { type: 'boolean', default: false },
    // Run the whole profile N times (fresh database, server and local state each time): medians and spread.
    repeat: { type: 'string', default: '1' },
    // Stored end to end, sustained: closed loop bounded by --stored-window unstored messages (profile default).
    'stored-seconds': { type: 'string' },
    'stored-window': { type: 'string', default: '400' },
    concurrency: { type: 'string', default: '32' },
    'max-in-flight': { type: 'string', default: '1000' },
    // How long to wait for the queue to drain after the stages (the goal profile's backlog needs longer).
    'drain-timeout': { type: 'string', default: '120' },
    'no-ceiling': { type: 'boolean', default: false },
    'keep-db': { type: 'boolean', default: false },
    // Experiment: create the proposed reply index in the throw-away database (bench/lib/experiments.ts).
    'reply-index': { type: 'boolean', default: false },
    steps: { type: 'string' },
    'step-seconds': { type: 'string' },
    label: { type: 'string' },
    out: { type: 'string', default: 'bench/results' },
    'log-level': { type: 'string', default: 'warn' },
    // Organisations of a consumer batch stored at once (the worker's INGEST_ORG_CONCURRENCY; its default when unset).
    'org-concurrency': { type: 'string' },
    // Diagnosis: a CPU profile of the worker's isolate during one stage (bench/tmp/profile-<stage>.cpuprofile).
    'cpu-profile': { type: 'string' },
    // Content stored unencrypted (ENCRYPTION_MASTER_KEYS unset in the worker): the cost of encryption at rest, A/B.
    'no-encryption': { type: 'boolean', default: false },
  },
});

const PROFILES: Record<string, { ramp: number; sustained: [number, number]; burst: [number, number]; recovery: [number, number]; stored: number } | 'steps'> = {
  // The product's promise (issue 8): sustained 100 msg/s, bursts of 1,000/s; issue 18: stored end to end for 60 s.
  issue: { ramp: 10, sustained: [100, 30], burst: [1000, 5], recovery: [100, 20], stored: 60 },
  // Our own goal: 1,000 msg/s sustained for 60 s.
  goal: { ramp: 10, sustained: [1000, 60], burst: [1000, 0], recovery: [100, 10], stored: 0 },
  // Where the pipeline stops keeping up: 15 s at each of --steps rates (stored/s and backlog per step).
  steps: 'steps',
};

const num = (v: string | undefined, d: number) => (v === undefined ? d : Number(v));
const profile = PROFILES[args.profile!];
if (!profile) throw new Error(`unknown profile ${args.profile} (issue, goal)`);
const stepRates = (args.steps ?? '100,200,300,400,500').split(',').map(Number);
const stages: Stage[] = profile === 'steps'
  ? stepRates.map((r) => ({ name: `${r}/s`, seconds: num(args['step-seconds'], 15), from: r, to: r }))
  : fixedStages(profile);
function fixedStages(profile: Exclude<(typeof PROFILES)[string], 'steps'>): Stage[] {
  const sustainedRate = num(args['sustained-rate'], profile.sustained[0]);
  return [
  { name: 'ramp', seconds: num(args['ramp-seconds'], profile.ramp), from: 0, to: sustainedRate },
  { name: 'sustained', seconds: num(args['sustained-seconds'], profile.sustained[1]), from: sustainedRate, to: sustainedRate },
  { name: 'burst', seconds: num(args['burst-seconds'], profile.burst[1]), from: num(args['burst-rate'], profile.burst[0]), to: num(args['burst-rate'], profile.burst[0]) },
  { name: 'recovery', seconds: num(args['recovery-seconds'], profile.recovery[1]), from: num(args['recovery-rate'], profile.recovery[0]), to: num(args['recovery-rate'], profile.recovery[0]) },
].filter((s) => s.seconds > 0);
}

const say = (s: string) => console.log(`[bench] ${s}`);
const TENANTS = Number(args.tenants);
const CUSTOMERS = Number(args.customers);
const SAMPLE_ROOMS = Number(args['sample-rooms']);
const ROOM_EVERY = Math.max(1, Math.round(1 / Number(args['room-share'])));
const REDELIVER_EVERY = Number(args.redeliver) > 0 ? Math.max(2, Math.round(1 / Number(args.redeliver))) : 0;
const totalSeconds = stages.reduce((a, s) => a + s.seconds, 0);
if (totalSeconds > 240) throw new Error('stages add up to more than 4 minutes: the benchmark bounds itself, shorten them');
for (const s of stages) if (Math.max(s.from, s.to) > 5000) throw new Error(`stage ${s.name}: rate above 5,000/s is beyond this machine`);
const DB_LATENCY = Number(args['db-latency']);
const REPEAT = Number(args.repeat);
const STORED_SECONDS = num(args['stored-seconds'], profile === 'steps' ? 0 : profile.stored);
const STORED_WINDOW = Number(args['stored-window']);
if (!(DB_LATENCY >= 0 && DB_LATENCY <= 100)) throw new Error('--db-latency: 0 to 100 ms');
if (!(Number.isInteger(REPEAT) && REPEAT >= 1 && REPEAT <= 5)) throw new Error('--repeat: 1 to 5');
if (!(STORED_SECONDS >= 0 && STORED_SECONDS <= 120)) throw new Error('--stored-seconds: 0 to 120');

/** The cleanup of the run in progress, for Ctrl-C. */
let interrupted: (() => Promise<void>) | null = null;
process.once('SIGINT', () => void (interrupted ?? (async () => {}))().finally(() => process.exit(130)));

interface RunResult {
  json: Record<string, unknown>;
  md: string;
  metrics: Metrics;
  checks: Check[];
  /** Nothing lost or duplicated and the queue drained (the exit code). */
  correct: boolean;
}

/** One whole run of the profile on a fresh database, server and local state. */
async function runOnce(n: number): Promise<RunResult> {
  const loadAverage = os.loadavg().map((x) => Math.round(x * 100) / 100);
  // The client's counters are per run (the runs share this process).
  httpStats.staleSocketRetries = 0;
  const runId = randomBytes(3).readUIntBE(0, 3).toString().padStart(8, '0').slice(0, 8);
  const vars = devVars();
  const appSecret = vars.META_APP_SECRET!;
  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c().catch((e) => say(`cleanup: ${e}`));
  };
  interrupted = cleanup;

  try {
    say(`run ${n}/${REPEAT} · stages: ${stages.map((s) => `${s.name} ${s.seconds}s @ ${s.from === s.to ? s.from : `${s.from}→${s.to}`}/s`).join(', ')}${STORED_SECONDS ? ` · stored end to end ${STORED_SECONDS} s` : ''} · DB latency ${DB_LATENCY} ms`);
    const database = await provisionDatabase({ keep: args['keep-db'], log: say, dbLatencyMs: DB_LATENCY, scramIterations: Number(args['scram-iterations']), pooler: args.pooler });
    cleanups.push(() => database.close());
    say(`database: ${database.kind} ${database.version} (${database.name})`);
    // The harness's own queries take the proxy's untimed path: no added latency, not in the round-trip counts.
    const { db, pool } = nodeDb(database.url, database.ownWsProxy);
    cleanups.push(() => pool.end());

    const experiments = await applyExperiments(pool, { replyIndex: args['reply-index']! });
    if (experiments.length) say(`schema experiments on the throw-away database: ${experiments.join(', ')}`);
    const tenants = await seedTenants(db, vars.ENCRYPTION_KEY!, { tenants: TENANTS, customersPerTenant: CUSTOMERS, runId });
    const orgIds = tenants.map((t) => t.orgId);
    say(`seeded ${TENANTS} tenants × ${CUSTOMERS} customers`);

    const fakeMeta = await startFakeMeta({ host: '127.0.0.1', port: 0, webhookUrl: 'http://127.0.0.1:9/unused', appSecret, autoStatuses: false });
    cleanups.push(() => fakeMeta.close());

    const t0 = performance.now();
    const timings: IngestTiming[] = [];
    const state = stateDir(runId);
    const server = await startWorkerServer({
      persistRoot: state.path,
      databaseUrl: database.url,
      wsProxy: database.wsProxy,
      graphBaseUrl: fakeMeta.graphBaseUrl,
      buildDir: `bench/tmp/build-${runId}`,
      logLevel: args['log-level'],
      onLog: (l) => console.log(l),
      // The consumer's per-batch timing line (bench/lib/ingest-timing.ts), whatever LOG_LEVEL says.
      vars: {
        INGEST_TIMING_LOG: '1',
        ...(args['org-concurrency'] ? { INGEST_ORG_CONCURRENCY: args['org-concurrency'] } : {}),
        ...(args['no-encryption'] ? { ENCRYPTION_MASTER_KEYS: '' } : {}),
      },
      onLine: (_level, message) => {
        const t = parseTiming(message, performance.now());
        if (t) timings.push(t);
      },
      inspectorPort: args['cpu-profile'] ? await freePort() : undefined,
    });
    const inspectorPort = server.inspectorPort;
    cleanups.push(() => server.stop());
    const health = await fetch(`${server.url}/health`);
    if (!health.ok) throw new Error(`worker unhealthy: ${health.status} ${await health.text()}`);
    say(`worker served by Miniflare at ${server.url} (bundled and ready in ${Math.round(performance.now() - t0)} ms)`);
    const webhookUrl = `${server.url}/webhooks/whatsapp`;

    // ---- bookkeeping shared by every phase
    const tracker = new Tracker();
    const posted = new Set<string>();
    const accepted = new Set<string>();
    let seq = 0;
    const conversationOfWaId = new Map<string, string>();
    const post = async (m: Planned, stage: string, orgId: string) => {
      posted.add(m.wamid);
      tracker.posted(m.wamid, m.seq, m.token !== null, { postedAt: performance.now(), stage, orgId, conversationId: conversationOfWaId.get(m.waId) });
      const r = await postSigned(webhookUrl, m.raw, m.signature);
      const ok = r.status === 200;
      if (ok) accepted.add(m.wamid);
      tracker.accepted(m.wamid, ok);
      return r;
    };

    // ---- warm-up: open the sampled conversations (and warm every code path) before anyone measures
    const sampled = tenants.map((t) => t.customers.slice(0, SAMPLE_ROOMS));
    await Promise.all(
      tenants.flatMap((t, ti) => sampled[ti]!.map((c) => post(planMessage(seq++, ti, t.business, c, appSecret, true), 'warmup', t.orgId))),
    );
    await trackAccepted(pool, accepted);
    const warm = await waitForDrain(pool, orgIds, { timeoutMs: 30_000, settleMs: 0 });
    if (!warm.reached) throw new Error(`warm-up: only ${warm.stored}/${warm.accepted} stored`);
    const convRows = await pool.query(
      `select c.id, k.wa_id from conversations c join contacts k on k.id = c.contact_id where c.organization_id = any($1::uuid[])`,
      [orgIds],
    );
    for (const r of convRows.rows as { id: string; wa_id: string }[]) conversationOfWaId.set(r.wa_id, r.id);

    // ---- agents: the admin watches the sampled rooms and the inbox; the agent (role-filtered) watches the inbox
    const sockets: AgentSocket[] = [];
    cleanups.push(async () => sockets.forEach((s) => s.close()));
    for (const [ti, t] of tenants.entries()) {
      const admin: Session = await login(server.url, t.users[0]!.email, BENCH_PASSWORD);
      const agent: Session = await login(server.url, t.users[1]!.email, BENCH_PASSWORD);
      const rooms = sampled[ti]!.map((c) => conversationOfWaId.get(c.waId)!);
      for (const [s, room] of [...rooms.map((r) => [admin, r] as const), [admin, 'inbox'] as const, [agent, 'inbox'] as const]) {
        const sock = await connectAgent(server.url, s, room, tracker.onEvent);
        tracker.watch(sock);
        sockets.push(sock);
      }
    }
    say(`${sockets.length} agent sockets connected (${TENANTS * SAMPLE_ROOMS} rooms, ${TENANTS * 2} inboxes)`);

    // ---- the ceiling first, on a quiet worker: a bare Hono route on the same workerd, closed loop
    const CONC = Number(args.concurrency);
    const CEIL_SECS = Number(args['ceiling-seconds']);
    const sample = planMessage(0, 0, tenants[0]!.business, tenants[0]!.customers[0]!, appSecret);
    let bare: Awaited<ReturnType<typeof saturate>> | null = null;
    if (!args['no-ceiling']) {
      say(`ceiling: bare Hono route, ${CONC} concurrent for ${CEIL_SECS} s`);
      bare = await saturate(CEIL_SECS, CONC, () => postSigned(`${server.url}${CEILING_PATH}`, sample.raw, sample.signature));
      say(`  ${bare.perSecond} req/s (${fmtSummary(bare.latency)})`);
    }

    // ---- the stages. Round trips are counted from here: the warm-up and the agents' logins are not the ingest path.
    await database.resetTurns();
    const resetAt = performance.now();
    const storedAtReset = await storedCount(pool, orgIds);
    const lag = lagSampler();
    const cpu = cpuMeter();
    const cpuByStage: Record<string, CpuShare | null> = {};
    const backlog: { t: number; stored: number; accepted: number }[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        backlog.push({ t: performance.now(), stored: await storedCount(pool, orgIds).catch(() => -1), accepted: accepted.size });
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    const history: Planned[] = [];
    let posts = 0;
    let redeliveries = 0;
    let lastStage = '';
    let profiler: Promise<Awaited<ReturnType<typeof startProfiler>>> | undefined;
    const stopProfiler = async () => {
      if (!profiler) return;
      const p = await profiler;
      profiler = undefined;
      const file = `bench/tmp/profile-${args['cpu-profile']}.cpuprofile`;
      const summary = await p.stop(file);
      say(`CPU profile of the worker isolate during ${args['cpu-profile']} (${file}): busy ${Math.round(summary.busyShare * 100)} % of ${summary.wallMs} ms`);
      for (const t of summary.top) console.log(`  ${String(t.ms).padStart(6)} ms ${String(t.share).padStart(5)} %  ${t.fn}`);
    };
    const result = await runOpenModel(
      stages,
      (i, stage) => {
        posts++;
        // Meta redelivers now and then: the same bytes, the same wamid. It must be stored once.
        if (REDELIVER_EVERY && i % REDELIVER_EVERY === REDELIVER_EVERY - 1 && history.length > 200) {
          redeliveries++;
          const again = history[history.length - 150]!;
          return postSigned(webhookUrl, again.raw, again.signature);
        }
        let ti: number;
        let customer;
        if (i % ROOM_EVERY === 0) {
          // A share of the traffic goes to the watched conversations, so their latency has a real sample.
          const k = (i / ROOM_EVERY) % (TENANTS * SAMPLE_ROOMS);
          ti = k % TENANTS;
          customer = sampled[ti]![Math.floor(k / TENANTS)]!;
        } else {
          ti = Math.floor(Math.random() * TENANTS);
          const pool = tenants[ti]!.customers;
          customer = pool[SAMPLE_ROOMS + Math.floor(Math.random() * (pool.length - SAMPLE_ROOMS))]!;
        }
        const m = planMessage(seq++, ti, tenants[ti]!.business, customer, appSecret);
        history.push(m);
        if (history.length > 1000) history.splice(0, 500);
        return post(m, stage.name, tenants[ti]!.orgId);
      },
      {
        maxInFlight: Number(args['max-in-flight']),
        onStage: (s) => {
          if (lastStage) cpuByStage[lastStage] = cpu.lap();
          else cpu.lap();
          if (lastStage === args['cpu-profile']) void stopProfiler();
          if (s.name === args['cpu-profile'] && inspectorPort) profiler = startProfiler(inspectorPort);
          lastStage = s.name;
          say(`stage ${s.name}: ${s.seconds} s at ${s.from === s.to ? s.from : `${s.from}→${s.to}`} msg/s`);
        },
      },
    );
    cpuByStage[lastStage] = cpu.lap();
    await stopProfiler();
    const lastAck = Math.max(...result.shots.map((s) => s.done));
    await trackAccepted(pool, accepted);
    const drained = await waitForDrain(pool, orgIds, { timeoutMs: Number(args['drain-timeout']) * 1000, idleMs: 30_000 });
    const drainMs = Math.max(0, (drained.reachedAtPerf ?? performance.now()) - lastAck);
    sampling = false;
    await sampler;
    lag.stop();
    say(`queue ${drained.reached ? 'drained' : 'NOT drained'}: ${drained.stored}/${drained.accepted} acknowledged messages stored, ${Math.round(drainMs)} ms after the last ack`);

    // Backlog (accepted − stored) at each stage end, and the largest seen.
    const backlogAt = (t: number) => {
      const b = backlog.filter((x) => x.t <= t).pop();
      return b ? Math.max(0, b.accepted - b.stored) : null;
    };
    const maxBacklog = Math.max(0, ...backlog.filter((b) => b.stored >= 0).map((b) => b.accepted - b.stored));
    const processedRate = (from: number, to: number) => {
      const a = backlog.filter((x) => x.t >= from && x.stored >= 0)[0];
      const b = backlog.filter((x) => x.t <= to && x.stored >= 0).pop();
      return a && b && b.t > a.t ? Math.round(((b.stored - a.stored) / (b.t - a.t)) * 1000) : null;
    };

    // ---- the webhook route itself at saturation (closed loop, consumer running), then how fast that gets stored
    // Phases after the stages, for the per-window round trips and timing breakdown (perf clock).
    const phases: { name: string; start: number; end: number }[] = [];
    let ceiling: Record<string, unknown> | null = null;
    if (bare) {
      say(`ingest at saturation: signed webhooks, ${CONC} concurrent for ${CEIL_SECS} s (consumer running)`);
      const before = accepted.size;
      const storedBefore = await storedCount(pool, orgIds);
      const satStart = performance.now();
      const sat = await saturate(CEIL_SECS, CONC, () => {
        const ti = Math.floor(Math.random() * TENANTS);
        const c = tenants[ti]!.customers[SAMPLE_ROOMS + Math.floor(Math.random() * (CUSTOMERS - SAMPLE_ROOMS))]!;
        return post(planMessage(seq++, ti, tenants[ti]!.business, c, appSecret), 'saturation', tenants[ti]!.orgId);
      });
      const satEnd = performance.now();
      await trackAccepted(pool, accepted);
      const satDrain = await waitForDrain(pool, orgIds, { timeoutMs: 120_000 });
      const doneAt = satDrain.reachedAtPerf ?? performance.now();
      const stored = (await storedCount(pool, orgIds)) - storedBefore;
      const storedPerSecond = Math.round((stored / (doneAt - satStart)) * 1000);
      phases.push({ name: 'saturation', start: satStart, end: doneAt });
      say(`  ${sat.perSecond} acks/s (${fmtSummary(sat.latency)}); ${accepted.size - before} accepted, all stored ${fmtMs(doneAt - satStart)} after the start → ${storedPerSecond} msg/s end to end`);
      ceiling = {
        bareHono: { perSecond: bare.perSecond, latency: bare.latency, concurrency: CONC, seconds: CEIL_SECS },
        webhookAck: { perSecond: sat.perSecond, latency: sat.latency, errors: sat.requests - sat.ok },
        storedPerSecond,
        drainAfterSaturationMs: Math.round(doneAt - satEnd),
        ratio: {
          webhookAckToBare: Math.round((sat.perSecond / bare.perSecond) * 100) / 100,
          storedToBare: Math.round((storedPerSecond / bare.perSecond) * 100) / 100,
          sustainedToBare: null as number | null,
        },
      };
    }

    // ---- stored end to end, sustained: as fast as messages reach the database, with a bounded backlog
    let storedSustained: (Awaited<ReturnType<typeof storedLoop>> & { drainMs: number; ratioToBare: number | null }) | null = null;
    if (STORED_SECONDS > 0) {
      say(`stored end to end: ${CONC} concurrent posts, at most ${STORED_WINDOW} acknowledged and not yet stored, for ${STORED_SECONDS} s`);
      const start = performance.now();
      const loop = await storedLoop({
        seconds: STORED_SECONDS,
        concurrency: CONC,
        window: STORED_WINDOW,
        storedCount: () => storedCount(pool, orgIds),
        post: async () => {
          const ti = Math.floor(Math.random() * TENANTS);
          const c = tenants[ti]!.customers[SAMPLE_ROOMS + Math.floor(Math.random() * (CUSTOMERS - SAMPLE_ROOMS))]!;
          const r = await post(planMessage(seq++, ti, tenants[ti]!.business, c, appSecret), 'stored-sustained', tenants[ti]!.orgId);
          return r.status === 200;
        },
      });
      const loopEnd = performance.now();
      await trackAccepted(pool, accepted);
      const loopDrain = await waitForDrain(pool, orgIds, { timeoutMs: 120_000 });
      const doneAt = loopDrain.reachedAtPerf ?? performance.now();
      phases.push({ name: 'stored-sustained', start, end: doneAt });
      const ratioToBare = bare ? Math.round((loop.perSecond / bare.perSecond) * 100) / 100 : null;
      storedSustained = { ...loop, drainMs: Math.round(doneAt - loopEnd), ratioToBare };
      say(`  ${loop.perSecond} msg/s stored over ${STORED_SECONDS} s (lowest 10 s: ${loop.lowestTenSecondRate ?? '–'}/s)${ratioToBare === null ? '' : ` → ${ratioToBare} of the ceiling`}; ${loop.acked} acknowledged, drained ${fmtMs(doneAt - loopEnd)} after the loop`);
    }

    // ---- verdict
    await new Promise((r) => setTimeout(r, 1500)); // the last fan-outs
    const verdict = await verifyStored(pool, orgIds, accepted, posted);
    const reports = stageReports(stages, result);
    const rt = tracker.report(stages.map((s) => s.name));
    const sustained = reports.find((r) => r.stage === 'sustained') ?? [...reports].sort((a, b) => b.acceptedPerSecond - a.acceptedPerSecond)[0];
    if (ceiling && sustained) {
      (ceiling.ratio as Record<string, number | null>).sustainedToBare = Math.round((sustained.acceptedPerSecond / (ceiling.bareHono as { perSecond: number }).perSecond) * 100) / 100;
    }
    const allAcks = result.shots.filter((s) => s.status === 200).map((s) => s.done - s.scheduled);
    const stageRows = reports.map((r) => {
      const w = result.windows.find((x) => x.name === r.stage)!;
      return {
        ...r,
        processedPerSecond: processedRate(w.start, w.end),
        backlogAtEnd: backlogAt(w.end),
        cpuBusy: cpuByStage[r.stage] ?? null,
        generatorLag: lag.between(w.start, w.end),
        endToEnd: rt.stages[r.stage],
      };
    });
    // ---- round trips (the proxy's count) and the consumer's own timing, per stage and phase
    const windows = [...result.windows.map(({ name, start, end }) => ({ name, start, end })), ...phases];
    const conns = await database.connectionTurns();
    const turns = turnsOverall(conns);
    const counted = timings.filter((t) => t.at - t.totalMs >= resetAt);
    const round2 = (x: number) => Math.round(x * 100) / 100;
    const roundTrips = {
      overall: turns,
      byWindow: turnsByWindow(conns, windows),
      turnsPerMessageStored: verdict.stored > storedAtReset ? round2(turns.totalTurns / (verdict.stored - storedAtReset)) : null,
      // Known only from the consumer's timing lines (one per ingest batch).
      connectionsPerBatch: counted.length ? round2(conns.length / counted.length) : null,
      transactionsPerBatch: counted.length ? round2((turns.transactionTurns?.count ?? 0) / counted.length) : null,
      standalonePerBatch: counted.length ? round2((turns.totalStandaloneTurns ?? 0) / counted.length) : null,
    };
    const breakdown = counted.length ? timingByWindow(counted, windows) : null;
    const stageE2e = Object.fromEntries(stageRows.map((r) => [r.stage, { e2e: r.endToEnd?.room ?? null, ack: r.ack }]));

    const sustainedRow = stageRows.find((r) => r.stage === 'sustained');
    const burstRow = stageRows.find((r) => r.stage === 'burst');
    const burstEnd = result.windows.find((w) => w.name === 'burst')?.end;
    const screens = burstRow ? tracker.onScreens('burst') : null;
    const metrics: Metrics = {
      dbLatencyMs: DB_LATENCY,
      ceilingPerSecond: bare?.perSecond ?? null,
      storedPerSecond: storedSustained?.perSecond ?? null,
      storedSeconds: storedSustained ? STORED_SECONDS : null,
      storedRatio: storedSustained?.ratioToBare ?? null,
      lost: verdict.lost,
      duplicated: verdict.duplicated,
      undrained: drained.reached ? 0 : 1,
      sustainedRate: sustainedRow?.offeredRate.to ?? null,
      sustainedE2eP95: sustainedRow?.endToEnd?.room?.p95 ?? null,
      burstRate: burstRow?.offeredRate.to ?? null,
      burstSeconds: burstRow?.seconds ?? null,
      burstAckP95: burstRow?.ack?.p95 ?? null,
      burstFailed: burstRow ? burstRow.planned - burstRow.accepted : null,
      burstScreensLagMs: screens?.lastArrival != null && burstEnd !== undefined ? Math.round(screens.lastArrival - burstEnd) : null,
      burstMissing: screens?.missing ?? null,
      txTurnsP95: turns.transactionTurns?.p95 ?? null,
      txTurnsMax: turns.transactionTurns?.max ?? null,
      transactions: turns.transactionTurns?.count ?? 0,
      standalonePerConnection: conns.length ? round2((turns.totalStandaloneTurns ?? 0) / conns.length) : null,
      turnsP95: turns.turns?.p95 ?? null,
      turnsMax: turns.turns?.max ?? null,
      startupTurnsMedian: turns.startupTurns?.median ?? null,
      turnsPerMessage: roundTrips.turnsPerMessageStored,
    };
    const runChecks = checks(metrics);

    const json = {
      run: n,
      loadAverageAtStart: loadAverage,
      metrics,
      checks: runChecks,
      setup: {
        server: 'miniflare (wrangler deploy --dry-run bundle, wrangler.toml bindings)',
        database: `${database.kind} ${database.version}`,
        tenants: TENANTS,
        customersPerTenant: CUSTOMERS,
        watchedRooms: TENANTS * SAMPLE_ROOMS,
        roomShare: 1 / ROOM_EVERY,
        redeliverShare: REDELIVER_EVERY ? 1 / REDELIVER_EVERY : 0,
        workerLogLevel: args['log-level'],
        dbLatencyMs: DB_LATENCY,
        schemaExperiments: experiments,
        localState: state.tmpfs ? 'tmpfs (/dev/shm)' : 'disk',
      },
      stages: stageRows,
      totals: {
        posts,
        redeliveries,
        uniqueMessagesPosted: posted.size,
        accepted: verdict.accepted,
        stored: verdict.stored,
        lost: verdict.lost,
        duplicated: verdict.duplicated,
        storedUnacknowledged: verdict.storedUnacknowledged,
        skippedByGenerator: result.skipped,
        drained: drained.reached,
        drainMs: Math.round(drainMs),
        maxBacklog,
      },
      ack: summarize(allAcks),
      p95: summarize(allAcks)?.p95 ?? null,
      p99: summarize(allAcks)?.p99 ?? null,
      lost: verdict.lost,
      duplicated: verdict.duplicated,
      endToEnd: { room: rt.all.room, inbox: rt.all.inbox, delivery: rt.room, inboxSockets: rt.inbox, timeline: rt.timeline },
      ceiling,
      storedSustained,
      roundTrips,
      breakdown,
      generator: {
        maxInFlight: Number(args['max-in-flight']),
        staleSocketRetries: httpStats.staleSocketRetries,
        timerLag: lag.between(0, Number.MAX_VALUE),
      },
      workerLogs: server.logs,
    };

    // ---- print and write
    const rows = stageRows.map((r) => [
      r.stage,
      r.offeredRate.from === r.offeredRate.to ? `${r.offeredRate.to}/s` : `${r.offeredRate.from}→${r.offeredRate.to}/s`,
      `${r.accepted}/${r.sent}${r.skipped ? ` (${r.skipped})` : ''}`,
      Object.keys(r.errors).length ? Object.entries(r.errors).map(([k, v]) => `${k}×${v}`).join(' ') : '0',
      fmtMs(r.ack?.median),
      fmtMs(r.ack?.p95),
      fmtMs(r.ack?.p99),
      fmtMs(r.ack?.max),
      r.processedPerSecond ?? '–',
      r.backlogAtEnd ?? '–',
      fmtMs(r.endToEnd?.room?.median),
      fmtMs(r.endToEnd?.room?.p95),
      fmtMs(r.endToEnd?.room?.p99),
      fmtMs(r.endToEnd?.inbox?.p95),
      r.cpuBusy === null ? '–' : `${Math.round(r.cpuBusy.busy * 100)} % (${Math.round(r.cpuBusy.other * 100)} %)`,
    ]);
    const head = ['stage', 'offered', 'acked/sent (skipped)', 'errors', 'ack p50', 'ack p95', 'ack p99', 'ack max', 'stored/s', 'backlog at end', 'e2e p50', 'e2e p95', 'e2e p99', 'inbox p95', 'CPU (others)'];
    const c = ceiling as { bareHono: { perSecond: number }; webhookAck: { perSecond: number }; storedPerSecond: number; ratio: Record<string, number | null> } | null;
    const md = [
      `## Run ${n} of ${REPEAT}`,
      '',
      `Load average at the start ${loadAverage.join(' ')}. Worker on Miniflare (wrangler.toml bindings; local state on ${state.tmpfs ? 'tmpfs' : 'disk'}), ${database.kind} ${database.version} through the WebSocket proxy${DB_LATENCY ? ` adding ${DB_LATENCY} ms per round trip` : ''}, fake Meta. ${TENANTS} tenants × ${CUSTOMERS} customers, ${TENANTS * SAMPLE_ROOMS} watched rooms (${Math.round(100 / ROOM_EVERY)} % of traffic) + ${TENANTS * 2} inbox sockets, ${REDELIVER_EVERY ? `1 in ${REDELIVER_EVERY} posts a redelivery` : 'no redeliveries'}.${experiments.length ? ` Schema experiments on the throw-away database: ${experiments.join(', ')}.` : ''} Ack = scheduled send → response; e2e = POST → \`message.created\` on the room socket; inbox = POST → \`conversation.updated\` preview. CPU = both cores busy, (others) = the part used by processes outside this benchmark and Postgres — a noisy run shows there.`,
      '',
      table(head, rows),
      '',
      `${drained.reached ? '' : `**The queue had not drained after ${args['drain-timeout']} s: ${drained.accepted - drained.stored} acknowledged messages were still queued, so "lost" below counts them.** `}**Stored vs sent**: ${verdict.accepted} acknowledged (${posted.size} unique posted, ${redeliveries} redeliveries), ${verdict.stored} stored — lost **${verdict.lost}**, duplicated **${verdict.duplicated}**${verdict.storedUnacknowledged ? `, ${verdict.storedUnacknowledged} stored without a 200` : ''}. Queue ${drained.reached ? `drained ${fmtMs(drainMs)} after the last ack` : '**did not drain**'}; largest backlog ${maxBacklog}.`,
      '',
      `**Realtime**: rooms received ${rt.room.received}/${rt.room.expected} (missing ${rt.room.missing}, duplicated ${rt.room.duplicated}); e2e ${fmtSummary(rt.all.room)}; inbox ${fmtSummary(rt.all.inbox)}.`,
      '',
      c
        ? `**Ceiling** (same workerd, ${Number(args.concurrency)} concurrent, closed loop): bare Hono ${c.bareHono.perSecond} req/s; webhook acks ${c.webhookAck.perSecond}/s (**${c.ratio.webhookAckToBare}** of the ceiling); acks for ${CEIL_SECS} s then stored ${c.storedPerSecond} msg/s (**${c.ratio.storedToBare}**); the ${sustained?.stage} stage accepted ${sustained?.acceptedPerSecond}/s (${c.ratio.sustainedToBare} of the ceiling).`
        : '',
      '',
      storedSustained
        ? `**Stored end to end, sustained** (${CONC} concurrent posts, at most ${STORED_WINDOW} acknowledged and not yet stored): **${storedSustained.perSecond} msg/s** over ${STORED_SECONDS} s${storedSustained.ratioToBare === null ? '' : ` (**${storedSustained.ratioToBare}** of the ceiling)`}, lowest 10 s ${storedSustained.lowestTenSecondRate ?? '–'}/s; ${storedSustained.acked} acknowledged, at most ${storedSustained.maxInPipeline} waiting; drained ${fmtMs(storedSustained.drainMs)} after the loop.`
        : '',
      '',
      `**Round trips** (request/response turns the proxy saw on the connections the worker opened${DB_LATENCY ? `, each costing ${DB_LATENCY} ms more here` : ''}). Per tenant transaction — issue 18's round trips per organisation batch: a transaction runs from the turn after which Postgres's ReadyForQuery status leaves idle (\`begin; select set_config(…)\` in withOrg) to the turn after which it is idle again (COMMIT), both included; grouped by when it began. Per connection (after startup; by when the connection opened) for information: a standalone statement outside any transaction (the consumer's routing read, once per batch) shares the first organisation's connection and counts there too. Startup = startup packet and SCRAM exchanges, until the first ReadyForQuery. ${roundTrips.turnsPerMessageStored ?? '–'} turns (startup included) per message stored; ${roundTrips.connectionsPerBatch === null ? 'connections, transactions and standalone statements per consumer batch unknown (no ingest.timing lines)' : `per consumer batch ${roundTrips.connectionsPerBatch} connections, ${roundTrips.transactionsPerBatch} transactions, ${roundTrips.standalonePerBatch} standalone statements`}.`,
      '',
      roundTripTable(roundTrips.byWindow, turns),
      '',
      breakdown
        ? `**Breakdown per stage** (the consumer's ingest.timing lines, by when the batch started; queue wait per message = consumer start − webhook receivedAt, the rest per batch). "DO → socket" is an estimate: e2e − (ack + queue wait + store + notify), a difference of medians.\n\n${breakdownTable(breakdown, stageE2e)}`
        : '**Breakdown per stage**: breakdown unavailable (no ingest.timing lines).',
      '',
      `Generator: timer lag ${fmtSummary(json.generator.timerLag)}; ${result.skipped} arrivals not sent because ${json.generator.maxInFlight} requests were already waiting. Worker warnings/errors: ${(server.logs.counts.warn ?? 0) + (server.logs.counts.error ?? 0)}.`,
      '',
    ].join('\n');
    console.log(`\n${md}\n`);
    return { json, md, metrics, checks: runChecks, correct: verdict.lost === 0 && verdict.duplicated === 0 && drained.reached };
  } finally {
    await cleanup();
    interrupted = null;
  }
}

async function main() {
  const info = runInfo();
  if (info.dirty) say('!!! UNCOMMITTED CHANGES in the tree: the result will be kept as -dirty, not as a result of any commit');
  const runs: RunResult[] = [];
  for (let n = 1; n <= REPEAT; n++) runs.push(await runOnce(n));
  const latency = DB_LATENCY ? `-db${DB_LATENCY}ms` : '';
  const options = `db latency ${DB_LATENCY} ms · worker login SCRAM ${args['scram-iterations']} iteration(s)${args.pooler ? ' · session pooler' : ''} · ${REPEAT} run${REPEAT > 1 ? 's' : ''}${process.argv.length > 2 ? ` · ${process.argv.slice(2).join(' ')}` : ''}`;
  const report = combinedReport({
    title: `Ingest benchmark — ${args.profile}${args.label ? ` (${args.label})` : ''}, DB latency ${DB_LATENCY} ms, ${REPEAT} run${REPEAT > 1 ? 's' : ''}`,
    header: [
      `${info.date} · commit ${info.commit}${info.dirty ? ' **with uncommitted changes: not a result of this commit**' : ''} · ${info.cpu}, ${info.cores} cores, ${info.memoryGb} GB · ${info.os} · Node ${info.node}`,
      '',
      `Options: ${options}. Stages: ${stages.map((s) => `${s.name} ${s.seconds} s at ${s.from === s.to ? s.from : `${s.from}→${s.to}`}/s`).join(', ')}${STORED_SECONDS ? `; stored end to end ${STORED_SECONDS} s` : ''}. Each run has its own database, worker and local state; the ceiling is measured in each run.`,
    ],
    runs,
  });
  const json = {
    benchmark: 'ingest',
    profile: args.profile,
    label: args.label ?? null,
    options: { ...args, argv: process.argv.slice(2) },
    run: info,
    verdict: report.checks,
    combined: report.combined,
    spread: report.spread,
    runs: runs.map((r) => r.json),
  };
  const files = publishResults({
    dir: args.out!,
    name: `ingest-${args.profile}${latency}${args.label ? `-${args.label.replace(/[^a-z0-9-]+/gi, '-')}` : ''}`,
    latest: `ingest-latest-${args.profile}${latency}`,
    info,
    profile: args.profile!,
    options,
    checks: report.checks,
    json,
    md: report.md,
    log: say,
  });
  console.log(`\n${report.md.split('## Key metrics')[0]}`);
  say(`results: ${files.json}, ${files.md} (listed in ${args.out}/INDEX.md)`);
  return runs.every((r) => r.correct) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
