// An instance's life, as Baileys drives it inside Evolution: created → connecting with a QR code that is replaced
// every qrRefreshMs → open once the phone scans it (by itself after autoScanMs, or on /_fake/…/scan) → close on
// logout, on a dropped connection, or when deleted. Each step posts the webhook Evolution posts.
import QRCode from 'qrcode';
import { b64Random, newToken, newUuid } from './ids';
import {
  nextOwner, ownerJid, stopInstanceTimers, track, type FakeEvolutionState, type Instance, type QrCode, type WebhookConfig,
} from './state';
import { emit } from './webhook';

export interface WebhookInput {
  url?: string;
  enabled?: boolean;
  byEvents?: boolean;
  base64?: boolean;
  headers?: Record<string, string>;
  events?: string[];
}

/** Baileys' QR payload: "2@" + ref, then the noise key, identity key and adv secret, base64, comma-separated. */
export function newQrPayload(): string {
  return `2@${b64Random(66)},${b64Random(32)},${b64Random(32)},${b64Random(32)}`;
}

/** A real PNG of the code, as Evolution makes it (qrcode's toDataURL: margin 3, scale 4, level H, QRCODE_COLOR green). */
export function qrDataUrl(code: string): Promise<string> {
  return QRCode.toDataURL(code, { margin: 3, scale: 4, errorCorrectionLevel: 'H', color: { light: '#ffffff', dark: '#198754' } });
}

export function webhookFrom(inst: Pick<Instance, 'id'>, input: WebhookInput, previous?: WebhookConfig | null): WebhookConfig {
  const now = new Date().toISOString();
  return {
    id: previous?.id ?? newUuid().replace(/-/g, '').slice(0, 25),
    url: input.url ?? previous?.url ?? '',
    enabled: input.enabled ?? (input.url ? true : previous?.enabled ?? false),
    headers: input.headers ?? previous?.headers ?? {},
    events: input.events ?? previous?.events ?? [],
    webhookByEvents: input.byEvents ?? previous?.webhookByEvents ?? false,
    webhookBase64: input.base64 ?? previous?.webhookBase64 ?? false,
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
    instanceId: inst.id,
  };
}

export function newInstance(state: FakeEvolutionState, name: string, webhook: WebhookInput | undefined, token?: string): Instance {
  const now = new Date().toISOString();
  const inst: Instance = {
    id: newUuid(),
    name,
    token: token ?? newToken(),
    state: 'close',
    owner: nextOwner(state),
    profileName: name,
    connectedOnce: false,
    webhook: null,
    qr: null,
    timers: {},
    queue: Promise.resolve(),
    disconnectionReasonCode: null,
    disconnectionAt: null,
    createdAt: now,
    updatedAt: now,
  };
  if (webhook?.url) inst.webhook = webhookFrom(inst, webhook);
  state.instances.set(name, inst);
  return inst;
}

/** A new code for a connecting instance (kept only if it is still connecting once the PNG is made). */
async function nextQr(inst: Instance, count: number): Promise<QrCode> {
  const code = newQrPayload();
  const qr = { code, base64: await qrDataUrl(code), count };
  if (inst.state === 'connecting') inst.qr = qr;
  return qr;
}

function emitQr(state: FakeEvolutionState, inst: Instance, qr: QrCode) {
  return emit(state, inst, 'qrcode.updated', { qrcode: { instance: inst.name, pairingCode: null, code: qr.code, base64: qr.base64 } });
}

/**
 * Starts (or restarts) connecting: a first QR code, qrcode.updated + connection.update "connecting", then a new code
 * every qrRefreshMs and, with autoScanMs, the scan. Resolves once the first code exists (webhooks go out meanwhile).
 */
export async function startConnecting(state: FakeEvolutionState, inst: Instance): Promise<QrCode> {
  stopInstanceTimers(inst);
  inst.state = 'connecting';
  inst.updatedAt = new Date().toISOString();
  const qr = await nextQr(inst, 1);
  void emitQr(state, inst, qr);
  void emit(state, inst, 'connection.update', { instance: inst.name, state: 'connecting', statusReason: 200 });
  if (state.runtime.closed) return qr;
  inst.timers.qr = setInterval(() => {
    if (inst.state !== 'connecting' || !inst.qr) return;
    const count = inst.qr.count + 1;
    void track(state, async () => {
      const next = await nextQr(inst, count);
      if (inst.state === 'connecting' && inst.qr === next) await emitQr(state, inst, next);
    });
  }, state.config.qrRefreshMs);
  inst.timers.qr.unref?.();
  if (state.config.autoScanMs !== null) {
    inst.timers.scan = setTimeout(() => void track(state, () => openInstance(state, inst)), state.config.autoScanMs);
    inst.timers.scan.unref?.();
  }
  return qr;
}

export interface ScanInput {
  owner?: string;
  profileName?: string;
}

/** The phone scanned the code: the connection opens with the owner's number as wuid. */
export async function openInstance(state: FakeEvolutionState, inst: Instance, input: ScanInput = {}): Promise<void> {
  stopInstanceTimers(inst);
  if (input.owner) inst.owner = input.owner.replace(/\D/g, '');
  if (input.profileName) inst.profileName = input.profileName;
  if (state.instances.get(inst.name) !== inst) return; // deleted meanwhile
  inst.state = 'open';
  inst.qr = null;
  inst.connectedOnce = true;
  inst.disconnectionReasonCode = null;
  inst.updatedAt = new Date().toISOString();
  await emit(state, inst, 'connection.update', {
    instance: inst.name, wuid: ownerJid(inst), profileName: inst.profileName, profilePictureUrl: null, state: 'open', statusReason: 200,
  });
}

/** The connection ends: 401 logged out (by Conversa or on the phone), 428 connection closed/lost. */
export async function closeInstance(state: FakeEvolutionState, inst: Instance, statusReason: number): Promise<void> {
  stopInstanceTimers(inst);
  inst.state = 'close';
  inst.qr = null;
  inst.disconnectionReasonCode = statusReason;
  inst.disconnectionAt = new Date().toISOString();
  inst.updatedAt = inst.disconnectionAt;
  await emit(state, inst, 'connection.update', { instance: inst.name, state: 'close', statusReason });
}

export function removeInstance(state: FakeEvolutionState, inst: Instance): void {
  stopInstanceTimers(inst);
  state.instances.delete(inst.name);
  for (const [k, m] of state.messages) if (m.instance === inst.name) state.messages.delete(k);
}
