// API keys as the API takes and gives them: the creation body (validated) and the key's public part (documented, and
// the web app's types). The key itself is only ever in the creation answer.
import { z } from 'zod';
import { API_KEY_SCOPES } from '../db/schema/integrations';
import { instant } from '../openapi/responses';

export const apiKeyScope = z.enum(API_KEY_SCOPES).meta({ id: 'ApiKeyScope', description: 'read, write, send or admin: the key acts as a member with these rights, never more' });
export type ApiKeyScope = z.infer<typeof apiKeyScope>;

export const createApiKeyBody = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(apiKeyScope).min(1).transform((s) => [...new Set(s)]),
  expiresAt: z.iso
    .datetime({ offset: true })
    .transform((s) => new Date(s))
    .refine((d) => d.getTime() > Date.now(), 'must be in the future')
    .nullable()
    .optional(),
});
export type CreateApiKeyBody = z.infer<typeof createApiKeyBody>;

/** A key as listed: `prefix` tells keys apart; the key itself is never shown again. */
export const ApiKey = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string(),
    scopes: z.array(apiKeyScope),
    createdAt: instant,
    expiresAt: instant.nullable(),
    lastUsedAt: instant.nullable().meta({ description: 'Recorded at most once a minute' }),
    revokedAt: instant.nullable(),
  })
  .meta({ id: 'ApiKey' });
export const ApiKeyInfo = ApiKey.extend({ createdBy: z.object({ id: z.uuid(), name: z.string().nullable() }).nullable() }).meta({ id: 'ApiKeyInfo' });
export type ApiKey = z.infer<typeof ApiKey>;
export type ApiKeyInfo = z.infer<typeof ApiKeyInfo>;
