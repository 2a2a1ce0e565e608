// GET /api/v1/search as the API gives it: message hits (full-text, highlighted) and contact hits.
import { z } from 'zod';
import { instant } from '../openapi/responses';
import { Contact } from './contacts';

export const searchQuery = z.object({
  q: z.string().trim().min(1, 'type something to search for').max(200),
  type: z.enum(['all', 'messages', 'contacts']).default('all'),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

export const MessageHit = z
  .object({
    id: z.uuid(),
    conversationId: z.uuid(),
    direction: z.string(),
    kind: z.string(),
    isPrivate: z.boolean(),
    createdAt: instant,
    rank: z.number(),
    /** HTML-escaped excerpt with the matched words in <mark>…</mark>. */
    snippet: z.string(),
    /** The same excerpt as parts, for rendering without innerHTML. */
    snippetParts: z.array(z.object({ text: z.string(), highlight: z.boolean() })),
    conversation: z.object({ id: z.uuid(), status: z.string(), assigneeId: z.uuid().nullable() }),
    contact: z.object({ id: z.uuid(), name: z.string().nullable(), profileName: z.string().nullable(), phone: z.string().nullable() }),
  })
  .meta({ id: 'MessageHit' });
export const ContactHit = Contact.pick({ id: true, name: true, profileName: true, phone: true, waId: true, email: true })
  .extend({ score: z.number() })
  .meta({ id: 'ContactHit' });
export const SearchResult = z.object({ q: z.string(), messages: z.array(MessageHit), contacts: z.array(ContactHit) }).meta({ id: 'SearchResult' });

export type MessageHit = z.infer<typeof MessageHit>;
export type ContactHit = z.infer<typeof ContactHit>;
export type SearchResult = z.infer<typeof SearchResult>;
