// The menu bot's words and ears: the menu as WhatsApp shows it (interactive buttons or a list on Meta's Cloud API,
// numbered text otherwise) and the customer's reply matched to an option ("2", "suporte", "Suporte técnico", a tapped
// button). Pure functions; queues/service-desk.ts runs them inside the conversation's transaction.
import type { BotConfig, MenuOption } from '../schemas/service-desk';

/** Where the customer is in the menu: the first level, or inside option `menu` (0-based) with its sub-options. */
export type BotState = { menu: 'root' | number; attempts: number };

export function optionsAt(bot: BotConfig, state: BotState): MenuOption[] {
  if (state.menu === 'root') return bot.options;
  const parent = bot.options[state.menu];
  return parent && 'options' in parent ? parent.options : bot.options;
}

export function numberedText(intro: string, options: MenuOption[]): string {
  const lines = options.map((o, i) => `*${i + 1}* - ${o.label}`);
  return `${intro}\n\n${lines.join('\n')}\n\nResponda com o número da opção.`;
}

/**
 * The Graph API's interactive object for a menu: up to 3 short options as reply buttons, up to 10 as a list; null
 * when it does not fit (the numbered text goes instead). Ids are `menu:<index>`.
 */
export function interactiveMenu(intro: string, options: MenuOption[], listButton = 'Ver opções'): Record<string, unknown> | null {
  const body = { text: intro.slice(0, 1024) };
  if (options.length <= 3 && options.every((o) => o.label.length <= 20)) {
    return { type: 'button', body, action: { buttons: options.map((o, i) => ({ type: 'reply', reply: { id: `menu:${i}`, title: o.label } })) } };
  }
  if (options.length <= 10 && options.every((o) => o.label.length <= 24)) {
    return { type: 'list', body, action: { button: listButton, sections: [{ title: 'Opções', rows: options.map((o, i) => ({ id: `menu:${i}`, title: o.label })) }] } };
  }
  return null;
}

const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N} ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** The option a reply picks (0-based), or null. `tapped` is a button/list reply id (`menu:<i>`). */
export function matchReply(options: MenuOption[], text: string | null, tapped?: string | null): number | null {
  const byId = tapped ? /^menu:(\d+)$/.exec(tapped) : null;
  if (byId) {
    const i = Number(byId[1]);
    return i < options.length ? i : null;
  }
  if (!text) return null;
  const reply = fold(text);
  if (!reply) return null;
  // "2", "2.", "opção 2", "2 - suporte"
  const digits = /^(?:op[cç]?ao |opcao |n |numero )?(\d{1,2})\b/.exec(reply);
  if (digits) {
    const i = Number(digits[1]) - 1;
    return i >= 0 && i < options.length ? i : null;
  }
  const labels = options.map((o) => fold(o.label));
  const exact = labels.indexOf(reply);
  if (exact >= 0) return exact;
  // A word of the label ("suporte" for "Suporte técnico"), or the label inside a sentence ("quero falar com vendas").
  const hits = labels
    .map((l, i) => ({ i, hit: (reply.length >= 3 && l.split(' ').some((w) => w.length >= 3 && w.startsWith(reply))) || ` ${reply} `.includes(` ${l} `) }))
    .filter((h) => h.hit);
  return hits.length === 1 ? hits[0]!.i : null;
}
