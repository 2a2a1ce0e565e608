// Encryption at rest on the ingest path (issue 21 §4): customers' messages from Meta (the one-statement path) and the
// business's own phone through Evolution (the general path) are stored with sealed bodies and previews; no column of
// any table holds their text afterwards but the search document, which search still uses; reads get the plaintext.
import { env } from 'cloudflare:test';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as evo from '../evolution/fixtures';
import * as fx from '../meta/fixtures';
import { drainQueues } from '../../test/drain';
import { connectEvolution, evolutionNumber, postEvolution } from '../../test/evolution';
import { api, signupOrg, testDb } from '../../test/harness';
import { connectChannel, customerNumber, eventually, nowSeconds, postWebhook } from '../../test/whatsapp';
import { conversations, messages } from '../../worker/db/schema';
import { contentCrypto, messageContext, previewContext } from '../../worker/domain/content-crypto';
import { keyIdOf } from '../../worker/lib/envelope';
import { plaintextHits } from '../../test/at-rest';

const { db } = testDb();
const word = () => `zq${crypto.randomUUID().replace(/-/g, '').slice(0, 10)}`;

describe('ingest stores content sealed', () => {
  it('customers’ messages (one-statement path) and our own phone’s (general path): sealed bodies and previews, plaintext to readers, search still finds them', async () => {
    const admin = await signupOrg('Cofre Ingest');
    const meta = await connectChannel(admin);
    const evolution = await connectEvolution(admin, { scan: false });
    const [a, b, c] = [word(), word(), word()];
    const from = customerNumber();
    const first = fx.textMessage(`O pedido ${a} chegou quebrado`, { from, phoneNumberId: meta.phoneNumberId, timestamp: nowSeconds(-5) });
    const firstId = (first.entry[0]!.changes[0]!.value as any).messages[0].id as string;
    expect((await postWebhook(first)).status).toBe(200);
    const reply = fx.textMessage(`Foto do ${b} em anexo`, { from, phoneNumberId: meta.phoneNumberId, context: { from, id: firstId }, timestamp: nowSeconds() });
    expect((await postWebhook(reply)).status).toBe(200);
    const evoFrom = evolutionNumber();
    expect((await postEvolution(evolution, evo.text('Oi, tudo bem?', { from: evoFrom }))).status).toBe(200);
    const mine = evo.text(`Segue o código ${c} da troca`, { from: evoFrom, fromMe: true });
    expect((await postEvolution(evolution, mine)).status).toBe(200);
    await drainQueues();

    const rows = await eventually(async () => {
      const found = await db.select().from(messages).where(and(eq(messages.organizationId, admin.orgId), inArray(messages.direction, ['inbound', 'outbound'])));
      return found.length >= 4 && found;
    });
    const crypto = contentCrypto(db, env.ENCRYPTION_MASTER_KEYS, admin.orgId);
    const keyId = await crypto.activeKeyId();
    for (const m of rows) {
      expect(m.body, 'every body sealed').toMatch(/^enc:v1:/);
      expect(keyIdOf(m.body!)).toBe(keyId);
    }
    const texts = await Promise.all(rows.map((m) => crypto.open(m.body!, messageContext(m.id))));
    expect(texts).toEqual(expect.arrayContaining([`O pedido ${a} chegou quebrado`, `Foto do ${b} em anexo`, `Segue o código ${c} da troca`]));
    // The search document is computed from the plaintext: present, and holding the word.
    const docs = await db.execute<{ id: string; has: boolean }>(sql`select id, search_vector @@ public.conversa_tsquery(${a}) as has from messages where organization_id = ${admin.orgId}`);
    expect(docs.rows.filter((r) => r.has)).toHaveLength(1);

    const convs = await db.select().from(conversations).where(eq(conversations.organizationId, admin.orgId));
    expect(convs.length).toBe(2);
    for (const cv of convs) expect(cv.lastMessagePreview).toMatch(/^enc:v1:/);
    expect(await Promise.all(convs.map((cv) => crypto.open(cv.lastMessagePreview!, previewContext(admin.orgId))))).toEqual(
      expect.arrayContaining([`Foto do ${b} em anexo`, `Segue o código ${c} da troca`]),
    );

    // Nowhere else in the database either (raw bodies and dead letters would show here).
    for (const needle of [a, b, c]) expect(await plaintextHits(db, needle), needle).toEqual([]);

    // Search: found through the document, snippet cut from the opened body.
    const found = await api('GET', `/api/v1/search?q=${a}&type=messages`, { token: admin.accessToken });
    expect(found.status).toBe(200);
    expect(found.body.messages).toHaveLength(1);
    expect(found.body.messages[0].snippet).toContain(`<mark>${a}</mark>`);
    expect(found.body.messages[0].snippet).toContain('quebrado');
  });

  it('a body moved to another row does not open there: the reader gets a placeholder, not another message’s text', async () => {
    const admin = await signupOrg('Cofre Troca');
    const meta = await connectChannel(admin);
    const from = customerNumber();
    for (const text of ['primeira mensagem', 'segunda mensagem']) {
      expect((await postWebhook(fx.textMessage(text, { from, phoneNumberId: meta.phoneNumberId }))).status).toBe(200);
    }
    const rows = await eventually(async () => {
      const found = await db.select().from(messages).where(eq(messages.organizationId, admin.orgId));
      return found.length === 2 && found;
    });
    const crypto = contentCrypto(db, env.ENCRYPTION_MASTER_KEYS, admin.orgId);
    expect(await crypto.open(rows[0]!.body!, messageContext(rows[1]!.id))).toBe('[conteúdo ilegível]');
    expect(await crypto.open(rows[0]!.body!, messageContext(rows[0]!.id))).toMatch(/mensagem$/);
  });
});
