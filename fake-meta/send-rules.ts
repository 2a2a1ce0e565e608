// Whether Meta would take a (well-formed) send, and if not, how it says no: a synchronous Graph error, or 200 now
// and a `failed` status webhook later — per code, from config.errorDelivery or the forced failure itself.
import { metaError, type MetaErrorSpec } from './errors';
import { windowInfo, type FakeMetaState, type PhoneNumber } from './state';
import { mediaOf, type SendMessageRequest } from './send-schema';
import { digitsOnly } from './webhooks';

export type SendDecision =
  | { kind: 'reject'; error: MetaErrorSpec }
  | { kind: 'accept'; asyncError?: MetaErrorSpec };

const FREE_FORM_EXEMPT = new Set<SendMessageRequest['type']>(['template']);

/** E.164 digits: 8–15 of them, written with nothing but digits, spaces, +, -, (, ), dots. */
export function validRecipient(to: string): boolean {
  const digits = digitsOnly(to);
  return /^[+\d\s\-().]+$/.test(to) && digits.length >= 8 && digits.length <= 15;
}

function placeholderCount(text: string): number {
  return new Set(text.match(/\{\{\s*[\w.]+\s*\}\}/g) ?? []).size;
}

function templateProblem(state: FakeMetaState, number: PhoneNumber, req: Extract<SendMessageRequest, { type: 'template' }>): MetaErrorSpec | undefined {
  const { name, language, components = [] } = req.template;
  const template = state.templates.find((t) => t.wabaId === number.wabaId && t.name === name && t.language === language.code);
  if (!template || template.status !== 'APPROVED') {
    return metaError(132001, { details: `template name (${name}) does not exist in ${language.code}` });
  }
  const bodyText = template.components.find((c) => String(c.type).toUpperCase() === 'BODY')?.text;
  const expected = typeof bodyText === 'string' ? placeholderCount(bodyText) : 0;
  const given = components.find((c) => c.type.toLowerCase() === 'body')?.parameters?.length ?? 0;
  if (expected !== given) {
    return metaError(132000, { details: `body: number of localizable_params (${given}) does not match the expected number of params (${expected})` });
  }
  return undefined;
}

function takeForcedFailure(state: FakeMetaState, phoneNumberId: string, waId: string) {
  const idx = state.failures.findIndex((f) =>
    (f.phoneNumberId === undefined || f.phoneNumberId === phoneNumberId) && (f.to === undefined || digitsOnly(f.to) === waId));
  if (idx < 0) return undefined;
  const failure = state.failures[idx]!;
  failure.remaining -= 1;
  if (failure.remaining <= 0) state.failures.splice(idx, 1);
  return failure;
}

export function decideSend(state: FakeMetaState, number: PhoneNumber, req: SendMessageRequest): SendDecision {
  const waId = digitsOnly(req.to);
  const byConfig = (spec: MetaErrorSpec): SendDecision =>
    state.config.errorDelivery[String(spec.code)] === 'async' ? { kind: 'accept', asyncError: spec } : { kind: 'reject', error: spec };

  const throttle = state.throttles.get(number.phoneNumberId) ?? state.throttles.get('*');
  if (throttle !== undefined) return { kind: 'reject', error: metaError(throttle) };

  const forced = takeForcedFailure(state, number.phoneNumberId, waId);
  if (forced) {
    const spec = metaError(forced.code, forced.details ? { details: forced.details } : {});
    if (forced.delivery) return forced.delivery === 'async' ? { kind: 'accept', asyncError: spec } : { kind: 'reject', error: spec };
    return byConfig(spec);
  }

  if (waId === digitsOnly(number.displayPhoneNumber)) return { kind: 'reject', error: metaError(131021) };

  if (req.type === 'template') {
    const problem = templateProblem(state, number, req);
    if (problem) return { kind: 'reject', error: problem };
  }

  const mediaId = mediaOf(req)?.id;
  if (mediaId !== undefined && !state.media.has(mediaId)) {
    return { kind: 'reject', error: metaError(131009, { details: `Invalid media id: ${mediaId}` }) };
  }

  if (!validRecipient(req.to) || state.unreachable.has(waId)) return byConfig(metaError(131026));

  if (!FREE_FORM_EXEMPT.has(req.type) && !windowInfo(state, number.phoneNumberId, waId).open) return byConfig(metaError(131047));

  return { kind: 'accept' };
}
