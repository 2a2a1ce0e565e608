// LGPD access request (POST /api/v1/contacts/:id/exports): a contact with more messages than three pages of the
// consumer, a note, a label, a deal, audit entries and a media file in R2 is exported through the queue; the ZIP is
// opened here with the same library that wrote it (a duplicated queue message changes nothing). Expired links answer 410 and the sweep deletes the file; agents
// get 403; another organisation's ids are 404 and audited.
import { env, SELF } from 'cloudflare:test';
import { and, count, eq } from 'drizzle-orm';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import * as fx from '../../queues/meta/fixtures';
import { MESSAGES_PER_STEP } from '../../queues/data-export';
import { addMember, api, signupOrg, testDb, uniqueIp, type Session } from '../../test/harness';
import { connectChannel, customerNumber, eventually, nowSeconds, postWebhook } from '../../test/whatsapp';
import { auditLogs, dataExports, messages } from '../db/schema';
import { sweepDataExports } from '../jobs/data-exports';

const { db } = testDb();
const call = (s: Session, method: string, path: string, body?: unknown) => api(method, path, { token: s.accessToken, body });
const NAME = 'Maria <script>alert("x")</script> & Cia';
const SEEDED = 2 * MESSAGES_PER_STEP + 100;

async function download(s: Session, path: string) {
  const res = await SELF.fetch(`http://conversa.test${path}`, { headers: { authorization: `Bearer ${s.accessToken}`, 'cf-connecting-ip': uniqueIp() } });
  return { status: res.status, headers: res.headers, bytes: new Uint8Array(await res.arrayBuffer()) };
}

/** A contact (written in over WhatsApp) with > 2 pages of messages, a media file, a note, a label, a deal and audit entries. */
async function seedContact(admin: Session) {
  const ch = await connectChannel(admin);
  const from = customerNumber();
  const res = await postWebhook(fx.textMessage('Oi, quero meus dados', { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, name: 'Maria', timestamp: nowSeconds() }));
  expect(res.status).toBe(200);
  const conv = await eventually(async () => {
    const list = await call(admin, 'GET', '/api/v1/conversations?limit=100');
    return list.body.data.find((c: any) => c.contact.waId === from) as { id: string; contact: { id: string } } | undefined;
  });
  const contactId = conv.contact.id;
  // The rename is an audit entry about the contact (contact.updated).
  expect((await call(admin, 'PATCH', `/api/v1/contacts/${contactId}`, { name: NAME })).status).toBe(200);
  const base = Date.now() - 86_400_000;
  await db.insert(messages).values(
    Array.from({ length: SEEDED }, (_, i) => ({
      organizationId: admin.orgId,
      conversationId: conv.id,
      direction: i % 2 ? ('outbound' as const) : ('inbound' as const),
      kind: 'text' as const,
      body: `mensagem ${i}`,
      status: i % 2 ? ('sent' as const) : ('received' as const),
      createdAt: new Date(base + i * 1000),
    })),
  );
  const photo = new Uint8Array(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256));
  const key = `media/${admin.orgId}/export-${crypto.randomUUID()}`;
  await env.MEDIA.put(key, photo);
  const [withMedia] = await db
    .insert(messages)
    .values({ organizationId: admin.orgId, conversationId: conv.id, direction: 'inbound', kind: 'image', status: 'received', mediaKey: key, mediaStatus: 'stored', mediaMime: 'image/jpeg', mediaFilename: 'foto documento.jpg', mediaSize: photo.length, createdAt: new Date(base - 5000) })
    .returning({ id: messages.id });
  expect((await call(admin, 'POST', `/api/v1/contacts/${contactId}/notes`, { body: 'Pediu cópia dos dados <b>já</b>' })).status).toBe(201);
  const label = (await call(admin, 'POST', '/api/v1/labels', { name: `LGPD ${crypto.randomUUID().slice(0, 6)}` })).body.label;
  expect((await call(admin, 'POST', `/api/v1/contacts/${contactId}/labels`, { labelIds: [label.id] })).status).toBe(200);
  const deal = await call(admin, 'POST', '/api/v1/deals', { title: 'Plano anual', contactId, conversationId: conv.id, valueCents: 99_900 });
  expect(deal.status, JSON.stringify(deal.body)).toBe(201);
  return { contactId, conversationId: conv.id, mediaMessageId: withMedia!.id, photo, key, label, dealId: deal.body.deal.id as string, total: SEEDED + 2 };
}

async function exportDone(admin: Session, exportId: string) {
  const seen = new Set<number>();
  const done = await eventually(async () => {
    const r = await call(admin, 'GET', `/api/v1/exports/${exportId}`);
    expect(r.status).toBe(200);
    seen.add(r.body.export.progress);
    expect(r.body.export.status).not.toBe('failed');
    return r.body.export.status === 'done' && r.body.export;
  }, 60_000);
  return { done, seen };
}

describe('LGPD access request: a contact exported as one ZIP', () => {
  it('exports profile, note, label, deal, audit, every message over several pages and the media; the HTML escapes the name', async () => {
    const admin = await signupOrg('Exportação');
    const seed = await seedContact(admin);

    const started = await call(admin, 'POST', `/api/v1/contacts/${seed.contactId}/exports`);
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    expect(started.body.export).toMatchObject({ status: 'queued', progress: 0, contactId: seed.contactId, downloadUrl: null });
    // Queues deliver at least once: a second copy of the first step must change nothing.
    await env.DATA_EXPORT_QUEUE.send({ type: 'data_export.step', organizationId: admin.orgId, exportId: started.body.export.id, step: 0 }, { contentType: 'json' });
    const { done } = await exportDone(admin, started.body.export.id);
    expect(done).toMatchObject({ progress: 100, downloadUrl: `/api/v1/exports/${done.id}/download` });
    expect(Date.parse(done.expiresAt) - Date.parse(done.completedAt)).toBe(24 * 3600 * 1000);
    const listed = await call(admin, 'GET', `/api/v1/contacts/${seed.contactId}/exports`);
    expect(listed.body.data[0]).toMatchObject({ id: done.id, status: 'done' });

    const file = await download(admin, done.downloadUrl);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/zip');
    expect(file.bytes.length).toBe(done.sizeBytes);
    const zip = unzipSync(file.bytes);
    const names = Object.keys(zip);
    const pages = names.filter((n) => n.startsWith(`conversas/${seed.conversationId}/mensagens-`)).sort();
    expect(pages).toEqual([1, 2, 3].map((n) => `conversas/${seed.conversationId}/mensagens-000${n}.json`));
    expect(names).toEqual(expect.arrayContaining(['contato.json', 'consentimento.json', 'notas.json', 'negocios.json', 'conversas.json', 'auditoria.json', 'resumo.html']));
    const read = (name: string) => JSON.parse(strFromU8(zip[name]!));

    expect(read('contato.json')).toMatchObject({ id: seed.contactId, name: NAME, labels: [{ id: seed.label.id, name: seed.label.name }] });
    expect(read('notas.json').map((n: { body: string }) => n.body)).toEqual(['Pediu cópia dos dados <b>já</b>']);
    expect(read('negocios.json')).toEqual([expect.objectContaining({ id: seed.dealId, title: 'Plano anual', valueCents: 99_900 })]);
    expect(read('conversas.json')).toEqual([expect.objectContaining({ id: seed.conversationId, messageCount: seed.total })]);
    const actions = read('auditoria.json').entradas.map((a: { action: string }) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['contact.updated', 'data_export.requested']));

    // Every message exactly once, across the pages, newest first as the chat reads them.
    const all = pages.flatMap((p) => read(p) as { id: string; body: string | null; at: string; media: { file: string | null } | null }[]);
    expect(all).toHaveLength(seed.total);
    expect(new Set(all.map((m) => m.id)).size).toBe(seed.total);
    const [{ n }] = (await db.select({ n: count() }).from(messages).where(eq(messages.conversationId, seed.conversationId))) as [{ n: number }];
    expect(all.length).toBe(n);
    expect(all.map((m) => m.body)).toContain(`mensagem ${SEEDED - 1}`);
    const times = all.map((m) => Date.parse(m.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const media = all.find((m) => m.id === seed.mediaMessageId)!;
    expect(media.media!.file).toBe(`midia/${seed.mediaMessageId}-foto_documento.jpg`);
    expect(zip[media.media!.file!]).toEqual(seed.photo);

    const html = strFromU8(zip['resumo.html']!);
    expect(html).toContain('Maria &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Cia');
    expect(html).not.toContain('<script>');
    expect(html).toContain('Pediu cópia dos dados &lt;b&gt;já&lt;/b&gt;');
    expect(html).toContain('Dados pessoais de');

    // The staged parts are gone once the ZIP exists; request and download are audited.
    const leftover = await env.MEDIA.list({ prefix: `exports/${admin.orgId}/${done.id}/parts/` });
    expect(leftover.objects).toHaveLength(0);
    const trail = await db.select().from(auditLogs).where(and(eq(auditLogs.organizationId, admin.orgId), eq(auditLogs.targetId, seed.contactId)));
    expect(trail.filter((a) => a.action === 'data_export.requested')).toHaveLength(1);
    expect(trail.filter((a) => a.action === 'data_export.downloaded')).toEqual([expect.objectContaining({ actorUserId: admin.userId, metadata: expect.objectContaining({ exportId: done.id }) })]);
  });

  it('an expired link answers 410, and the daily sweep deletes the file', async () => {
    const admin = await signupOrg('Exportação expirada');
    const contact = (await call(admin, 'POST', '/api/v1/contacts', { name: 'Jo Expira', phone: '+55 11 95555-0142' })).body.contact;
    const started = await call(admin, 'POST', `/api/v1/contacts/${contact.id}/exports`);
    expect(started.status).toBe(202);
    const { done } = await exportDone(admin, started.body.export.id);
    expect((await download(admin, done.downloadUrl)).status).toBe(200);
    const [row] = await db.select().from(dataExports).where(eq(dataExports.id, done.id));
    expect(await env.MEDIA.head(row!.objectKey!)).not.toBeNull();

    await db.update(dataExports).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(dataExports.id, done.id));
    const gone = await download(admin, done.downloadUrl);
    expect(gone.status).toBe(410);
    expect(JSON.parse(new TextDecoder().decode(gone.bytes)).error.code).toBe('export_expired');
    expect((await call(admin, 'GET', `/api/v1/exports/${done.id}`)).body.export.downloadUrl).toBeNull();

    const swept = await sweepDataExports(env, db);
    expect(swept.exports).toBeGreaterThanOrEqual(1);
    expect(await env.MEDIA.head(row!.objectKey!)).toBeNull();
    const [after] = await db.select().from(dataExports).where(eq(dataExports.id, done.id));
    expect(after!.fileDeletedAt).not.toBeNull();
    expect((await download(admin, done.downloadUrl)).status).toBe(410);
  });

  it('erasing the contact deletes their exports: the row, the ZIP and anything staged', async () => {
    const admin = await signupOrg('Exportação apagada');
    const contact = (await call(admin, 'POST', '/api/v1/contacts', { name: 'Lia Apaga', phone: '+55 11 95555-0144' })).body.contact;
    const started = await call(admin, 'POST', `/api/v1/contacts/${contact.id}/exports`);
    const { done } = await exportDone(admin, started.body.export.id);
    const prefix = `exports/${admin.orgId}/${done.id}/`;
    // A part left behind by a build (as a step still running would leave it).
    await env.MEDIA.put(`${prefix}parts/000001.json`, '{"messages":[]}');
    expect((await env.MEDIA.list({ prefix })).objects.length).toBe(2);

    const erased = await call(admin, 'DELETE', `/api/v1/contacts/${contact.id}`);
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    expect((await env.MEDIA.list({ prefix })).objects).toEqual([]);
    expect(await db.select().from(dataExports).where(eq(dataExports.id, done.id))).toEqual([]);
    expect((await call(admin, 'GET', `/api/v1/exports/${done.id}`)).status).toBe(404);
    const [entry] = await db.select().from(auditLogs).where(and(eq(auditLogs.organizationId, admin.orgId), eq(auditLogs.action, 'contact.erased')));
    expect(entry!.metadata).toMatchObject({ dataExports: 1 });
  });

  it('only tenant admins may export: agents and managers get 403', async () => {
    const admin = await signupOrg('Exportação papéis');
    const contact = (await call(admin, 'POST', '/api/v1/contacts', { name: 'Ana Papéis', phone: '+55 11 95555-0143' })).body.contact;
    for (const role of ['agent', 'manager'] as const) {
      const member = await addMember(admin.orgId, role);
      const res = await call(member, 'POST', `/api/v1/contacts/${contact.id}/exports`);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    const started = await call(admin, 'POST', `/api/v1/contacts/${contact.id}/exports`);
    const agent = await addMember(admin.orgId, 'agent');
    expect((await call(agent, 'GET', `/api/v1/exports/${started.body.export.id}`)).status).toBe(403);
    expect((await download(agent, `/api/v1/exports/${started.body.export.id}/download`)).status).toBe(403);
    await exportDone(admin, started.body.export.id);
    // Erasing the contact later takes their export with it (see the test above).
    expect((await call(admin, 'DELETE', `/api/v1/contacts/${contact.id}`)).status).toBe(200);
    expect((await call(admin, 'GET', `/api/v1/exports/${started.body.export.id}`)).status).toBe(404);
  });

  it("another organisation's contact or export is a 404, and the attempt is audited", async () => {
    const owner = await signupOrg('Dona dos dados');
    const intruder = await signupOrg('Intrusa');
    const contact = (await call(owner, 'POST', '/api/v1/contacts', { name: 'Bia Alheia', phone: '+55 11 95555-0144' })).body.contact;
    const started = await call(owner, 'POST', `/api/v1/contacts/${contact.id}/exports`);
    const exportId = started.body.export.id as string;
    await exportDone(owner, exportId);

    expect((await call(intruder, 'POST', `/api/v1/contacts/${contact.id}/exports`)).status).toBe(404);
    expect((await call(intruder, 'GET', `/api/v1/contacts/${contact.id}/exports`)).status).toBe(404);
    expect((await call(intruder, 'GET', `/api/v1/exports/${exportId}`)).status).toBe(404);
    expect((await download(intruder, `/api/v1/exports/${exportId}/download`)).status).toBe(404);
    const attempts = await db.select().from(auditLogs).where(and(eq(auditLogs.organizationId, intruder.orgId), eq(auditLogs.action, 'security.cross_tenant_attempt')));
    expect(attempts.map((a) => `${a.targetType}:${a.targetId}`).sort()).toEqual(
      [`contact:${contact.id}`, `contact:${contact.id}`, `data export:${exportId}`, `data export:${exportId}`].sort(),
    );
    // Nothing was exported for the intruder, and the owner's export was never downloaded.
    expect(await db.select().from(dataExports).where(eq(dataExports.organizationId, intruder.orgId))).toHaveLength(0);
    const downloads = await db.select().from(auditLogs).where(and(eq(auditLogs.action, 'data_export.downloaded'), eq(auditLogs.targetId, contact.id)));
    expect(downloads).toHaveLength(0);
  });
});
