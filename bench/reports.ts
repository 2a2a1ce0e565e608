// Reports benchmark (issue 20): seeds ONE busy tenant — a year of conversations and, by default, 1,000,000 messages,
// server-side with generate_series — then times every report of worker/domain/reports.ts exactly as the API runs
// them (withOrg, the Neon driver, the local WebSocket proxy) and prints p50 / p95 per report.
//
//   npm run bench:reports -- [--messages 1000000] [--rounds 10] [--max-seconds 900] [--keep]
//   npm run bench:reports -- --reuse conversa_bench_<hex>     (measure again on a database kept with --keep)
//
// Database: BENCH_DATABASE_URL, DATABASE_URL or TEST_DATABASE_URL (a Postgres on this machine): a throw-away database
// `conversa_bench_<hex>` is created, migrated, and dropped at the end unless --keep. Without one, the embedded PGlite
// in memory (slow to seed: pass a small --messages). Loopback only. Bounded in time by --max-seconds.
//
// The shape: ~10 messages per conversation, conversations spread over the last 365 days, 8 agents, 2 numbers (one
// with business hours), 3 departments, CSAT on a third of resolved conversations, 5,000 deals. The search index
// (unused by reports) is dropped for the load; the reports' own indexes are rebuilt after it, then VACUUM ANALYZE,
// as autovacuum would after a bulk load.
import { randomBytes } from 'node:crypto';
import type { PoolClient } from '@neondatabase/serverless';
import { withOrg, type Tx } from '../worker/db/tx';
import { agentsReport, busiestHoursReport, conversationsReport, dealsReport, messagesReport, responseTimesReport } from '../worker/domain/reports';
import type { ReportFilter } from '../worker/schemas/reports';
import { DEFAULT_HOURS } from '../worker/schemas/service-desk';
import { createDatabase, dropDatabase, isLocalUrl, nodeDb, withDatabase } from '../scripts/lib/db';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../scripts/lib/embedded-pg';
import { runMigrations } from '../scripts/lib/migrate';
import { startWsProxy } from '../scripts/lib/ws-proxy';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number`);
  return v;
}
const MESSAGES = arg('messages', 1_000_000);
const ROUNDS = arg('rounds', 10);
const MAX_SECONDS = arg('max-seconds', 900);
const KEEP = process.argv.includes('--keep');
const REUSE = (() => {
  const i = process.argv.indexOf('--reuse');
  if (i < 0) return undefined;
  const name = process.argv[i + 1] ?? '';
  if (!/^conversa_bench_[0-9a-f]{8}$/.test(name)) throw new Error('--reuse needs the name of a kept conversa_bench_<hex> database');
  return name;
})();
const MESSAGES_PER_CONVERSATION = 10;
const CHUNK = 100_000;
const deadline = Date.now() + MAX_SECONDS * 1000;

const log = (msg: string) => console.log(`[bench] ${msg}`);
function checkDeadline(what: string) {
  if (Date.now() > deadline) throw new Error(`time limit of ${MAX_SECONDS}s reached during ${what}`);
}

interface Ids {
  orgId: string;
  channelId: string;
  agentId: string;
  departmentId: string;
}

async function seed(client: PoolClient): Promise<Ids> {
  const t0 = Date.now();
  const one = async <T>(text: string, params: unknown[] = []) => (await client.query(text, params)).rows[0] as T;
  await client.query(`set statement_timeout = '${Math.max(60, MAX_SECONDS)}s'`);
  const org = await one<{ id: string }>(`insert into organizations (name, slug) values ($1, $2) returning id`, ['Bench Relatórios', `bench-${randomBytes(4).toString('hex')}`]);
  const agents: string[] = [];
  for (let i = 0; i < 8; i++) {
    const u = await one<{ id: string }>(`insert into users (email, name) values ($1, $2) returning id`, [`bench-agent-${i}-${randomBytes(4).toString('hex')}@bench.local`, `Agente ${i + 1}`]);
    await client.query(`insert into memberships (organization_id, user_id, role) values ($1, $2, 'agent')`, [org.id, u.id]);
    agents.push(u.id);
  }
  const hours = { ...DEFAULT_HOURS, enabled: true };
  const channels: string[] = [];
  for (const [i, h] of [null, hours].entries()) {
    const ch = await one<{ id: string }>(`insert into channels (organization_id, provider, name, phone_number_id, business_hours) values ($1, 'meta_cloud', $2, $3, $4) returning id`, [
      org.id,
      `Bench ${i + 1}`,
      `9${randomBytes(6).readUIntBE(0, 6)}`,
      h ? JSON.stringify(h) : null,
    ]);
    channels.push(ch.id);
  }
  const departments: string[] = [];
  for (const name of ['Vendas', 'Suporte', 'Financeiro']) departments.push((await one<{ id: string }>(`insert into departments (id, organization_id, name) values (gen_random_uuid(), $1, $2) returning id`, [org.id, name])).id);

  const nconv = Math.max(1, Math.round(MESSAGES / MESSAGES_PER_CONVERSATION));
  await client.query(
    `insert into contacts (organization_id, wa_id, name) select $1, '55119' || lpad(g::text, 8, '0'), 'Cliente ' || g from generate_series(1, $2::int) g`,
    [org.id, nconv],
  );
  // One conversation per contact, opened at a random moment of the last year (busier on weekdays' afternoons is not
  // modelled: the reports' cost does not depend on it); first response within 2 hours, 85 % resolved within 3 days.
  await client.query(
    `insert into conversations (id, organization_id, channel_id, contact_id, status, assignee_id, department_id,
                                created_at, updated_at, last_inbound_at, first_inbound_at, first_response_at, resolved_at)
     select gen_random_uuid(), $1, ($2::uuid[])[1 + c.n % 2], c.id,
            case when r.resolved then 'resolved' else 'open' end::conversation_status,
            case when c.n % 10 = 0 then null else ($3::uuid[])[1 + c.n % cardinality($3::uuid[])] end,
            case when c.n % 4 = 0 then null else ($4::uuid[])[1 + c.n % 3] end,
            r.opened, r.opened, r.opened, r.opened,
            case when c.n % 20 = 0 then null else r.opened + make_interval(secs => floor(random() * 7200)::int) end,
            case when r.resolved then r.opened + make_interval(secs => floor(random() * 259200)::int) end
       from (select id, row_number() over (order by id) as n from contacts where organization_id = $1) c
       cross join lateral (select now() - make_interval(secs => floor(random() * 365 * 86400)::int) + c.n * interval '0' as opened,
                                  random() < 0.85 + c.n * 0 as resolved) r`,
    [org.id, channels, agents, departments],
  );
  await client.query(`create temp table bench_conv as select row_number() over (order by id) as n, id, created_at from conversations where organization_id = $1`, [org.id]);
  await client.query(`create unique index on bench_conv (n)`);
  log(`seeded org, ${nconv.toLocaleString('en')} conversations in ${((Date.now() - t0) / 1000).toFixed(1)}s`);

  // Bulk load: the first-response trigger is off (the conversations carry their times already), the search index
  // is dropped (reports never read it) and the reports' index rebuilt once after the load.
  await client.query(`alter table messages disable trigger messages_first_response`);
  await client.query(`drop index if exists messages_search_vector_idx`);
  const reportIndex = (await client.query(`select indexdef from pg_indexes where indexname = 'messages_org_report_idx'`)).rows[0] as { indexdef: string } | undefined;
  if (!reportIndex) throw new Error('messages_org_report_idx (migrations/0026_reports.sql) is missing');
  await client.query(`drop index messages_org_report_idx`);
  const t1 = Date.now();
  for (let from = 1; from <= MESSAGES; from += CHUNK) {
    checkDeadline('seeding');
    const to = Math.min(MESSAGES, from + CHUNK - 1);
    await client.query(
      `insert into messages (id, organization_id, conversation_id, direction, kind, body, status, is_private, created_at, updated_at)
       select gen_random_uuid(), $1, bc.id,
              case when g % 2 = 0 then 'inbound' else 'outbound' end::message_direction,
              case when g % 50 = 0 then 'system' else 'text' end::message_kind, 'oi',
              case when g % 2 = 0 then 'received' else 'read' end::message_status, g % 50 = 0,
              bc.created_at + make_interval(secs => (g / $3::int) * 600), bc.created_at + make_interval(secs => (g / $3::int) * 600)
         from generate_series($2::int, $4::int) g
         join bench_conv bc on bc.n = 1 + g % $3::int`,
      [org.id, from, nconv, to],
    );
    log(`  messages ${to.toLocaleString('en')} / ${MESSAGES.toLocaleString('en')} (${((Date.now() - t1) / 1000).toFixed(0)}s)`);
  }
  await client.query(`alter table messages enable trigger messages_first_response`);
  const t2 = Date.now();
  await client.query(`set maintenance_work_mem = '256MB'`).catch(() => {});
  await client.query(reportIndex.indexdef);
  log(`built messages_org_report_idx in ${((Date.now() - t2) / 1000).toFixed(1)}s`);

  await client.query(
    `insert into csat_responses (id, organization_id, conversation_id, agent_id, channel_id, asked_at, rating, answered_at, expires_at)
     select gen_random_uuid(), c.organization_id, c.id, c.assignee_id, c.channel_id, c.resolved_at, 1 + floor(random() * 5)::int,
            c.resolved_at + interval '10 minutes', c.resolved_at + interval '1 day'
       from conversations c where c.organization_id = $1 and c.resolved_at is not null and c.assignee_id is not null and random() < 0.33`,
    [org.id],
  );
  await client.query(`select 1`);
  const pipeline = await one<{ id: string }>(`insert into pipelines (organization_id, name, is_default) values ($1, 'Vendas', true) returning id`, [org.id]);
  await client.query(`insert into pipeline_stages (organization_id, pipeline_id, name, position) select $1, $2, s, i from unnest($3::text[]) with ordinality as t(s, i)`, [
    org.id,
    pipeline.id,
    ['Novo', 'Qualificado', 'Proposta', 'Negociação', 'Fechamento'],
  ]);
  await client.query(
    `insert into deals (id, organization_id, pipeline_id, stage_id, title, value_cents, status, owner_id, conversation_id, closed_at, created_at, updated_at)
     select gen_random_uuid(), $1, $2, st.id, 'Negócio ' || g, (1000 + floor(random() * 500000))::bigint,
            s.status::deal_status, ($3::uuid[])[1 + g % 8], bc.id,
            case when s.status <> 'open' then now() - make_interval(days => g % 365) end, now() - make_interval(days => g % 365), now()
       from generate_series(1, 5000) g
       cross join lateral (select case g % 4 when 0 then 'won' when 1 then 'lost' else 'open' end as status) s
       join lateral (select id from pipeline_stages where pipeline_id = $2 order by position offset g % 5 limit 1) st on true
       join bench_conv bc on bc.n = 1 + (g * 31) % $4::int`,
    [org.id, pipeline.id, agents, nconv],
  );
  await client.query(`vacuum (analyze) organizations, users, memberships, channels, contacts, conversations, messages, csat_responses, deals, pipeline_stages`);
  log(`seeding done in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return { orgId: org.id, channelId: channels[1]!, agentId: agents[0]!, departmentId: departments[0]! };
}

async function seededIds(pool: ReturnType<typeof nodeDb>['pool']): Promise<Ids> {
  const { rows } = await pool.query(
    `select o.id as org_id,
            (select id from channels where organization_id = o.id and business_hours is not null limit 1) as channel_id,
            (select m.user_id from memberships m join users u on u.id = m.user_id where m.organization_id = o.id order by u.name limit 1) as agent_id,
            (select id from departments where organization_id = o.id order by name limit 1) as department_id
       from organizations o where o.slug like 'bench-%' limit 1`,
  );
  const r = rows[0] as { org_id: string; channel_id: string; agent_id: string; department_id: string } | undefined;
  if (!r) throw new Error('no benchmark organisation in that database');
  return { orgId: r.org_id, channelId: r.channel_id, agentId: r.agent_id, departmentId: r.department_id };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}
const fmt = (ms: number) => ms.toFixed(1).padStart(8);
const dayOf = (d: Date) => d.toISOString().slice(0, 10);

async function measure(db: ReturnType<typeof nodeDb>['db'], ids: Ids) {
  const to = new Date();
  const year: ReportFilter = { from: dayOf(new Date(to.getTime() - 364 * 86_400_000)), to: dayOf(to) };
  const month: ReportFilter = { from: dayOf(new Date(to.getTime() - 29 * 86_400_000)), to: dayOf(to) };
  type Report = (tx: Tx, orgId: string, f: ReportFilter) => Promise<unknown>;
  const reports: [string, Report][] = [
    ['conversations', conversationsReport],
    ['messages', messagesReport],
    ['response-times', responseTimesReport],
    ['busiest-hours', busiestHoursReport],
    ['agents', agentsReport],
    ['deals', dealsReport],
  ];
  const scopes: [string, ReportFilter][] = [
    ['365 days', year],
    ['365 days, one number', { ...year, channelId: ids.channelId }],
    ['365 days, one agent', { ...year, agentId: ids.agentId }],
    ['30 days', month],
  ];
  type Case = { label: string; report: string; run: () => Promise<unknown> };
  const cases: Case[] = reports.flatMap(([name, fn]) =>
    scopes.map(([scope, f]) => ({ label: `${name.padEnd(15)} ${scope}`, report: name, run: () => withOrg(db, ids.orgId, (tx) => fn(tx, ids.orgId, f)) })),
  );
  for (const c of cases) await c.run(); // warm-up: connections open, caches warm, as on a busy server
  const times = new Map<string, number[]>(cases.map((c) => [c.label, []]));
  for (let round = 0; round < ROUNDS; round++) {
    checkDeadline('measuring');
    for (const c of [...cases].sort(() => Math.random() - 0.5)) {
      const t = performance.now();
      await c.run();
      times.get(c.label)!.push(performance.now() - t);
    }
  }
  console.log(`\n${'report'.padEnd(40)} ${'p50'.padStart(8)} ${'p95'.padStart(8)}  (ms, ${ROUNDS} runs each)`);
  const perReport = new Map<string, number[]>();
  for (const c of cases) {
    const t = times.get(c.label)!.sort((a, b) => a - b);
    perReport.set(c.report, [...(perReport.get(c.report) ?? []), ...t]);
    console.log(`${c.label.padEnd(40)} ${fmt(percentile(t, 50))} ${fmt(percentile(t, 95))}`);
  }
  console.log(`\n${'per report, all scopes'.padEnd(40)} ${'p50'.padStart(8)} ${'p95'.padStart(8)}`);
  for (const [name, t] of perReport) {
    t.sort((a, b) => a - b);
    console.log(`${name.padEnd(40)} ${fmt(percentile(t, 50))} ${fmt(percentile(t, 95))}`);
  }
  // What the page asks for at once: all six, in parallel (each its own connection, as the browser's six requests).
  const page: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const t = performance.now();
    await Promise.all(reports.map(([, fn]) => withOrg(db, ids.orgId, (tx) => fn(tx, ids.orgId, year))));
    page.push(performance.now() - t);
  }
  page.sort((a, b) => a - b);
  console.log(`${'the whole page (6 in parallel, 365 days)'.padEnd(40)} ${fmt(percentile(page, 50))} ${fmt(percentile(page, 95))}`);
}

async function main() {
  const external = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (external && !isLocalUrl(external)) throw new Error('bench/reports.ts runs against a Postgres on this machine only (loopback); unset DATABASE_URL or point it at 127.0.0.1');
  let embedded: EmbeddedPostgres | undefined;
  const adminUrl = external ?? (embedded = await startEmbeddedPostgres()).url;
  const proxy = await startWsProxy({ serialize: Boolean(embedded) });
  if (REUSE && !external) throw new Error('--reuse needs DATABASE_URL: the kept database lives on that server');
  const dbName = REUSE ?? (external ? `conversa_bench_${randomBytes(4).toString('hex')}` : undefined);
  const keep = KEEP || Boolean(REUSE);
  let keepMessage = '';
  try {
    const url = !dbName ? adminUrl : REUSE ? withDatabase(adminUrl, REUSE) : await createDatabase(adminUrl, dbName, proxy.address);
    log(`database: ${external ? `installed Postgres, ${REUSE ? 'kept' : 'new'} database ${dbName}` : 'embedded PGlite (in memory)'}${REUSE ? '' : `; ${MESSAGES.toLocaleString('en')} messages`}`);
    if (!REUSE) await runMigrations(url, proxy.address);
    const { db, pool } = nodeDb(url, proxy.address);
    try {
      let ids: Ids;
      if (REUSE) {
        ids = await seededIds(pool);
      } else {
        const client = await pool.connect();
        try {
          ids = await seed(client);
        } finally {
          client.release();
        }
      }
      const server = (await pool.query(`select version() as v`)).rows[0]?.v as string;
      log(`server: ${server.split(',')[0]}`);
      const counts = (await pool.query(`select (select count(*) from messages) as messages, (select count(*) from conversations) as conversations`)).rows[0] as { messages: string; conversations: string };
      log(`tenant: ${Number(counts.messages).toLocaleString('en')} messages, ${Number(counts.conversations).toLocaleString('en')} conversations`);
      await measure(db, ids);
      log('times are client-side: withOrg transaction + the report query through the Neon driver and the local WebSocket proxy');
    } finally {
      await pool.end();
    }
    if (keep && dbName) keepMessage = `kept database ${dbName} (measure again: --reuse ${dbName}; drop it: dropdb ${dbName})`;
  } finally {
    if (dbName && !keep) await dropDatabase(adminUrl, dbName, proxy.address).catch((e) => console.warn(`[bench] drop ${dbName}: ${e}`));
    await proxy.close();
    await embedded?.close();
    if (keepMessage) log(keepMessage);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error('[bench] failed:', err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
