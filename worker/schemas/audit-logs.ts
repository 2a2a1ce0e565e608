// The organisation's audit trail as the API filters and gives it. Plain zod, so the web app can import the types.
import { z } from 'zod';
import { actorTypeEnum } from '../db/schema/enums';
import { limitParam } from '../lib/cursor';
import { instant } from '../openapi/responses';
import { isoInstant } from './common';

export const auditLogQuery = z.object({
  action: z.string().max(64).optional().meta({ description: 'An action, or a family of them ending in a dot ("auth.")' }),
  actorId: z.uuid().optional(),
  targetType: z.string().max(64).optional(),
  targetId: z.string().max(128).optional(),
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  cursor: z.string().max(200).optional(),
  limit: limitParam,
});

export const AuditEntry = z
  .object({
    id: z.uuid(),
    action: z.string(),
    actorUserId: z.uuid().nullable(),
    actorType: z.enum(actorTypeEnum.enumValues),
    /** Also of people who have left the organisation. */
    actorEmail: z.string().nullable(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    createdAt: instant,
  })
  .meta({ id: 'AuditEntry' });

export type AuditEntry = z.infer<typeof AuditEntry>;
