// The satisfaction survey's words and ears: the question as WhatsApp shows it (an interactive list on Meta's Cloud
// API — reply buttons allow only three — numbered text otherwise) and a customer's reply read as a rating 1–5 ("4",
// "nota 4", "5 estrelas", "⭐⭐⭐", "excelente", a tapped row `csat:N`). Pure functions; worker/service-desk/csat.ts runs them.
import type { CsatConfig } from '../schemas/service-desk';

type Words = Pick<CsatConfig, 'question' | 'labels' | 'button'>;

/** Best first, as review prompts usually read. */
const RATINGS = [5, 4, 3, 2, 1] as const;

export function surveyText(cfg: Words): string {
  return `${cfg.question}\n\n${RATINGS.map((r) => `*${r}* - ${cfg.labels[r - 1]}`).join('\n')}`;
}

/** The Graph API's interactive list for the question; row ids are `csat:<rating>`. */
export function surveyList(cfg: Words): Record<string, unknown> {
  return {
    type: 'list',
    body: { text: cfg.question.slice(0, 1024) },
    action: {
      button: cfg.button,
      sections: [{ title: cfg.button, rows: RATINGS.map((r) => ({ id: `csat:${r}`, title: `${r} - ${cfg.labels[r - 1]}`.slice(0, 24) })) }],
    },
  };
}

const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N} ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * The rating a reply gives, or null when it is something else (then the survey closes and the message is an ordinary
 * one). The whole reply must be the rating: "5 minutos e nada" is not a 5.
 */
export function parseRating(text: string | null, tapped?: string | null, labels: readonly string[] = []): number | null {
  const byId = tapped ? /^csat:([1-5])$/.exec(tapped) : null;
  if (byId) return Number(byId[1]);
  if (!text) return null;
  // Stars only: "⭐⭐⭐⭐", "★★★".
  const stars = text.replace(/\s+/g, '');
  if (stars && /^(?:⭐|★|🌟)+$/u.test(stars)) {
    const n = [...stars].length;
    return n >= 1 && n <= 5 ? n : null;
  }
  const reply = fold(text);
  if (!reply) return null;
  const named = labels.map(fold);
  const exact = named.indexOf(reply);
  if (exact >= 0) return exact + 1;
  // "4", "4.", "5️⃣", "nota 4", "minha nota é 5", "dou 5", "5 estrelas", "4 de 5", "4/5", "5 - Excelente"
  const m = /^(?:(?:minha )?(?:nota|avaliacao)(?: e)? |dou (?:nota )?)?([1-5])(?: (?:estrelas?|pontos?)| de 5| 5| (.+))?$/.exec(reply);
  if (!m) return null;
  const n = Number(m[1]);
  if (m[2] !== undefined && m[2] !== named[n - 1]) return null;
  return n;
}
