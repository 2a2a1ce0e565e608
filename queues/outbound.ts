// Outbound consumer: a queued agent message → Graph API send → wamid recorded. Meta errors become a failed
// status with a readable reason; only what can succeed later (rate limits, outages) is retried.
import { and, eq } from 'drizzle-orm';
import type { Db } from '../worker/db/client';
import { channels, contacts, conversations, messageColumns, messages, type Message } from '../worker/db/schema';
import { withOrg } from '../worker/db/tx';
import type { Env } from '../worker/env';
import { errorFields, type Logger } from '../worker/lib/log';
import { open } from '../worker/lib/secret-box';
import { errorReason } from './meta/normalise';
import { GraphError, sendMessage, uploadMedia } from '../worker/whatsapp/graph';
import type { Typed } from '.';
import { retryBase, retryDelay } from './ingest';
import { notifyStored } from './notify';

export const OUTBOUND_MAX_ATTEMPTS = 5;

/** The Graph API body for one of our messages. */
export function graphPayload(m: Message, to: string, replyToWamid: string | null, uploadedMediaId?: string): Record<string, unknown> {
  const p = (m.payload ?? {}) as Record<string, any>;
  const context = replyToWamid ? { context: { message_id: replyToWamid } } : {};
  switch (m.kind) {
    case 'text':
      return { recipient_type: 'individual', to, type: 'text', text: { body: m.body ?? '', preview_url: true }, ...context };
    case 'template': {
      // Meta wants the language as { code }; we keep the code as a string.
      const t = p.template as { name: string; language: string; components?: unknown[] };
      return {
        recipient_type: 'individual',
        to,
        type: 'template',
        template: { name: t.name, language: { code: t.language }, ...(t.components?.length ? { components: t.components } : {}) },
        ...context,
      };
    }
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker': {
      const media: Record<string, unknown> = uploadedMediaId ? { id: uploadedMediaId } : { link: p.media?.link };
      if (m.body && m.kind !== 'audio' && m.kind !== 'sticker') media.caption = m.body;
      if (m.kind === 'document' && m.mediaFilename) media.filename = m.mediaFilename;
      return { recipient_type: 'individual', to, type: m.kind, [m.kind]: media, ...context };
    }
    default:
      throw new Error(`cannot send a ${m.kind} message`);
  }
}

export async function sendOutboundBatch(items: Typed<'outbound.send'>[], env: Env, db: Db, log: Logger): Promise<void> {
  for (const { message, body } of items) {
    const { organizationId: orgId, messageId } = body;
    const [row] = await withOrg(db, orgId, (tx) =>
      tx
        .select({ message: messageColumns, waId: contacts.waId, phoneNumberId: channels.phoneNumberId, token: channels.accessTokenEnc, channelStatus: channels.status })
        .from(messages)
        .innerJoin(conversations, eq(conversations.id, messages.conversationId))
        .innerJoin(contacts, eq(contacts.id, conversations.contactId))
        .innerJoin(channels, eq(channels.id, conversations.channelId))
        .where(and(eq(messages.organizationId, orgId), eq(messages.id, messageId))),
    );
    // Already sent (a redelivery) or gone: nothing to do.
    if (!row || row.message.status !== 'queued' || row.message.providerMessageId) {
      message.ack();
      continue;
    }
    let outcome: Partial<Message>;
    try {
      if (!row.token || !row.phoneNumberId || !row.waId || row.channelStatus !== 'active') {
        throw new GraphError(400, 0, { code: 0, title: 'Channel unavailable', reason: 'O canal do WhatsApp está desativado ou sem credenciais.', retryable: false }, null);
      }
      let replyToWamid: string | null = null;
      if (row.message.replyToMessageId) {
        const [quoted] = await withOrg(db, orgId, (tx) =>
          tx.select({ wamid: messages.providerMessageId }).from(messages).where(and(eq(messages.organizationId, orgId), eq(messages.id, row.message.replyToMessageId!))),
        );
        replyToWamid = quoted?.wamid ?? null;
      }
      const cfg = { baseUrl: env.META_GRAPH_BASE_URL, accessToken: await open(env.ENCRYPTION_KEY, row.token) };
      // Files the agent uploaded go to WhatsApp first; the message then refers to them by media id.
      let mediaId: string | undefined;
      const key = (row.message.payload?.media as { key?: string } | undefined)?.key;
      if (key) {
        const object = await env.MEDIA.get(key);
        if (!object) throw new GraphError(400, 131053, errorReason(131053), 'the uploaded file is gone');
        const bytes = await object.arrayBuffer();
        const mime = object.httpMetadata?.contentType ?? 'application/octet-stream';
        mediaId = (await uploadMedia(cfg, row.phoneNumberId, { bytes, mime, filename: row.message.mediaFilename ?? object.customMetadata?.filename ?? 'arquivo' })).id;
      }
      const sent = await sendMessage(cfg, row.phoneNumberId, graphPayload(row.message, row.waId, replyToWamid, mediaId));
      // Status stays "queued" until Meta's "sent" webhook: accepted is not yet sent.
      outcome = { providerMessageId: sent.messages[0]?.id ?? null };
    } catch (err) {
      const graph = err instanceof GraphError ? err : null;
      const retryable = graph ? graph.retryable : true; // network trouble: try again
      if (retryable && message.attempts < OUTBOUND_MAX_ATTEMPTS) {
        log.warn('outbound send failed; will retry', { ...errorFields(err), messageId, attempts: message.attempts });
        message.retry({ delaySeconds: retryDelay(message.attempts, retryBase(env)) });
        continue;
      }
      outcome = {
        status: 'failed',
        failedAt: new Date(),
        errorCode: graph?.code ?? null,
        errorTitle: graph?.reason.title ?? 'Network error',
        errorDetail: graph ? `${graph.reason.reason}${graph.detail ? ` (${graph.detail})` : ''}` : 'Não foi possível falar com o WhatsApp.',
      };
      log.warn('outbound message failed', { messageId, code: graph?.code });
    }
    const [updated] = await withOrg(db, orgId, (tx) =>
      tx
        .update(messages)
        .set({ ...outcome, updatedAt: new Date() })
        .where(and(eq(messages.organizationId, orgId), eq(messages.id, messageId), eq(messages.status, 'queued')))
        .returning(messageColumns),
    );
    message.ack();
    if (updated) await notifyStored(env, db, orgId, { created: [], updated: [updated], conversationIds: [] }, log);
  }
}
