// Backup and restore of a self-hosted (or any reachable) Postgres: pg_dump's custom format, encrypted on the way out
// (backup-crypto.ts) and verified whole before pg_restore sees a byte of it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type BackupKey, decryptBackup, encryptBackup } from './backup-crypto';
import { nodeDb } from './db';
import { findPgTool, pgConnection } from './pg-tools';

export interface Target {
  url: string;
  /** The local WebSocket proxy the Neon driver needs for a server on this machine (scripts/lib/ws-proxy.ts). */
  wsProxy?: string;
}

async function query<T>(target: Target, sql: string): Promise<T[]> {
  const { pool } = nodeDb(target.url, target.wsProxy);
  try {
    return (await pool.query(sql)).rows as T[];
  } finally {
    await pool.end();
  }
}

/** The embedded PGlite speaks the wire protocol but serves neither pg_dump's nor pg_restore's queries. */
async function refuseEmbedded(target: Target): Promise<void> {
  const [row] = await query<{ version: string }>(target, 'select version() as version');
  if (row?.version.includes('PGlite')) {
    throw new Error(
      'this is the embedded PGlite of `npm run dev`, which pg_dump and pg_restore cannot read. ' +
        'db:backup and db:restore work on a PostgreSQL server (self-hosted, or Neon through its direct connection string); ' +
        'the dev data in .data/pglite is a directory you can copy while `npm run dev` is stopped.',
    );
  }
}

function run(child: ChildProcess, tool: string): Promise<void> {
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${tool} failed (${signal ?? `exit ${code}`}): ${stderr.trim() || 'no message'}`));
    });
  });
}

/**
 * Dumps the database into `out`, encrypted. Written beside it first and renamed at the end: a dump that failed half
 * way would otherwise look like a smaller, valid backup.
 */
export async function backupDatabase(target: Target, key: BackupKey, out: string): Promise<{ bytes: number }> {
  await refuseEmbedded(target);
  const conn = pgConnection(target.url);
  const child = spawn(findPgTool('pg_dump'), ['--format=custom', '--dbname', conn.dbname], {
    env: { ...process.env, ...conn.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const partial = `${out}.partial`;
  try {
    await Promise.all([run(child, 'pg_dump'), pipeline(child.stdout!, encryptBackup(key), createWriteStream(partial, { mode: 0o600 }))]);
    await rename(partial, out);
  } catch (err) {
    child.kill();
    await rm(partial, { force: true });
    throw err;
  }
  return { bytes: (await stat(out)).size };
}

/** Decrypts the whole file and discards it: a cut or altered file, or the wrong key, throws here. */
export async function verifyBackup(file: string, keys: BackupKey[]): Promise<{ bytes: number }> {
  let bytes = 0;
  await pipeline(
    createReadStream(file),
    decryptBackup(keys),
    new Writable({
      write(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        done();
      },
    }),
  );
  return { bytes };
}

/** Tables (of any schema but Postgres' own) already in the target: a restore without --clean wants none. */
async function userTableCount(target: Target): Promise<number> {
  const [row] = await query<{ n: string }>(
    target,
    `select count(*) as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'`,
  );
  return Number(row?.n ?? 0);
}

export interface RestoreOptions {
  /** Drop the objects the backup holds before recreating them (pg_restore --clean --if-exists) instead of wanting an empty database. */
  clean?: boolean;
}

/**
 * Restores a backup into the target database in one transaction: all of it or, on any error, nothing. The file is
 * verified first, so a tampered or truncated one never reaches pg_restore. Objects end up owned by the target URL's
 * role (--no-owner); grants to app_user are kept, so that role is created first when the server lacks it.
 */
export async function restoreDatabase(target: Target, file: string, keys: BackupKey[], opts: RestoreOptions = {}): Promise<void> {
  await verifyBackup(file, keys);
  await refuseEmbedded(target);
  const tables = await userTableCount(target);
  if (tables > 0 && !opts.clean) {
    throw new Error(
      `the target database already has ${tables} tables. Restore into a fresh database (createdb …), ` +
        'or pass --clean to drop and recreate what the backup holds.',
    );
  }
  // Roles are per server, not in a dump: the same as migrations/0002_row_level_security.sql does.
  await query(target, `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_user') THEN CREATE ROLE app_user NOLOGIN; END IF; END $$`);
  await query(target, 'GRANT app_user TO CURRENT_USER');

  const conn = pgConnection(target.url);
  const args = ['--dbname', conn.dbname, '--no-owner', '--single-transaction', '--exit-on-error'];
  if (opts.clean) args.push('--clean', '--if-exists');
  const child = spawn(findPgTool('pg_restore'), args, { env: { ...process.env, ...conn.env }, stdio: ['pipe', 'ignore', 'pipe'] });
  const exited = run(child, 'pg_restore');
  const fed = pipeline(createReadStream(file), decryptBackup(keys), child.stdin!);
  // pg_restore's own error explains more than the broken pipe it leaves behind.
  const [restore, feed] = await Promise.allSettled([exited, fed]);
  if (restore.status === 'rejected') throw restore.reason;
  if (feed.status === 'rejected') throw feed.reason;
}

/** What the commands say in the dev set-up, which has no DATABASE_URL (`npm run dev` embeds PGlite). */
export function requireDatabaseUrl(env: NodeJS.ProcessEnv = process.env): void {
  if (env.DATABASE_URL) return;
  throw new Error(
    'DATABASE_URL is not set. db:backup and db:restore work on a PostgreSQL server (postgres://user:pass@host:5432/db). ' +
      'The embedded PGlite of `npm run dev` cannot be dumped with pg_dump; its data is the directory .data/pglite.',
  );
}
