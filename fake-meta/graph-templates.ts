// GET /{version}/{waba-id}/message_templates with Graph cursor paging (limit, after, before) and the usual filters;
// POST creates one (approved at once: the fake has no review queue).
import { z } from 'zod';
import { invalidParameterError, unknownObjectError } from './errors';
import { authenticate, sendGraphError, VERSION, type GraphApp } from './graph-common';
import { newNumericId, tokenCanUseWaba, type FakeMetaState, type Template } from './state';

const DEFAULT_FIELDS = ['name', 'parameter_format', 'components', 'language', 'status', 'category', 'id'] as const;

// Cursors are opaque base64 to clients; here they wrap the index of the row they point at.
const encodeCursor = (index: number) => Buffer.from(`fake-meta:${index}`).toString('base64');
function decodeCursor(cursor: string | undefined): number | undefined {
  if (!cursor) return undefined;
  const m = Buffer.from(cursor, 'base64').toString().match(/^fake-meta:(\d+)$/);
  return m ? Number(m[1]) : undefined;
}

export const createTemplateSchema = z.object({
  name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'lowercase letters, digits and underscores'),
  language: z.string().min(2),
  category: z.enum(['MARKETING', 'UTILITY', 'AUTHENTICATION']),
  components: z.array(z.looseObject({ type: z.string().min(1) })).min(1),
  parameter_format: z.enum(['POSITIONAL', 'NAMED']).optional(),
});

function present(t: Template, fields: readonly string[]): Record<string, unknown> {
  const full: Record<string, unknown> = { ...t, parameter_format: t.parameter_format ?? 'POSITIONAL' };
  delete full.wabaId;
  return Object.fromEntries(fields.filter((f) => f in full).map((f) => [f, full[f]]));
}

export function registerTemplates(app: GraphApp, state: FakeMetaState): void {
  app.get(`/${VERSION}/:wabaId/message_templates`, (c) => {
    const auth = authenticate(c, state);
    if ('error' in auth) return auth.error;
    const wabaId = c.req.param('wabaId');
    if (!tokenCanUseWaba(state, auth.token, wabaId)) return sendGraphError(c, unknownObjectError('GET', wabaId));

    const q = c.req.query();
    const limit = Math.min(Math.max(Number(q.limit ?? 25) || 25, 1), 1000);
    const fields = q.fields ? ['id', ...q.fields.split(',').map((f) => f.trim()).filter(Boolean)] : DEFAULT_FIELDS;
    const rows = state.templates.filter((t) => t.wabaId === wabaId
      && (!q.name || t.name.includes(q.name))
      && (!q.status || t.status === q.status.toUpperCase())
      && (!q.category || t.category === q.category.toUpperCase())
      && (!q.language || t.language === q.language));

    const after = decodeCursor(q.after);
    const before = decodeCursor(q.before);
    const start = after !== undefined ? after + 1 : before !== undefined ? Math.max(before - limit, 0) : 0;
    const end = before !== undefined && after === undefined ? before : start + limit;
    const page = rows.slice(start, end);
    if (page.length === 0) return c.json({ data: [] });

    const self = new URL(c.req.url);
    const link = (cursorName: 'after' | 'before', cursor: string) => {
      const u = new URL(self);
      u.searchParams.delete('after');
      u.searchParams.delete('before');
      u.searchParams.set('limit', String(limit));
      u.searchParams.set(cursorName, cursor);
      return u.toString();
    };
    const cursors = { before: encodeCursor(start), after: encodeCursor(start + page.length - 1) };
    return c.json({
      data: page.map((t) => present(t, fields)),
      paging: {
        cursors,
        ...(start + page.length < rows.length ? { next: link('after', cursors.after) } : {}),
        ...(start > 0 ? { previous: link('before', cursors.before) } : {}),
      },
    });
  });

  app.post(`/${VERSION}/:wabaId/message_templates`, async (c) => {
    const auth = authenticate(c, state);
    if ('error' in auth) return auth.error;
    const wabaId = c.req.param('wabaId');
    if (!tokenCanUseWaba(state, auth.token, wabaId)) return sendGraphError(c, unknownObjectError('POST', wabaId));
    const parsed = createTemplateSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return sendGraphError(c, invalidParameterError(`Param ${issue.path.join('.') || 'body'} is not valid: ${issue.message}`));
    }
    const input = parsed.data;
    if (state.templates.some((t) => t.wabaId === wabaId && t.name === input.name && t.language === input.language)) {
      return sendGraphError(c, invalidParameterError(`Message template "${input.name}" already exists in ${input.language}.`));
    }
    const template = addTemplate(state, { wabaId, ...input });
    return c.json({ id: template.id, status: template.status, category: template.category });
  });
}

export function addTemplate(
  state: FakeMetaState, input: Omit<Template, 'id' | 'status'> & { status?: Template['status']; id?: string },
): Template {
  const template: Template = { ...input, id: input.id ?? newNumericId(state), status: input.status ?? 'APPROVED' };
  state.templates.push(template);
  return template;
}
