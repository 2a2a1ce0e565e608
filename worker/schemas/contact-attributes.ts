// The organisation's typed custom contact attributes, as the API takes and gives them.
import { z } from 'zod';
import { contactAttributeTypeEnum } from '../db/schema/crm';
import { instant } from '../openapi/responses';

const attributeType = z.enum(contactAttributeTypeEnum.enumValues);
const attributeKey = z.string().trim().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lower-case letters, digits and _ (at most 40), starting with a letter');
const attributeOptions = z.array(z.string().trim().min(1).max(100)).max(100);
export const createAttributeBody = z
  .object({
    key: attributeKey,
    label: z.string().trim().min(1).max(80),
    type: attributeType,
    options: attributeOptions.optional(),
    description: z.string().trim().max(300).nullable().optional(),
    position: z.number().int().min(0).max(1000).optional(),
  })
  .refine((b) => (b.type === 'list' ? (b.options?.length ?? 0) > 0 : !b.options?.length), 'options are required for list attributes and only for them')
  .refine((b) => !b.options || new Set(b.options).size === b.options.length, 'options must be unique');
export const updateAttributeBody = z
  .object({
    label: z.string().trim().min(1).max(80),
    options: attributeOptions.min(1),
    description: z.string().trim().max(300).nullable(),
    position: z.number().int().min(0).max(1000),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to update')
  .refine((b) => !b.options || new Set(b.options).size === b.options.length, 'options must be unique');

export const AttributeDefinition = z
  .object({
    id: z.uuid(),
    key: z.string(),
    label: z.string(),
    type: attributeType,
    /** A list attribute's allowed values, in display order; empty for other types. */
    options: z.array(z.string()),
    description: z.string().nullable(),
    position: z.number().int(),
    createdAt: instant,
  })
  .meta({ id: 'ContactAttributeDefinition' });
export type AttributeDefinition = z.infer<typeof AttributeDefinition>;
