// Canned responses: a shortcut ("/frete") and a body with {{variables}} filled in from the contact, the agent and
// the organisation when an agent uses it. Variables are checked when a response is saved, so a typo is a 400 then,
// not a blank in front of a customer. Pure functions (the web app's composer uses them too); the queries are
// canned-responses.ts.
/** The variables a body may use. contact.attributes.<key> is also allowed, for the organisation's defined keys. */
export const CANNED_VARIABLES = [
  'contact.name',
  'contact.first_name',
  'contact.phone',
  'contact.email',
  'agent.name',
  'agent.first_name',
  'organization.name',
] as const;
const ATTRIBUTE_PREFIX = 'contact.attributes.';

const VARIABLE = /\{\{\s*([a-zA-Z0-9_.]+)\s*\}\}/g;

/** The variable names a body uses, in order of first use. */
export function variablesIn(body: string): string[] {
  return [...new Set([...body.matchAll(VARIABLE)].map((m) => m[1]!))];
}

/** Names in the body that are not variables we can fill (attribute keys must be defined). */
export function unknownVariables(body: string, attributeKeys: ReadonlySet<string>): string[] {
  return variablesIn(body).filter((v) =>
    v.startsWith(ATTRIBUTE_PREFIX) ? !attributeKeys.has(v.slice(ATTRIBUTE_PREFIX.length)) : !(CANNED_VARIABLES as readonly string[]).includes(v),
  );
}

export interface RenderContext {
  contact?: { name: string | null; profileName?: string | null; phone: string | null; email: string | null; attributes?: Record<string, unknown> } | null;
  agent?: { name: string | null } | null;
  organization?: { name: string } | null;
}

const firstName = (name: string | null | undefined) => name?.trim().split(/\s+/)[0] ?? null;

function valueOf(variable: string, ctx: RenderContext): string | null {
  const contactName = ctx.contact?.name ?? ctx.contact?.profileName ?? null;
  switch (variable) {
    case 'contact.name':
      return contactName;
    case 'contact.first_name':
      return firstName(contactName);
    case 'contact.phone':
      return ctx.contact?.phone ?? null;
    case 'contact.email':
      return ctx.contact?.email ?? null;
    case 'agent.name':
      return ctx.agent?.name ?? null;
    case 'agent.first_name':
      return firstName(ctx.agent?.name);
    case 'organization.name':
      return ctx.organization?.name ?? null;
  }
  if (variable.startsWith(ATTRIBUTE_PREFIX)) {
    const v = ctx.contact?.attributes?.[variable.slice(ATTRIBUTE_PREFIX.length)];
    return v === undefined || v === null ? null : String(v);
  }
  return null;
}

/**
 * Fills `{{contact.name}}`-style variables. Unknown or empty ones become '' and are listed in `missing`, so the
 * agent sees what to complete before sending; spaces left around an empty variable are tidied up.
 */
export function renderCannedResponse(body: string, ctx: RenderContext): { text: string; missing: string[] } {
  const missing: string[] = [];
  const filled = body.replace(VARIABLE, (_, name: string) => {
    const v = valueOf(name, ctx);
    if (v === null || v === '') {
      if (!missing.includes(name)) missing.push(name);
      return '';
    }
    return v;
  });
  const text = missing.length ? filled.replace(/[ \t]{2,}/g, ' ').replace(/ +([,.!?;:])/g, '$1').trim() : filled;
  return { text, missing };
}
