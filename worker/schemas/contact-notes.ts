// Notes on a contact (the team's own remarks, never sent to the customer), as the API takes and gives them.
import { z } from 'zod';
import { instant } from '../openapi/responses';

export const noteBody = z.object({ body: z.string().trim().min(1).max(10_000) });

export const ContactNote = z
  .object({
    id: z.uuid(),
    contactId: z.uuid(),
    body: z.string(),
    /** Null once the author's account is gone; a note just written names only its author's id. */
    author: z.object({ id: z.uuid(), name: z.string().nullable().optional() }).nullable(),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'ContactNote' });
export type ContactNote = z.infer<typeof ContactNote>;
