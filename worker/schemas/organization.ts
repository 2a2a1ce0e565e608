// The current organisation's settings and the platform's list of organisations (super admins), as the API takes and
// gives them. Plain zod, so the web app can import the types.
import { z } from 'zod';
import { instant } from '../openapi/responses';
import { role } from './auth';

export const updateOrganizationBody = z
  .object({
    name: z.string().trim().min(1).max(120),
    locale: z.enum(['pt-BR', 'en']),
    timezone: z.string().min(1).max(64),
    retentionEnabled: z.boolean(),
    // LGPD: keep personal data no longer than needed; at most 10 years, at least 30 days.
    retentionDays: z.number().int().min(30).max(3650),
    graceDays: z.number().int().min(1).max(90),
    assignOnReply: z.boolean(),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to update');

export const Organization = z
  .object({
    id: z.uuid(),
    name: z.string(),
    slug: z.string(),
    locale: z.string(),
    timezone: z.string(),
    currency: z.string(),
    retentionEnabled: z.boolean(),
    retentionDays: z.number().int(),
    graceDays: z.number().int(),
    /** Replying to an unassigned conversation makes the replier its assignee. */
    assignOnReply: z.boolean(),
    createdAt: instant,
  })
  .meta({ id: 'Organization' });
export const OrganizationWithRole = z.object({ organization: Organization, role });

/** A row of the platform view (super admins). */
export const PlatformOrganization = z
  .object({ id: z.uuid(), name: z.string(), slug: z.string(), createdAt: instant, members: z.number().int() })
  .meta({ id: 'PlatformOrganization' });

export type Organization = z.infer<typeof Organization>;
export type PlatformOrganization = z.infer<typeof PlatformOrganization>;
