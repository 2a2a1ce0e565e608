// End to end, as an integration would run: an API key creates a contact and writes to it (the template reaches the
// fake Meta), the customer answers through Meta's webhook, the key resolves the conversation — and the local receiver
// gets each event signed, in the REST API's shapes, checked with docs/webhooks.md's algorithm.
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as fx from '../../queues/meta/fixtures';
import { api, signupOrg, testDb } from '../../test/harness';
import { received, sinkName, sinkUrl, verifySignature, type Received } from '../../test/webhook-sink';
import { connectChannel, customerNumber, eventually, fake, nowSeconds, postWebhook } from '../../test/whatsapp';

const { db } = testDb();
const TEMPLATE = { name: 'boas_vindas', language: 'pt_BR', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Joana' }] }] };

/** Waits for an event of `type` matching `where` at the receiver. */
async function arrived(name: string, type: string, where: (data: any) => boolean = () => true): Promise<{ r: Received; event: any }> {
  return eventually(async () => {
    for (const r of await received(name)) {
      const event = JSON.parse(r.body);
      if (event.type === type && where(event.data)) return { r, event };
    }
    return null;
  });
}

describe('outgoing webhooks, end to end with an API key', () => {
  it('delivers contact, conversation and message events from the API and from Meta, signed', async () => {
    const admin = await signupOrg('Ateliê Webhook');
    const ch = await connectChannel(admin);
    await fake('POST', '/templates', { wabaId: ch.wabaId, name: 'boas_vindas', language: 'pt_BR', components: [{ type: 'BODY', text: 'Olá {{1}}! Aqui é do Ateliê.' }] });
    expect((await api('POST', `/api/v1/channels/${ch.id}/templates/sync`, { token: admin.accessToken })).status).toBe(200);

    const minted = await api('POST', '/api/v1/api-keys', { token: admin.accessToken, body: { name: 'Integração', scopes: ['read', 'write', 'send', 'admin'] } });
    expect(minted.status).toBe(201);
    const key = minted.body.key as string;
    const asKey = (method: string, path: string, body?: unknown) => api(method, path, { token: key, body });

    const name = sinkName();
    const ep = await asKey('POST', '/api/v1/webhook-endpoints', {
      url: sinkUrl(name),
      events: ['message.created', 'message.updated', 'conversation.created', 'conversation.resolved', 'contact.created'],
    });
    expect(ep.status, JSON.stringify(ep.body)).toBe(201);
    const secret = ep.body.secret as string;

    // The key creates a contact and writes first (a template).
    const waId = customerNumber();
    const contact = await asKey('POST', '/api/v1/contacts', { name: 'Joana Prado', phone: `+${waId}` });
    expect(contact.status, JSON.stringify(contact.body)).toBe(201);
    const started = await asKey('POST', '/api/v1/conversations', { contactId: contact.body.contact.id, channelId: ch.id, template: TEMPLATE });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const conversationId = started.body.conversation.id as string;
    await eventually(async () => (await fake('GET', `/sent?to=${waId}`)).body.data[0]);

    const contactEvent = await arrived(name, 'contact.created');
    expect(contactEvent.event.data).toEqual(contact.body.contact);
    const opened = await arrived(name, 'conversation.created', (d) => d.id === conversationId);
    expect(opened.event.data).toMatchObject({ id: conversationId, contact: { waId } });
    const outbound = await arrived(name, 'message.created', (d) => d.direction === 'outbound');
    expect(outbound.event.data).toEqual(JSON.parse(JSON.stringify(started.body.message)));

    // Every delivery: signed over "<t>.<raw body>", the event in a header, a delivery id, the documented envelope.
    for (const { r, event } of [contactEvent, opened, outbound]) {
      expect(await verifySignature(secret, r.headers['x-conversa-signature']!, r.body)).toBe(true);
      expect(await verifySignature(`${secret}x`, r.headers['x-conversa-signature']!, r.body)).toBe(false);
      expect(await verifySignature(secret, r.headers['x-conversa-signature']!, r.body, 300, Date.now() + 600_000)).toBe(false);
      expect(r.headers['x-conversa-event']).toBe(event.type);
      expect(r.headers['x-conversa-delivery']).toMatch(/^[0-9a-f-]{36}$/);
      expect(Object.keys(event).sort()).toEqual(['createdAt', 'data', 'id', 'organizationId', 'type']);
      expect(event.organizationId).toBe(admin.orgId);
    }

    // Meta reports the template delivered: message.updated.
    const wamid = await eventually(async () => {
      const list = await asKey('GET', `/api/v1/conversations/${conversationId}/messages`);
      return list.body.data.find((m: any) => m.id === started.body.message.id)?.providerMessageId;
    });
    expect((await postWebhook(fx.statusWebhook('delivered', { id: wamid, recipientId: waId, phoneNumberId: ch.phoneNumberId, wabaId: ch.wabaId, timestamp: nowSeconds() }))).status).toBe(200);
    await arrived(name, 'message.updated', (d) => d.id === started.body.message.id && d.status === 'delivered');

    // The customer answers through Meta's webhook: message.created from the ingest consumer.
    const answer = await postWebhook(fx.textMessage('Oi! Quero encomendar.', { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from: waId, timestamp: nowSeconds() }));
    expect(answer.status).toBe(200);
    const inbound = await arrived(name, 'message.created', (d) => d.direction === 'inbound');
    expect(inbound.event.data).toMatchObject({ conversationId, body: 'Oi! Quero encomendar.', kind: 'text' });
    expect(await verifySignature(secret, inbound.r.headers['x-conversa-signature']!, inbound.r.body)).toBe(true);

    // A new customer writing first opens a conversation there: conversation.created from ingest too.
    const stranger = customerNumber();
    await postWebhook(fx.textMessage('Bom dia', { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from: stranger, timestamp: nowSeconds() }));
    await arrived(name, 'conversation.created', (d) => d.contact?.waId === stranger);
    await arrived(name, 'message.created', (d) => d.body === 'Bom dia');

    // The key resolves the conversation.
    expect((await asKey('PATCH', `/api/v1/conversations/${conversationId}`, { status: 'resolved' })).status).toBe(200);
    const resolved = await arrived(name, 'conversation.resolved', (d) => d.id === conversationId);
    expect(resolved.event.data.status).toBe('resolved');

    // What the key did is in the audit trail under its name, and its use is recorded.
    const audit = await db.execute(sql`select action from audit_logs where organization_id = ${admin.orgId} and actor_api_key_id = ${minted.body.apiKey.id} order by created_at`);
    expect(audit.rows.map((r: any) => r.action)).toEqual(expect.arrayContaining(['webhook_endpoint.created', 'contact.created']));
    expect((await api('GET', '/api/v1/api-keys', { token: admin.accessToken })).body.data[0].lastUsedAt).not.toBeNull();
  });
});
