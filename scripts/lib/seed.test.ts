import { describe, expect, it } from 'vitest';
import { verifyPassword } from '../../worker/auth/password';
import { migratedScratch } from './scratch-suite';
import { DEFAULT_STAGES, DEMO_LOGINS, DEMO_PASSWORD, seedDemo } from './seed';

describe('demo seed', () => {
  const scratch = migratedScratch();

  it('creates the demo tenant once, with working logins for each role', async () => {
    expect(await seedDemo(scratch.db)).toEqual({ created: true });
    expect(await seedDemo(scratch.db)).toEqual({ created: false });

    const members = await scratch.pool.query(`
      select u.email, u.password_hash, m.role from memberships m
        join users u on u.id = m.user_id join organizations o on o.id = m.organization_id
       where o.slug = 'demo' order by u.email`);
    expect(members.rows.map((r) => [r.email, r.role]).sort()).toEqual(
      DEMO_LOGINS.map((l) => [l.email, l.role]).sort(),
    );
    for (const row of members.rows) expect(await verifyPassword(DEMO_PASSWORD, row.password_hash)).toBe(true);

    const stages = await scratch.pool.query(`select name from pipeline_stages order by position`);
    expect(stages.rows.map((r) => r.name)).toEqual(DEFAULT_STAGES);
  });
});
