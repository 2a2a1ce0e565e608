import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TENANT_TABLES } from '../../worker/db/schema';
import { nodeDb } from './db';
import { MIGRATIONS_DIR, runMigrations } from './migrate';
import { scratchDatabase, type ScratchDatabase } from './scratch';

const journal = JSON.parse(readFileSync(join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as {
  entries: { tag: string }[];
};

describe('migrations', () => {
  let scratch: ScratchDatabase;
  let pool: ReturnType<typeof nodeDb>['pool'];

  beforeAll(async () => {
    scratch = await scratchDatabase();
    pool = nodeDb(scratch.url, scratch.wsProxy).pool;
  });
  afterAll(async () => {
    await pool?.end();
    await scratch?.drop();
  });

  it('apply from zero, and a second run changes nothing', async () => {
    await runMigrations(scratch.url, scratch.wsProxy);
    const first = await pool.query('select hash, created_at from drizzle.__drizzle_migrations order by id');
    expect(first.rows).toHaveLength(journal.entries.length);

    await runMigrations(scratch.url, scratch.wsProxy);
    const second = await pool.query('select hash, created_at from drizzle.__drizzle_migrations order by id');
    expect(second.rows).toEqual(first.rows);

    const ext = await pool.query(`select extname from pg_extension where extname in ('pg_trgm', 'unaccent') order by 1`);
    expect(ext.rows.map((r) => r.extname)).toEqual(['pg_trgm', 'unaccent']);
  });

  it('give every table with an organization_id row-level security and the tenant policy', async () => {
    const withOrg = await pool.query(`
      select c.table_name, c.is_nullable
        from information_schema.columns c
        join information_schema.tables t using (table_schema, table_name)
       where c.table_schema = 'public' and c.column_name = 'organization_id' and t.table_type = 'BASE TABLE'`);
    const tenantTables = withOrg.rows.filter((r) => r.is_nullable === 'NO').map((r) => r.table_name).sort();
    expect(tenantTables).toEqual([...TENANT_TABLES].sort());

    const rls = await pool.query(`
      select c.relname, c.relrowsecurity, p.polname
        from pg_class c left join pg_policy p on p.polrelid = c.oid
       where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'`);
    for (const table of TENANT_TABLES) {
      const row = rls.rows.find((r) => r.relname === table);
      expect(row, table).toMatchObject({ relrowsecurity: true, polname: 'tenant_isolation' });
    }
    // Tables whose organization_id may be null (platform rows) too: a tenant sees its rows, nobody else's.
    const nullable = withOrg.rows.filter((r) => r.is_nullable === 'YES').map((r) => r.table_name);
    expect(nullable.length).toBeGreaterThan(0);
    for (const table of nullable) {
      const reachable = await pool.query(`select has_table_privilege('app_user', $1, 'SELECT') as ok`, [table]);
      if (!reachable.rows[0].ok) continue;
      const row = rls.rows.find((r) => r.relname === table);
      expect(row, table).toMatchObject({ relrowsecurity: true, polname: 'tenant_isolation' });
    }
  });

  it('give app_user nothing on auth tables and no password hashes', async () => {
    for (const table of ['sessions', 'password_resets', 'mail_outbox', 'unroutable_events']) {
      const r = await pool.query(
        `select bool_or(has_table_privilege('app_user', $1, p)) as any from unnest(array['SELECT','INSERT','UPDATE','DELETE']) p`,
        [table],
      );
      expect(r.rows[0].any, table).toBe(false);
    }
    const hash = await pool.query(`select has_column_privilege('app_user', 'users', 'password_hash', 'SELECT') as ok`);
    expect(hash.rows[0].ok).toBe(false);
    const audit = await pool.query(`select has_table_privilege('app_user', 'audit_logs', 'UPDATE') or has_table_privilege('app_user', 'audit_logs', 'DELETE') as ok`);
    expect(audit.rows[0].ok).toBe(false);
  });
});
