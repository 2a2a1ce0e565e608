// What the customer reads from a sent template: its approved components (message_templates, from the last sync)
// with the parameters filled in. The chat bubble and the list preview show this, not the template's name.
import { and, eq } from 'drizzle-orm';
import { messageTemplates } from '../db/schema';
import type { Tx } from '../db/tx';

type Component = Record<string, unknown>;
interface SentTemplate {
  name: string;
  language: string;
  components?: Component[];
}

const PLACEHOLDER = /\{\{\s*([\w.]+)\s*\}\}/g;

/** The text parameters sent for one component type ("header", "body"), by position (1-based) and by name. */
function valuesFor(sent: Component[], type: string): Record<string, string> {
  const values: Record<string, string> = {};
  const component = sent.find((c) => String(c.type).toLowerCase() === type);
  const params = (component?.parameters as { type?: string; text?: string; parameter_name?: string }[] | undefined) ?? [];
  params.forEach((p, i) => {
    if (typeof p.text !== 'string') return;
    values[String(i + 1)] = p.text;
    if (p.parameter_name) values[p.parameter_name] = p.text;
  });
  return values;
}

const fill = (text: string, values: Record<string, string>) => text.replace(PLACEHOLDER, (m, name: string) => values[name] ?? m);

/** The header (text only) and body of an approved template with the sent parameters, or null without a text body. */
export function renderTemplate(approved: Component[] | null | undefined, sent: SentTemplate): string | null {
  const part = (type: string) => (approved ?? []).find((c) => String(c.type).toUpperCase() === type);
  const body = part('BODY');
  if (typeof body?.text !== 'string') return null;
  const header = part('HEADER');
  const headerText = typeof header?.text === 'string' && String(header.format ?? 'TEXT').toUpperCase() === 'TEXT' ? fill(header.text, valuesFor(sent.components ?? [], 'header')) : null;
  const bodyText = fill(body.text, valuesFor(sent.components ?? [], 'body'));
  return headerText ? `${headerText}\n${bodyText}` : bodyText;
}

/** When the template is not synced: its name and parameters, as before. */
export function templateFallback(t: SentTemplate): string {
  const params = (t.components ?? [])
    .flatMap((c) => ((c.parameters as { text?: string }[] | undefined) ?? []).map((p) => p.text))
    .filter(Boolean);
  return `[${t.name}]${params.length ? ' ' + params.join(' · ') : ''}`;
}

/** The text a template message shows: rendered from the channel's synced template, else the fallback. */
export async function templateText(tx: Tx, orgId: string, channelId: string, sent: SentTemplate): Promise<string> {
  const [approved] = await tx
    .select({ components: messageTemplates.components })
    .from(messageTemplates)
    .where(
      and(
        eq(messageTemplates.organizationId, orgId),
        eq(messageTemplates.channelId, channelId),
        eq(messageTemplates.name, sent.name),
        eq(messageTemplates.language, sent.language),
      ),
    );
  return renderTemplate(approved?.components as Component[] | undefined, sent) ?? templateFallback(sent);
}
