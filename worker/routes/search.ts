// GET /api/v1/search?q=: messages (Portuguese full-text, accents ignored, ranked, highlighted) and contacts (name
// with typos, or phone digits) of the caller's organisation; agents find messages of their own and unassigned
// conversations only.
import { createRoute } from '@hono/zod-openapi';
import { authorize, can } from '../auth/policy';
import { withOrg } from '../db/tx';
import { contentCrypto } from '../domain/content-crypto';
import { searchContacts, searchMessages } from '../domain/search';
import { openapi, type ApiApp } from '../openapi/route';
import { errors, json } from '../openapi/responses';
import { searchQuery, SearchResult } from '../schemas/search';

export function registerSearch(app: ApiApp) {
  openapi(
    app,
    createRoute({ method: 'get', path: '/api/v1/search', tags: ['Search'], summary: 'Search messages and contacts', request: { query: searchQuery }, responses: { 200: json(SearchResult, 'Best matches first'), ...errors() } }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'contacts.read');
      const { q, type, limit } = c.req.valid('query');
      const result = await withOrg(c.var.db, actor.orgId, async (tx) => ({
        messages: type === 'contacts' ? [] : await searchMessages(tx, { orgId: actor.orgId, viewer: can(actor, 'conversations.list_all') ? null : actor.userId, departments: actor.departments ?? [] }, q, limit, contentCrypto(c.var.db, c.env.ENCRYPTION_MASTER_KEYS, actor.orgId)),
        contacts: type === 'messages' ? [] : await searchContacts(tx, actor.orgId, q, limit),
      }));
      return c.json({ q, ...result }, 200);
    },
  );
}
