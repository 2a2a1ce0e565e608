import { describe, expect, it } from 'vitest';
import * as fx from './fixtures';
import {
  type MessageEvent,
  type MetaEvent,
  type StatusEvent,
  type TrackedStatus,
  type MetaStatusValue,
  errorReason,
  normaliseWebhook,
  parseWebhook,
  shouldApplyStatus,
  statusRank,
} from './normalise';

const { FIXTURE } = fx;

function events(body: unknown): MetaEvent[] {
  const r = parseWebhook(JSON.stringify(body));
  if (!r.ok) throw new Error(`expected ok, got: ${r.error}`);
  return r.events;
}

function only<K extends MetaEvent['kind']>(body: unknown, kind: K): Extract<MetaEvent, { kind: K }> {
  const all = events(body);
  expect(all).toHaveLength(1);
  expect(all[0]!.kind).toBe(kind);
  return all[0] as Extract<MetaEvent, { kind: K }>;
}

const msg = (body: unknown) => only(body, 'message').message;

describe('parseWebhook: message types', () => {
  it('text: routing, contact, wamid, timestamp and body', () => {
    const id = fx.wamid();
    const e: MessageEvent = only(fx.textMessage('Oi, tudo bem?', { id }), 'message');
    expect(e).toMatchObject({
      phoneNumberId: FIXTURE.phoneNumberId,
      displayPhoneNumber: FIXTURE.displayPhoneNumber,
      wabaId: FIXTURE.wabaId,
      contact: { waId: FIXTURE.customerWaId, profileName: FIXTURE.customerName },
    });
    expect(e.message).toMatchObject({ providerMessageId: id, from: FIXTURE.customerWaId, kind: 'text', body: 'Oi, tudo bem?' });
    expect(e.message.timestamp).toEqual(new Date(Number(FIXTURE.timestamp) * 1000));
    expect(e.message.media).toBeUndefined();
    expect(e.message.payload).toEqual({});
  });

  it('image with caption', () => {
    const m = msg(fx.imageMessage('Olha só'));
    expect(m.kind).toBe('image');
    expect(m.body).toBe('Olha só');
    expect(m.media).toMatchObject({ mimeType: 'image/jpeg', caption: 'Olha só' });
    expect(m.media?.id).toMatch(/^\d+$/);
    expect(m.media?.sha256).toBeTruthy();
  });

  it('image without caption has no body', () => {
    const m = msg(fx.imageMessage(null));
    expect(m.body).toBeNull();
    expect(m.media?.caption).toBeUndefined();
  });

  it('video', () => {
    const m = msg(fx.videoMessage('Vídeo'));
    expect(m).toMatchObject({ kind: 'video', body: 'Vídeo', media: { mimeType: 'video/mp4', caption: 'Vídeo' } });
  });

  it('voice note: kind audio with voice = true', () => {
    const m = msg(fx.audioMessage(true));
    expect(m.kind).toBe('audio');
    expect(m.body).toBeNull();
    expect(m.media).toMatchObject({ mimeType: 'audio/ogg; codecs=opus', voice: true });
  });

  it('audio file: no voice flag', () => {
    expect(msg(fx.audioMessage(false)).media?.voice).toBeUndefined();
  });

  it('document: filename, caption, body falls back to filename', () => {
    const a = msg(fx.documentMessage('Orçamento.pdf'));
    expect(a).toMatchObject({ kind: 'document', body: 'Orçamento.pdf', media: { filename: 'Orçamento.pdf' } });
    const b = msg(fx.documentMessage('Orçamento.pdf', 'Segue o orçamento'));
    expect(b.body).toBe('Segue o orçamento');
    expect(b.media).toMatchObject({ filename: 'Orçamento.pdf', caption: 'Segue o orçamento', mimeType: 'application/pdf' });
  });

  it('sticker: animated flag', () => {
    expect(msg(fx.stickerMessage(true))).toMatchObject({ kind: 'sticker', body: null, media: { animated: true, mimeType: 'image/webp' } });
    expect(msg(fx.stickerMessage(false)).media?.animated).toBe(false);
  });

  it('location: body from name and address, coordinates in payload', () => {
    const m = msg(fx.locationMessage());
    expect(m.kind).toBe('location');
    expect(m.body).toBe('Loja Paulista — Av. Paulista, 1578 - Bela Vista, São Paulo - SP');
    expect(m.payload.location).toMatchObject({ latitude: -23.561684, longitude: -46.655981, url: expect.any(String) });
  });

  it('location without name/address has no body', () => {
    const body = fx.inbound(fx.message('location', { location: { latitude: '-22.9', longitude: '-43.2' } }));
    const m = msg(body);
    expect(m.body).toBeNull();
    expect(m.payload.location).toEqual({ latitude: -22.9, longitude: -43.2 });
  });

  it('contacts: short Portuguese description, cards kept whole', () => {
    const one = msg(fx.contactsMessage());
    expect(one.kind).toBe('contacts');
    expect(one.body).toBe('Contato: João da Silva');
    expect(one.payload.contacts).toEqual([fx.sharedContact('João da Silva', '+55 11 91234-5678')]);

    const cards = ['Ana', 'Bia', 'Caio', 'Duda', 'Edu'].map((n, i) => fx.sharedContact(`${n} Souza`, `+55 11 9000-000${i}`));
    expect(msg(fx.contactsMessage(cards)).body).toBe('5 contatos: Ana Souza, Bia Souza, Caio Souza e mais 2');
    expect(msg(fx.contactsMessage([{ phones: [{ phone: '+55 21 3333-4444' }] }])).body).toBe('Contato: +55 21 3333-4444');
  });

  it('interactive button_reply', () => {
    const m = msg(fx.buttonReplyMessage('confirmar', 'Confirmar ✅'));
    expect(m).toMatchObject({ kind: 'interactive', body: 'Confirmar ✅' });
    expect(m.payload.interactive).toEqual({ type: 'button_reply', button_reply: { id: 'confirmar', title: 'Confirmar ✅' } });
  });

  it('interactive list_reply keeps the description', () => {
    const m = msg(fx.listReplyMessage('tarde', 'Tarde', 'Entre 13h e 18h'));
    expect(m.body).toBe('Tarde');
    expect(m.payload.interactive).toMatchObject({ list_reply: { id: 'tarde', description: 'Entre 13h e 18h' } });
  });

  it('interactive nfm_reply (flow): response decoded', () => {
    const m = msg(fx.nfmReplyMessage({ nome: 'Maria', cep: '01310-200' }));
    expect(m.kind).toBe('interactive');
    expect(m.body).toBe('Sent');
    expect(m.payload.interactive).toMatchObject({ type: 'nfm_reply', response: { nome: 'Maria', cep: '01310-200' } });
  });

  it('interactive of an unknown sub-type is kept raw', () => {
    const raw = { type: 'call_permission_reply', call_permission_reply: { response: 'accept' } };
    const m = msg(fx.inbound(fx.message('interactive', { interactive: raw })));
    expect(m).toMatchObject({ kind: 'interactive', body: null, payload: { interactive: raw } });
  });

  it('template quick-reply button: text and payload', () => {
    const quoted = fx.wamid();
    const m = msg(fx.templateButtonMessage('Sim, quero', 'OPT_IN_YES', { context: fx.replyContext(quoted) }));
    expect(m).toMatchObject({ kind: 'button', body: 'Sim, quero', replyToProviderId: quoted });
    expect(m.payload.button).toEqual({ text: 'Sim, quero', payload: 'OPT_IN_YES' });
  });

  it('reaction: target and emoji', () => {
    const target = fx.wamid();
    const m = msg(fx.reactionMessage(target, '❤️'));
    expect(m).toMatchObject({ kind: 'reaction', body: '❤️', reaction: { targetProviderId: target, emoji: '❤️' } });
  });

  it('un-reaction: absent or empty emoji → emoji null', () => {
    const target = fx.wamid();
    expect(msg(fx.reactionMessage(target)).reaction).toEqual({ targetProviderId: target, emoji: null });
    expect(msg(fx.reactionMessage(target, '')).reaction).toEqual({ targetProviderId: target, emoji: null });
    expect(msg(fx.reactionMessage(target)).body).toBeNull();
  });

  it('system (number change): no contacts array, contact from `from`', () => {
    const e = only(fx.systemMessage('5511912345678'), 'message');
    expect(e.contact).toEqual({ waId: FIXTURE.customerWaId });
    expect(e.message.kind).toBe('system');
    expect(e.message.body).toContain('changed from');
    expect(e.message.payload.system).toMatchObject({ type: 'user_changed_number', wa_id: '5511912345678' });
  });

  it('order: kept raw, readable summary', () => {
    const m = msg(fx.orderMessage());
    expect(m.kind).toBe('unsupported');
    expect(m.providerType).toBe('order');
    expect(m.body).toBe('Pedido (2 itens): Pode embrulhar para presente?');
    expect(m.payload.order).toMatchObject({ catalog_id: '1234567890', product_items: [{ quantity: 2 }, { quantity: 1 }] });
  });

  it('unsupported with errors', () => {
    const m = msg(fx.unsupportedMessage('poll_creation'));
    expect(m).toMatchObject({ kind: 'unsupported', providerType: 'unsupported', body: null });
    expect(m.errors).toEqual([
      { code: 131051, title: 'Message type unknown', message: 'Message type unknown', details: 'Message type is currently not supported.' },
    ]);
    expect(m.payload).toMatchObject({ unsupported: { type: 'poll_creation' }, errors: m.errors });
  });

  it('an unknown new type becomes unsupported with the raw message kept', () => {
    const raw = fx.message('poll', { poll: { question: 'Qual sabor?' } });
    const m = msg(fx.inbound(raw));
    expect(m).toMatchObject({ kind: 'unsupported', providerType: 'poll', body: null });
    expect(m.payload.raw).toEqual(raw);
  });

  it('a known type with malformed content degrades to unsupported instead of failing', () => {
    const raw = fx.message('image', { image: { mime_type: 'image/jpeg' } }); // no media id
    const m = msg(fx.inbound(raw));
    expect(m.kind).toBe('unsupported');
    expect(m.payload.raw).toEqual(raw);
    expect(m.payload.invalid).toEqual([expect.stringContaining('image.id')]);
  });
});

describe('parseWebhook: context and referral', () => {
  it('reply: replyToProviderId from context.id', () => {
    const quoted = fx.wamid();
    expect(msg(fx.textMessage('Esse aqui', { context: fx.replyContext(quoted) })).replyToProviderId).toBe(quoted);
  });

  it('forwarded flags and referred product land in payload', () => {
    const m = msg(
      fx.textMessage('Encaminhada', {
        context: { forwarded: true, frequently_forwarded: true, referred_product: { catalog_id: 'c1', product_retailer_id: 'SKU-1' } },
      }),
    );
    expect(m.replyToProviderId).toBeUndefined();
    expect(m.payload).toEqual({
      forwarded: true,
      frequentlyForwarded: true,
      referredProduct: { catalog_id: 'c1', product_retailer_id: 'SKU-1' },
    });
  });

  it('Click-to-WhatsApp referral with ctwa_clid', () => {
    const ref = fx.referral({ media_type: 'video', video_url: 'https://v.example/1.mp4', thumbnail_url: 'https://v.example/t.jpg' });
    const m = msg(fx.textMessage('Vi o anúncio', { referral: ref }));
    expect(m.referral).toEqual(ref);
    expect(m.referral?.ctwa_clid).toMatch(/^ARA/);
    expect(m.payload.referral).toEqual(ref);
  });

  it('a malformed referral is dropped, the message kept', () => {
    const m = msg(fx.textMessage('Oi', { referral: { source_url: 42 } as unknown as Record<string, unknown> }));
    expect(m).toMatchObject({ kind: 'text', body: 'Oi' });
    expect(m.referral).toBeUndefined();
  });
});

describe('parseWebhook: statuses', () => {
  it('sent/delivered/read with pricing', () => {
    const id = fx.wamid();
    for (const s of ['sent', 'delivered', 'read'] as const) {
      const e: StatusEvent = only(fx.statusWebhook(s, { id }), 'status');
      expect(e).toMatchObject({
        phoneNumberId: FIXTURE.phoneNumberId,
        wabaId: FIXTURE.wabaId,
        providerMessageId: id,
        status: s,
        providerStatus: s,
        recipientId: FIXTURE.customerWaId,
        pricing: { pricing_model: 'PMP', category: 'service' },
      });
      expect(e.timestamp).toEqual(new Date(Number(FIXTURE.timestamp) * 1000));
      expect(e.error).toBeUndefined();
    }
  });

  it('failed with error', () => {
    const e = only(fx.statusWebhook('failed'), 'status');
    expect(e.status).toBe('failed');
    expect(e.error).toEqual({
      code: 131047,
      title: 'Re-engagement message',
      message: 'Re-engagement message',
      details: expect.stringContaining('24 hours'),
    });
    expect(e.errors).toHaveLength(1);
    expect(e.pricing).toBeUndefined();
  });

  it('conversation (older CBP payloads) is kept, expiration as a Date', () => {
    const s = { ...fx.status('sent'), conversation: { id: 'c1', expiration_timestamp: '1750943820', origin: { type: 'service' } } };
    const e = only(fx.statusesWebhook([s]), 'status');
    expect(e.conversation).toEqual({ id: 'c1', expiration_timestamp: new Date(1750943820 * 1000), origin: { type: 'service' } });
  });

  it('played (voice note) counts as read; deleted is passed on', () => {
    expect(only(fx.statusWebhook('played'), 'status')).toMatchObject({ status: 'read', providerStatus: 'played' });
    expect(only(fx.statusWebhook('deleted'), 'status').status).toBe('deleted');
  });

  it('an unknown status is ignored, not fatal', () => {
    const e = only(fx.statusWebhook('warning'), 'ignored');
    expect(e).toMatchObject({ field: 'messages', phoneNumberId: FIXTURE.phoneNumberId, reason: 'unknown status "warning"' });
  });
});

describe('parseWebhook: envelopes', () => {
  it('returns every event of a multi-entry body in payload order', () => {
    const ids = { text: fx.wamid(), image: fx.wamid(), delivered: fx.wamid(), read: fx.wamid() };
    const all = events(fx.multiEntryWebhook(ids));
    expect(all.map((e) => e.kind)).toEqual(['message', 'message', 'status', 'status', 'ignored']);
    const [text, image, delivered, read, ignored] = all as [MessageEvent, MessageEvent, StatusEvent, StatusEvent, MetaEvent];
    expect(text.message.providerMessageId).toBe(ids.text);
    expect(text.contact).toMatchObject({ waId: FIXTURE.customerWaId, profileName: FIXTURE.customerName });
    expect(image.message.providerMessageId).toBe(ids.image);
    expect(image.contact).toMatchObject({ waId: '5521998887777', profileName: 'José' });
    expect([delivered.providerMessageId, read.providerMessageId]).toEqual([ids.delivered, ids.read]);
    expect(ignored).toMatchObject({ kind: 'ignored', field: 'message_template_status_update', wabaId: '987654321098765' });
  });

  it('non-message fields are ignored but recorded with their value', () => {
    const t = only(fx.templateStatusUpdate(), 'ignored');
    expect(t).toMatchObject({ field: 'message_template_status_update', wabaId: FIXTURE.wabaId });
    expect(t.value).toMatchObject({ event: 'APPROVED', message_template_name: 'confirmacao_pedido' });
    expect(only(fx.accountUpdate(), 'ignored').field).toBe('account_update');
    const weird = fx.envelope({ changes: [{ field: 'calls', value: { anything: [1, 2, 3] } }] });
    expect(only(weird, 'ignored').reason).toContain('calls');
  });

  it('webhook-level errors become an ignored event', () => {
    const value = { messaging_product: 'whatsapp', metadata: { phone_number_id: FIXTURE.phoneNumberId }, errors: [fx.metaError(131000)] };
    const e = only(fx.envelope({ changes: [{ field: 'messages', value }] }), 'ignored');
    expect(e.reason).toBe('webhook errors: #131000 Something went wrong');
  });

  it('tolerates unknown extra fields everywhere', () => {
    const bsuid = 'BR.1502576394655843';
    const raw = { ...fx.message('text', { text: { body: 'Oi', preview_url: false } }), from_user_id: bsuid, identity: { a: 1 } };
    const body = {
      object: 'whatsapp_business_account',
      future_top_level: true,
      entry: [
        {
          id: FIXTURE.wabaId,
          time: 1749416383,
          changes: [
            {
              field: 'messages',
              new_change_field: 'x',
              value: {
                ...fx.messagesValue([{ ...raw, referral: fx.referral({ brand_new: { x: 1 } }) }]),
                contacts: [
                  {
                    profile: { name: FIXTURE.customerName, username: '@maria' },
                    wa_id: FIXTURE.customerWaId,
                    user_id: bsuid,
                    identity_key_hash: 'DF2lS5v2W6x=',
                  },
                ],
                new_value_field: { a: 1 },
              },
            },
          ],
        },
      ],
    };
    const e = only(body, 'message');
    expect(e.message).toMatchObject({ kind: 'text', body: 'Oi', referral: { brand_new: { x: 1 } } });
    expect(e.contact).toEqual({ waId: FIXTURE.customerWaId, profileName: FIXTURE.customerName, userId: bsuid, username: '@maria' });
  });

  it('a username user without phone: identified by BSUID', () => {
    const raw = { from_user_id: 'BR.1502576394655843', id: fx.wamid(), timestamp: '1749416383', type: 'text', text: { body: 'Oi' } };
    const value = {
      metadata: { display_phone_number: FIXTURE.displayPhoneNumber, phone_number_id: FIXTURE.phoneNumberId },
      contacts: [{ profile: { name: 'Ana', username: '@ana' }, user_id: 'BR.1502576394655843' }],
      messages: [raw],
    };
    const e = only(fx.envelope({ changes: [{ field: 'messages', value }] }), 'message');
    expect(e.contact).toEqual({ waId: 'BR.1502576394655843', userId: 'BR.1502576394655843', profileName: 'Ana', username: '@ana' });
    expect(e.message.from).toBe('BR.1502576394655843');
  });

  it('malformed JSON → ok:false', () => {
    const r = parseWebhook('{"object": "whatsapp_business_account", ');
    expect(r).toMatchObject({ ok: false, error: expect.stringContaining('invalid JSON') });
    expect(parseWebhook('')).toMatchObject({ ok: false });
  });

  it('wrong object or missing entry → ok:false', () => {
    const r = parseWebhook(JSON.stringify({ ...fx.textMessage(), object: 'page' }));
    expect(r).toMatchObject({ ok: false, error: expect.stringContaining('object') });
    expect(normaliseWebhook({ object: 'whatsapp_business_account' })).toMatchObject({ ok: false, error: expect.stringContaining('entry') });
    for (const v of [null, 42, 'x', []]) expect(normaliseWebhook(v).ok).toBe(false);
  });

  it('missing phone_number_id → ok:false (cannot be routed to a channel; dead-lettered for replay)', () => {
    const body = fx.textMessage() as { entry: { changes: { value: { metadata: Record<string, unknown> } }[] }[] };
    delete body.entry[0]!.changes[0]!.value.metadata.phone_number_id;
    const r = normaliseWebhook(body);
    expect(r).toEqual({ ok: false, error: expect.stringContaining('entry[0].changes[0].value.metadata.phone_number_id') });
  });

  it('a message without id or a bad timestamp → ok:false with its path', () => {
    const noId = fx.inbound({ ...fx.message('text', { text: { body: 'x' } }), id: undefined });
    expect(normaliseWebhook(noId)).toMatchObject({ ok: false, error: expect.stringContaining('messages[0].id') });
    const badTs = fx.textMessage('x', { timestamp: 'yesterday' });
    expect(normaliseWebhook(badTs)).toMatchObject({ ok: false, error: expect.stringContaining('messages[0].timestamp') });
    const noSender = fx.inbound({ ...fx.message('text', { text: { body: 'x' } }), from: undefined });
    expect(normaliseWebhook(noSender)).toMatchObject({ ok: false, error: expect.stringContaining('messages[0].from') });
  });

  it('never throws, whatever the input', () => {
    const inputs = ['null', '[]', '"x"', '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[null]}]}',
      '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":null}]}]}'];
    for (const s of inputs) expect(() => parseWebhook(s)).not.toThrow();
    expect(parseWebhook(inputs[4]!).ok).toBe(false);
  });
});

describe('parseWebhook: text fidelity', () => {
  it.each([
    'Ação, não, coração, pão de açúcar — ç ã õ é ê ü',
    'Família 👨‍👩‍👧‍👦, bandeira 🇧🇷, pele 👍🏽, variação ❤️',
    '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 astral 😀'.repeat(200),
    'Nao\u0303 decomposto (NFD) fica como veio',
    '  espaços e\nquebras de linha\t mantidos  ',
  ])('round-trips intact: %s', (text) => {
    const m = msg(fx.textMessage(text));
    expect(m.body).toBe(text);
    expect(m.body?.length).toBe(text.length);
  });

  it("decodes Meta's wire escapes (\\uXXXX, surrogate pairs, \\/) to the same text", () => {
    const raw = JSON.stringify(fx.textMessage('x')).replace(
      '"body":"x"',
      String.raw`"body":"A\u00e7\u00e3o \ud83d\udc4d\ud83c\udffd \/ 100\u0025"`,
    );
    const r = parseWebhook(raw);
    expect(r.ok && r.events[0]?.kind === 'message' && r.events[0].message.body).toBe('Ação 👍🏽 / 100%');
  });

  it('captions, titles and names keep emoji and accents', () => {
    expect(msg(fx.imageMessage('Promoção 🔥🔥')).body).toBe('Promoção 🔥🔥');
    expect(msg(fx.buttonReplyMessage('x', 'Sim 👍🏽')).body).toBe('Sim 👍🏽');
    expect(only(fx.textMessage('oi', { name: 'Zé 🇧🇷 Conceição' }), 'message').contact.profileName).toBe('Zé 🇧🇷 Conceição');
  });
});

describe('statusRank / shouldApplyStatus', () => {
  it('ranks the progression', () => {
    expect(statusRank('queued')).toBeLessThan(statusRank('sent'));
    expect(statusRank('sent')).toBeLessThan(statusRank('delivered'));
    expect(statusRank('delivered')).toBeLessThan(statusRank('read'));
  });

  const table: [TrackedStatus | null, MetaStatusValue, boolean][] = [
    [null, 'sent', true],
    [null, 'failed', true],
    ['queued', 'sent', true],
    ['queued', 'read', true],
    ['sent', 'delivered', true],
    ['sent', 'read', true], // delivered is skipped when delivered and read at once
    ['delivered', 'read', true],
    ['sent', 'sent', false],
    ['delivered', 'sent', false],
    ['read', 'delivered', false],
    ['read', 'sent', false],
    ['queued', 'failed', true],
    ['sent', 'failed', true],
    ['delivered', 'failed', false],
    ['read', 'failed', false],
    ['failed', 'failed', false],
    ['failed', 'sent', false],
    ['failed', 'delivered', true],
    ['failed', 'read', true],
    ['read', 'deleted', true],
    ['failed', 'deleted', true],
    ['deleted', 'read', false],
    ['received', 'read', false],
    ['received', 'failed', false],
  ];
  it.each(table)('%s + %s → %s', (current, incoming, expected) => {
    expect(shouldApplyStatus(current, incoming)).toBe(expected);
  });
});

describe('errorReason', () => {
  it.each([
    [131047, false],
    [470, false],
    [131026, false],
    [131049, false],
    [131050, false],
    [190, false],
    [0, false],
    [132000, false],
    [132001, false],
    [131051, false],
    [131052, false],
    [131053, false],
    [131048, false],
    [130429, true],
    [131056, true],
    [80007, true],
    [4, true],
    [131000, true],
    [131016, true],
    [1, true],
    [2, true],
    [429, true],
    [503, true],
  ])('%i retryable = %s', (code, retryable) => {
    const r = errorReason(code);
    expect(r.retryable).toBe(retryable);
    expect(r.code).toBe(code);
    expect(r.reason.length).toBeGreaterThan(10);
  });

  it('gives a Portuguese reason and keeps the given title', () => {
    expect(errorReason(131047, 'Re-engagement message')).toEqual({
      code: 131047,
      title: 'Re-engagement message',
      reason: expect.stringContaining('24 horas'),
      retryable: false,
    });
    expect(errorReason(190).reason).toContain('Token');
    expect(errorReason(132001).reason).toContain('modelo');
    expect(errorReason(131056).reason).toContain('tentado novamente');
  });

  it('unknown codes: not retried, Meta title surfaced', () => {
    expect(errorReason(999999, 'Brand new error')).toEqual({
      code: 999999,
      title: 'Brand new error',
      reason: 'Erro da Meta (999999): Brand new error',
      retryable: false,
    });
    expect(errorReason(250).retryable).toBe(false);
  });
});
