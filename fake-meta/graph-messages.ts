// POST /{version}/{phone-number-id}/messages: sends (every message type) and mark-as-read.
import { takeSlowSend } from './actions';
import { invalidParameterError, unknownObjectError, whatsappError } from './errors';
import { authenticate, sendGraphError, VERSION, type GraphApp } from './graph-common';
import { parseSendBody } from './send-schema';
import { decideSend } from './send-rules';
import { sleep, tokenCanUseNumber, type FakeMetaState, type OutboundMessage } from './state';
import { scheduleStatuses } from './status-callbacks';
import { digitsOnly, newWamid } from './webhooks';

export function registerMessages(app: GraphApp, state: FakeMetaState): void {
  app.post(`/${VERSION}/:phoneNumberId/messages`, async (c) => {
    const auth = authenticate(c, state);
    if ('error' in auth) return auth.error;
    const phoneNumberId = c.req.param('phoneNumberId');
    const number = tokenCanUseNumber(state, auth.token, phoneNumberId);
    if (!number) return sendGraphError(c, unknownObjectError('POST', phoneNumberId));

    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch {
      return sendGraphError(c, invalidParameterError('Invalid parameter'));
    }
    const parsed = parseSendBody(body);
    if (!parsed.ok) return sendGraphError(c, parsed.error);

    if (parsed.kind === 'read') {
      // Meta answers success for any id it can resolve; the fake also marks the customer's message as read.
      const inbound = state.inbound.find((m) => m.id === parsed.value.message_id && m.phoneNumberId === phoneNumberId);
      if (inbound) inbound.readByBusiness = true;
      return c.json({ success: true });
    }

    const req = parsed.value;
    const decision = decideSend(state, number, req);
    if (decision.kind === 'reject') return sendGraphError(c, whatsappError(decision.error));

    const waId = digitsOnly(req.to);
    const msg: OutboundMessage = {
      direction: 'outbound',
      id: newWamid(waId),
      phoneNumberId,
      to: req.to,
      waId,
      type: req.type,
      request: req,
      at: state.now(),
      status: 'accepted',
      statusHistory: [],
    };
    state.outbound.push(msg);
    scheduleStatuses(state, msg, decision.asyncError);
    const delayMs = takeSlowSend(state, waId);
    if (delayMs !== undefined) await sleep(state, delayMs);
    return c.json({
      messaging_product: 'whatsapp',
      contacts: [{ input: req.to, wa_id: waId }],
      // message_status comes back for template sends only ("accepted" or "held_for_quality_assessment").
      messages: [{ id: msg.id, ...(req.type === 'template' ? { message_status: 'accepted' } : {}) }],
    });
  });
}
