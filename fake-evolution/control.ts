// JSON control API under /_fake (no apikey) for tests — in this process or another, e.g. the worker's — and the
// phone page: config and forced failures, scanning / dropping an instance, customers writing, history syncs,
// statuses and deletions by hand, and what was sent, read and posted. Errors use Conversa's own shape,
// { error: { code, message } }: this is not part of Evolution's protocol.
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { customerMessageSchema, InputError, sendCustomerMessage, sendHistory } from './inbound';
import { closeInstance, openInstance } from './lifecycle';
import { emitStatus } from './messages';
import { findMessage, resetState, settled, type FakeEvolutionState, type Instance } from './state';
import { emit } from './webhook';

export const configPatchSchema = z.object({
  autoScanMs: z.number().int().nonnegative().nullable().optional(),
  autoStatuses: z.boolean().optional(),
  statusDelayMs: z.number().int().nonnegative().optional(),
  qrRefreshMs: z.number().int().positive().optional(),
  /** Replaces the list: digits, or prefixes ending in "*". */
  notOnWhatsApp: z.array(z.string().min(1)).optional(),
  /** Adds to the list. */
  addNotOnWhatsApp: z.array(z.string().min(1)).optional(),
  latencyMs: z.number().int().nonnegative().optional(),
  webhookRetries: z.number().int().nonnegative().max(10).optional(),
  failNext: z.object({
    path: z.string().min(1),
    instance: z.string().optional(),
    status: z.number().int().min(400).max(599),
    body: z.unknown().optional(),
    times: z.number().int().positive().default(1),
  }).optional(),
});
export type ConfigPatch = z.input<typeof configPatchSchema>;

export function patchConfig(state: FakeEvolutionState, input: ConfigPatch) {
  const patch = configPatchSchema.parse(input);
  const { failNext, addNotOnWhatsApp, ...rest } = patch;
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) (state.config as unknown as Record<string, unknown>)[k] = v;
  if (addNotOnWhatsApp) state.config.notOnWhatsApp.push(...addNotOnWhatsApp);
  if (failNext) {
    state.failures.push({
      path: failNext.path, status: failNext.status, remaining: failNext.times,
      ...(failNext.instance ? { instance: failNext.instance } : {}), ...(failNext.body !== undefined ? { body: failNext.body } : {}),
    });
  }
  const { apiKey: _k, ...visible } = state.config;
  return { ...visible, pendingFailures: state.failures };
}

export const instanceSummary = (inst: Instance) => ({
  name: inst.name,
  id: inst.id,
  token: inst.token,
  state: inst.state,
  owner: inst.owner,
  ownerJid: `${inst.owner}@s.whatsapp.net`,
  profileName: inst.profileName,
  webhook: inst.webhook,
  qr: inst.qr ? { count: inst.qr.count, code: inst.qr.code, base64: inst.qr.base64 } : null,
  qrCount: inst.qr?.count ?? 0,
  createdAt: inst.createdAt,
});

async function jsonBody(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    return {};
  }
}

const statusSchema = z.object({ id: z.string().min(1), status: z.enum(['ERROR', 'PENDING', 'SERVER_ACK', 'DELIVERY_ACK', 'READ', 'PLAYED']) });
const deletedSchema = z.object({ id: z.string().min(1), remoteJid: z.string().optional(), fromMe: z.boolean().optional(), participant: z.string().optional() });
const scanSchema = z.object({ owner: z.string().optional(), profileName: z.string().optional() });

class NoInstance extends Error {}

export function createControlApp(state: FakeEvolutionState): Hono {
  const app = new Hono();

  app.onError((err, c) => {
    if (err instanceof z.ZodError) {
      const issue = err.issues[0];
      return c.json({ error: { code: 'invalid_input', message: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}` } }, 400);
    }
    if (err instanceof InputError) return c.json({ error: { code: 'invalid_input', message: err.message } }, 400);
    if (err instanceof NoInstance) return c.json({ error: { code: 'unknown_instance', message: err.message } }, 404);
    console.error('[fake-evolution] control error:', err);
    return c.json({ error: { code: 'internal', message: err instanceof Error ? err.message : String(err) } }, 500);
  });

  const instanceOf = (c: Context): Instance => {
    const name = c.req.param('name') ?? '';
    const inst = state.instances.get(name);
    if (!inst) throw new NoInstance(`no instance "${name}"`);
    return inst;
  };

  app.post('/reset', (c) => {
    resetState(state);
    return c.json({ reset: true });
  });

  app.get('/config', (c) => c.json(patchConfig(state, {})));
  app.post('/config', async (c) => c.json(patchConfig(state, (await jsonBody(c)) as ConfigPatch)));

  app.get('/instances', (c) => c.json({ data: [...state.instances.values()].map(instanceSummary) }));
  app.get('/instances/:name', (c) => c.json(instanceSummary(instanceOf(c))));

  // The phone scans the QR code now (optionally as a given number / profile name).
  app.post('/instances/:name/scan', async (c) => {
    const inst = instanceOf(c);
    await openInstance(state, inst, scanSchema.parse(await jsonBody(c)));
    return c.json(instanceSummary(inst));
  });

  // The connection drops (phone offline, WhatsApp closed it): close with 428.
  app.post('/instances/:name/disconnect', async (c) => {
    const inst = instanceOf(c);
    const { statusReason } = z.object({ statusReason: z.number().int().default(428) }).parse(await jsonBody(c));
    await closeInstance(state, inst, statusReason);
    return c.json(instanceSummary(inst));
  });

  // A customer (or the owner's phone, fromMe) writes; answers once the webhook was delivered.
  app.post('/instances/:name/messages', async (c) => {
    const inst = instanceOf(c);
    return c.json(await sendCustomerMessage(state, inst, customerMessageSchema.parse(await jsonBody(c))), 201);
  });

  app.post('/instances/:name/history', async (c) => {
    const inst = instanceOf(c);
    const { messages } = z.object({ messages: z.array(customerMessageSchema) }).parse(await jsonBody(c));
    return c.json(await sendHistory(state, inst, messages), 201);
  });

  app.post('/instances/:name/statuses', async (c) => {
    const inst = instanceOf(c);
    const { id, status } = statusSchema.parse(await jsonBody(c));
    const stored = findMessage(state, inst.name, id);
    if (!stored) return c.json({ error: { code: 'unknown_message', message: `no message ${id}` } }, 404);
    const emitted = await emitStatus(state, inst, stored, status);
    return c.json({ webhook: emitted?.envelope ?? null, delivered: emitted?.record.status ?? null });
  });

  app.post('/instances/:name/deleted', async (c) => {
    const inst = instanceOf(c);
    const input = deletedSchema.parse(await jsonBody(c));
    const stored = findMessage(state, inst.name, input.id);
    const remoteJid = input.remoteJid ?? stored?.raw.key.remoteJid;
    if (!remoteJid) return c.json({ error: { code: 'invalid_input', message: 'remoteJid is required for an unknown message' } }, 400);
    const participant = input.participant ?? stored?.raw.key.participant;
    const key = { remoteJid, fromMe: input.fromMe ?? stored?.raw.key.fromMe ?? false, id: input.id, ...(participant ? { participant } : {}) };
    const emitted = await emit(state, inst, 'messages.delete', key);
    return c.json({ webhook: emitted?.envelope ?? null, delivered: emitted?.record.status ?? null });
  });

  app.get('/sent', (c) => {
    const { instance, number } = c.req.query();
    const digits = number?.replace(/\D/g, '');
    return c.json({
      data: state.sent.filter((s) => (!instance || s.instance === instance) && (!number || s.number === number || (!!digits && s.number === digits))),
    });
  });
  app.get('/read', (c) => {
    const { instance } = c.req.query();
    return c.json({ data: state.read.filter((r) => !instance || r.instance === instance) });
  });
  app.get('/webhooks', (c) => {
    const { instance, event } = c.req.query();
    return c.json({ data: state.webhooks.filter((w) => (!instance || w.instance === instance) && (!event || w.event === event)) });
  });

  // One chat, both directions, for the phone page.
  app.get('/messages', (c) => {
    const { instance, number } = c.req.query();
    const digits = number?.replace(/\D/g, '') ?? '';
    const data = [...state.messages.values()]
      .filter((m) => (!instance || m.instance === instance) && (!digits || m.raw.key.remoteJid.startsWith(`${digits}@`) || m.raw.key.remoteJidAlt?.startsWith(`${digits}@`)))
      .map((m) => ({
        direction: m.direction,
        id: m.raw.key.id,
        remoteJid: m.raw.key.remoteJid,
        messageType: m.raw.messageType,
        message: m.raw.message,
        status: m.raw.status,
        at: m.at,
        ...(m.media ? { mediaUrl: `/_fake/media/${encodeURIComponent(m.instance)}/${m.raw.key.id}` } : {}),
      }));
    return c.json({ data });
  });

  // Media bytes without an apikey: for the page's <img>, never part of Evolution's protocol.
  app.get('/media/:instance/:id', (c) => {
    const stored = findMessage(state, c.req.param('instance'), c.req.param('id'));
    if (!stored?.media) return c.json({ error: { code: 'not_found', message: 'no such media' } }, 404);
    return c.body(new Uint8Array(stored.media.bytes), 200, { 'Content-Type': stored.media.mimetype });
  });

  // Resolves when every pending webhook has been posted: lets tests in another process wait.
  app.post('/settle', async (c) => {
    await settled(state);
    return c.json({ settled: true });
  });

  app.notFound((c) => c.json({ error: { code: 'not_found', message: `no control route ${c.req.method} ${c.req.path}` } }, 404));
  return app;
}
