// Canned responses as the API takes and gives them (validation, the OpenAPI document, the web app's types).
import { z } from 'zod';
import { instant } from '../openapi/responses';

export const shortcut = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'letters, digits, - and _ only (at most 32)');
export const createCannedBody = z.object({
  shortcut,
  title: z.string().trim().min(1).max(100),
  body: z.string().trim().min(1).max(4096),
});
export const updateCannedBody = createCannedBody.partial().refine((b) => Object.keys(b).length > 0, 'nothing to update');
export const cannedListQuery = z.object({ q: z.string().trim().min(1).max(100).optional() });
export const renderCannedBody = z
  .object({ contactId: z.uuid().optional(), conversationId: z.uuid().optional() })
  .refine((b) => !(b.contactId && b.conversationId), 'give a contactId or a conversationId, not both');

export const CannedResponse = z
  .object({
    id: z.uuid(),
    shortcut: z.string(),
    title: z.string(),
    body: z.string(),
    createdBy: z.uuid().nullable(),
    createdAt: instant,
    updatedAt: instant,
    /** The {{variables}} the body uses, in order of first use. */
    variables: z.array(z.string()),
  })
  .meta({ id: 'CannedResponse' });
export const RenderedCanned = z
  .object({ text: z.string(), missing: z.array(z.string()).meta({ description: 'Variables left empty: the agent completes them' }) })
  .meta({ id: 'RenderedCannedResponse' });

export type CannedResponse = z.infer<typeof CannedResponse>;
export type CannedResponseBody = z.input<typeof createCannedBody>;
