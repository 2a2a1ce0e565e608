// One customer's chat as the phone page shows it: both directions in order, each message reduced to display text,
// tappable replies (interactive buttons, list rows, template quick replies) and media the page can load.
import type { FakeMetaState, InboundRecord, OutboundMessage, OutboundStatus, Template } from './state';
import { mediaOf, type Payloads } from './send-schema';

export interface ChatReply {
  kind: 'button_reply' | 'list_reply' | 'button';
  id: string;
  title: string;
  description?: string;
}

export interface ChatItem {
  direction: 'inbound' | 'outbound';
  id: string;
  at: string;
  type: string;
  text: string;
  mediaUrl?: string;
  replies?: ChatReply[];
  status?: OutboundStatus;
  error?: { code: number; title: string; details: string };
  readByBusiness?: boolean;
}

type TemplateParam = { type: string; text?: string; parameter_name?: string; payload?: string };

function fillTemplate(text: string, params: TemplateParam[]): string {
  let positional = 0;
  return text.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (whole, key: string) => {
    const byName = params.find((p) => p.parameter_name === key);
    const param = byName ?? (/^\d+$/.test(key) ? params[Number(key) - 1] : params[positional]);
    positional += 1;
    return param?.text ?? whole;
  });
}

function describeTemplate(state: FakeMetaState, msg: OutboundMessage, t: Payloads['template']): Pick<ChatItem, 'text' | 'replies'> {
  const wabaId = state.numbers.get(msg.phoneNumberId)?.wabaId;
  const template: Template | undefined = state.templates.find((x) => x.wabaId === wabaId && x.name === t.name && x.language === t.language.code);
  const paramsOf = (type: string, index?: number) => (t.components ?? [])
    .find((c) => c.type.toLowerCase() === type && (index === undefined || Number(c.index) === index))?.parameters as TemplateParam[] | undefined;
  if (!template) return { text: `[template ${t.name} / ${t.language.code}]` };
  const textOf = (type: string) => template.components.find((c) => String(c.type).toUpperCase() === type)?.text;
  const parts = [textOf('HEADER'), textOf('BODY'), textOf('FOOTER')]
    .map((text, i) => (typeof text === 'string' ? fillTemplate(text, paramsOf(['header', 'body', 'footer'][i]!) ?? []) : undefined))
    .filter((x): x is string => Boolean(x));
  const buttons = (template.components.find((c) => String(c.type).toUpperCase() === 'BUTTONS')?.buttons ?? []) as { type: string; text: string }[];
  const replies = buttons.flatMap((b, index): ChatReply[] => b.type.toUpperCase() !== 'QUICK_REPLY' ? [] : [{
    kind: 'button', id: paramsOf('button', index)?.[0]?.payload ?? b.text, title: b.text,
  }]);
  return { text: parts.join('\n\n'), ...(replies.length ? { replies } : {}) };
}

function describeInteractive(i: Payloads['interactive']): Pick<ChatItem, 'text' | 'replies'> {
  const body = i.body?.text ?? '';
  if (i.type === 'button') {
    return { text: body, replies: (i.action.buttons ?? []).map((b) => ({ kind: 'button_reply', id: b.reply.id, title: b.reply.title })) };
  }
  if (i.type === 'list') {
    const rows = (i.action.sections ?? []).flatMap((s) => (s.rows ?? []) as { id: string; title: string; description?: string }[]);
    return {
      text: `${body}\n[${i.action.button ?? 'Lista'}]`,
      replies: rows.map((r) => ({ kind: 'list_reply', id: r.id, title: r.title, ...(r.description ? { description: r.description } : {}) })),
    };
  }
  if (i.type === 'cta_url') {
    const p = i.action.parameters as { display_text?: string; url?: string } | undefined;
    return { text: `${body}\n🔗 ${p?.display_text ?? ''} ${p?.url ?? ''}`.trim() };
  }
  return { text: body || `[interactive ${i.type}]` };
}

export function describeOutbound(state: FakeMetaState, msg: OutboundMessage): ChatItem {
  const base = { direction: 'outbound' as const, id: msg.id, at: new Date(msg.at).toISOString(), type: msg.type, status: msg.status, ...(msg.error ? { error: msg.error } : {}) };
  const req = msg.request;
  const media = mediaOf(req);
  if (media) {
    const mediaUrl = media.id ? `/_fake/media/${media.id}` : media.link;
    return { ...base, text: media.caption ?? media.filename ?? `[${req.type}]`, ...(mediaUrl ? { mediaUrl } : {}) };
  }
  switch (req.type) {
    case 'text': return { ...base, text: req.text.body };
    case 'template': return { ...base, ...describeTemplate(state, msg, req.template) };
    case 'interactive': return { ...base, ...describeInteractive(req.interactive) };
    case 'location': return { ...base, text: `📍 ${[req.location.name, req.location.address].filter(Boolean).join(' — ')} (${req.location.latitude}, ${req.location.longitude})` };
    case 'contacts': return { ...base, text: req.contacts.map((c) => `👤 ${c.name.formatted_name}`).join('\n') };
    case 'reaction': return { ...base, text: req.reaction.emoji ? `reagiu ${req.reaction.emoji}` : 'removeu a reação' };
    default: return { ...base, text: `[${req.type}]` };
  }
}

export function describeInbound(rec: InboundRecord): ChatItem {
  const m = rec.message;
  const base = { direction: 'inbound' as const, id: rec.id, at: new Date(rec.at).toISOString(), type: m.type, readByBusiness: rec.readByBusiness };
  switch (m.type) {
    case 'text': return { ...base, text: m.text.body };
    case 'image': case 'video': case 'document': case 'sticker': case 'audio': {
      const media = m.type === 'image' ? m.image : m.type === 'video' ? m.video : m.type === 'document' ? m.document : m.type === 'sticker' ? m.sticker : m.audio;
      const label = m.type === 'audio' && media.voice ? '🎤 mensagem de voz' : `[${m.type}]`;
      return { ...base, text: media.caption ?? media.filename ?? label, mediaUrl: `/_fake/media/${media.id}` };
    }
    case 'location': return { ...base, text: `📍 ${m.location.name ?? ''} (${m.location.latitude}, ${m.location.longitude})` };
    case 'contacts': return { ...base, text: m.contacts.map((c) => `👤 ${c.name.formatted_name}`).join('\n') };
    case 'interactive': return { ...base, text: m.interactive.type === 'button_reply' ? m.interactive.button_reply.title : m.interactive.list_reply.title };
    case 'button': return { ...base, text: m.button.text };
    case 'reaction': return { ...base, text: m.reaction.emoji ? `reagiu ${m.reaction.emoji}` : 'removeu a reação' };
    case 'unsupported': return { ...base, text: '[mensagem não suportada]' };
  }
}

export function chatWith(state: FakeMetaState, phoneNumberId: string, waId: string): ChatItem[] {
  const outbound = state.outbound.filter((m) => m.phoneNumberId === phoneNumberId && m.waId === waId).map((m) => ({ at: m.at, item: describeOutbound(state, m) }));
  const inbound = state.inbound.filter((m) => m.phoneNumberId === phoneNumberId && m.from === waId).map((m) => ({ at: m.at, item: describeInbound(m) }));
  return [...outbound, ...inbound].sort((a, b) => a.at - b.at).map((x) => x.item);
}
