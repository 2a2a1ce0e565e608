// Labels as the API takes and gives them: request bodies (validated) and responses (documented, and the web app's
// types). Plain zod and nothing else, so the web app can import the types.
import { z } from 'zod';
import { instant } from '../openapi/responses';

const color = z.string().trim().regex(/^#[0-9a-fA-F]{6}$/, 'must be a hex colour like #22c55e');
export const createLabelBody = z.object({
  name: z.string().trim().min(1).max(50),
  color: color.optional(),
  description: z.string().trim().max(200).nullable().optional(),
});
export const updateLabelBody = z
  .object({ name: z.string().trim().min(1).max(50), color, description: z.string().trim().max(200).nullable() })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to update');
export const applyLabelsBody = z.object({ labelIds: z.array(z.uuid()).min(1).max(50) });

/** What a tagged contact or conversation shows of a label. */
export const LabelRef = z.object({ id: z.uuid(), name: z.string(), color: z.string() }).meta({ id: 'LabelRef' });
export const Label = LabelRef.extend({ description: z.string().nullable(), createdAt: instant }).meta({ id: 'Label' });

export type Label = z.infer<typeof Label>;
export type LabelRef = z.infer<typeof LabelRef>;
export type LabelBody = z.input<typeof createLabelBody>;
