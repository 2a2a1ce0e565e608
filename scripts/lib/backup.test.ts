// The restore drill: a migrated database with tenants, contacts, conversations and messages is backed up with
// `db:backup`'s code (the real pg_dump), the file is checked to be ciphertext and to be refused once altered or cut,
// and it is restored into a fresh database that must hold the same rows in every table.
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels, contacts, conversations, messages, organizations } from '../../worker/db/schema';
import { backupDatabase, restoreDatabase, verifyBackup } from './backup';
import { BackupFormatError, decryptBackup, parseBackupKey } from './backup-crypto';
import { nodeDb } from './db';
import { startEmbeddedPostgres } from './embedded-pg';
import { runMigrations } from './migrate';
import { scratchDatabase, type ScratchDatabase } from './scratch';
import { seedDemo } from './seed';
import { startWsProxy } from './ws-proxy';

const key = parseBackupKey(randomBytes(32).toString('base64'));
// pg_dump needs a PostgreSQL server: the installed one of CI (TEST_DATABASE_URL). In CI the drill always runs, so a
// run that lost its server fails here instead of passing without it.
const withServer = process.env.TEST_DB_KIND === 'postgres' || Boolean(process.env.CI);
const MARKER = `segredo-do-cliente-${randomBytes(6).toString('hex')}`;

async function seed(target: ScratchDatabase): Promise<void> {
  const { db, pool } = nodeDb(target.url, target.wsProxy);
  try {
    await seedDemo(db); // users, memberships, a pipeline with its stages
    for (const slug of ['loja-a', 'loja-b']) {
      const [org] = await db.insert(organizations).values({ name: `Loja ${slug}`, slug }).returning();
      const [channel] = await db.insert(channels).values({ organizationId: org!.id, provider: 'meta_cloud', name: 'WhatsApp' }).returning();
      for (let c = 0; c < 5; c++) {
        const [contact] = await db
          .insert(contacts)
          .values({ organizationId: org!.id, waId: `55119${slug.length}${c}000000${c}`, name: `Cliente ${c} ${slug}`, attributes: { cpf: `000.000.00${c}-00` } })
          .returning();
        const [conversation] = await db
          .insert(conversations)
          .values({ organizationId: org!.id, channelId: channel!.id, contactId: contact!.id })
          .returning();
        await db.insert(messages).values(
          Array.from({ length: 20 }, (_, m) => ({
            organizationId: org!.id,
            conversationId: conversation!.id,
            direction: m % 2 ? ('outbound' as const) : ('inbound' as const),
            kind: 'text' as const,
            status: m % 2 ? ('sent' as const) : ('received' as const),
            body: `${MARKER} ${slug} conversa ${c} mensagem ${m}: Olá, tudo bem? ção`,
            payload: m % 5 === 0 ? { note: 'ação', n: m } : null,
          })),
        );
      }
    }
  } finally {
    await pool.end();
  }
}

interface Snapshot {
  counts: Record<string, number>;
  messagesMd5: string;
  rls: string[];
  appUserCanRead: boolean;
}

async function tableNames(pool: ReturnType<typeof nodeDb>['pool']): Promise<string[]> {
  const tables = await pool.query<{ name: string }>(
    `select format('%I.%I', schemaname, tablename) as name from pg_tables
      where schemaname not in ('pg_catalog', 'information_schema') order by 1`,
  );
  return tables.rows.map((r) => r.name);
}

async function isEmpty(target: ScratchDatabase): Promise<boolean> {
  const { pool } = nodeDb(target.url, target.wsProxy);
  try {
    return (await tableNames(pool)).length === 0;
  } finally {
    await pool.end();
  }
}

async function snapshot(target: ScratchDatabase): Promise<Snapshot> {
  const { pool } = nodeDb(target.url, target.wsProxy);
  try {
    const counts: Record<string, number> = {};
    // Names come from the catalogue, quoted by format(%I): no value is spliced in.
    for (const name of await tableNames(pool)) counts[name] = Number((await pool.query(`select count(*) as n from ${name}`)).rows[0].n);
    const md5 = await pool.query(`select md5(string_agg(m::text, E'\\n' order by m.id)) as h from public.messages m`);
    const rls = await pool.query<{ t: string }>(
      `select c.relname || ':' || p.polname as t from pg_class c join pg_policy p on p.polrelid = c.oid
        where c.relnamespace = 'public'::regnamespace and c.relrowsecurity order by 1`,
    );
    const grant = await pool.query(`select has_table_privilege('app_user', 'public.messages', 'SELECT') as ok`);
    return { counts, messagesMd5: md5.rows[0].h, rls: rls.rows.map((r) => r.t), appUserCanRead: grant.rows[0].ok };
  } finally {
    await pool.end();
  }
}

async function decryptedPrefix(file: string, n: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of decryptBackup([key])(createReadStream(file))) parts.push(p);
  return Buffer.concat(parts).subarray(0, n);
}

describe.runIf(withServer)('db:backup and db:restore on a PostgreSQL server', () => {
  let source: ScratchDatabase;
  let fresh: ScratchDatabase;
  const dir = mkdtempSync(join(tmpdir(), 'conversa-backup-'));
  const file = join(dir, 'conversa.pgdump.enc');

  beforeAll(async () => {
    source = await scratchDatabase();
    fresh = await scratchDatabase();
    await runMigrations(source.url, source.wsProxy);
    await seed(source);
  });
  afterAll(async () => {
    await source?.drop();
    await fresh?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('backs up to ciphertext, refuses an altered or cut file, and restores every row into a fresh database', async () => {
    const before = await snapshot(source);
    expect(before.counts['public.messages']).toBe(2 * 5 * 20);
    expect(before.counts['public.users']).toBeGreaterThan(0);

    const { bytes } = await backupDatabase(source, key, file);
    expect(bytes).toBeGreaterThan(1000);

    // pg_dump's custom format starts with PGDMP and keeps its table of contents (the DDL) uncompressed: neither
    // may show in the file, nor any message text; decrypted, it is the dump.
    const raw = readFileSync(file);
    for (const plain of ['PGDMP', 'CREATE TABLE', 'messages', MARKER, 'Cliente 1']) expect(raw.includes(plain), plain).toBe(false);
    expect((await decryptedPrefix(file, 5)).toString()).toBe('PGDMP');

    const tampered = Buffer.from(raw);
    tampered[Math.floor(raw.length / 2)]! ^= 0x20;
    writeFileSync(join(dir, 'tampered'), tampered);
    writeFileSync(join(dir, 'truncated'), raw.subarray(0, raw.length - 100));
    for (const bad of ['tampered', 'truncated']) {
      await expect(restoreDatabase(fresh, join(dir, bad), [key]), bad).rejects.toThrow(BackupFormatError);
    }
    const otherKey = parseBackupKey(randomBytes(32).toString('base64'));
    await expect(restoreDatabase(fresh, file, [otherKey])).rejects.toThrow(/encrypted with key id/);
    // Refused before pg_restore ran: the fresh database is still empty.
    expect(await isEmpty(fresh)).toBe(true);

    await verifyBackup(file, [key]);
    await restoreDatabase(fresh, file, [key]);
    const after = await snapshot(fresh);
    expect(after.counts).toEqual(before.counts);
    expect(after.messagesMd5).toBe(before.messagesMd5);
    expect(after.rls).toEqual(before.rls);
    expect(after.rls.length).toBeGreaterThan(10);
    expect(after.appUserCanRead).toBe(true);

    // A second restore into the now-populated database is refused unless asked to replace it.
    await expect(restoreDatabase(fresh, file, [key])).rejects.toThrow(/already has \d+ tables/);
    await restoreDatabase(fresh, file, [key], { clean: true });
    expect((await snapshot(fresh)).counts).toEqual(before.counts);
  }, 120_000);
});

describe('db:backup on the embedded PGlite of npm run dev', () => {
  it('is refused with an explanation (pg_dump cannot read it)', async () => {
    const pg = await startEmbeddedPostgres();
    const proxy = await startWsProxy({ serialize: true });
    try {
      const out = join(tmpdir(), `conversa-backup-${randomBytes(4).toString('hex')}`);
      await expect(backupDatabase({ url: pg.url, wsProxy: proxy.address }, key, out)).rejects.toThrow(/embedded PGlite/);
    } finally {
      await proxy.close();
      await pg.close();
    }
  }, 60_000); // PGlite's start is slow on a busy machine
});
