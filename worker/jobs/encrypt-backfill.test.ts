// The backfill of legacy plaintext (issue 21 §4) against Postgres: rows written by a deployment before encryption are
// sealed, still open to their original text, stay searchable (the search document is recomputed from the plaintext in
// the same UPDATE), and a second run changes nothing. A bounded run stops and the next one continues.
import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from 'cloudflare:test';
import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { api, signupOrg, testDb } from '../../test/harness';
import { plaintextLeft, seedLegacyContent } from '../../test/legacy-content';
import { auditLogs } from '../db/schema';
import { contentCrypto, messageContext, noteContext, previewContext } from '../domain/content-crypto';
import worker from '../index';
import { createLogger } from '../lib/log';
import { backfillOrganization, encryptLegacyContent } from './encrypt-backfill';

const { db } = testDb();
const secret = env.ENCRYPTION_MASTER_KEYS!;

const stored = async (orgId: string) => {
  const m = await db.execute<{ id: string; body: string; sv: string }>(sql`select id, body, search_vector::text as sv from messages where organization_id = ${orgId} order by id`);
  const n = await db.execute<{ id: string; body: string }>(sql`select id, body from contact_notes where organization_id = ${orgId} order by id`);
  const c = await db.execute<{ id: string; preview: string }>(sql`select id, last_message_preview as preview from conversations where organization_id = ${orgId} order by id`);
  return { messages: m.rows, notes: n.rows, previews: c.rows };
};

describe('encryption backfill of legacy plaintext', () => {
  it('seals bodies, previews and notes; they open to the original text, stay searchable, and a second run changes nothing', async () => {
    const admin = await signupOrg('Legado');
    const legacy = await seedLegacyContent(admin.orgId, 3);
    expect(await plaintextLeft(admin.orgId)).toEqual({ messages: 6, notes: 2, previews: 2 });
    const search = async (q: string) =>
      ((await api('GET', `/api/v1/search?q=${encodeURIComponent(q)}&type=messages`, { token: admin.accessToken })).body.messages as { id: string }[]).map((m) => m.id).sort();
    const found = await search('boletos');
    expect(found).toEqual(legacy.messages.map((m) => m.id).sort());
    const documents = (await stored(admin.orgId)).messages.map((m) => m.sv);

    // Batches of 2: several keyset pages per table.
    const first = await backfillOrganization(db, secret, admin.orgId, { batch: 2, maxBatches: Infinity });
    expect(first).toEqual({ sealed: { messages: 6, previews: 2, notes: 2 }, finished: true });
    expect(await plaintextLeft(admin.orgId)).toEqual({ messages: 0, notes: 0, previews: 0 });

    const cc = contentCrypto(db, secret, admin.orgId);
    const after = await stored(admin.orgId);
    for (const m of legacy.messages) {
      const row = after.messages.find((r) => r.id === m.id)!;
      expect(row.body.startsWith('enc:v1:')).toBe(true);
      expect(await cc.open(row.body, messageContext(m.id))).toBe(m.body);
    }
    for (const n of legacy.notes) expect(await cc.open(after.notes.find((r) => r.id === n.id)!.body, noteContext(n.id))).toBe(n.body);
    expect((await Promise.all(after.previews.map((p) => cc.open(p.preview, previewContext(admin.orgId))))).sort()).toEqual(legacy.previews.map((p) => p.preview).sort());
    // The same search document as the plaintext had, so search finds the same messages.
    expect(after.messages.map((m) => m.sv)).toEqual(documents);
    expect(await search('boletos')).toEqual(found);
    expect(await search('"fatura atrasada"')).toEqual(found);

    const second = await backfillOrganization(db, secret, admin.orgId, { batch: 2, maxBatches: Infinity });
    expect(second).toEqual({ sealed: { messages: 0, previews: 0, notes: 0 }, finished: true });
    expect(await stored(admin.orgId)).toEqual(after);

    const audit = await db.select().from(auditLogs).where(and(eq(auditLogs.organizationId, admin.orgId), eq(auditLogs.action, 'encryption.backfilled')));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorType: 'system', metadata: { messages: 6, previews: 2, notes: 2 } });
  });

  it('a bounded run stops after its batches and the next one continues where plaintext is left', async () => {
    const admin = await signupOrg('Legado em partes');
    await seedLegacyContent(admin.orgId, 4);
    const runs: { sealed: Record<string, number>; finished: boolean }[] = [];
    do runs.push(await backfillOrganization(db, secret, admin.orgId, { batch: 3, maxBatches: 1 }));
    while (!runs.at(-1)!.finished);
    // 8 bodies in pages of 3: 3 + 3 + 2, the short page telling the third run it reached the end.
    expect(runs.map((r) => [r.sealed.messages, r.finished])).toEqual([[3, false], [3, false], [2, true]]);
    expect(runs[0]!.sealed).toMatchObject({ previews: 2, notes: 2 });
    expect(await plaintextLeft(admin.orgId)).toEqual({ messages: 0, notes: 0, previews: 0 });
  });

  it('leaves a body edited between its read and its write for the next run (the write matches what was read)', async () => {
    const admin = await signupOrg('Legado editado');
    const legacy = await seedLegacyContent(admin.orgId, 2);
    const edited = legacy.messages[1]!;
    const first = await backfillOrganization(db, secret, admin.orgId, {
      maxBatches: Infinity,
      beforeWrite: async (ids) => {
        if (ids.includes(edited.id)) await db.execute(sql`update messages set body = 'texto corrigido' where id = ${edited.id} and body not like 'enc:v1:%'`);
      },
    });
    expect(first.sealed.messages).toBe(3);
    const row = async () => (await db.execute<{ body: string }>(sql`select body from messages where id = ${edited.id}`)).rows[0]!.body;
    expect(await row()).toBe('texto corrigido');
    expect((await backfillOrganization(db, secret, admin.orgId, { maxBatches: Infinity })).sealed.messages).toBe(1);
    expect(await contentCrypto(db, secret, admin.orgId).open(await row(), messageContext(edited.id))).toBe('texto corrigido');
  });

  it('runs in the daily cron, which leaves rows younger than an hour for the next day', async () => {
    const admin = await signupOrg('Legado no cron');
    const legacy = await seedLegacyContent(admin.orgId, 2);
    const old = legacy.messages[0]!;
    await db.execute(sql`update messages set created_at = now() - interval '2 hours' where id = ${old.id}`);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: '0 3 * * *', scheduledTime: Date.now() }), env, ctx);
    await waitOnExecutionContext(ctx);
    const rows = (await stored(admin.orgId)).messages;
    expect(rows.filter((m) => m.body.startsWith('enc:v1:')).map((m) => m.id)).toEqual([old.id]);
    expect(await contentCrypto(db, secret, admin.orgId).open(rows.find((m) => m.id === old.id)!.body, messageContext(old.id))).toBe(old.body);
    expect(await plaintextLeft(admin.orgId)).toEqual({ messages: 3, notes: 2, previews: 2 });
  });

  it('does nothing without a master key', async () => {
    const admin = await signupOrg('Sem chave');
    await seedLegacyContent(admin.orgId, 1);
    expect(await encryptLegacyContent(undefined, db, createLogger({}, 'silent'))).toEqual({ organizations: 0, sealed: { messages: 0, previews: 0, notes: 0 }, unfinished: 0 });
    expect(await plaintextLeft(admin.orgId)).toEqual({ messages: 2, notes: 2, previews: 2 });
  });
});
