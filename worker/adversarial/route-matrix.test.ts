// Every authenticated route, taken from the router's own list (a new route is in this matrix the day it is added),
// called without a token, with a garbage or expired one, with another tenant's ids, and with an agent's token:
// 401/403/404 or a validation 4xx — never data, never 5xx (issue 14, point 8).
import { env } from 'cloudflare:test';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import * as fx from '../../queues/meta/fixtures';
import { addMember, api, signupOrg, type Session } from '../../test/harness';
import { connectChannel, conversationOf, customerNumber, nowSeconds, postWebhook } from '../../test/whatsapp';
import { createApp } from '../app';

interface Route {
  method: string;
  path: string;
}

/** Public (or ticketed) on purpose; everything else under /api/v1 must authenticate. */
const PUBLIC: RegExp[] = [
  /^\/api\/v1\/auth\/(signup|login|refresh|logout|password-reset\/request|password-reset\/confirm)$/,
  /^\/api\/v1\/invitations\/(lookup|accept)$/,
  // The API's own description (worker/openapi/document.ts).
  /^\/api\/v1\/openapi\.json$/,
  // WebSocket upgrades: a realtime ticket instead of a Bearer token (worker/routes/realtime.test.ts).
  /\/ws$/,
];

const routes: Route[] = [
  ...new Map(
    createApp()
      .routes.filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/v1/') && !PUBLIC.some((p) => p.test(r.path)))
      .map((r) => [`${r.method} ${r.path}`, { method: r.method, path: r.path }] as const),
  ).values(),
];

/** Fills every :param: the other tenant's id of that resource when we have one, else a random uuid. */
function fill(path: string, ids: Record<string, string> = {}): string {
  return path.replace(/\/([a-z-]+)\/:(\w+)/g, (_m, resource: string, param: string) => `/${resource}/${ids[`${resource}:${param}`] ?? ids[resource] ?? crypto.randomUUID()}`).replace(/:(\w+)/g, () => crypto.randomUUID());
}

const call = (r: Route, path: string, opts: { token?: string; body?: unknown } = {}) =>
  api(r.method, path, { token: opts.token, ...(r.method === 'GET' || r.method === 'DELETE' ? {} : { body: opts.body ?? {} }) });

/** A fresh member per batch of calls: the API allows 300 requests a minute per signed-in user (60 each stays well clear). */
function tokens(orgId: string, role: 'tenant_admin' | 'agent') {
  let used = 0;
  let current: Promise<Session> | undefined;
  return async () => {
    if (!current || used++ % 60 === 59) current = addMember(orgId, role);
    return (await current).accessToken;
  };
}

describe('route matrix', () => {
  it('covers the API: every route is listed, and the list is not empty', () => {
    expect(routes.length).toBeGreaterThan(60);
    for (const r of routes) expect(r.path, `${r.method} ${r.path}`).toMatch(/^\/api\/v1\/[a-zA-Z0-9/:_-]+$/);
  });

  it('without a token, with a garbage one or an expired one: 401 everywhere', async () => {
    const expired = await new SignJWT({ org: crypto.randomUUID(), role: 'tenant_admin', sid: crypto.randomUUID() })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(crypto.randomUUID())
      .setIssuer('conversa')
      .setAudience('conversa-api')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(env.JWT_SECRET));
    for (const r of routes) {
      const path = fill(r.path);
      for (const token of [undefined, 'garbage.token.here', expired]) {
        const res = await call(r, path, { token });
        expect(res.status, `${r.method} ${path} token=${token ? token.slice(0, 8) : 'none'}`).toBe(401);
        expect(res.body?.error?.code, `${r.method} ${path}`).toEqual(expect.any(String));
      }
    }
  }, 120_000);

  describe('with another tenant’s ids', () => {
    let victim: Session;
    const ids: Record<string, string> = {};
    const snapshot: Record<string, unknown> = {};
    beforeAll(async () => {
      victim = await signupOrg('Vítima');
      const ch = await connectChannel(victim);
      const from = customerNumber();
      await postWebhook(fx.textMessage('segredo da vítima', { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, timestamp: nowSeconds() }));
      const conv = await conversationOf(victim, from);
      const t = victim.accessToken;
      const label = await api('POST', '/api/v1/labels', { token: t, body: { name: 'VIP da vítima' } });
      const canned = await api('POST', '/api/v1/canned-responses', { token: t, body: { shortcut: 'vitima', title: 'Vítima', body: 'Olá' } });
      const pipelines = await api('GET', '/api/v1/pipelines', { token: t });
      const deal = await api('POST', '/api/v1/deals', { token: t, body: { title: 'Negócio da vítima', valueCents: 100 } });
      const msgs = await api('GET', `/api/v1/conversations/${conv.id}/messages`, { token: t });
      Object.assign(ids, {
        conversations: conv.id,
        contacts: conv.contact.id,
        channels: ch.id,
        labels: label.body.label?.id ?? label.body.id,
        'canned-responses': canned.body.cannedResponse?.id ?? canned.body.id,
        pipelines: pipelines.body.data[0].id,
        'stages:stageId': pipelines.body.data[0].stages[0].id,
        deals: deal.body.deal?.id ?? deal.body.id,
        messages: msgs.body.data[0].id,
        'messages:messageId': msgs.body.data[0].id,
        'members:userId': victim.userId,
      });
      for (const [k, v] of Object.entries(ids)) expect(v, k).toMatch(/^[0-9a-f-]{36}$/);
      snapshot.conversation = (await api('GET', `/api/v1/conversations/${conv.id}`, { token: t })).body;
      snapshot.deal = (await api('GET', `/api/v1/deals/${ids.deals}`, { token: t })).body;
    });

    it('an attacker admin gets 404 (or a validation 4xx) on every route with ids, never data, never 5xx; nothing changes', async () => {
      const attacker = await signupOrg('Atacante');
      const token = tokens(attacker.orgId, 'tenant_admin');
      const withIds = routes.filter((r) => r.path.includes(':'));
      expect(withIds.length).toBeGreaterThan(30);
      for (const r of withIds) {
        const path = fill(r.path, ids);
        const res = await call(r, path, { token: await token(), body: { name: 'x', title: 'x', status: 'resolved', emoji: '👍', labelIds: [ids.labels], type: 'text', text: 'oi' } });
        const where = `${r.method} ${path} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
        expect(res.status, where).toBeGreaterThanOrEqual(400);
        expect(res.status, where).toBeLessThan(500);
        expect(JSON.stringify(res.body), where).not.toContain('vítima');
      }
      // The victim's data is as it was.
      const t = victim.accessToken;
      expect((await api('GET', `/api/v1/conversations/${ids.conversations}`, { token: t })).body).toEqual(snapshot.conversation);
      expect((await api('GET', `/api/v1/deals/${ids.deals}`, { token: t })).body).toEqual(snapshot.deal);
      expect((await api('GET', `/api/v1/labels`, { token: t })).body.data.map((l: { name: string }) => l.name)).toContain('VIP da vítima');
    }, 180_000);
  });

  it('an agent never gets a 5xx, and gets 403/404 on admin work', async () => {
    const owner = await signupOrg('Equipe');
    const token = tokens(owner.orgId, 'agent');
    for (const r of routes) {
      const path = fill(r.path);
      const res = await call(r, path, { token: await token() });
      expect(res.status, `${r.method} ${path} → ${res.status}`).toBeLessThan(500);
    }
    const adminOnly: [string, string, unknown?][] = [
      ['GET', '/api/v1/audit-logs'],
      ['PATCH', '/api/v1/organization', { name: 'Tomada' }],
      ['POST', '/api/v1/channels', { provider: 'meta_cloud', phoneNumberId: '123', wabaId: '456', displayPhoneNumber: '+5511999999999', accessToken: 'x'.repeat(30) }],
      ['POST', '/api/v1/invitations', { email: 'x@example.test', role: 'tenant_admin' }],
      ['GET', '/api/v1/admin/dead-letters'],
      ['POST', '/api/v1/labels', { name: 'Do agente' }],
      ['DELETE', `/api/v1/members/${owner.userId}`],
    ];
    for (const [method, path, body] of adminOnly) {
      const res = await api(method, path, { token: await token(), body });
      expect([403, 404], `${method} ${path} → ${res.status}`).toContain(res.status);
    }
  }, 120_000);
});
