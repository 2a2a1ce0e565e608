// Platform super admins operating an organisation's content encryption (issue 21 §4): who may, what the status
// shows, rotation (old content still opens, new content uses the new key), crypto-shredding (content reads as the
// placeholder, search documents and previews are gone, counts), and the audit trail of each.
import { env } from 'cloudflare:test';
import { and, eq, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, api, signupOrg, testDb, type Session } from '../../test/harness';
import { seedLegacyContent } from '../../test/legacy-content';
import { auditLogs, organizations } from '../db/schema';
import { contentCrypto, messageContext, noteContext } from '../domain/content-crypto';
import { forgetOrganizationKeys, SHREDDED_PLACEHOLDER } from '../domain/organization-keys';
import { backfillOrganization } from '../jobs/encrypt-backfill';
import { keyIdOf } from '../lib/envelope';

const { db } = testDb();
const secret = env.ENCRYPTION_MASTER_KEYS!;
const base = (orgId: string) => `/api/v1/admin/organizations/${orgId}/encryption`;
const status = (s: Session, orgId: string) => api('GET', base(orgId), { token: s.accessToken });
const rotate = (s: Session, orgId: string) => api('POST', `${base(orgId)}/rotate`, { token: s.accessToken });
const shred = (s: Session, orgId: string, confirm: string) => api('POST', `${base(orgId)}/shred`, { token: s.accessToken, body: { confirm } });
const trail = (orgId: string, action: string) =>
  db.select().from(auditLogs).where(and(eq(auditLogs.organizationId, orgId), eq(auditLogs.action, action as 'encryption.viewed')));

describe('platform: an organisation’s encryption keys', () => {
  let root: Session;
  beforeAll(async () => {
    const home = await signupOrg('Plataforma');
    root = await addMember(home.orgId, 'agent', { superAdmin: true });
  });

  it('is for platform super admins only, and an unknown organisation is a 404', async () => {
    const customer = await signupOrg('Cliente');
    const members = [customer, await addMember(customer.orgId, 'manager'), await addMember(customer.orgId, 'agent')];
    for (const s of members) {
      for (const res of [await status(s, customer.orgId), await rotate(s, customer.orgId), await shred(s, customer.orgId, customer.orgId)]) {
        expect(res.status, JSON.stringify(res.body)).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
      }
    }
    expect((await api('GET', base(customer.orgId))).status).toBe(401);
    // Nothing happened to the keys.
    expect((await status(root, customer.orgId)).body.keys.every((k: { destroyedAt: string | null }) => k.destroyedAt === null)).toBe(true);

    const unknown = crypto.randomUUID();
    for (const res of [await status(root, unknown), await rotate(root, unknown), await shred(root, unknown, unknown)]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect((await status(root, 'not-a-uuid')).status).toBe(400);
    expect((await api('POST', `${base(customer.orgId)}/shred`, { token: root.accessToken, body: {} })).status).toBe(400);
  });

  it('shows the keys and the plaintext left; rotation keeps old content readable and new content uses a new key', async () => {
    const customer = await signupOrg('Rotação');
    const legacy = await seedLegacyContent(customer.orgId, 2);
    const crypto1 = contentCrypto(db, secret, customer.orgId);
    const before = await crypto1.seal('combinado: entrega na sexta', messageContext('m-antes'));

    const s0 = await status(root, customer.orgId);
    expect(s0.status, JSON.stringify(s0.body)).toBe(200);
    expect(s0.body).toMatchObject({ organizationId: customer.orgId, configured: true, currentMasterKeyId: secret.split(':')[0], activeKeyId: keyIdOf(before) });
    expect(s0.body.keys).toEqual([expect.objectContaining({ keyId: keyIdOf(before), masterKeyId: 'dev1', retiredAt: null, destroyedAt: null })]);
    expect(s0.body.plaintext).toEqual({ messageBodies: legacy.messages.length, notes: 2, previews: 2 });

    const r = await rotate(root, customer.orgId);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.retiredKeyIds).toEqual([keyIdOf(before)]);
    expect(r.body.activeKeyId).not.toBe(keyIdOf(before));

    // Another isolate's cached active key ages out (CACHE_TTL_MS); here we forget it at once.
    forgetOrganizationKeys(customer.orgId);
    const crypto2 = contentCrypto(db, secret, customer.orgId);
    const after = await crypto2.seal('novo endereço: rua B', messageContext('m-depois'));
    expect(keyIdOf(after)).toBe(r.body.activeKeyId);
    expect(await crypto2.open(before, messageContext('m-antes'))).toBe('combinado: entrega na sexta');
    expect(await crypto2.open(after, messageContext('m-depois'))).toBe('novo endereço: rua B');

    const s1 = (await status(root, customer.orgId)).body;
    expect(s1.activeKeyId).toBe(r.body.activeKeyId);
    expect(s1.keys.map((k: { keyId: string; retiredAt: string | null }) => [k.keyId, k.retiredAt !== null])).toEqual([
      [r.body.activeKeyId, false],
      [keyIdOf(before), true],
    ]);

    const viewed = await trail(customer.orgId, 'encryption.viewed');
    expect(viewed).toHaveLength(2);
    const [rotated] = await trail(customer.orgId, 'encryption.key_rotated');
    expect(rotated).toMatchObject({ actorUserId: root.userId, actorType: 'super_admin', targetType: 'organization', targetId: customer.orgId });
    expect(rotated!.metadata).toEqual({ retiredKeyIds: [keyIdOf(before)], activeKeyId: r.body.activeKeyId });
    // The organisation's own admins see it in their trail.
    const seen = await api('GET', '/api/v1/audit-logs?action=encryption.', { token: customer.accessToken });
    expect(seen.body.data.map((a: { action: string }) => a.action)).toEqual(expect.arrayContaining(['encryption.key_rotated', 'encryption.viewed']));
  });

  it('shreds: every key destroyed, content reads as the placeholder, search documents and previews cleared', async () => {
    const customer = await signupOrg('Trituração');
    const legacy = await seedLegacyContent(customer.orgId, 3);
    await backfillOrganization(db, secret, customer.orgId, { maxBatches: Infinity });
    // One more plaintext body, as a message written by an old deployment after the backfill: shredding cannot reach it.
    await db.execute(sql`
      insert into messages (id, organization_id, conversation_id, direction, kind, body, status)
      values (${uuidv7()}, ${customer.orgId}, ${legacy.conversationIds[0]}, 'inbound', 'text', 'boleto em texto puro', 'received')`);
    const search = async () => (await api('GET', '/api/v1/search?q=boleto&type=messages', { token: customer.accessToken })).body.messages as { id: string }[];
    expect(await search()).toHaveLength(legacy.messages.length + 1);
    const [org] = await db.select().from(organizations).where(eq(organizations.id, customer.orgId));

    const wrong = await shred(root, customer.orgId, 'outra-empresa');
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('confirmation_mismatch');
    expect((await status(root, customer.orgId)).body.activeKeyId).not.toBeNull();

    const res = await shred(root, customer.orgId, org!.slug);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      organizationId: customer.orgId,
      keysDestroyed: 1,
      searchDocumentsCleared: legacy.messages.length + 1,
      previewsCleared: 2,
      plaintextRemaining: { messageBodies: 1, notes: 0, previews: 0 },
    });

    forgetOrganizationKeys(customer.orgId);
    const cc = contentCrypto(db, secret, customer.orgId);
    const { rows } = await db.execute<{ id: string; body: string; search_vector: string | null }>(
      sql`select id, body, search_vector::text from messages where organization_id = ${customer.orgId}`,
    );
    expect(rows.every((m) => m.search_vector === null)).toBe(true);
    for (const m of legacy.messages) expect(await cc.open(rows.find((r) => r.id === m.id)!.body, messageContext(m.id))).toBe(SHREDDED_PLACEHOLDER);
    const notes = await db.execute<{ id: string; body: string }>(sql`select id, body from contact_notes where organization_id = ${customer.orgId}`);
    for (const n of notes.rows) expect(await cc.open(n.body, noteContext(n.id))).toBe(SHREDDED_PLACEHOLDER);
    const previews = await db.execute<{ p: string | null }>(sql`select last_message_preview as p from conversations where organization_id = ${customer.orgId}`);
    expect(previews.rows.map((r) => r.p)).toEqual([null, null]);
    expect(await search()).toEqual([]);

    const after = (await status(root, customer.orgId)).body;
    expect(after.activeKeyId).toBeNull();
    expect(after.keys).toEqual([expect.objectContaining({ masterKeyId: null, destroyedAt: expect.any(String) })]);
    const [shredded] = await trail(customer.orgId, 'encryption.shredded');
    expect(shredded).toMatchObject({ actorUserId: root.userId, actorType: 'super_admin', targetId: customer.orgId });
    expect(shredded!.metadata).toMatchObject({ keysDestroyed: 1, previewsCleared: 2 });

    // The id confirms as well as the slug; shredding again destroys nothing more.
    const again = await shred(root, customer.orgId, customer.orgId);
    expect(again.body).toMatchObject({ keysDestroyed: 0, searchDocumentsCleared: 0, previewsCleared: 0 });
  });
});
