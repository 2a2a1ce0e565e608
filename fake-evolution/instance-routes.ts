// /instance/* and /webhook/*: create an instance (with its webhook and first QR code), connect / reconnect, state,
// list, logout, delete, and set or read the webhook — with the answers Evolution 2.3's instance controller gives.
import type { Hono } from 'hono';
import { badRequest, EvolutionHttpError } from './errors';
import { readJson, requireInstance } from './request';
import { closeInstance, newInstance, removeInstance, startConnecting, webhookFrom, type WebhookInput } from './lifecycle';
import { ownerJid, track, type FakeEvolutionState, type Instance } from './state';

const SETTINGS = {
  rejectCall: false, msgCall: '', groupsIgnore: false, alwaysOnline: false, readMessages: false, readStatus: false, syncFullHistory: false,
};

function webhookInput(raw: unknown): WebhookInput | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const w = raw as Record<string, unknown>;
  const headers = w.headers && typeof w.headers === 'object' ? Object.fromEntries(Object.entries(w.headers as Record<string, unknown>).map(([k, v]) => [k, String(v)])) : undefined;
  return {
    ...(typeof w.url === 'string' ? { url: w.url } : {}),
    ...(typeof w.enabled === 'boolean' ? { enabled: w.enabled } : {}),
    ...(typeof w.byEvents === 'boolean' ? { byEvents: w.byEvents } : {}),
    ...(typeof w.base64 === 'boolean' ? { base64: w.base64 } : {}),
    ...(headers ? { headers } : {}),
    ...(Array.isArray(w.events) ? { events: w.events.map(String) } : {}),
  };
}

export const qrAnswer = (inst: Instance) =>
  inst.qr ? { pairingCode: null, code: inst.qr.code, base64: inst.qr.base64, count: inst.qr.count } : { pairingCode: null, count: 0 };

/** A row of fetchInstances (Evolution's Prisma Instance with its relations). */
function instanceRow(state: FakeEvolutionState, inst: Instance) {
  const messages = [...state.messages.values()].filter((m) => m.instance === inst.name);
  return {
    id: inst.id,
    name: inst.name,
    connectionStatus: inst.state,
    ownerJid: inst.connectedOnce ? ownerJid(inst) : null,
    profileName: inst.connectedOnce ? inst.profileName : null,
    profilePicUrl: null,
    integration: 'WHATSAPP-BAILEYS',
    number: null,
    businessId: null,
    token: inst.token,
    clientName: 'evolution_exchange',
    disconnectionReasonCode: inst.disconnectionReasonCode,
    disconnectionObject: null,
    disconnectionAt: inst.disconnectionAt,
    createdAt: inst.createdAt,
    updatedAt: inst.updatedAt,
    Chatwoot: null,
    Proxy: null,
    Rabbitmq: null,
    Nats: null,
    Sqs: null,
    Websocket: null,
    Setting: { id: inst.id.replace(/-/g, '').slice(0, 25), ...SETTINGS, wavoipToken: '', createdAt: inst.createdAt, updatedAt: inst.updatedAt, instanceId: inst.id },
    _count: { Message: messages.length, Contact: 0, Chat: new Set(messages.map((m) => m.raw.key.remoteJid)).size },
  };
}

const SUCCESS = (message: string) => ({ status: 'SUCCESS', error: false, response: { message } });

export function registerInstanceRoutes(app: Hono, state: FakeEvolutionState): void {
  app.post('/instance/create', async (c) => {
    const body = await readJson(c);
    const name = body.instanceName;
    if (name === undefined || name === null || name === '') throw badRequest('"instanceName" is required');
    if (typeof name !== 'string' || !name.trim() || name.length > 100 || /[/\\?#%\u0000-\u001f]/.test(name)) throw badRequest('"instanceName" is invalid');
    if (body.integration !== undefined && body.integration !== 'WHATSAPP-BAILEYS') throw badRequest('Invalid integration');
    if (state.instances.has(name)) throw new EvolutionHttpError(403, [`This name "${name}" is already in use.`]);
    const webhook = webhookInput(body.webhook);
    const inst = newInstance(state, name, webhook, typeof body.token === 'string' && body.token ? body.token : undefined);
    // Evolution connects (and answers with the first QR code) only when asked to with qrcode: true.
    const qr = body.qrcode === true ? await startConnecting(state, inst) : undefined;
    return c.json({
      instance: {
        instanceName: inst.name, instanceId: inst.id, integration: 'WHATSAPP-BAILEYS', webhookWaBusiness: null, accessTokenWaBusiness: '', status: inst.state,
      },
      hash: inst.token,
      webhook: {
        webhookUrl: inst.webhook?.url ?? '',
        webhookHeaders: inst.webhook?.headers ?? {},
        webhookByEvents: inst.webhook?.webhookByEvents ?? false,
        webhookBase64: inst.webhook?.webhookBase64 ?? false,
      },
      settings: SETTINGS,
      ...(qr ? { qrcode: { pairingCode: null, code: qr.code, base64: qr.base64, count: qr.count } } : {}),
    }, 201);
  });

  app.get('/instance/connect/:instanceName', async (c) => {
    const inst = requireInstance(state, c);
    if (inst.state === 'open') return c.json({ instance: { instanceName: inst.name, state: 'open' } });
    if (inst.state === 'close' || !inst.qr) await startConnecting(state, inst);
    return c.json(qrAnswer(inst));
  });

  app.get('/instance/connectionState/:instanceName', (c) => {
    const inst = requireInstance(state, c);
    return c.json({ instance: { instanceName: inst.name, state: inst.state } });
  });

  app.get('/instance/fetchInstances', (c) => {
    const { instanceName, instanceId } = c.req.query();
    const key = c.req.header('apikey');
    return c.json([...state.instances.values()]
      .filter((i) => (!instanceName || i.name === instanceName) && (!instanceId || i.id === instanceId))
      // An instance's own token sees only that instance.
      .filter((i) => key === state.config.apiKey || key === i.token)
      .map((i) => instanceRow(state, i)));
  });

  app.delete('/instance/logout/:instanceName', (c) => {
    const inst = requireInstance(state, c);
    if (inst.state === 'close') throw badRequest(`The "${inst.name}" instance is not connected`);
    void track(state, () => closeInstance(state, inst, 401));
    return c.json(SUCCESS('Instance logged out'));
  });

  app.delete('/instance/delete/:instanceName', (c) => {
    const inst = requireInstance(state, c);
    if (inst.state !== 'close') void track(state, () => closeInstance(state, inst, 401));
    removeInstance(state, inst);
    return c.json(SUCCESS('Instance deleted'));
  });

  app.post('/webhook/set/:instanceName', async (c) => {
    const inst = requireInstance(state, c);
    const body = await readJson(c);
    const input = webhookInput(body.webhook);
    if (!input) throw badRequest('instance requires property "webhook"');
    const next = webhookFrom(inst, input, inst.webhook);
    if (next.enabled && !next.url) throw badRequest('instance requires property "url"');
    inst.webhook = next;
    return c.json(next, 201);
  });

  app.get('/webhook/find/:instanceName', (c) => {
    const inst = requireInstance(state, c);
    return c.json(inst.webhook);
  });
}
