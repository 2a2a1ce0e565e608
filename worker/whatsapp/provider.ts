// One interface for the WhatsApp providers a channel can use: Meta's Cloud API (worker/whatsapp/graph.ts) and
// Evolution API (worker/whatsapp/evolution.ts). Outbound messages, reactions, read receipts and media downloads go
// through it, so the consumers do not know which provider a channel uses. Errors are GraphError for both: a code,
// a readable reason in Portuguese and whether retrying can help.
import type { Message } from '../db/schema';
import type { Env } from '../env';
import { channelSecret, open } from '../lib/secret-box';
import { errorReason } from '../../queues/meta/error-reasons';
import { graphPayload } from './graph-payload';
import * as evolution from './evolution';
import { downloadMedia, getMediaInfo, GraphError, graphTimeout, markRead, sendMessage, uploadMedia } from './graph';

/** The channel columns a provider needs (a join in each consumer's read). */
export interface ChannelRef {
  id: string;
  provider: 'meta_cloud' | 'evolution';
  phoneNumberId: string | null;
  instanceName: string | null;
  /** Sealed: Meta's access token, or Evolution's instance token. */
  token: string | null;
  status: 'active' | 'disabled';
}

export interface OutgoingFile {
  bytes: ArrayBuffer;
  mime: string;
  filename: string;
}

export interface WhatsAppProvider {
  /** Sends one of our messages to `to` (the contact's wa_id); returns WhatsApp's message id. */
  send(m: Message, to: string, replyToWamid: string | null, file?: OutgoingFile): Promise<string>;
  /** Sets (or with "" removes) the business's reaction on a message; returns the reaction's own id when there is one. */
  react(to: string, target: { wamid: string; fromMe: boolean }, emoji: string): Promise<string | null>;
  /** Blue ticks on the customer's phone for their message. */
  markRead(to: string, wamid: string): Promise<void>;
  /** An inbound file: the media reference stored at ingest (Meta media id; Evolution message id). */
  fetchMedia(mediaId: string): Promise<{ bytes: ArrayBuffer; mime: string | null; sha256?: string }>;
}

const unavailable = () =>
  new GraphError(400, 0, { code: 0, title: 'Channel unavailable', reason: 'O canal do WhatsApp está desativado ou sem credenciais.', retryable: false }, null);

export async function providerFor(env: Env, channel: ChannelRef): Promise<WhatsAppProvider> {
  if (channel.status !== 'active') throw unavailable();
  if (channel.provider === 'evolution') {
    const cfg = evolution.evolutionConfig(env);
    if (!cfg || !channel.instanceName) throw unavailable();
    return evolutionProvider({ ...cfg, timeoutMs: graphTimeout(env) }, channel.instanceName);
  }
  if (!channel.token || !channel.phoneNumberId) throw unavailable();
  const cfg = { baseUrl: env.META_GRAPH_BASE_URL, accessToken: await open(env, channel.token, channelSecret(channel.id)), timeoutMs: graphTimeout(env) };
  return metaProvider(cfg, channel.phoneNumberId);
}

function metaProvider(cfg: Parameters<typeof sendMessage>[0], phoneNumberId: string): WhatsAppProvider {
  return {
    async send(m, to, replyToWamid, file) {
      // Files the agent uploaded go to WhatsApp first; the message then refers to them by media id.
      const mediaId = file ? (await uploadMedia(cfg, phoneNumberId, file)).id : undefined;
      const sent = await sendMessage(cfg, phoneNumberId, graphPayload(m, to, replyToWamid, mediaId));
      const wamid = sent.messages[0]?.id;
      if (!wamid) throw new GraphError(502, 1, errorReason(1), 'accepted without a message id');
      return wamid;
    },
    async react(to, target, emoji) {
      const sent = await sendMessage(cfg, phoneNumberId, { recipient_type: 'individual', to, type: 'reaction', reaction: { message_id: target.wamid, emoji } });
      return sent.messages[0]?.id ?? null;
    },
    async markRead(_to, wamid) {
      await markRead(cfg, phoneNumberId, wamid);
    },
    async fetchMedia(mediaId) {
      const info = await getMediaInfo(cfg, mediaId);
      const file = await downloadMedia(cfg, info.url);
      return { bytes: await file.arrayBuffer(), mime: info.mime_type || file.headers.get('content-type'), ...(info.sha256 && { sha256: info.sha256 }) };
    },
  };
}

/** Evolution's errors in the shape the consumers handle: the reason an agent reads under a failed message. */
function asGraphError(err: unknown): unknown {
  if (!(err instanceof evolution.EvolutionError)) return err;
  const reason = err.notOnWhatsApp
    ? 'Este número não tem WhatsApp.'
    : err.connectionClosed
      ? 'O número está desconectado do WhatsApp: escaneie o QR code em Configurações → Canais.'
      : err.retryable
        ? 'O servidor do WhatsApp (Evolution) não respondeu; nova tentativa em instantes.'
        : `O WhatsApp (Evolution) recusou a mensagem: ${err.detail}`;
  const title = err.notOnWhatsApp ? 'Not on WhatsApp' : err.connectionClosed ? 'Number disconnected' : 'Evolution API error';
  return new GraphError(err.httpStatus, 0, { code: 0, title, reason, retryable: err.retryable }, err.detail);
}

const base64Of = (bytes: ArrayBuffer) => {
  const view = new Uint8Array(bytes);
  let text = '';
  for (let i = 0; i < view.length; i += 0x8000) text += String.fromCharCode(...view.subarray(i, i + 0x8000));
  return btoa(text);
};

function evolutionProvider(cfg: evolution.EvolutionConfig, instance: string): WhatsAppProvider {
  const guarded =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await fn(...args);
      } catch (err) {
        throw asGraphError(err);
      }
    };
  return {
    send: guarded(async (m, to, replyToWamid, file) => {
      const number = to;
      const quoted = replyToWamid ? { key: { id: replyToWamid } } : undefined;
      const link = (m.payload?.media as { link?: string } | undefined)?.link;
      const media = file ? base64Of(file.bytes) : link;
      let sent: evolution.SentMessage;
      switch (m.kind) {
        case 'text':
          sent = await evolution.sendText(cfg, instance, { number, text: m.body ?? '', ...(quoted && { quoted }), linkPreview: true });
          break;
        case 'audio':
          if (!media) throw new GraphError(400, 131053, errorReason(131053), 'no audio file');
          // A voice note, as WhatsApp shows one recorded in the app.
          sent = await evolution.sendWhatsAppAudio(cfg, instance, { number, audio: media, ...(quoted && { quoted }) });
          break;
        case 'image':
        case 'video':
        case 'document':
        case 'sticker':
          if (!media) throw new GraphError(400, 131053, errorReason(131053), 'no file');
          sent = await evolution.sendMedia(cfg, instance, {
            number,
            mediatype: m.kind === 'sticker' ? 'image' : m.kind,
            ...(file && { mimetype: file.mime }),
            ...(m.body && { caption: m.body }),
            ...(m.kind === 'document' && { fileName: m.mediaFilename ?? file?.filename ?? 'arquivo' }),
            media,
            ...(quoted && { quoted }),
          });
          break;
        default:
          throw new GraphError(400, 0, { code: 0, title: 'Not supported', reason: 'Este tipo de mensagem não pode ser enviado por este número.', retryable: false }, m.kind);
      }
      if (!sent?.key?.id) throw new GraphError(502, 1, errorReason(1), 'accepted without a message id');
      return sent.key.id;
    }),
    react: guarded(async (to, target, emoji) => {
      const sent = await evolution.sendReaction(cfg, instance, { key: { remoteJid: evolution.jidOf(to), fromMe: target.fromMe, id: target.wamid }, reaction: emoji });
      return sent?.key?.id ?? null;
    }),
    markRead: guarded(async (to, wamid) => {
      await evolution.markMessagesRead(cfg, instance, [{ remoteJid: evolution.jidOf(to), fromMe: false, id: wamid }]);
    }),
    fetchMedia: guarded(async (mediaId) => {
      const media = await evolution.mediaBase64(cfg, instance, mediaId);
      const binary = atob(media.base64.replace(/^data:[^,]*,/, ''));
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      return { bytes: bytes.buffer, mime: media.mimetype ?? null };
    }),
  };
}
