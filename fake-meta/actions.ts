// What tests and the control API can do to the fake, each with the zod schema of its input: register numbers and
// templates, open or close windows, force failures and throttling, mark customers unreachable, change config.
import { z } from 'zod';
import { KNOWN_ERROR_CODES } from './errors';
import { addTemplate } from './graph-templates';
import { windowInfo, windowKey, WINDOW_MS, type FakeMetaState, type PhoneNumber, type Template } from './state';
import { digitsOnly } from './webhooks';

export const registerNumberSchema = z.object({
  phoneNumberId: z.string().regex(/^\d+$/, 'numeric id'),
  wabaId: z.string().regex(/^\d+$/, 'numeric id'),
  displayPhoneNumber: z.string().min(8),
  accessToken: z.string().min(1),
  verifiedName: z.string().min(1).default('Conversa Demo'),
});
export type RegisterNumberInput = z.input<typeof registerNumberSchema>;

export function registerNumber(state: FakeMetaState, raw: RegisterNumberInput): PhoneNumber {
  const number = registerNumberSchema.parse(raw);
  state.numbers.set(number.phoneNumberId, number);
  return number;
}

export const templateInputSchema = z.object({
  wabaId: z.string().min(1),
  name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'lowercase letters, digits and underscores'),
  language: z.string().min(2).default('pt_BR'),
  category: z.enum(['MARKETING', 'UTILITY', 'AUTHENTICATION']).default('UTILITY'),
  status: z.enum(['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED']).default('APPROVED'),
  components: z.array(z.looseObject({ type: z.string().min(1) })).min(1),
  parameter_format: z.enum(['POSITIONAL', 'NAMED']).optional(),
  id: z.string().optional(),
});
export type TemplateInput = z.input<typeof templateInputSchema>;

export function addTemplateFrom(state: FakeMetaState, raw: TemplateInput): Template {
  const input = templateInputSchema.parse(raw);
  state.templates = state.templates.filter((t) => !(t.wabaId === input.wabaId && t.name === input.name && t.language === input.language));
  return addTemplate(state, input);
}

export const windowSchema = z.object({
  phoneNumberId: z.string().min(1),
  waId: z.string().min(1),
  /** true: the customer wrote just now; false: never (or more than 24 h ago). */
  open: z.boolean().optional(),
  /** Or say exactly when the customer last wrote. */
  lastInboundAt: z.iso.datetime({ offset: true }).optional(),
}).refine((w) => (w.open === undefined) !== (w.lastInboundAt === undefined), { message: 'give exactly one of open or lastInboundAt' });
export type WindowInput = z.input<typeof windowSchema>;

export function setWindow(state: FakeMetaState, raw: WindowInput) {
  const w = windowSchema.parse(raw);
  const key = windowKey(w.phoneNumberId, digitsOnly(w.waId));
  if (w.lastInboundAt) state.windows.set(key, Date.parse(w.lastInboundAt));
  else if (w.open) state.windows.set(key, state.now());
  // Closed: as if the customer last wrote just over 24 h ago (keeps "had a conversation" distinct from "never").
  else state.windows.set(key, state.now() - WINDOW_MS - 1000);
  return windowInfo(state, w.phoneNumberId, digitsOnly(w.waId));
}

export const failNextSchema = z.object({
  code: z.number().int().positive(),
  /** Only sends from this number / to this customer; any when absent. */
  phoneNumberId: z.string().optional(),
  to: z.string().optional(),
  /** sync: the Graph call fails; async: 200 + a failed status. Default: config.errorDelivery for the code, else sync. */
  delivery: z.enum(['sync', 'async']).optional(),
  details: z.string().optional(),
  count: z.number().int().positive().default(1),
});
export type FailNextInput = z.input<typeof failNextSchema>;

export function failNext(state: FakeMetaState, raw: FailNextInput): void {
  const { count, ...rest } = failNextSchema.parse(raw);
  state.failures.push({ ...rest, remaining: count });
}

export const slowNextSchema = z.object({
  /** Only sends to this customer; any when absent. */
  to: z.string().optional(),
  delayMs: z.number().int().positive().max(120_000),
  count: z.number().int().positive().default(1),
});
export type SlowNextInput = z.input<typeof slowNextSchema>;

/** The next matching sends are delivered to the customer, but the Graph API answers only after delayMs. */
export function slowNext(state: FakeMetaState, raw: SlowNextInput): void {
  const { count, ...rest } = slowNextSchema.parse(raw);
  state.slowSends.push({ ...rest, remaining: count });
}

export function takeSlowSend(state: FakeMetaState, waId: string): number | undefined {
  const idx = state.slowSends.findIndex((s) => s.to === undefined || digitsOnly(s.to) === waId);
  if (idx < 0) return undefined;
  const slow = state.slowSends[idx]!;
  if (--slow.remaining <= 0) state.slowSends.splice(idx, 1);
  return slow.delayMs;
}

export const throttleSchema = z.object({
  code: z.union([z.literal(130429), z.literal(131056), z.literal(131048)]).default(130429),
  phoneNumberId: z.string().optional(),
});
export type ThrottleInput = z.input<typeof throttleSchema>;

/** Until cleared, every send (from the number, or all) fails with the throttling code. */
export function setThrottle(state: FakeMetaState, raw: ThrottleInput): void {
  const t = throttleSchema.parse(raw);
  state.throttles.set(t.phoneNumberId ?? '*', t.code);
}

export const configPatchSchema = z.object({
  webhookUrl: z.url().optional(),
  appSecret: z.string().min(1).optional(),
  autoStatuses: z.boolean().optional(),
  statusDelayMs: z.number().int().min(0).max(60_000).optional(),
  webhookRetries: z.number().int().min(0).max(10).optional(),
  metaEscaping: z.boolean().optional(),
  mediaUrlTtlMs: z.number().int().positive().optional(),
  errorDelivery: z.record(z.string().regex(/^\d+$/), z.enum(['sync', 'async'])).optional(),
});
export type ConfigPatch = z.input<typeof configPatchSchema>;

export function patchConfig(state: FakeMetaState, raw: ConfigPatch) {
  const { errorDelivery, ...rest } = configPatchSchema.parse(raw);
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  Object.assign(state.config, defined);
  if (errorDelivery) state.config.errorDelivery = { ...state.config.errorDelivery, ...errorDelivery };
  const { appSecret: _secret, ...visible } = state.config;
  return { ...visible, knownErrorCodes: KNOWN_ERROR_CODES };
}
