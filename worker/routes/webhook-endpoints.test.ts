// Outgoing webhook endpoints: admins' CRUD with URL checks, the secret shown once and rotatable, deliveries retried
// with backoff on 5xx and logged, replay, auto-disable after 24 h of failures (time injected through failing_since),
// other tenants' ids 404.
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { webhookRetryDelay } from '../../queues/webhook-deliveries';
import { addMember, api, outbox, signupOrg, testDb, type Session } from '../../test/harness';
import { answerWith, received, sinkName, sinkUrl, verifySignature } from '../../test/webhook-sink';
import { eventually } from '../../test/whatsapp';

const { db } = testDb();
const post = (s: Session, path: string, body?: unknown) => api('POST', path, { token: s.accessToken, body });
const get = (s: Session, path: string) => api('GET', path, { token: s.accessToken });

async function endpoint(s: Session, name: string, events = ['contact.created']) {
  const res = await post(s, '/api/v1/webhook-endpoints', { url: sinkUrl(name), events, description: 'CRM externo' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.endpoint.id as string, secret: res.body.secret as string, body: res.body };
}
const newContact = (s: Session) =>
  post(s, '/api/v1/contacts', { name: 'Cliente Webhook', phone: `+55 11 9${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}` });

describe('managing endpoints', () => {
  it('creates with a secret shown once, lists, updates, rotates and deletes', async () => {
    const admin = await signupOrg();
    const name = sinkName();
    const { id, secret, body } = await endpoint(admin, name, ['deal.*', 'contact.created']);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(body.endpoint).toMatchObject({ url: sinkUrl(name), events: ['deal.*', 'contact.created'], enabled: true, description: 'CRM externo' });
    const row = (await db.execute(sql`select * from webhook_endpoints where id = ${id}`)).rows[0];
    expect(JSON.stringify(row)).not.toContain(secret.slice(6));

    const list = await get(admin, '/api/v1/webhook-endpoints');
    expect(list.body.data).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain(secret);

    const patched = await api('PATCH', `/api/v1/webhook-endpoints/${id}`, { token: admin.accessToken, body: { enabled: false, events: ['deal.created'] } });
    expect(patched.body.endpoint).toMatchObject({ enabled: false, events: ['deal.created'] });

    const rotated = await post(admin, `/api/v1/webhook-endpoints/${id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(secret);

    expect((await api('DELETE', `/api/v1/webhook-endpoints/${id}`, { token: admin.accessToken })).status).toBe(204);
    expect((await get(admin, `/api/v1/webhook-endpoints/${id}`)).status).toBe(404);
  });

  it('refuses URLs that are not https or point at private, loopback or link-local hosts, and unknown events', async () => {
    const admin = await signupOrg();
    const bad = [
      'http://hooks.example.com/x',
      'ftp://hooks.example.com/x',
      'https://localhost/x',
      'https://api.localhost/x',
      'https://127.0.0.1/x',
      'https://10.1.2.3/x',
      'https://172.16.0.1/x',
      'https://192.168.0.10/x',
      'https://169.254.169.254/latest/meta-data',
      'https://100.64.0.1/x',
      'https://0.0.0.0/x',
      'https://[::1]/x',
      'https://[fe80::1]/x',
      'https://[fd00::1]/x',
      'https://[::ffff:127.0.0.1]/x',
      'https://[::ffff:10.0.0.1]/x',
      'https://0x7f.0.0.1/x',
      'https://2130706433/x',
      'https://user:pass@hooks.example.com/x',
      'not a url',
    ];
    for (const url of bad) {
      const res = await post(admin, '/api/v1/webhook-endpoints', { url, events: ['contact.created'] });
      expect(res.status, url).toBe(422);
      expect(res.body.error.code, url).toBe('invalid_webhook_url');
    }
    const unknownEvent = await post(admin, '/api/v1/webhook-endpoints', { url: 'https://hooks.example.com/x', events: ['contact.deleted'] });
    expect(unknownEvent.status).toBe(400);
    expect(unknownEvent.body.error.code).toBe('validation_failed');
    // Public https is fine, and so is the local receiver in the test environment.
    expect((await post(admin, '/api/v1/webhook-endpoints', { url: 'https://hooks.example.com/x', events: ['message.created'] })).status).toBe(201);
    const { id } = await endpoint(admin, sinkName());
    expect((await api('PATCH', `/api/v1/webhook-endpoints/${id}`, { token: admin.accessToken, body: { url: 'http://169.254.169.254/' } })).status).toBe(422);
  });

  it('is for admins only; other tenants get 404 and an audit entry', async () => {
    const a = await signupOrg();
    const b = await signupOrg();
    const manager = await addMember(a.orgId, 'manager');
    expect((await get(manager, '/api/v1/webhook-endpoints')).status).toBe(403);
    const { id } = await endpoint(b, sinkName());
    for (const res of [
      await get(a, `/api/v1/webhook-endpoints/${id}/deliveries`),
      await api('PATCH', `/api/v1/webhook-endpoints/${id}`, { token: a.accessToken, body: { enabled: false } }),
      await post(a, `/api/v1/webhook-endpoints/${id}/rotate-secret`),
      await api('DELETE', `/api/v1/webhook-endpoints/${id}`, { token: a.accessToken }),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    const audit = await db.execute(sql`select count(*)::int as n from audit_logs where organization_id = ${a.orgId} and action = 'security.cross_tenant_attempt' and target_id = ${id}`);
    expect((audit.rows[0] as any).n).toBe(4);
  });
});

describe('deliveries', () => {
  it('backs off exponentially, capped', () => {
    expect([1, 2, 3, 4].map((n) => webhookRetryDelay(n, 2))).toEqual([2, 10, 50, 250]);
    expect(webhookRetryDelay(12, 2)).toBe(3 * 3600);
    expect(webhookRetryDelay(3, 0)).toBe(0);
  });

  it('retries a 500 until the receiver takes it, logs every attempt, and replays on demand', async () => {
    const admin = await signupOrg();
    const name = sinkName();
    await answerWith(name, [500, 503, 200]);
    const { id, secret } = await endpoint(admin, name);
    const contact = await newContact(admin);
    expect(contact.status).toBe(201);

    const got = await eventually(async () => {
      const r = await received(name);
      return r.length >= 3 && r;
    });
    // The same delivery and the same event every time, each signed afresh.
    expect(new Set(got.map((r) => r.headers['x-conversa-delivery'])).size).toBe(1);
    expect(new Set(got.map((r) => r.body)).size).toBe(1);
    for (const r of got) expect(await verifySignature(secret, r.headers['x-conversa-signature']!, r.body)).toBe(true);
    const event = JSON.parse(got[0]!.body);
    expect(event).toMatchObject({ type: 'contact.created', organizationId: admin.orgId, data: { id: contact.body.contact.id, name: 'Cliente Webhook' } });
    expect(got[0]!.headers['x-conversa-event']).toBe('contact.created');

    const log = await eventually(async () => {
      const res = await get(admin, `/api/v1/webhook-endpoints/${id}/deliveries`);
      return res.body.data[0]?.state === 'succeeded' && res.body.data;
    });
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ id: got[0]!.headers['x-conversa-delivery'], eventType: 'contact.created', attempts: 3 });
    expect(log[0].log.map((a: any) => [a.attempt, a.statusCode])).toEqual([
      [1, 500],
      [2, 503],
      [3, 200],
    ]);
    for (const a of log[0].log) {
      expect(typeof a.latencyMs).toBe('number');
      expect(new TextEncoder().encode(a.responseSnippet ?? '').length).toBeLessThanOrEqual(1024);
    }
    expect(log[0].log[0].error).toBe('HTTP 500');

    const replay = await post(admin, `/api/v1/webhook-endpoints/${id}/deliveries/${log[0].id}/replay`);
    expect(replay.status).toBe(202);
    const again = await eventually(async () => {
      const r = await received(name);
      return r.length === 4 && r;
    });
    expect(again[3]!.body).toBe(got[0]!.body);
    expect(again[3]!.headers['x-conversa-delivery']).toBe(log[0].id);
    const after = await eventually(async () => {
      const res = await get(admin, `/api/v1/webhook-endpoints/${id}/deliveries`);
      return res.body.data[0]?.attempts === 4 && res.body.data[0];
    });
    expect(after.state).toBe('succeeded');
    expect((await post(admin, `/api/v1/webhook-endpoints/${id}/deliveries/${crypto.randomUUID()}/replay`)).status).toBe(404);
  });

  it('deal.* subscribes to every deal event; other events are not sent', async () => {
    const admin = await signupOrg();
    const name = sinkName();
    await endpoint(admin, name, ['deal.*']);
    const deal = await post(admin, '/api/v1/deals', { title: 'Enxoval completo', valueCents: 150000 });
    expect(deal.status, JSON.stringify(deal.body)).toBe(201);
    expect((await api('PATCH', `/api/v1/deals/${deal.body.deal.id}`, { token: admin.accessToken, body: { title: 'Enxoval' } })).status).toBe(200);
    expect((await api('DELETE', `/api/v1/deals/${deal.body.deal.id}`, { token: admin.accessToken })).status).toBe(204);
    expect((await newContact(admin)).status).toBe(201);
    const got = await eventually(async () => {
      const r = await received(name);
      return r.length >= 3 && r;
    });
    await outbox(admin.email); // drained: nothing else is on its way
    const events = (await received(name)).map((r) => JSON.parse(r.body));
    expect(events.map((e) => e.type).sort()).toEqual(['deal.created', 'deal.deleted', 'deal.updated']);
    expect(events.find((e) => e.type === 'deal.created').data).toEqual(deal.body.deal);
    expect(got).toHaveLength(3);
  });

  it('disables an endpoint that has failed for 24 hours and mails the admins', async () => {
    const admin = await signupOrg();
    const name = sinkName();
    await answerWith(name, [500]);
    const { id } = await endpoint(admin, name);
    // Time injected: the endpoint's failure run started 25 hours ago.
    await db.execute(sql`update webhook_endpoints set failing_since = now() - interval '25 hours' where id = ${id}`);
    expect((await newContact(admin)).status).toBe(201);
    const disabled = await eventually(async () => {
      const res = await get(admin, `/api/v1/webhook-endpoints/${id}`);
      return res.body.endpoint.enabled === false && res.body.endpoint;
    });
    expect(disabled.disabledReason).toContain('24 horas');
    expect(await received(name)).toHaveLength(1);
    const mails = await outbox(admin.email);
    expect(mails.find((m) => m.kind === 'webhook_endpoint_disabled')?.text).toContain(sinkUrl(name));
    const [delivery] = (await get(admin, `/api/v1/webhook-endpoints/${id}/deliveries`)).body.data;
    expect(delivery.state).toBe('failed');
    // Disabled: later events are not delivered, replays refused until it is enabled again.
    expect((await newContact(admin)).status).toBe(201);
    await outbox(admin.email); // drains the queues
    expect(await received(name)).toHaveLength(1);
    expect((await post(admin, `/api/v1/webhook-endpoints/${id}/deliveries/${delivery.id}/replay`)).status).toBe(409);

    // A failure run shorter than 24 hours keeps it enabled.
    const other = sinkName();
    await answerWith(other, [500]);
    const { id: young } = await endpoint(admin, other);
    await db.execute(sql`update webhook_endpoints set failing_since = now() - interval '23 hours' where id = ${young}`);
    expect((await newContact(admin)).status).toBe(201);
    await eventually(async () => (await received(other)).length >= 1);
    await outbox(admin.email);
    expect((await get(admin, `/api/v1/webhook-endpoints/${young}`)).body.endpoint.enabled).toBe(true);
  });
});
