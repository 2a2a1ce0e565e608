// GET /api/v1/search?q=: messages (Portuguese full-text, accents ignored, ranked, highlighted) and contacts (name
// with typos, or phone digits) of the caller's organisation; agents find messages of their own and unassigned
// conversations only.
import type { Hono } from 'hono';
import { z } from 'zod';
import { authorize, can } from '../auth/policy';
import { withOrg } from '../db/tx';
import { searchContacts, searchMessages } from '../domain/search';
import type { AppEnv } from '../env';
import { validate } from '../middleware/validate';

const searchQuery = z.object({
  q: z.string().trim().min(1, 'type something to search for').max(200),
  type: z.enum(['all', 'messages', 'contacts']).default('all'),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

export function registerSearch(app: Hono<AppEnv>) {
  app.get('/api/v1/search', validate('query', searchQuery), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'contacts.read');
    const { q, type, limit } = c.req.valid('query');
    const result = await withOrg(c.var.db, actor.orgId, async (tx) => ({
      messages: type === 'contacts' ? [] : await searchMessages(tx, { orgId: actor.orgId, viewer: can(actor, 'conversations.list_all') ? null : actor.userId, departments: actor.departments ?? [] }, q, limit),
      contacts: type === 'messages' ? [] : await searchContacts(tx, actor.orgId, q, limit),
    }));
    return c.json({ q, ...result });
  });
}
