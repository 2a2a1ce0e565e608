// Realistic inbound webhooks, serialised and signed exactly as Meta does (fake-meta's builders): mostly text in
// Portuguese with accents and emoji, some quick-reply buttons, list replies and locations. Each text carries a
// token (#b<seq>) so a conversation-list preview seen on the inbox socket can be traced back to its webhook.
import { signBody } from '../../fake-meta/webhooks';
import { httpPost } from './http';
import {
  buildButtonMessage,
  buildInteractiveReply,
  buildLocationMessage,
  buildTextMessage,
  newWamid,
  serializeLikeMeta,
  type BusinessRef,
  type CustomerRef,
} from '../../fake-meta/webhook-payloads';

const PHRASES = [
  'Olá! Vocês entregam em São Paulo? 😊',
  'Bom dia, gostaria de saber o preço da camiseta azul tamanho M',
  'Meu pedido ainda não chegou, podem verificar?',
  'Obrigado pelo atendimento! 🙏',
  'Vocês aceitam Pix ou cartão em 3x?',
  'Qual o prazo de entrega para Belo Horizonte?',
  'Quero trocar o tênis, ficou apertado 👟',
  'Tem na cor preta também?',
  'Pode me mandar o catálogo atualizado?',
  'Boa tarde! A loja abre no sábado?',
];

export interface Planned {
  seq: number;
  wamid: string;
  tenant: number;
  waId: string;
  kind: 'text' | 'button' | 'interactive' | 'location';
  /** Token in the text (previews only show text). */
  token: string | null;
  raw: string;
  signature: string;
}

export function tokenOf(seq: number): string {
  return `#b${seq}`;
}

export const TOKEN_RE = /#b(\d+)/;

/** The seq-th message of a run: its kind follows a fixed mix (88 % text, 4 % each of the others). */
export function planMessage(seq: number, tenant: number, business: BusinessRef, customer: CustomerRef, appSecret: string, forceText = false): Planned {
  const wamid = newWamid(customer.waId);
  const slot = seq % 25;
  const kind: Planned['kind'] = forceText || slot > 2 ? 'text' : slot === 0 ? 'button' : slot === 1 ? 'interactive' : 'location';
  const meta = { id: wamid };
  let token: string | null = null;
  let payload;
  if (kind === 'text') {
    token = tokenOf(seq);
    payload = buildTextMessage(business, customer, `${PHRASES[seq % PHRASES.length]} ${token}`, meta);
  } else if (kind === 'button') {
    payload = buildButtonMessage(business, customer, { text: 'Sim, quero receber', payload: 'OPT_IN_YES' }, meta);
  } else if (kind === 'interactive') {
    payload = buildInteractiveReply(business, customer, { type: 'list_reply', list_reply: { id: 'entrega', title: 'Prazo de entrega', description: 'Quando chega?' } }, meta);
  } else {
    payload = buildLocationMessage(business, customer, { latitude: -23.5613, longitude: -46.6565, name: 'Av. Paulista, 1578', address: 'Bela Vista, São Paulo - SP' }, meta);
  }
  const raw = serializeLikeMeta(payload);
  return { seq, wamid, tenant, waId: customer.waId, kind, token, raw, signature: signBody(raw, appSecret) };
}

export interface PostOutcome {
  status: number | null;
  error?: string;
}

/** One signed POST, as Meta's sender makes it. */
export function postSigned(url: string, raw: string, signature: string, timeoutMs = 10_000): Promise<PostOutcome> {
  return httpPost(url, raw, { 'content-type': 'application/json', 'x-hub-signature-256': signature, 'user-agent': 'facebookexternalua' }, timeoutMs);
}
