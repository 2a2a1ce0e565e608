// The operators' key commands, run as an operator would (npm run keys:rewrap / keys:encrypt-existing) against a
// database of their own: master key rotation leaves every data key wrapped by the new master key and everything opens
// with it alone; the backfill command seals legacy plaintext until none is left.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { organizations } from '../worker/db/schema';
import { contentCrypto, messageContext } from '../worker/domain/content-crypto';
import { forgetOrganizationKeys, rotateDataKey } from '../worker/domain/organization-keys';
import { migratedScratch } from './lib/scratch-suite';

const run = promisify(execFile);
const rawKey = () => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64');

async function npmRun(script: string, env: Record<string, string>): Promise<{ code: number; out: string }> {
  try {
    const r = await run('npm', ['run', '--silent', script], { env: { ...process.env, ...env }, timeout: 60_000 });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

describe('key commands', () => {
  const scratch = migratedScratch();

  it('keys:rewrap: after the new master key is put first, every data key is wrapped by it and all content opens with it alone', async () => {
    const oldMaster = `m2025:${rawKey()}`;
    const newMaster = `m2026:${rawKey()}`;
    const orgs = await scratch.db.insert(organizations).values([{ name: 'A', slug: `a-${uuidv7()}` }, { name: 'B', slug: `b-${uuidv7()}` }]).returning();
    const sealed: { orgId: string; id: string; value: string; text: string }[] = [];
    for (const org of orgs) {
      for (const text of ['antes da rotação da chave de dados', 'depois da rotação']) {
        const id = uuidv7();
        sealed.push({ orgId: org.id, id, text, value: await contentCrypto(scratch.db, oldMaster, org.id).seal(text, messageContext(id)) });
        if (text.startsWith('antes')) await rotateDataKey(scratch.db, org.id);
      }
    }

    // Only the old master key listed first: nothing to do.
    expect(await npmRun('keys:rewrap', { DATABASE_URL: scratch.url, ENCRYPTION_MASTER_KEYS: oldMaster })).toMatchObject({ code: 0 });

    const r = await npmRun('keys:rewrap', { DATABASE_URL: scratch.url, ENCRYPTION_MASTER_KEYS: `${newMaster},${oldMaster}` });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('4 data keys re-wrapped under master key m2026');
    expect(r.out).toContain('m2026=4');
    const { rows } = await scratch.db.execute<{ master_key_id: string }>(sql`select master_key_id from organization_keys`);
    expect(rows.map((k) => k.master_key_id)).toEqual(['m2026', 'm2026', 'm2026', 'm2026']);

    for (const org of orgs) forgetOrganizationKeys(org.id);
    for (const s of sealed) expect(await contentCrypto(scratch.db, newMaster, s.orgId).open(s.value, messageContext(s.id))).toBe(s.text);

    // A secret that no longer lists the master key of the data keys: nothing re-wraps, the command says so and fails.
    const lost = await npmRun('keys:rewrap', { DATABASE_URL: scratch.url, ENCRYPTION_MASTER_KEYS: `m2027:${rawKey()}` });
    expect(lost.code).toBe(1);
    expect(lost.out).toContain('4 data keys did not re-wrap');
  }, 120_000);

  it('keys:encrypt-existing: seals legacy plaintext until none is left', async () => {
    const master = `m1:${rawKey()}`;
    const [org] = await scratch.db.insert(organizations).values({ name: 'Legado', slug: `legado-${uuidv7()}` }).returning();
    const { rows: [channel] } = await scratch.db.execute<{ id: string }>(sql`
      insert into channels (id, organization_id, provider, name, phone_number_id) values (${uuidv7()}, ${org!.id}, 'meta_cloud', 'L', ${uuidv7()}) returning id`);
    const { rows: [contact] } = await scratch.db.execute<{ id: string }>(sql`
      insert into contacts (organization_id, wa_id, name) values (${org!.id}, '5511999990000', 'Ana') returning id`);
    const { rows: [conv] } = await scratch.db.execute<{ id: string }>(sql`
      insert into conversations (id, organization_id, channel_id, contact_id, last_message_preview) values (${uuidv7()}, ${org!.id}, ${channel!.id}, ${contact!.id}, 'até amanhã') returning id`);
    for (const body of ['bom dia', 'meu pedido atrasou', 'até amanhã']) {
      await scratch.db.execute(sql`
        insert into messages (id, organization_id, conversation_id, direction, kind, body, status) values (${uuidv7()}, ${org!.id}, ${conv!.id}, 'inbound', 'text', ${body}, 'received')`);
    }

    const r = await npmRun('keys:encrypt-existing', { DATABASE_URL: scratch.url, ENCRYPTION_MASTER_KEYS: master, LOG_LEVEL: 'silent' });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/pass 1: \d+ organisations, sealed 3 message bodies, 1 previews, 0 notes/);
    expect(r.out).toContain('pass 2');
    expect(r.out).toContain('no plaintext left');
    const { rows } = await scratch.db.execute<{ n: number }>(sql`select count(*)::int as n from messages where organization_id = ${org!.id} and body not like 'enc:v1:%'`);
    expect(rows[0]!.n).toBe(0);
  }, 120_000);
});
