// Search benchmark: seeds ONE tenant with a million messages of Portuguese customer-service text (server-side,
// `insert … select … generate_series`, parameterised), then times the API's search functions
// (worker/domain/search.ts, through withOrg, the Neon driver and the local WebSocket proxy, exactly as the worker
// queries) and prints median / p95 / p99 per query.
//
//   npx tsx bench/search.ts [--messages 1000000] [--contacts 20000] [--rounds 30] [--max-seconds 900] [--keep]
//   npx tsx bench/search.ts --reuse conversa_bench_<hex>     (measure again on a database kept with --keep)
//   --plaintext: bodies left unsealed (as before encryption at rest); by default they are sealed with the
//   organisation's data key like the ingest stores them, and each search opens its hits' bodies for the snippets.
//
// Database: DATABASE_URL (or TEST_DATABASE_URL) when set — a Postgres on this machine, on which a throw-away
// database `conversa_bench_<hex>` is created, migrated, and dropped at the end unless --keep — otherwise the embedded
// PGlite, in memory (much slower to seed; pass a smaller --messages). Loopback only: refuses any other host.
// Bounded in time: the run stops with a non-zero exit when --max-seconds pass.
import { randomBytes } from 'node:crypto';
import type { Pool, PoolClient } from '@neondatabase/serverless';
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import type { Db } from '../worker/db/client';
import { withOrg } from '../worker/db/tx';
import { contentCrypto, messageContext } from '../worker/domain/content-crypto';
import { activeDataKey } from '../worker/domain/organization-keys';
import { encryptField, type DataKey } from '../worker/lib/envelope';
import { searchContacts, searchMessages } from '../worker/domain/search';
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
const CONTACTS = arg('contacts', 20_000);
const CONVERSATIONS_PER_CONTACT = 3;
const ROUNDS = arg('rounds', 30);
const MAX_SECONDS = arg('max-seconds', 900);
const KEEP = process.argv.includes('--keep');
/** Bodies stay plaintext, as before encryption at rest (issue 21 §4); by default they are sealed as production stores them. */
const PLAINTEXT = process.argv.includes('--plaintext');
// The dev master key (.dev.vars.example): a benchmark database is thrown away.
const MASTER_KEYS = parseEnv(readFileSync(new URL('../.dev.vars.example', import.meta.url), 'utf8')).ENCRYPTION_MASTER_KEYS!;
/** Measure again on a database kept by an earlier --keep run, without seeding. */
const REUSE = (() => {
  const i = process.argv.indexOf('--reuse');
  if (i < 0) return undefined;
  const name = process.argv[i + 1] ?? '';
  if (!/^conversa_bench_[0-9a-f]{8}$/.test(name)) throw new Error('--reuse needs the name of a kept conversa_bench_<hex> database');
  return name;
})();
const CHUNK = 100_000;
const deadline = Date.now() + MAX_SECONDS * 1000;

const log = (msg: string) => console.log(`[bench] ${msg}`);
function checkDeadline(what: string) {
  if (Date.now() > deadline) throw new Error(`time limit of ${MAX_SECONDS}s reached during ${what}`);
}

// ---- text: sentences built from templates, each slot a few variants (accents, plural, case), so the corpus has
// common, medium and rare words, and the same idea written several ways.
function expand(template: string): string[] {
  const m = /\{([^}]*)\}/.exec(template);
  if (!m) return [template.replace(/\s+/g, ' ').trim()];
  return m[1]!.split('|').flatMap((choice) => expand(template.slice(0, m.index) + choice + template.slice(m.index + m[0].length)));
}
const TEMPLATES = [
  '{Oi|Olá|Bom dia|Boa tarde|Boa noite}, tudo bem?',
  '{Obrigado|Obrigada|Muito obrigado} pelo atendimento!',
  '{Não|não|Nao} recebi {meu pedido|o produto|a encomenda} ainda',
  'Qual o prazo de entrega para {São Paulo|Campinas|Belo Horizonte|Curitiba|Recife}?',
  'A entrega está {atrasada|atrasado|demorando}, {pode verificar|consegue ver} por favor?',
  '{Pagamento|Pagamentos|O pagamento} {pendente|pendentes|em análise} desde ontem',
  'Já fiz o pagamento via {pix|Pix|boleto|cartão de crédito}',
  'Segue o comprovante do {pix|boleto|depósito}',
  'O boleto {venceu|vence hoje|não abre}, podem {gerar outro|reenviar}?',
  'Preciso da nota fiscal {do pedido|da compra|eletrônica}',
  'Quero {cancelar|trocar|devolver} {o pedido|a compra|o produto}',
  'A troca {é grátis|tem custo}? O tamanho {ficou pequeno|ficou grande|não serviu}',
  'Vocês {têm|tem} {em estoque|disponível} {tamanho M|tamanho G|na cor azul|na cor preta}?',
  'Qual o valor do frete para o CEP {01310-100|13015-000|30130-000}?',
  'Meu endereço {mudou|está errado}, {posso alterar|como altero}?',
  'O produto {chegou quebrado|veio com defeito|chegou errado}',
  'Gostaria de {um reembolso|o estorno|o dinheiro de volta}',
  'O cupom {de desconto|PROMO10|BEMVINDO} não {funcionou|foi aceito}',
  'Vocês {entregam|fazem entrega} {no sábado|aos domingos|no mesmo dia}?',
  'Pode me {mandar|enviar} o código de rastreio?',
  'O rastreamento {não atualiza|parou|mostra extraviado}',
  'Aguardo {retorno|resposta|a confirmação}',
  'Perfeito, {combinado|fechado|certo}!',
  'Qual o horário de funcionamento da loja?',
  'Vocês {parcelam|dividem} em {3x|6x|10x} sem juros?',
  'Recebi {uma cobrança|duas cobranças} {indevida|em duplicidade} no cartão',
  'A garantia cobre {esse defeito|a troca}?',
  'Segue {a foto|o vídeo} do {problema|defeito}',
];
const SENTENCES = [...new Set(TEMPLATES.flatMap(expand))];
// Rare ones: a few hundred messages each in a million.
const RARE = ['Encontrei um xilofone na caixa', 'A assinatura anual foi renovada sem aviso', 'Quero falar com o ouvidoria sobre o reembolso'];

const FIRST = ['João', 'Maria', 'José', 'Ana', 'Francisco', 'Antônia', 'Carlos', 'Adriana', 'Paulo', 'Juliana', 'Pedro', 'Márcia', 'Lucas', 'Fernanda', 'Luiz', 'Patrícia', 'Marcos', 'Aline', 'Luís', 'Sandra', 'Gabriel', 'Camila', 'Rafael', 'Amanda', 'Daniel', 'Bruna', 'Marcelo', 'Jéssica', 'Bruno', 'Letícia', 'Eduardo', 'Júlia', 'Felipe', 'Luciana', 'Raimundo', 'Vanessa', 'Rodrigo', 'Mariana', 'Conceição', 'Gustavo'];
const LAST = ['Silva', 'Santos', 'Oliveira', 'Souza', 'Rodrigues', 'Ferreira', 'Alves', 'Pereira', 'Lima', 'Gomes', 'Costa', 'Ribeiro', 'Martins', 'Carvalho', 'Almeida', 'Lopes', 'Soares', 'Fernandes', 'Vieira', 'Barbosa', 'Rocha', 'Dias', 'Nascimento', 'Andrade', 'Moreira', 'Nunes', 'Marques', 'Machado', 'Mendes', 'Freitas', 'Cardoso', 'Ramos', 'Gonçalves', 'Santana', 'Teixeira', 'Araújo', 'Conceição', 'Monteiro', 'Correia', 'Pinto'];

/** Seals every body of the organisation with its data key, as the ingest does (the search documents stay as written). */
async function sealBodies(client: PoolClient, key: DataKey, orgId: string) {
  const t0 = Date.now();
  let after = '00000000-0000-0000-0000-000000000000';
  let done = 0;
  for (;;) {
    checkDeadline('sealing bodies');
    const { rows } = await client.query(`select id, body from messages where organization_id = $1 and id > $2 order by id limit 20000`, [orgId, after]);
    if (rows.length === 0) break;
    const sealed = await Promise.all((rows as { id: string; body: string | null }[]).map(async (r) => ({ id: r.id, body: r.body === null ? null : await encryptField(key, r.body, messageContext(r.id)) })));
    await client.query(`update messages m set body = v.body from jsonb_to_recordset($1::jsonb) as v(id uuid, body text) where m.id = v.id`, [JSON.stringify(sealed)]);
    after = (rows[rows.length - 1] as { id: string }).id;
    done += rows.length;
  }
  log(`sealed ${done.toLocaleString('en')} bodies in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}

async function seed(client: PoolClient, db: Db) {
  const t0 = Date.now();
  const one = async <T>(text: string, params: unknown[] = []) => (await client.query(text, params)).rows[0] as T;
  await client.query(`set statement_timeout = '${Math.max(60, MAX_SECONDS)}s'`);
  const org = await one<{ id: string }>(`insert into organizations (name, slug) values ($1, $2) returning id`, ['Bench Loja', `bench-${randomBytes(4).toString('hex')}`]);
  // The data key is made now, while the server is idle: after the bulk load a new connection may wait on I/O.
  const key = PLAINTEXT ? null : await activeDataKey(db, MASTER_KEYS, org.id);
  const userIds: string[] = [];
  for (const [i, role] of (['tenant_admin', 'agent', 'agent'] as const).entries()) {
    const u = await one<{ id: string }>(`insert into users (email, name) values ($1, $2) returning id`, [`bench-${i}-${randomBytes(4).toString('hex')}@bench.local`, `Bench ${role} ${i}`]);
    await client.query(`insert into memberships (organization_id, user_id, role) values ($1, $2, $3)`, [org.id, u.id, role]);
    userIds.push(u.id);
  }
  const [adminId, agentId, otherAgentId] = userIds as [string, string, string];
  const channel = await one<{ id: string }>(`insert into channels (organization_id, provider, name, phone_number_id) values ($1, 'meta_cloud', 'Bench', $2) returning id`, [org.id, `9${randomBytes(6).readUIntBE(0, 6)}`]);

  await client.query(
    `insert into contacts (organization_id, wa_id, phone_e164, name, profile_name)
     select $1, '55119' || lpad(g::text, 8, '0'), '+55119' || lpad(g::text, 8, '0'),
            f.first || ' ' || ($3::text[])[1 + floor(random() * cardinality($3::text[]))::int] || ' ' || ($3::text[])[1 + floor(random() * cardinality($3::text[]))::int],
            case when g % 4 = 0 then f.first end
       from generate_series(1, $4::int) g
       cross join lateral (select ($2::text[])[1 + floor(random() * cardinality($2::text[]))::int] as first, g as n) f`,
    [org.id, FIRST, LAST, CONTACTS],
  );
  // One open conversation per contact plus resolved older ones; a third each: the agent's, unassigned, another's.
  await client.query(
    `insert into conversations (id, organization_id, channel_id, contact_id, status, assignee_id, created_at, updated_at)
     select gen_random_uuid(), $1, $2, c.id, case when k = 1 then 'open' else 'resolved' end::conversation_status,
            case (c.n + k) % 3 when 0 then $3::uuid when 1 then null else $4::uuid end,
            now() - make_interval(days => k * 30), now() - make_interval(days => k * 30)
       from (select id, row_number() over (order by id) as n from contacts where organization_id = $1) c
       cross join generate_series(1, $5::int) k`,
    [org.id, channel.id, agentId, otherAgentId, CONVERSATIONS_PER_CONTACT],
  );
  await client.query(`create temp table bench_conv as select row_number() over (order by id) as n, id from conversations where organization_id = $1`, [org.id]);
  await client.query(`create unique index on bench_conv (n)`);
  const nconv = Number((await one<{ n: string }>(`select count(*) as n from bench_conv`)).n);
  log(`seeded org, ${CONTACTS} contacts, ${nconv} conversations in ${((Date.now() - t0) / 1000).toFixed(1)}s`);

  // Building the search indexes once after the load is several times faster than maintaining them row by row;
  // they are recreated from their own definitions (migrations/0007_crm_search.sql), so the benchmark measures the
  // real indexes.
  const searchIndexes = (await client.query(`select indexname, indexdef from pg_indexes where tablename = 'messages' and indexname in ('messages_search_vector_idx', 'messages_org_created_idx')`)).rows as { indexname: string; indexdef: string }[];
  if (searchIndexes.length !== 2) throw new Error('the search indexes of migrations/0007_crm_search.sql are missing');
  for (const ix of searchIndexes) await client.query(`drop index ${ix.indexname}`);
  const t1 = Date.now();
  for (let from = 1; from <= MESSAGES; from += CHUNK) {
    checkDeadline('seeding');
    const to = Math.min(MESSAGES, from + CHUNK - 1);
    await client.query(
      `insert into messages (id, organization_id, conversation_id, direction, kind, body, status, created_at, updated_at)
       select gen_random_uuid(), $1, bc.id,
              case when g % 2 = 0 then 'inbound' else 'outbound' end::message_direction, 'text', b.body,
              case when g % 2 = 0 then 'received' else 'read' end::message_status, b.at, b.at
         from generate_series($2::int, $3::int) g
         join bench_conv bc on bc.n = 1 + (g::bigint * 7919) % $4::int
         cross join lateral (
           select concat_ws(' ',
                    ($5::text[])[1 + floor(power(random(), 1.6) * cardinality($5::text[]))::int],
                    case when g % 3 = 0 then ($5::text[])[1 + floor(random() * cardinality($5::text[]))::int] end,
                    case when random() < 0.0005 then ($6::text[])[1 + floor(random() * cardinality($6::text[]))::int] end,
                    case when g % 5 = 0 then 'pedido #' || (100000 + g % 900000) end) as body,
                  now() - make_interval(secs => ($7::int - g) * 30) as at
         ) b`,
      [org.id, from, to, nconv, SENTENCES, RARE, MESSAGES],
    );
    log(`  messages ${to.toLocaleString('en')} / ${MESSAGES.toLocaleString('en')} (${((Date.now() - t1) / 1000).toFixed(0)}s)`);
  }
  checkDeadline('seeding');
  if (key) await sealBodies(client, key, org.id);
  const t2 = Date.now();
  await client.query(`set maintenance_work_mem = '256MB'`).catch(() => {});
  for (const ix of searchIndexes) await client.query(ix.indexdef);
  log(`built ${searchIndexes.map((i) => i.indexname).join(', ')} in ${((Date.now() - t2) / 1000).toFixed(1)}s`);
  // What autovacuum does to a table after a bulk load: statistics and the visibility map.
  await client.query(`vacuum (analyze) organizations, users, memberships, contacts, conversations, messages`);
  log(`seeding done in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return { orgId: org.id, adminId, agentId };
}

const MESSAGE_QUERIES = [
  'pagamento pendente',
  'Pagamentos pendentes',
  'não recebi',
  'nao recebi',
  'boleto',
  'entrega atrasada',
  'nota fiscal',
  'cancelar pedido',
  'pix',
  'reembolso',
  '"cartão de crédito"',
  'cobrança duplicidade',
  'xilofone',
  'palavrainexistente',
];
const CONTACT_QUERIES = ['Joao Slva', 'maria conceicao', 'Fernanda Olivera', '11900001234', '9000012'];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}
const fmt = (ms: number) => ms.toFixed(1).padStart(7);

async function seededIds(pool: Pool) {
  const { rows } = await pool.query(
    `select o.id as org_id,
            (select user_id from memberships where organization_id = o.id and role = 'tenant_admin' limit 1) as admin_id,
            (select m.user_id from memberships m join users u on u.id = m.user_id
              where m.organization_id = o.id and m.role = 'agent' order by u.email limit 1) as agent_id
       from organizations o where o.slug like 'bench-%' limit 1`,
  );
  const row = rows[0] as { org_id: string; admin_id: string; agent_id: string } | undefined;
  if (!row) throw new Error('no benchmark organisation in that database');
  return { orgId: row.org_id, adminId: row.admin_id, agentId: row.agent_id };
}

async function measure(db: Db, ids: { orgId: string; adminId: string; agentId: string }) {
  const crypto = contentCrypto(db, MASTER_KEYS, ids.orgId);
  const admin = { orgId: ids.orgId, viewer: null };
  const agent = { orgId: ids.orgId, viewer: ids.agentId };
  type Case = { label: string; run: () => Promise<number> };
  const cases: Case[] = [
    ...MESSAGE_QUERIES.map((q) => ({ label: `messages  ${JSON.stringify(q)} (manager view)`, run: async () => (await withOrg(db, ids.orgId, (tx) => searchMessages(tx, admin, q, 20, crypto))).length })),
    ...MESSAGE_QUERIES.slice(0, 6).map((q) => ({ label: `messages  ${JSON.stringify(q)} (agent view)`, run: async () => (await withOrg(db, ids.orgId, (tx) => searchMessages(tx, agent, q, 20, crypto))).length })),
    ...CONTACT_QUERIES.map((q) => ({ label: `contacts  ${JSON.stringify(q)}`, run: async () => (await withOrg(db, ids.orgId, (tx) => searchContacts(tx, ids.orgId, q, 20))).length })),
  ];
  // Warm-up: one pass, so every measured call finds an open connection and a warm cache (as a busy server would).
  const hits = new Map<string, number>();
  for (const c of cases) hits.set(c.label, await c.run());
  const times = new Map<string, number[]>(cases.map((c) => [c.label, []]));
  for (let round = 0; round < ROUNDS; round++) {
    checkDeadline('measuring');
    // A different order every round, so no query always benefits from the previous one.
    const order = [...cases].sort(() => Math.random() - 0.5);
    for (const c of order) {
      const t = performance.now();
      await c.run();
      times.get(c.label)!.push(performance.now() - t);
    }
  }
  const all: number[] = [];
  const messageTimes: number[] = [];
  console.log(`\n${'query'.padEnd(58)} ${'hits'.padStart(5)} ${'median'.padStart(7)} ${'p95'.padStart(7)} ${'p99'.padStart(7)}  (ms, ${ROUNDS} runs each)`);
  for (const c of cases) {
    const t = times.get(c.label)!.sort((a, b) => a - b);
    all.push(...t);
    if (c.label.startsWith('messages')) messageTimes.push(...t);
    console.log(`${c.label.padEnd(58)} ${String(hits.get(c.label)).padStart(5)} ${fmt(percentile(t, 50))} ${fmt(percentile(t, 95))} ${fmt(percentile(t, 99))}`);
  }
  all.sort((a, b) => a - b);
  messageTimes.sort((a, b) => a - b);
  console.log(`${'all message searches'.padEnd(58)} ${''.padStart(5)} ${fmt(percentile(messageTimes, 50))} ${fmt(percentile(messageTimes, 95))} ${fmt(percentile(messageTimes, 99))}`);
  console.log(`${'all searches'.padEnd(58)} ${''.padStart(5)} ${fmt(percentile(all, 50))} ${fmt(percentile(all, 95))} ${fmt(percentile(all, 99))}`);
  return { p95: percentile(all, 95) };
}

async function main() {
  const external = process.env.DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (external && !isLocalUrl(external)) throw new Error('bench/search.ts runs against a Postgres on this machine only (loopback); unset DATABASE_URL or point it at 127.0.0.1');
  let embedded: EmbeddedPostgres | undefined;
  const adminUrl = external ?? (embedded = await startEmbeddedPostgres()).url;
  const proxy = await startWsProxy({ serialize: Boolean(embedded) });
  if (REUSE && !external) throw new Error('--reuse needs DATABASE_URL: the kept database lives on that server');
  const dbName = REUSE ?? (external ? `conversa_bench_${randomBytes(4).toString('hex')}` : undefined);
  const keep = KEEP || Boolean(REUSE);
  let keepMessage = '';
  try {
    const url = !dbName ? adminUrl : REUSE ? withDatabase(adminUrl, REUSE) : await createDatabase(adminUrl, dbName, proxy.address);
    log(`bodies: ${PLAINTEXT ? 'plaintext (--plaintext)' : 'sealed per organisation (AES-256-GCM)'}`);
    log(`database: ${external ? `installed Postgres, ${REUSE ? 'kept' : 'new'} database ${dbName}` : 'embedded PGlite (in memory)'}${REUSE ? '' : `; ${MESSAGES.toLocaleString('en')} messages`}`);
    if (!REUSE) await runMigrations(url, proxy.address);
    const { db, pool } = nodeDb(url, proxy.address);
    try {
      let ids: Awaited<ReturnType<typeof seed>>;
      if (REUSE) {
        ids = await seededIds(pool);
      } else {
        const client = await pool.connect();
        try {
          ids = await seed(client, db);
        } finally {
          client.release();
        }
      }
      const server = (await pool.query(`select version() as v`)).rows[0]?.v as string;
      log(`server: ${server.split(',')[0]}`);
      const { p95 } = await measure(db, ids);
      log(`p95 over all searches: ${p95.toFixed(1)} ms (client-side: withOrg transaction + query through the Neon driver and the local WebSocket proxy)`);
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
