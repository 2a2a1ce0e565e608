// Routes kept in the isolate (routes.ts) are a guess the store checks in its transaction: a channel disabled after its
// route was cached stores nothing more (its webhooks are routed again and kept as unroutable, not lost), and a
// channel's settings changed after it (the menu bot here) apply from the very next message. Real worker, queues,
// Postgres and the fake Meta.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as fx from '../meta/fixtures';
import * as evo from '../evolution/fixtures';
import { channels, messages, unroutableEvents } from '../../worker/db/schema';
import { DEFAULT_BOT } from '../../worker/schemas/service-desk';
import { api, signupOrg, testDb } from '../../test/harness';
import { connectEvolution, postEvolution } from '../../test/evolution';
import { connectChannel, customerNumber, eventually, fake, nowSeconds, postWebhook, type TestChannel } from '../../test/whatsapp';

const { db } = testDb();

const says = async (ch: TestChannel, from: string, text: string) => {
  const id = fx.wamid();
  const res = await postWebhook(fx.textMessage(text, { id, phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, timestamp: nowSeconds() }));
  expect(res.status).toBe(200);
  return id;
};
const stored = async (wamid: string) => (await db.select({ id: messages.id }).from(messages).where(eq(messages.providerMessageId, wamid))).length;

describe('cached routes', () => {
  it('store nothing more for a channel disabled after its route was cached: routed again, kept as unroutable', async () => {
    const admin = await signupOrg('Rota Guardada');
    const ch = await connectChannel(admin);
    const from = customerNumber();
    const first = await says(ch, from, 'Primeira mensagem');
    await eventually(async () => (await stored(first)) === 1);

    expect((await api('PATCH', `/api/v1/channels/${ch.id}`, { token: admin.accessToken, body: { status: 'disabled' } })).status).toBe(200);
    const second = await says(ch, from, 'Segunda, com o número desligado');
    const kept = await eventually(async () => {
      const rows = await db.select().from(unroutableEvents).where(and(eq(unroutableEvents.phoneNumberId, ch.phoneNumberId), eq(unroutableEvents.reason, 'unknown_phone_number_id')));
      return rows.length === 1 ? rows : undefined;
    });
    expect(JSON.stringify(kept[0]!.payload)).toContain(second);
    // Recorded as unroutable only once it was not stored: the same pass decided both.
    expect(await stored(second)).toBe(0);
  });

  it('apply a channel’s settings changed after its route was cached from the next message (the menu bot)', async () => {
    const admin = await signupOrg('Bot Ligado Depois');
    const ch = await connectChannel(admin);
    const ana = customerNumber();
    const first = await says(ch, ana, 'Oi, antes do bot');
    await eventually(async () => (await stored(first)) === 1);

    const dep = await api('POST', '/api/v1/departments', { token: admin.accessToken, body: { name: 'Vendas', color: '#2563eb', greeting: null, memberIds: [] } });
    expect(dep.status).toBe(201);
    const put = await api('PUT', `/api/v1/channels/${ch.id}/automation`, {
      token: admin.accessToken,
      body: { bot: { ...DEFAULT_BOT, enabled: true, options: [{ label: 'Vendas', departmentId: dep.body.department.id }] } },
    });
    expect(put.status).toBe(200);
    // A new customer's first message: the bot, now on, greets with its menu.
    const bruno = customerNumber();
    await says(ch, bruno, 'Oi, depois do bot');
    const menu = await eventually(async () => ((await fake('GET', `/sent?to=${bruno}`)).body.data as { type: string }[]).find((m) => m.type === 'interactive'));
    expect(menu).toBeTruthy();
  });

  it('route a disabled Evolution channel’s connection news again: kept as unroutable, the channel left as it is', async () => {
    const admin = await signupOrg('Evolution Desligado');
    const ch = await connectEvolution(admin, { scan: false });
    const qr = evo.qrcode('2@primeiro');
    qr.instance = ch.instanceName;
    expect((await postEvolution(ch, qr)).status).toBe(200);
    await eventually(async () => (await db.select().from(channels).where(eq(channels.id, ch.id)))[0]?.qrUpdatedAt);

    expect((await api('DELETE', `/api/v1/channels/${ch.id}`, { token: admin.accessToken })).status).toBe(200);
    const open = evo.connection('open');
    open.instance = ch.instanceName;
    expect((await postEvolution(ch, open)).status).toBe(200);
    await eventually(async () => {
      const rows = await db.select().from(unroutableEvents).where(eq(unroutableEvents.reason, 'unknown_or_disabled_evolution_channel'));
      return rows.some((r) => JSON.stringify(r.payload).includes(ch.id));
    });
    const [row] = await db.select().from(channels).where(eq(channels.id, ch.id));
    expect(row).toMatchObject({ status: 'disabled', connectionState: 'close' });
  });
});
