// `npm run bench:realtime` (issue 5): webhook POST → agent's WebSocket latency under load, on the local stack.
//
// The stack is the one `npm run dev` runs (scripts/lib/stack.ts: migrations, demo tenant and channel, fake Meta,
// `wrangler dev`), on a fresh database on the installed Postgres (embedded PGlite when none answers), on free
// loopback ports. N conversations are opened first; the demo admin and agent then watch a sample of their rooms and
// all three demo users watch the inbox, while signed webhooks for the N conversations arrive at a fixed rate (open
// model). Every `message.created` is matched to its webhook by wamid; every inbox preview by its #b<seq> token.
//
//   npm run bench:realtime
//   npm run bench:realtime -- --rate 200 --seconds 30 --conversations 200 --watched 20
//   npm run bench:realtime -- --server miniflare     # the worker served by Miniflare (bench/lib/server.ts) instead
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DEMO_NUMBER, startFakeMeta } from '../fake-meta';
import { nodeDb } from '../scripts/lib/db';
import { freePort } from '../scripts/lib/ports';
import { DEMO_LOGINS, DEMO_PASSWORD, seedDemo, seedDemoChannel } from '../scripts/lib/seed';
import { devVars, startStack } from '../scripts/lib/stack';
import { connectAgent, login, type AgentSocket } from './lib/agents';
import { provisionDatabase, type BenchDatabase } from './lib/database';
import { httpStats } from './lib/http';
import { runOpenModel, stageReports, type Stage } from './lib/load';
import { cpuMeter, runInfo, stamp, table, writeResults } from './lib/report';
import { startWorkerServer, stateDir } from './lib/server';
import { fmtMs, fmtSummary } from './lib/stats';
import { Tracker } from './lib/tracker';
import { trackAccepted, verifyStored, waitForDrain } from './lib/verify';
import { planMessage, postSigned, type Planned } from './lib/webhooks';

const { values: args } = parseArgs({
  options: {
    conversations: { type: 'string', default: '100' },
    watched: { type: 'string', default: '10' },
    rate: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '20' },
    server: { type: 'string', default: 'wrangler' },
    'keep-db': { type: 'boolean', default: false },
    label: { type: 'string' },
    out: { type: 'string', default: 'bench/results' },
  },
});

const N = Number(args.conversations);
const WATCHED = Math.min(N, Number(args.watched));
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
if (SECONDS > 120 || RATE * SECONDS > 60_000) throw new Error('bounded: at most 120 s and 60,000 messages');
if (!['wrangler', 'miniflare'].includes(args.server!)) throw new Error('--server wrangler|miniflare');
const say = (s: string) => console.log(`[bench:realtime] ${s}`);

async function main() {
  const info = runInfo();
  const runId = randomBytes(4).toString('hex');
  const vars = devVars();
  const appSecret = vars.META_APP_SECRET!;
  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c().catch((e) => say(`cleanup: ${e}`));
  };
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));

  try {
    // ---- the stack
    let database: BenchDatabase | undefined;
    try {
      database = await provisionDatabase({ keep: args['keep-db'], log: say });
      cleanups.push(() => database!.close());
    } catch (err) {
      say(`no database provisioned (${err instanceof Error ? err.message : err}): the stack starts its embedded one`);
    }
    let apiUrl: string;
    let dbUrl: string;
    let wsProxy: string | undefined;
    let serverDesc: string;
    const t0 = performance.now();
    if (args.server === 'wrangler') {
      // Local state on tmpfs when there is one (as in bench/lib/server.ts): on this VM's disk each new Durable Object
      // costs ~25 ms of fsyncs on the worker's thread, which production does not put there.
      const persistTo = stateDir(`realtime-${runId}`).path;
      const stack = await startStack({
        apiPort: await freePort(),
        fakeMetaPort: await freePort(),
        databaseUrl: database?.kind === 'postgres' ? database.url : undefined,
        persistTo,
        quiet: true,
        onExit: (name, code) => say(`${name} exited (${code})`),
      });
      cleanups.push(async () => {
        await stack.stop();
        rmSync(persistTo, { recursive: true, force: true });
      });
      apiUrl = stack.apiUrl;
      dbUrl = stack.databaseUrl;
      wsProxy = stack.wsProxy;
      serverDesc = `\`wrangler dev\` (scripts/lib/stack.ts, as \`npm run dev\`; local state on ${stateDir('x').tmpfs ? 'tmpfs' : 'disk'})`;
    } else {
      if (!database) throw new Error('--server miniflare needs a database');
      const seeded = nodeDb(database.url, database.wsProxy);
      await seedDemo(seeded.db);
      await seedDemoChannel(seeded.db, vars.ENCRYPTION_KEY!, DEMO_NUMBER);
      await seeded.pool.end();
      const fakeMeta = await startFakeMeta({ host: '127.0.0.1', port: 0, webhookUrl: 'http://127.0.0.1:9/unused', appSecret, autoStatuses: false });
      cleanups.push(() => fakeMeta.close());
      const server = await startWorkerServer({ persistRoot: stateDir(runId).path, databaseUrl: database.url, wsProxy: database.wsProxy, graphBaseUrl: fakeMeta.graphBaseUrl, buildDir: `bench/tmp/build-${runId}` });
      cleanups.push(() => server.stop());
      apiUrl = server.url;
      dbUrl = database.url;
      wsProxy = database.wsProxy;
      serverDesc = 'Miniflare (wrangler deploy --dry-run bundle, wrangler.toml bindings)';
    }
    say(`worker up at ${apiUrl} in ${Math.round(performance.now() - t0)} ms (${args.server}); database ${database ? `${database.kind} ${database.version}` : 'embedded'}`);
    const { pool } = nodeDb(dbUrl, wsProxy);
    cleanups.push(() => pool.end());
    const orgId = String((await pool.query(`select organization_id from channels where phone_number_id = $1`, [DEMO_NUMBER.phoneNumberId])).rows[0]?.organization_id ?? '');
    if (!orgId) throw new Error('demo channel missing');
    const webhookUrl = `${apiUrl}/webhooks/whatsapp`;

    // ---- N conversations, opened by one message each (paced, and waited for in the database)
    const run = runId.slice(0, 3).replace(/\D/g, '7').padEnd(3, '7');
    const customers = Array.from({ length: N }, (_, i) => ({ waId: `55219${run}${String(i).padStart(5, '0')}`, name: `Cliente ${i + 1}` }));
    const tracker = new Tracker();
    const posted = new Set<string>();
    const accepted = new Set<string>();
    const conversationOfWaId = new Map<string, string>();
    let seq = 0;
    const post = async (m: Planned, stage: string) => {
      posted.add(m.wamid);
      tracker.posted(m.wamid, m.seq, m.token !== null, { postedAt: performance.now(), stage, orgId, conversationId: conversationOfWaId.get(m.waId) });
      const r = await postSigned(webhookUrl, m.raw, m.signature);
      if (r.status === 200) accepted.add(m.wamid);
      tracker.accepted(m.wamid, r.status === 200);
      return r;
    };
    await runOpenModel([{ name: 'open', seconds: Math.max(1, N / 50), from: 50, to: 50 }], (i) =>
      post(planMessage(seq++, 0, DEMO_NUMBER, customers[i % N]!, appSecret, true), 'open'),
    );
    await trackAccepted(pool, accepted);
    const opened = await waitForDrain(pool, [orgId], { timeoutMs: 60_000, settleMs: 0 });
    if (!opened.reached) throw new Error(`opening conversations: ${opened.stored}/${opened.accepted} stored`);
    const rows = await pool.query(
      `select c.id, k.wa_id from conversations c join contacts k on k.id = c.contact_id where c.organization_id = $1 and k.wa_id = any($2::text[])`,
      [orgId, customers.map((c) => c.waId)],
    );
    for (const r of rows.rows as { id: string; wa_id: string }[]) conversationOfWaId.set(r.wa_id, r.id);
    say(`${conversationOfWaId.size} conversations open`);

    // ---- agents: admin and agent in each watched room; admin, manager and agent on the inbox
    const sessions = await Promise.all(DEMO_LOGINS.map((l) => login(apiUrl, l.email, DEMO_PASSWORD)));
    const [admin, manager, agent] = sessions as [typeof sessions[0], typeof sessions[0], typeof sessions[0]];
    const sockets: AgentSocket[] = [];
    cleanups.push(async () => sockets.forEach((s) => s.close()));
    const watchedRooms = customers.slice(0, WATCHED).map((c) => conversationOfWaId.get(c.waId)!);
    for (const room of watchedRooms) {
      for (const s of [admin, agent]) sockets.push(await connectAgent(apiUrl, s, room, tracker.onEvent));
    }
    for (const s of [admin, manager, agent]) sockets.push(await connectAgent(apiUrl, s, 'inbox', tracker.onEvent));
    sockets.forEach((s) => tracker.watch(s));
    say(`${sockets.length} sockets: ${WATCHED} rooms × 2 agents + 3 inboxes`);

    // ---- load: every conversation in turn, at a fixed arrival rate
    const stage: Stage = { name: 'load', seconds: SECONDS, from: RATE, to: RATE };
    say(`load: ${RATE} msg/s for ${SECONDS} s over ${N} conversations`);
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const cpu = cpuMeter();
    const result = await runOpenModel([stage], (i) => post(planMessage(seq++, 0, DEMO_NUMBER, customers[i % N]!, appSecret, true), 'load'));
    const cpuBusy = cpu.lap();
    loop.disable();
    const lastAck = Math.max(...result.shots.map((s) => s.done));
    await trackAccepted(pool, accepted);
    const drained = await waitForDrain(pool, [orgId], { timeoutMs: 60_000 });
    const drainMs = (drained.reachedAtPerf ?? performance.now()) - lastAck;
    await new Promise((r) => setTimeout(r, 1500)); // the last fan-outs
    const verdict = await verifyStored(pool, [orgId], accepted, posted);
    const rt = tracker.report(['load']);
    const ack = stageReports([stage], result)[0]!;
    const roomsLat = rt.stages.load!.room;
    const inboxLat = rt.stages.load!.inbox;

    const json = {
      benchmark: 'realtime',
      label: args.label ?? null,
      run: info,
      setup: { server: serverDesc, database: database ? `${database.kind} ${database.version}` : 'embedded', conversations: N, watchedRooms: WATCHED, socketsPerRoom: 2, inboxSockets: 3 },
      load: { rate: RATE, seconds: SECONDS, sent: ack.sent, accepted: ack.accepted, errors: ack.errors },
      ack: ack.ack,
      endToEnd: { room: roomsLat, inbox: inboxLat },
      p95: roomsLat?.p95 ?? null,
      p99: roomsLat?.p99 ?? null,
      delivery: rt.room,
      inboxSockets: rt.inbox,
      timeline: rt.timeline,
      stored: { ...verdict, drained: drained.reached, drainMs: Math.round(drainMs) },
      lost: verdict.lost,
      duplicated: verdict.duplicated,
      generator: {
        dispatchLag: ack.dispatchLag,
        staleSocketRetries: httpStats.staleSocketRetries,
        eventLoopDelayP99Ms: Math.round(loop.percentile(99) / 1e4) / 100,
        cpuBusy,
      },
    };
    const md = [
      `# Realtime benchmark — webhook → WebSocket${args.label ? ` (${args.label})` : ''}`,
      '',
      `${info.date} · commit ${info.commit}${info.dirty ? ' (uncommitted changes)' : ''} · ${info.cpu}, ${info.cores} cores · Node ${info.node} · load avg at start ${info.loadAverageAtStart.join(' ')}`,
      '',
      `Worker: ${serverDesc}; database ${json.setup.database}. ${RATE} msg/s for ${SECONDS} s over ${N} open conversations (open model); ${WATCHED} rooms watched by 2 agents each, inbox watched by 3 users. Machine CPU busy ${cpuBusy === null ? '–' : `${Math.round(cpuBusy.busy * 100)} % (${Math.round(cpuBusy.other * 100)} % by other processes)`}.`,
      '',
      table(
        ['measure', 'n', 'median', 'p95', 'p99', 'max'],
        [
          ['webhook ack (scheduled → 200)', ack.ack?.count ?? 0, fmtMs(ack.ack?.median), fmtMs(ack.ack?.p95), fmtMs(ack.ack?.p99), fmtMs(ack.ack?.max)],
          ['POST → room `message.created`', roomsLat?.count ?? 0, fmtMs(roomsLat?.median), fmtMs(roomsLat?.p95), fmtMs(roomsLat?.p99), fmtMs(roomsLat?.max)],
          ['POST → inbox `conversation.updated`', inboxLat?.count ?? 0, fmtMs(inboxLat?.median), fmtMs(inboxLat?.p95), fmtMs(inboxLat?.p99), fmtMs(inboxLat?.max)],
        ],
      ),
      '',
      `Sent ${ack.sent}, acknowledged ${ack.accepted}${Object.keys(ack.errors).length ? ` (errors ${JSON.stringify(ack.errors)})` : ''}. Room sockets received ${rt.room.received}/${rt.room.expected} expected (missing ${rt.room.missing}, duplicated ${rt.room.duplicated}). Database after the queue drained (${fmtMs(drainMs)} after the last ack): ${verdict.stored} stored for ${verdict.accepted} acknowledged — lost ${verdict.lost}, duplicated ${verdict.duplicated}.`,
    ].join('\n');
    console.log(`\n${md}\n`);
    const base = `realtime-${stamp()}-${args.server}${args.label ? `-${args.label.replace(/[^a-z0-9-]+/gi, '-')}` : ''}`;
    const files = writeResults(args.out!, base, json, md);
    writeResults(args.out!, `realtime-latest-${args.server}`, json, md);
    say(`results: ${files.json}, ${files.md}`);
    say(`ack ${fmtSummary(ack.ack)}; e2e ${fmtSummary(roomsLat)}`);
    return verdict.lost === 0 && verdict.duplicated === 0 && rt.room.missing === 0 && rt.room.duplicated === 0 ? 0 : 1;
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
