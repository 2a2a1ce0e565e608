import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMeta } from './index';
import { APP_SECRET, CUSTOMER, graph, NUMBER, startReceiver, startTestFake, statusesOf, textTo, type Receiver } from './test-support';
import { verifySignature } from './webhooks';

let receiver: Receiver;
let fake: FakeMeta;
const messages = `/${NUMBER.phoneNumberId}/messages`;

beforeAll(async () => {
  receiver = await startReceiver();
  fake = await startTestFake(receiver.url, { statusDelayMs: 5 });
});
afterEach(async () => {
  await fake.settled();
  fake.reset();
  fake.configure({ autoStatuses: true, webhookRetries: 2 });
  receiver.respondWith(200);
  receiver.received.length = 0;
});
afterAll(async () => {
  await fake.close();
  await receiver.close();
});

async function sendText(body = 'Seu pedido saiu para entrega') {
  fake.setWindow({ phoneNumberId: NUMBER.phoneNumberId, waId: CUSTOMER, open: true });
  const res = await graph(fake, messages, { body: textTo(CUSTOMER, body) });
  expect(res.status).toBe(200);
  return res.body.messages![0]!.id;
}

describe('automatic status callbacks', () => {
  it('posts sent → delivered → read for each send, in order, signed', async () => {
    const wamid = await sendText();
    const all = await receiver.waitFor((r) => statusesOf(r, wamid).length === 3);
    const statuses = statusesOf(all, wamid);
    expect(statuses.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    expect(statuses[0]).toMatchObject({
      recipient_id: CUSTOMER,
      conversation: { id: expect.any(String), expiration_timestamp: expect.any(String), origin: { type: 'service' } },
      pricing: { pricing_model: 'PMP', category: 'service', type: 'free_customer_service' },
    });
    expect(statuses[1]!.conversation).not.toHaveProperty('expiration_timestamp');
    expect(Number(statuses[2]!.timestamp)).toBeGreaterThanOrEqual(Number(statuses[0]!.timestamp));
    for (const r of all) expect(verifySignature(r.raw, r.headers['x-hub-signature-256'] as string, APP_SECRET)).toBe(true);
    expect(fake.sentMessages()[0]!.status).toBe('read');
  });

  it('keeps each message’s statuses in order when several are in flight', async () => {
    const ids = [await sendText('um'), await sendText('dois'), await sendText('três')];
    const all = await receiver.waitFor((r) => ids.every((id) => statusesOf(r, id).length === 3));
    for (const id of ids) expect(statusesOf(all, id).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
  });

  it('sends only `sent` for reactions, as Meta does', async () => {
    fake.setWindow({ phoneNumberId: NUMBER.phoneNumberId, waId: CUSTOMER, open: true });
    const res = await graph(fake, messages, { body: { messaging_product: 'whatsapp', to: CUSTOMER, type: 'reaction', reaction: { message_id: 'wamid.X', emoji: '🙏' } } });
    await fake.settled();
    expect(statusesOf(receiver.received, res.body.messages![0]!.id).map((s) => s.status)).toEqual(['sent']);
  });

  it('posts nothing with autoStatuses off, and lets a test post statuses by hand', async () => {
    fake.configure({ autoStatuses: false });
    const wamid = await sendText();
    await fake.settled();
    expect(statusesOf(receiver.received, wamid)).toEqual([]);
    const res = await fetch(`${fake.url}/_fake/statuses`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ messageId: wamid, status: 'delivered' }),
    });
    expect(res.status).toBe(200);
    expect(statusesOf(receiver.received, wamid).map((s) => s.status)).toEqual(['delivered']);
  });

  it('retries while the receiver answers 5xx, like Meta', async () => {
    fake.configure({ autoStatuses: false });
    const wamid = await sendText();
    receiver.respondWith(503);
    const pending = fetch(`${fake.url}/_fake/statuses`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ messageId: wamid, status: 'sent' }),
    });
    await receiver.waitFor((r) => r.length >= 1);
    receiver.respondWith(200);
    const { delivery } = (await (await pending).json()) as { delivery: { status: number; attempts: number } };
    expect(delivery).toMatchObject({ status: 200, attempts: 2 });
  });
});

describe('forced failures', () => {
  it('async: 200, then a failed status with the configured code and details, and no other status', async () => {
    fake.failNext({ code: 131026, delivery: 'async', details: 'Cliente sem WhatsApp' });
    const wamid = await sendText();
    const all = await receiver.waitFor((r) => statusesOf(r, wamid).length >= 1);
    await fake.settled();
    expect(statusesOf(all, wamid)).toEqual([expect.objectContaining({
      status: 'failed',
      errors: [{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable', error_data: { details: 'Cliente sem WhatsApp' }, href: expect.any(String) }],
    })]);
    expect(fake.sentMessages()[0]).toMatchObject({ status: 'failed', error: { code: 131026 } });
  });

  it('sync: the Graph call fails with Meta’s envelope and the code’s HTTP status, once', async () => {
    fake.failNext({ code: 131000, delivery: 'sync' });
    fake.setWindow({ phoneNumberId: NUMBER.phoneNumberId, waId: CUSTOMER, open: true });
    const res = await graph(fake, messages, { body: textTo(CUSTOMER) });
    expect(res.status).toBe(500);
    expect(res.body.error).toEqual({
      message: '(#131000) Something went wrong', type: 'OAuthException', code: 131000,
      error_data: { messaging_product: 'whatsapp', details: expect.any(String) }, fbtrace_id: expect.any(String),
    });
    expect((await graph(fake, messages, { body: textTo(CUSTOMER) })).status).toBe(200);
  });

  it('follows config.errorDelivery for the code when the failure does not say, and can target one customer', async () => {
    const other = '5511900000009';
    fake.failNext({ code: 131047, to: other });
    const untouched = await sendText();
    fake.setWindow({ phoneNumberId: NUMBER.phoneNumberId, waId: other, open: true });
    const res = await graph(fake, messages, { body: textTo(other) });
    expect(res.status).toBe(200); // 131047 is asynchronous by default
    const wamid = res.body.messages![0]!.id;
    await receiver.waitFor((r) => statusesOf(r, wamid).some((s) => s.errors?.[0]?.code === 131047));
    await fake.settled();
    expect(statusesOf(receiver.received, untouched).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);

    fake.configure({ errorDelivery: { 131047: 'sync' } });
    fake.failNext({ code: 131047 });
    expect((await graph(fake, messages, { body: textTo(other) })).body.error!.code).toBe(131047);
    fake.configure({ errorDelivery: { 131047: 'async' } });
  });
});
