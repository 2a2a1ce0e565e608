import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as fx from '../../queues/meta/fixtures';
import { drainQueues } from '../../test/drain';
import { addMember, api, signupOrg, testDb, type Session } from '../../test/harness';
import { connectChannel, conversationOf, customerNumber, eventually, fake, messagesOf, nowSeconds, postWebhook, type TestChannel } from '../../test/whatsapp';
import { deadLetters, users } from '../db/schema';
import { env } from 'cloudflare:test';

const { db } = testDb();

describe('replies to WhatsApp', () => {
  let admin: Session;
  let ch: TestChannel;
  beforeAll(async () => {
    admin = await signupOrg('Floricultura');
    ch = await connectChannel(admin);
  });
  const o = (from: string, offset = 0) => ({ phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, timestamp: nowSeconds(offset) });

  /** A customer wrote (the fake Meta knows it too, so its window matches ours). */
  async function customerWrote(offsetSeconds = 0) {
    const from = customerNumber();
    await postWebhook(fx.textMessage('Bom dia!', o(from, offsetSeconds)));
    await fake('POST', '/window', { phoneNumberId: ch.phoneNumberId, waId: from, lastInboundAt: new Date(Date.now() + offsetSeconds * 1000).toISOString() });
    return { from, conv: await conversationOf(admin, from) };
  }
  const send = (convId: string, body: unknown, s = admin) => api('POST', `/api/v1/conversations/${convId}/messages`, { token: s.accessToken, body });
  const find = async (convId: string, id: string) => (await messagesOf(admin, convId)).find((m) => m.id === id);

  it('queues a reply, sends it through the Graph API and records the wamid; statuses never go backwards', async () => {
    const { from, conv } = await customerWrote();
    const res = await send(conv.id, { type: 'text', text: 'Bom dia! Temos rosas 🌹', clientId: crypto.randomUUID() });
    expect(res.status).toBe(202);
    expect(res.body.message).toMatchObject({ status: 'queued', direction: 'outbound', body: 'Bom dia! Temos rosas 🌹' });
    const sent = await eventually(async () => (await find(conv.id, res.body.message.id))?.providerMessageId && (await find(conv.id, res.body.message.id)));
    const atMeta = (await fake('GET', `/sent?to=${from}`)).body.data;
    expect(atMeta).toHaveLength(1);
    expect(atMeta[0]).toMatchObject({ id: sent.providerMessageId, request: { type: 'text', text: { body: 'Bom dia! Temos rosas 🌹' } } });

    // read arrives before delivered: the message ends read, with both times set.
    const st = (value: string, offset: number) => fx.status(value, { id: sent.providerMessageId, recipientId: from, timestamp: nowSeconds(offset) });
    await postWebhook(fx.statusesWebhook([st('read', 2)], { phoneNumberId: ch.phoneNumberId }));
    await eventually(async () => (await find(conv.id, sent.id))?.status === 'read');
    await postWebhook(fx.statusesWebhook([st('delivered', 1), st('sent', 0)], { phoneNumberId: ch.phoneNumberId }));
    await postWebhook(fx.statusesWebhook([st('failed', 3)], { phoneNumberId: ch.phoneNumberId }));
    await drainQueues();
    const final = await find(conv.id, sent.id);
    expect(final).toMatchObject({ status: 'read', error: null });
    expect(final.deliveredAt).toBeTruthy();
    expect(final.readAt).toBeTruthy();
  });

  it('is idempotent per client id', async () => {
    const { conv } = await customerWrote();
    const clientId = crypto.randomUUID();
    const first = await send(conv.id, { type: 'text', text: 'Uma vez só', clientId });
    const again = await send(conv.id, { type: 'text', text: 'Uma vez só', clientId });
    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(again.body.message.id).toBe(first.body.message.id);
    expect((await messagesOf(admin, conv.id)).filter((m) => m.direction === 'outbound' && m.kind !== 'system')).toHaveLength(1);
  });

  it('syncs the channel’s approved templates from the Graph API', async () => {
    await fake('POST', '/templates', {
      wabaId: ch.wabaId,
      name: 'retomar_contato',
      language: 'pt_BR',
      components: [{ type: 'BODY', text: 'Olá {{1}}, podemos continuar seu atendimento?' }],
    });
    const sync = await api('POST', `/api/v1/channels/${ch.id}/templates/sync`, { token: admin.accessToken });
    expect(sync.status).toBe(200);
    expect(sync.body.synced).toBeGreaterThanOrEqual(1);
    const list = await api('GET', `/api/v1/templates?channelId=${ch.id}`, { token: admin.accessToken });
    expect(list.body.data).toContainEqual(expect.objectContaining({ name: 'retomar_contato', language: 'pt_BR', status: 'APPROVED' }));
    // Syncing again updates in place.
    expect((await api('POST', `/api/v1/channels/${ch.id}/templates/sync`, { token: admin.accessToken })).body.synced).toBe(sync.body.synced);
    expect((await api('GET', `/api/v1/templates?channelId=${ch.id}`, { token: admin.accessToken })).body.data).toHaveLength(list.body.data.length);
  });

  it('refuses free text outside the 24 h window with 422 window_closed, and sends a template', async () => {
    await fake('POST', '/templates', {
      wabaId: ch.wabaId,
      name: 'retomar_contato',
      language: 'pt_BR',
      components: [{ type: 'BODY', text: 'Olá {{1}}, podemos continuar seu atendimento?' }],
    });
    const { from, conv } = await customerWrote(-2 * 24 * 3600);
    const text = await send(conv.id, { type: 'text', text: 'Oi de novo' });
    expect(text.status).toBe(422);
    expect(text.body.error.code).toBe('window_closed');
    const template = await send(conv.id, {
      type: 'template',
      template: { name: 'retomar_contato', language: 'pt_BR', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Maria' }] }] },
    });
    expect(template.status).toBe(202);
    // What the customer read, not the template's name.
    expect(template.body.message).toMatchObject({ kind: 'template', body: 'Olá Maria, podemos continuar seu atendimento?' });
    const row = (await api('GET', '/api/v1/conversations?limit=100', { token: admin.accessToken })).body.data.find((c: { id: string }) => c.id === conv.id);
    expect(row.lastMessagePreview).toBe('Olá Maria, podemos continuar seu atendimento?');
    await eventually(async () => (await fake('GET', `/sent?to=${from}`)).body.data.length === 1);
  });

  it('marks the message failed with Meta’s reason on 131047, without retrying', async () => {
    const { from, conv } = await customerWrote();
    await fake('POST', '/fail-next', { code: 131047, to: from, delivery: 'sync' });
    const res = await send(conv.id, { type: 'text', text: 'Vai falhar' });
    const failed = await eventually(async () => {
      const m = await find(conv.id, res.body.message.id);
      return m?.status === 'failed' ? m : null;
    });
    expect(failed.error).toMatchObject({ code: 131047, title: expect.any(String), detail: expect.stringMatching(/24/) });
    expect((await fake('GET', `/sent?to=${from}`)).body.data).toHaveLength(0);
  });

  it('retries a rate-limited send and then succeeds', async () => {
    const { from, conv } = await customerWrote();
    await fake('POST', '/fail-next', { code: 130429, to: from, delivery: 'sync' });
    const res = await send(conv.id, { type: 'text', text: 'Depois do limite' });
    const ok = await eventually(async () => (await find(conv.id, res.body.message.id))?.providerMessageId);
    expect(ok).toMatch(/^wamid\./);
    expect((await find(conv.id, res.body.message.id)).status).not.toBe('failed');
  });

  it('sends an uploaded attachment: stored in R2, uploaded to WhatsApp, sent by media id', async () => {
    const { from, conv } = await customerWrote();
    const pdf = new TextEncoder().encode('%PDF-1.4 orçamento');
    const up = await api('POST', `/api/v1/conversations/${conv.id}/media?filename=${encodeURIComponent('Orçamento.pdf')}`, {
      token: admin.accessToken,
      rawBody: pdf as unknown as string,
      headers: { 'content-type': 'application/pdf' },
    });
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ key: expect.stringMatching(`^outbound/${admin.orgId}/`), mimeType: 'application/pdf', size: pdf.byteLength });
    const res = await send(conv.id, { type: 'document', media: { key: up.body.key, filename: 'Orçamento.pdf' }, caption: 'Segue o orçamento' });
    expect(res.status).toBe(202);
    await eventually(async () => (await find(conv.id, res.body.message.id))?.providerMessageId);
    const [atMeta] = (await fake('GET', `/sent?to=${from}`)).body.data;
    expect(atMeta.request).toMatchObject({ type: 'document', document: { id: expect.any(String), filename: 'Orçamento.pdf', caption: 'Segue o orçamento' } });
    // The agent sees it too.
    const m = await find(conv.id, res.body.message.id);
    expect((await api('GET', m.media.url, { token: admin.accessToken })).status).toBe(200);
    // Another organisation's key is refused; so is a type WhatsApp does not take.
    expect((await send(conv.id, { type: 'image', media: { key: `outbound/${crypto.randomUUID()}/x-file-1234` } })).status).toBe(422);
    const exe = await api('POST', `/api/v1/conversations/${conv.id}/media`, { token: admin.accessToken, rawBody: 'MZ', headers: { 'content-type': 'application/x-msdownload' } });
    expect(exe.status).toBe(415);
  });

  it('keeps private notes inside Conversa', async () => {
    const { from, conv } = await customerWrote();
    const res = await send(conv.id, { type: 'note', text: 'Cliente VIP, dar desconto' });
    expect(res.status).toBe(202);
    expect(res.body.message).toMatchObject({ isPrivate: true });
    await drainQueues();
    expect((await fake('GET', `/sent?to=${from}`)).body.data).toHaveLength(0);
  });

  it('lets an agent answer unassigned and own conversations only', async () => {
    const agent = await addMember(admin.orgId, 'agent');
    const other = await addMember(admin.orgId, 'agent');
    const { conv } = await customerWrote();
    expect((await send(conv.id, { type: 'text', text: 'Peguei' }, agent)).status).toBe(202);
    const assign = await api('PATCH', `/api/v1/conversations/${conv.id}`, { token: admin.accessToken, body: { assigneeId: other.userId } });
    expect(assign.status).toBe(200);
    const denied = await send(conv.id, { type: 'text', text: 'Não é meu' }, agent);
    expect(denied.status).toBe(403);
    expect((await api('GET', `/api/v1/conversations/${conv.id}`, { token: agent.accessToken })).status).toBe(403);
    const list = await api('GET', '/api/v1/conversations', { token: agent.accessToken });
    expect(list.body.data.some((c: { id: string }) => c.id === conv.id)).toBe(false);
  });

  it('returns 404 and audits a conversation id of another organisation', async () => {
    const { conv } = await customerWrote();
    const intruder = await signupOrg('Intrusa');
    for (const [method, path] of [['GET', `/api/v1/conversations/${conv.id}`], ['GET', `/api/v1/conversations/${conv.id}/messages`], ['PATCH', `/api/v1/conversations/${conv.id}`]] as const) {
      const res = await api(method, path, { token: intruder.accessToken, body: method === 'PATCH' ? { status: 'resolved' } : undefined });
      expect(res.status, path).toBe(404);
    }
    const send404 = await send(conv.id, { type: 'text', text: 'x' }, intruder);
    expect(send404.status).toBe(404);
    const log = await api('GET', '/api/v1/audit-logs?action=security.cross_tenant_attempt', { token: intruder.accessToken });
    expect(log.body.data.length).toBe(4);
  });
});

describe('inbound media', () => {
  it('is downloaded from the Graph API into R2 and served to the agent', async () => {
    const admin = await signupOrg('Mídia');
    const ch = await connectChannel(admin);
    const bytes = new Uint8Array(2048).map((_, i) => i % 251);
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', 'image/png');
    form.set('file', new File([bytes], 'foto.png', { type: 'image/png' }));
    const up = await fetch(`${env.META_GRAPH_BASE_URL}/${ch.phoneNumberId}/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ch.accessToken}` },
      body: form,
    });
    expect(up.status).toBe(200);
    const mediaId = ((await up.json()) as { id: string }).id;

    const from = customerNumber();
    const body = fx.inbound(fx.message('image', { image: { id: mediaId, mime_type: 'image/png', sha256: 'x', caption: 'Olha' } }, { phoneNumberId: ch.phoneNumberId, from, timestamp: nowSeconds() }), { phoneNumberId: ch.phoneNumberId, from });
    expect((await postWebhook(body)).status).toBe(200);
    const conv = await conversationOf(admin, from);
    const stored = await eventually(async () => (await messagesOf(admin, conv.id)).find((m) => m.media?.status === 'stored'));
    expect(stored.media).toMatchObject({ mimeType: 'image/png', size: 2048, url: `/api/v1/messages/${stored.id}/media` });
    const res = await api('GET', stored.media.url, { token: admin.accessToken });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const other = await signupOrg('Outra');
    expect((await api('GET', stored.media.url, { token: other.accessToken })).status).toBe(404);
  });
});

describe('a webhook we cannot read', () => {
  it('lands in the dead-letter table at once, under its own queue with the reason, and can be replayed', async () => {
    const marker = `poison-${crypto.randomUUID()}`;
    // Signed, JSON, but without the phone_number_id every message needs for routing.
    const poison = { object: 'whatsapp_business_account', entry: [{ id: marker, changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '5511' }, messages: [{ from: '5511', id: 'wamid.x', timestamp: nowSeconds(), type: 'text', text: { body: 'x' } }] } }] }] };
    expect((await postWebhook(poison)).status).toBe(200);
    const row = await eventually(async () => {
      const rows = await db.select().from(deadLetters);
      return rows.find((r) => JSON.stringify(r.body).includes(marker));
    }, 20_000);
    expect(row).toMatchObject({ queue: 'conversa-ingest', organizationId: null, attempts: 1 });
    expect(row?.error).toContain('webhook body not understood');

    // Webhooks belong to no tenant yet: a platform super admin sees and replays them.
    const home = await signupOrg('Plataforma');
    await db.update(users).set({ isSuperAdmin: true }).where(eq(users.id, home.userId));
    const list = await api('GET', '/api/v1/admin/dead-letters?pending=true&limit=100', { token: home.accessToken });
    expect(list.status).toBe(200);
    expect(list.body.data.some((d: { id: string }) => d.id === row.id)).toBe(true);
    const tenantOnly = await signupOrg('Tenant');
    expect((await api('POST', `/api/v1/admin/dead-letters/${row.id}/replay`, { token: tenantOnly.accessToken })).status).toBe(404);
    const replay = await api('POST', `/api/v1/admin/dead-letters/${row.id}/replay`, { token: home.accessToken });
    expect(replay.status).toBe(202);
    const [after] = await db.select().from(deadLetters).where(eq(deadLetters.id, row.id));
    expect(after?.replayedAt).toBeTruthy();
  }, 30_000);
});
