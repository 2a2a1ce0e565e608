// The one client for Evolution API v2 (QR-connected numbers through WhatsApp Web). Its base URL and global key are
// configuration (EVOLUTION_API_URL / EVOLUTION_API_KEY), so dev and tests talk to the local fake Evolution, which
// answers with the same shapes and errors: `{ status, error, response: { message } }`.

export interface EvolutionConfig {
  baseUrl: string;
  apiKey: string;
  timeoutMs?: number;
}

export const EVOLUTION_TIMEOUT_MS = 15_000;

/** The events Conversa subscribes an instance to (Evolution's names). */
export const EVOLUTION_EVENTS = [
  'QRCODE_UPDATED',
  'CONNECTION_UPDATE',
  'MESSAGES_UPSERT',
  'MESSAGES_UPDATE',
  'MESSAGES_DELETE',
  'MESSAGES_SET',
  'SEND_MESSAGE',
] as const;

export class EvolutionError extends Error {
  constructor(
    readonly httpStatus: number,
    /** Evolution's `response.message`, flattened to text. */
    readonly detail: string,
    readonly body: unknown,
  ) {
    super(`Evolution API ${httpStatus}: ${detail}`);
    this.name = 'EvolutionError';
  }
  /** Overloaded or down: try again later. A 4xx (closed connection, unknown number) will not change by retrying. */
  get retryable(): boolean {
    return this.httpStatus >= 500 || this.httpStatus === 429 || this.httpStatus === 408;
  }
  /** The number is not on WhatsApp (`[{ exists: false, … }]`). */
  get notOnWhatsApp(): boolean {
    return Array.isArray((this.body as any)?.response?.message) && (this.body as any).response.message.some((m: any) => m?.exists === false);
  }
  get connectionClosed(): boolean {
    return /connection closed|not connected/i.test(this.detail);
  }
}

function flatten(message: unknown): string {
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.map(flatten).join('; ');
  if (message && typeof message === 'object') {
    const m = message as Record<string, unknown>;
    if (m.exists === false) return `${m.number ?? m.jid} is not on WhatsApp`;
    return JSON.stringify(m).slice(0, 300);
  }
  return String(message ?? '');
}

async function call<T>(cfg: EvolutionConfig, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${cfg.baseUrl.replace(/\/$/, '')}${path}`, {
    method,
    signal: AbortSignal.timeout(cfg.timeoutMs ?? EVOLUTION_TIMEOUT_MS),
    headers: { apikey: cfg.apiKey, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {}
  if (!res.ok) throw new EvolutionError(res.status, flatten(json?.response?.message ?? json?.message ?? text.slice(0, 300)), json);
  return json as T;
}

const at = (instance: string) => encodeURIComponent(instance);

export interface QrCode {
  pairingCode?: string | null;
  code?: string;
  base64?: string;
  count?: number;
}

export interface CreatedInstance {
  instance: { instanceName: string; instanceId?: string; status?: string };
  /** The instance's own token (a string in v2; an object `{ apikey }` in some releases). */
  hash?: string | { apikey?: string };
  webhook?: { webhookUrl?: string; webhookHeaders?: Record<string, string> };
  qrcode?: QrCode;
}

export interface WebhookSettings {
  url: string;
  headers: Record<string, string>;
}

export function createInstance(cfg: EvolutionConfig, instanceName: string, webhook: WebhookSettings) {
  return call<CreatedInstance>(cfg, 'POST', '/instance/create', {
    instanceName,
    integration: 'WHATSAPP-BAILEYS',
    qrcode: true,
    webhook: { enabled: true, url: webhook.url, headers: webhook.headers, byEvents: false, base64: false, events: EVOLUTION_EVENTS },
  });
}

/** A fresh QR code while not connected (`{ instance: { state: "open" } }` once it is). */
export const connectInstance = (cfg: EvolutionConfig, instanceName: string) =>
  call<QrCode & { instance?: { state?: string } }>(cfg, 'GET', `/instance/connect/${at(instanceName)}`);

export const connectionState = (cfg: EvolutionConfig, instanceName: string) =>
  call<{ instance: { instanceName: string; state: string } }>(cfg, 'GET', `/instance/connectionState/${at(instanceName)}`);

export const logoutInstance = (cfg: EvolutionConfig, instanceName: string) => call<unknown>(cfg, 'DELETE', `/instance/logout/${at(instanceName)}`);

export const deleteInstance = (cfg: EvolutionConfig, instanceName: string) => call<unknown>(cfg, 'DELETE', `/instance/delete/${at(instanceName)}`);

/** What Evolution answers a send with: the stored message, whose `key.id` is WhatsApp's message id. */
export interface SentMessage {
  key: { remoteJid: string; fromMe: boolean; id: string };
  status?: string;
  messageTimestamp?: number | string;
}

export interface Quoted {
  key: { id: string; remoteJid?: string; fromMe?: boolean };
  message?: Record<string, unknown>;
}

export const sendText = (cfg: EvolutionConfig, instanceName: string, body: { number: string; text: string; quoted?: Quoted; linkPreview?: boolean }) =>
  call<SentMessage>(cfg, 'POST', `/message/sendText/${at(instanceName)}`, body);

export const sendMedia = (
  cfg: EvolutionConfig,
  instanceName: string,
  body: { number: string; mediatype: 'image' | 'video' | 'document' | 'audio'; mimetype?: string; caption?: string; fileName?: string; media: string; quoted?: Quoted },
) => call<SentMessage>(cfg, 'POST', `/message/sendMedia/${at(instanceName)}`, body);

/** A voice note (push-to-talk), as WhatsApp shows one recorded in the app. */
export const sendWhatsAppAudio = (cfg: EvolutionConfig, instanceName: string, body: { number: string; audio: string; quoted?: Quoted }) =>
  call<SentMessage>(cfg, 'POST', `/message/sendWhatsAppAudio/${at(instanceName)}`, body);

export const sendReaction = (cfg: EvolutionConfig, instanceName: string, body: { key: { remoteJid: string; fromMe: boolean; id: string }; reaction: string }) =>
  call<SentMessage>(cfg, 'POST', `/message/sendReaction/${at(instanceName)}`, body);

export const markMessagesRead = (cfg: EvolutionConfig, instanceName: string, keys: { remoteJid: string; fromMe: boolean; id: string }[]) =>
  call<unknown>(cfg, 'POST', `/chat/markMessageAsRead/${at(instanceName)}`, { readMessages: keys });

export interface MediaBase64 {
  mediaType?: string;
  fileName?: string;
  mimetype?: string;
  base64: string;
}

export const mediaBase64 = (cfg: EvolutionConfig, instanceName: string, messageId: string) =>
  call<MediaBase64>(cfg, 'POST', `/chat/getBase64FromMediaMessage/${at(instanceName)}`, { message: { key: { id: messageId } }, convertToMp4: false });

/** The configured server, or null when this deployment has none (Evolution channels then cannot be created). */
export function evolutionConfig(env: { EVOLUTION_API_URL?: string; EVOLUTION_API_KEY?: string }): EvolutionConfig | null {
  if (!env.EVOLUTION_API_URL || !env.EVOLUTION_API_KEY) return null;
  return { baseUrl: env.EVOLUTION_API_URL, apiKey: env.EVOLUTION_API_KEY };
}

/** WhatsApp's address for a contact id we store: digits are a phone (…@s.whatsapp.net); groups and LIDs keep theirs. */
export function jidOf(waId: string): string {
  return waId.includes('@') ? waId : `${waId}@s.whatsapp.net`;
}
