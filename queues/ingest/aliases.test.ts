// Merged contacts keep their WhatsApp identity: a number merged into another contact keeps reaching that contact
// (contact_wa_aliases, consulted by ingest when no contact owns the number), replies still go to the kept contact's
// own number, a contact that owns the number wins over an alias, chains of merges follow, erasure removes them.
// The merge itself calls recordWaAlias; here it is called as mergeContacts does, around the real merge endpoint.
import { and, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { contacts } from '../../worker/db/schema';
import { withOrg } from '../../worker/db/tx';
import { recordWaAlias } from '../../worker/domain/contact-aliases';
import { api, signupOrg, testDb, type Session } from '../../test/harness';
import * as fx from '../meta/fixtures';
import { connectChannel, customerNumber, eventually, fake, messagesOf, nowSeconds, postWebhook, type TestChannel } from '../../test/whatsapp';

const { db, pool } = testDb();
afterAll(() => pool.end());

const get = (s: Session, path: string) => api('GET', path, { token: s.accessToken });
const post = (s: Session, path: string, body: unknown) => api('POST', path, { token: s.accessToken, body });

async function writes(admin: Session, ch: TestChannel, from: string, text: string, name = 'Cliente') {
  expect((await postWebhook(fx.textMessage(text, { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, name, timestamp: nowSeconds() }))).status).toBe(200);
  return eventually(async () => (await get(admin, '/api/v1/conversations?limit=100')).body.data.find((c: any) => c.lastMessagePreview === text));
}

/** As mergeContacts does inside its transaction: the other's number and aliases go to the kept contact. */
async function merge(admin: Session, keepId: string, other: { id: string; waId: string | null }) {
  await withOrg(db, admin.orgId, (tx) => recordWaAlias(tx, admin.orgId, other.waId, keepId, other.id));
  const res = await post(admin, `/api/v1/contacts/${keepId}/merge`, { otherId: other.id });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

const contactsWith = (orgId: string, waId: string) =>
  withOrg(db, orgId, (tx) => tx.select({ id: contacts.id }).from(contacts).where(and(eq(contacts.organizationId, orgId), eq(contacts.waId, waId))));

describe('merged contacts keep their WhatsApp identity', () => {
  it('a message from the merged-away number reaches the kept contact, and replies go to the kept number', async () => {
    const admin = await signupOrg('Alias Mescla');
    const ch = await connectChannel(admin);
    const [kept, merged] = [customerNumber(), customerNumber()];
    const keptConv = await writes(admin, ch, kept, 'Oi, sou a Ana', 'Ana');
    const mergedConv = await writes(admin, ch, merged, 'Ana de novo, outro chip', 'Ana 2');
    await merge(admin, keptConv.contact.id, { id: mergedConv.contact.id, waId: merged });

    const again = await writes(admin, ch, merged, 'Mandei do outro chip de novo');
    expect(again.contact).toMatchObject({ id: keptConv.contact.id, waId: kept });
    expect(await contactsWith(admin.orgId, merged)).toEqual([]);
    // The merge left one of the two open on this channel; the message is there, not in a new conversation.
    expect([keptConv.id, mergedConv.id]).toContain(again.id);
    expect((await messagesOf(admin, again.id)).map((m) => m.body)).toContain('Mandei do outro chip de novo');

    const reply = await post(admin, `/api/v1/conversations/${again.id}/messages`, { type: 'text', text: 'Recebido, Ana!' });
    expect(reply.status).toBe(202);
    await eventually(async () => (await fake('GET', `/sent?to=${kept}`)).body.data.some((m: any) => m.request?.text?.body === 'Recebido, Ana!'));
    expect((await fake('GET', `/sent?to=${merged}`)).body.data).toEqual([]);
  });

  it('follows chains of merges, yields to a contact that owns the number, and goes with an erased contact', async () => {
    const admin = await signupOrg('Alias Cadeia');
    const ch = await connectChannel(admin);
    const [x, y, z] = [customerNumber(), customerNumber(), customerNumber()];
    const cx = (await writes(admin, ch, x, 'Sou X')).contact;
    const cy = (await writes(admin, ch, y, 'Sou Y')).contact;
    const cz = (await writes(admin, ch, z, 'Sou Z')).contact;
    await merge(admin, cx.id, { id: cy.id, waId: y });
    await merge(admin, cz.id, { id: cx.id, waId: x });
    // Y was merged into X, X into Z: both numbers reach Z.
    expect((await writes(admin, ch, y, 'Y depois das mesclas')).contact.id).toBe(cz.id);
    expect((await writes(admin, ch, x, 'X depois das mesclas')).contact.id).toBe(cz.id);

    // Someone gives Y to a contact of its own: that contact wins over the alias.
    const own = await post(admin, '/api/v1/contacts', { name: 'Dono do Y', waId: y });
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    expect((await writes(admin, ch, y, 'Agora sou do dono')).contact.id).toBe(own.body.contact.id);

    // Another organisation's number of the same digits is not theirs to follow.
    const other = await signupOrg('Alias Outra');
    const otherCh = await connectChannel(other);
    expect((await writes(other, otherCh, x, 'Mesmo número, outra empresa')).contact.id).not.toBe(cz.id);

    // Erasing Z (LGPD) takes its aliases: X writes in as a new contact.
    expect((await api('DELETE', `/api/v1/contacts/${cz.id}`, { token: admin.accessToken })).status).toBe(200);
    const fresh = (await writes(admin, ch, x, 'Voltei depois do apagamento')).contact;
    expect(fresh.id).not.toBe(cz.id);
    expect(fresh.waId).toBe(x);
  });
});
