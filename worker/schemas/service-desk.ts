// The service desk's settings: departments ("filas"), the menu bot of a channel and its business hours. Texts are the
// organisation's own, Portuguese by default.
import { z } from 'zod';

const hexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'A colour like #1f7a5c');

export const departmentBody = z.object({
  name: z.string().trim().min(1).max(60),
  color: hexColor.default('#1f7a5c'),
  /** Sent to the customer when the menu puts them in this department's queue. */
  greeting: z.string().trim().max(1024).nullable().default(null),
  memberIds: z.array(z.uuid()).max(500).default([]),
  /** Round-robin the queue among members who are online and under `maxOpenPerAgent` open conversations. */
  autoAssign: z.boolean().default(false),
  maxOpenPerAgent: z.int().min(1).max(100).default(5),
  /** Minutes an automatically assigned conversation may go unanswered before it returns to the queue (null: never). */
  requeueAfterMinutes: z.int().min(1).max(24 * 60).nullable().default(null),
});

export const presenceBody = z.object({ presence: z.enum(['online', 'away']) });
export const updateDepartmentBody = z.object({
  name: departmentBody.shape.name,
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/),
  greeting: z.string().trim().max(1024).nullable(),
  memberIds: z.array(z.uuid()).max(500),
  autoAssign: z.boolean(),
  maxOpenPerAgent: z.int().min(1).max(100),
  requeueAfterMinutes: z.int().min(1).max(24 * 60).nullable(),
}).partial();

/** A menu entry: a department, or (one level deep) a sub-menu of departments. */
const leaf = z.object({ label: z.string().trim().min(1).max(24), departmentId: z.uuid() });
const option = z.union([leaf, z.object({ label: z.string().trim().min(1).max(24), options: z.array(leaf).min(1).max(10) })]);
export type MenuOption = z.infer<typeof option>;

export const DEFAULT_BOT = {
  enabled: false,
  greeting: 'Olá! 👋 Obrigado por entrar em contato. Como podemos ajudar?',
  options: [] as MenuOption[],
  invalidReply: 'Desculpe, não entendi. Responda com o número de uma das opções:',
  maxAttempts: 3,
  handoff: 'Tudo bem! Um atendente vai falar com você em instantes.',
  routed: 'Certo! Você está na fila de *{departamento}*. Um atendente vai responder em breve.',
};

export const botConfig = z
  .object({
    enabled: z.boolean(),
    greeting: z.string().trim().min(1).max(1024),
    options: z.array(option).max(10),
    invalidReply: z.string().trim().min(1).max(512),
    maxAttempts: z.int().min(1).max(5),
    handoff: z.string().trim().min(1).max(512),
    routed: z.string().trim().min(1).max(512),
  })
  .refine((b) => !b.enabled || b.options.length > 0, { message: 'A menu needs at least one option', path: ['options'] });
export type BotConfig = z.infer<typeof botConfig>;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'A time like 08:00');
const interval = z.object({ start: hhmm, end: hhmm }).refine((i) => i.start < i.end, { message: 'Ends after it starts', path: ['end'] });

export const DEFAULT_HOURS = {
  enabled: false,
  timeZone: 'America/Sao_Paulo',
  /** Sunday first (Date#getDay). */
  week: [[], [{ start: '08:00', end: '18:00' }], [{ start: '08:00', end: '18:00' }], [{ start: '08:00', end: '18:00' }], [{ start: '08:00', end: '18:00' }], [{ start: '08:00', end: '18:00' }], []] as { start: string; end: string }[][],
  holidays: [] as string[],
  message: 'Olá! Nosso horário de atendimento é de segunda a sexta, das 8h às 18h. Recebemos sua mensagem e responderemos assim que abrirmos.',
};

export const hoursConfig = z.object({
  enabled: z.boolean(),
  timeZone: z.string().refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'An IANA time zone such as America/Sao_Paulo'),
  week: z.array(z.array(interval).max(4)).length(7),
  holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).max(100),
  message: z.string().trim().min(1).max(1024),
});
export type HoursConfig = z.infer<typeof hoursConfig>;

/** The satisfaction survey (CSAT) asked when a person resolves a conversation. `labels[i]` names rating i + 1. */
export const DEFAULT_CSAT = {
  enabled: false,
  question: 'Como você avalia o nosso atendimento? Responda de 1 (muito ruim) a 5 (excelente).',
  commentPrompt: 'Obrigado! Se quiser, conte em uma mensagem o que podemos melhorar.',
  thanks: 'Obrigado pela sua avaliação! 💚',
  expiresHours: 24,
  labels: ['Muito ruim', 'Ruim', 'Regular', 'Bom', 'Excelente'],
  button: 'Avaliar',
};

export const csatConfig = z.object({
  enabled: z.boolean(),
  question: z.string().trim().min(1).max(1024),
  commentPrompt: z.string().trim().min(1).max(1024),
  thanks: z.string().trim().min(1).max(1024),
  expiresHours: z.int().min(1).max(24 * 7),
  // A list row's title is at most 24 characters, "5 - " included.
  labels: z.array(z.string().trim().min(1).max(20)).length(5).default(DEFAULT_CSAT.labels),
  button: z.string().trim().min(1).max(20).default(DEFAULT_CSAT.button),
});
export type CsatConfig = z.infer<typeof csatConfig>;

export const channelAutomationBody = z.object({ bot: botConfig.optional(), hours: hoursConfig.optional(), csat: csatConfig.optional() });
