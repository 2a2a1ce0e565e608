import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../worker/auth/password';
import { nodeDb } from './db';
import { runMigrations } from './migrate';
import { scratchDatabase, type ScratchDatabase } from './scratch';
import { DEFAULT_STAGES, DEMO_LOGINS, DEMO_PASSWORD, seedDemo } from './seed';

describe('demo seed', () => {
  let scratch: ScratchDatabase;
  let conn: ReturnType<typeof nodeDb>;

  beforeAll(async () => {
    scratch = await scratchDatabase();
    await runMigrations(scratch.url, scratch.wsProxy);
    conn = nodeDb(scratch.url, scratch.wsProxy);
  });
  afterAll(async () => {
    await conn?.pool.end();
    await scratch?.drop();
  });

  it('creates the demo tenant once, with working logins for each role', async () => {
    expect(await seedDemo(conn.db)).toEqual({ created: true });
    expect(await seedDemo(conn.db)).toEqual({ created: false });

    const members = await conn.pool.query(`
      select u.email, u.password_hash, m.role from memberships m
        join users u on u.id = m.user_id join organizations o on o.id = m.organization_id
       where o.slug = 'demo' order by u.email`);
    expect(members.rows.map((r) => [r.email, r.role]).sort()).toEqual(
      DEMO_LOGINS.map((l) => [l.email, l.role]).sort(),
    );
    for (const row of members.rows) expect(await verifyPassword(DEMO_PASSWORD, row.password_hash)).toBe(true);

    const stages = await conn.pool.query(`select name from pipeline_stages order by position`);
    expect(stages.rows.map((r) => r.name)).toEqual(DEFAULT_STAGES);
  });
});
