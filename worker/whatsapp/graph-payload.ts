// The Graph API (Meta Cloud API) body for one of our messages.
import type { Message } from '../db/schema';

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
      if (m.kind === 'audio' && p.voice === true) media.voice = true;
      return { recipient_type: 'individual', to, type: m.kind, [m.kind]: media, ...context };
    }
    case 'interactive':
      // The menu bot's buttons or list (worker/service-desk/menu.ts); the text rendering stays in `body`.
      if (!p.interactive) throw new Error('interactive message without its object');
      return { recipient_type: 'individual', to, type: 'interactive', interactive: p.interactive, ...context };
    default:
      throw new Error(`cannot send a ${m.kind} message`);
  }
}

