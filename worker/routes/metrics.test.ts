// GET /metrics end to end: real traffic (HTTP, a 404, webhooks through the queue into Postgres, a reply through the
// fake Graph API, a WebSocket), then a scrape parsed by a strict exposition parser written here — independent of the
// code that writes the format — checking counters moved by exactly what the test did and every histogram is
// well formed (cumulative buckets ending in +Inf = _count, with a _sum).
import { createExecutionContext, env, SELF, waitOnExecutionContext } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import * as fx from '../../queues/meta/fixtures';
import { drainQueues } from '../../test/drain';
import { api, signupOrg, type Session } from '../../test/harness';
import { connect } from '../../test/realtime';
import { connectChannel, conversationOf, customerNumber, eventually, fake, nowSeconds, postWebhook, sign, type TestChannel } from '../../test/whatsapp';
import worker from '../index';

// ---- a small, strict parser of the Prometheus text format (0.0.4) ----

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
interface Family {
  type: string;
  help: string;
  samples: Sample[];
}

function parseLabels(body: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < body.length) {
    const name = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(body.slice(i))?.[0];
    if (!name || body[i + name.length] !== '=' || body[i + name.length + 1] !== '"') throw new Error(`bad label at ${body.slice(i)}`);
    i += name.length + 2;
    let value = '';
    for (;;) {
      const ch = body[i++];
      if (ch === undefined) throw new Error('unterminated label value');
      if (ch === '"') break;
      if (ch === '\\') {
        const esc = body[i++];
        value += esc === 'n' ? '\n' : esc === '\\' ? '\\' : esc === '"' ? '"' : (() => { throw new Error(`bad escape \\${esc}`); })();
      } else value += ch;
    }
    if (name in labels) throw new Error(`label ${name} twice`);
    labels[name] = value;
    if (body[i] === ',') i++;
    else if (i < body.length) throw new Error(`expected , at ${body.slice(i)}`);
  }
  return labels;
}

const parseValue = (v: string) => (v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : v === 'NaN' ? NaN : Number(v));

export function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  expect(text.endsWith('\n'), 'ends with a newline').toBe(true);
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta as unknown as [string, string, string, string];
      const f = families.get(name) ?? { type: 'untyped', help: '', samples: [] };
      if (kind === 'TYPE') {
        expect(['counter', 'gauge', 'histogram', 'summary', 'untyped']).toContain(rest);
        expect(f.samples, `TYPE of ${name} before its samples`).toEqual([]);
        f.type = rest;
      } else f.help = rest;
      families.set(name, f);
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unparseable line: ${line}`);
    const [, name, labelBody, raw] = m as unknown as [string, string, string | undefined, string];
    const value = parseValue(raw);
    if (Number.isNaN(value) && raw !== 'NaN') throw new Error(`bad value: ${line}`);
    const labels = labelBody ? parseLabels(labelBody) : {};
    const series = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(series)) throw new Error(`duplicate series: ${line}`);
    seen.add(series);
    const base = /_(bucket|sum|count)$/.test(name) && families.get(name.replace(/_(bucket|sum|count)$/, ''))?.type === 'histogram' ? name.replace(/_(bucket|sum|count)$/, '') : name;
    const family = families.get(base);
    if (!family) throw new Error(`sample without a TYPE: ${line}`);
    family.samples.push({ name, labels, value });
  }
  return families;
}

const sameLabels = (a: Record<string, string>, b: Record<string, string>) => {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
};

/** One series' value (0 when absent: a counter not incremented yet). */
function value(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const base = name.replace(/_(bucket|sum|count)$/, '');
  const family = families.get(name) ?? families.get(base);
  return family?.samples.find((s) => s.name === name && sameLabels(s.labels, labels))?.value ?? 0;
}

/** Every histogram: buckets ascending by le, cumulative, ending with +Inf equal to _count, and a _sum. */
function checkHistograms(families: Map<string, Family>): number {
  let checked = 0;
  for (const [name, f] of families) {
    if (f.type !== 'histogram') continue;
    const groups = new Map<string, Sample[]>();
    for (const s of f.samples.filter((s) => s.name === `${name}_bucket`)) {
      const { le, ...rest } = s.labels;
      expect(le, `${name} bucket without le`).toBeDefined();
      const key = JSON.stringify(Object.entries(rest).sort());
      groups.set(key, [...(groups.get(key) ?? []), s]);
    }
    for (const [key, buckets] of groups) {
      const labels = Object.fromEntries(JSON.parse(key) as [string, string][]);
      const les = buckets.map((b) => parseValue(b.labels.le!));
      expect(les, `${name} buckets in order`).toEqual([...les].sort((a, b) => a - b));
      expect(les.at(-1), `${name} ends with +Inf`).toBe(Infinity);
      for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.value, `${name} cumulative`).toBeGreaterThanOrEqual(buckets[i - 1]!.value);
      const count = f.samples.find((s) => s.name === `${name}_count` && sameLabels(s.labels, labels));
      const sum = f.samples.find((s) => s.name === `${name}_sum` && sameLabels(s.labels, labels));
      expect(count, `${name}_count ${key}`).toBeDefined();
      expect(sum, `${name}_sum ${key}`).toBeDefined();
      expect(buckets.at(-1)!.value, `${name} +Inf = _count`).toBe(count!.value);
      expect(sum!.value).toBeGreaterThanOrEqual(0);
      checked++;
    }
  }
  return checked;
}

const TOKEN = () => env.METRICS_TOKEN!;

async function scrape(): Promise<Map<string, Family>> {
  const res = await SELF.fetch('http://conversa.test/metrics', { headers: { authorization: `Bearer ${TOKEN()}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parseExposition(await res.text());
}

describe('GET /metrics: access', () => {
  it('answers 401 with the JSON error shape without a token, with a wrong one, or with another scheme', async () => {
    expect(TOKEN()).toBeTruthy();
    for (const authorization of [undefined, 'Bearer wrong-token', `Bearer ${TOKEN()}x`, `Basic ${btoa(`x:${TOKEN()}`)}`, TOKEN()]) {
      const res = await SELF.fetch('http://conversa.test/metrics', { headers: authorization ? { authorization } : {} });
      expect(res.status, String(authorization)).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
      expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    }
  });

  it('answers 503 metrics_disabled when METRICS_TOKEN is not configured, whatever is presented', async () => {
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request('http://conversa.test/metrics', { headers: { authorization: 'Bearer ' } }), { ...env, METRICS_TOKEN: '' }, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: { code: 'metrics_disabled', message: expect.any(String) } });
  });
});

describe('GET /metrics: what the traffic did', () => {
  let admin: Session;
  let ch: TestChannel;
  beforeAll(async () => {
    admin = await signupOrg('Métricas Ltda');
    ch = await connectChannel(admin);
    await drainQueues();
  });

  it('counts requests, webhooks, ingest, stored messages, sends and socket events by exactly what happened', async () => {
    const inbox = await connect(admin, '/api/v1/inbox/ws');
    const before = await scrape();

    for (let i = 0; i < 3; i++) expect((await SELF.fetch('http://conversa.test/health')).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await SELF.fetch('http://conversa.test/api/v1/metrics-test-nothing', { method: 'DELETE' })).status).toBe(404);
    const o = () => ({ phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, timestamp: nowSeconds() });
    const from = customerNumber();
    expect((await postWebhook(fx.textMessage('Oi, tudo bem?', { ...o(), from }))).status).toBe(200);
    expect((await postWebhook(fx.textMessage('Quero um orçamento', { ...o(), from }))).status).toBe(200);
    const unsigned = JSON.stringify(fx.textMessage('sem assinatura', o()));
    expect((await postWebhook(unsigned, { signature: await sign(unsigned, 'another-secret') })).status).toBe(401);
    await drainQueues();
    await inbox.next('conversation.updated');
    const conv = await conversationOf(admin, from);
    const reply = await api('POST', `/api/v1/conversations/${conv.id}/messages`, { token: admin.accessToken, body: { type: 'text', text: 'Claro!' } });
    expect(reply.status, JSON.stringify(reply.body)).toBe(202);
    await drainQueues();
    await inbox.flush();

    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) => value(after, name, labels) - value(before, name, labels);

    expect(delta('conversa_http_requests_total', { route: '/health', method: 'GET', status: '200' })).toBe(3);
    expect(delta('conversa_http_request_duration_seconds_count', { route: '/health' })).toBe(3);
    expect(delta('conversa_http_requests_total', { route: 'unmatched', method: 'DELETE', status: '404' })).toBe(2);
    expect(delta('conversa_http_requests_total', { route: '/webhooks/whatsapp', method: 'POST', status: '200' })).toBe(2);
    expect(delta('conversa_http_requests_total', { route: '/webhooks/whatsapp', method: 'POST', status: '401' })).toBe(1);
    expect(delta('conversa_http_requests_total', { route: '/api/v1/conversations/:id/messages', method: 'POST', status: '202' })).toBe(1);
    expect(delta('conversa_webhook_requests_total', { provider: 'meta', result: 'accepted' })).toBe(2);
    expect(delta('conversa_webhook_requests_total', { provider: 'meta', result: 'unauthorized' })).toBe(1);
    expect(delta('conversa_webhook_processing_duration_seconds_count', { provider: 'meta' })).toBe(3);
    // The two bodies went through the ingest consumer in one or two batches.
    expect(delta('conversa_ingest_batch_size_sum')).toBe(2);
    expect(delta('conversa_ingest_batch_size_count')).toBeGreaterThanOrEqual(1);
    expect(delta('conversa_ingest_batch_duration_seconds_count')).toBe(delta('conversa_ingest_batch_size_count'));
    expect(delta('conversa_queue_messages_consumed_total', { queue: 'ingest' })).toBeGreaterThanOrEqual(2);
    expect(delta('conversa_queue_wait_seconds_count', { queue: 'ingest' })).toBe(delta('conversa_queue_messages_consumed_total', { queue: 'ingest' }));
    expect(delta('conversa_messages_stored_total', { direction: 'inbound' })).toBe(2);
    expect(delta('conversa_messages_stored_total', { direction: 'outbound' })).toBe(1);
    expect(delta('conversa_outbound_sends_total', { result: 'sent' })).toBe(1);
    expect(delta('conversa_websocket_events_sent_total', { room: 'inbox' })).toBeGreaterThanOrEqual(2);
    expect(value(after, 'conversa_websocket_connections', { room: 'inbox' })).toBeGreaterThanOrEqual(1);

    // Read at scrape time: the channel (ids only), the database, dead letters, queue backlog.
    const labels = { channel_id: ch.id, organization_id: admin.orgId, provider: 'meta_cloud' };
    expect(value(after, 'conversa_channel_connected', labels)).toBe(1);
    expect(value(after, 'conversa_channel_silent', labels)).toBe(0);
    const age = after.get('conversa_channel_last_inbound_age_seconds')!.samples.find((s) => sameLabels(s.labels, labels));
    expect(age?.value).toBeGreaterThanOrEqual(0);
    expect(age!.value).toBeLessThan(120);
    expect(value(after, 'conversa_database_up')).toBe(1);
    expect(after.get('conversa_dead_letters_unresolved')!.samples.map((s) => s.labels.queue).sort()).toEqual(['dlq', 'ingest', 'media', 'outbound']);
    expect(after.get('conversa_queue_backlog')!.samples.some((s) => s.labels.queue === 'ingest')).toBe(true);
    for (const s of after.get('conversa_queue_oldest_age_seconds')!.samples) expect(s.value).toBeGreaterThanOrEqual(0);

    // Well-formed histograms, every name of the catalog announced, and no phone number in any label.
    expect(checkHistograms(after)).toBeGreaterThanOrEqual(5);
    for (const name of ['conversa_queue_backlog', 'conversa_worker_jobs_failed_total', 'conversa_dead_letters_total', 'conversa_graph_api_errors_total']) {
      expect(after.get(name)?.type, name).toMatch(/counter|gauge/);
    }
    const text = [...after.values()].flatMap((f) => f.samples.map((s) => JSON.stringify(s.labels))).join('\n');
    expect(text).not.toContain(from);
    expect(text).not.toContain(ch.phoneNumberId);

    // The socket's close reaches the gauge (the room reports its own count; polled, no sleep).
    const open = value(after, 'conversa_websocket_connections', { room: 'inbox' });
    inbox.close();
    await eventually(async () => value(await scrape(), 'conversa_websocket_connections', { room: 'inbox' }) === open - 1);
  });

  it('counts a failed Graph API send by its Meta error code, and the send as failed', async () => {
    const from = customerNumber();
    const o = { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, timestamp: nowSeconds(), from };
    expect((await postWebhook(fx.textMessage('Olá', o))).status).toBe(200);
    const conv = await conversationOf(admin, from);
    await drainQueues();
    const before = await scrape();
    // The fake Meta answers the next send to this customer with a permanent error (131047: the 24 h window closed).
    expect((await fake('POST', '/fail-next', { code: 131047, phoneNumberId: ch.phoneNumberId, to: from, delivery: 'sync' })).status).toBe(201);
    const reply = await api('POST', `/api/v1/conversations/${conv.id}/messages`, { token: admin.accessToken, body: { type: 'text', text: 'Vai falhar' } });
    expect(reply.status).toBe(202);
    await drainQueues();
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) => value(after, name, labels) - value(before, name, labels);
    expect(delta('conversa_graph_api_errors_total', { code: '131047' })).toBe(1);
    expect(delta('conversa_outbound_sends_total', { result: 'failed' })).toBe(1);
  });
});
