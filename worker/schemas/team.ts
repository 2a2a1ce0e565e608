// The organisation's people as the API gives them: members (staff view, with e-mails), the team (any colleague's
// view), departments, and a member's notifications.
import { z } from 'zod';
import { roleEnum } from '../db/schema/enums';
import { instant } from '../openapi/responses';
import { updateMemberBody } from './auth';

export const Role = z.enum(roleEnum.enumValues).meta({ id: 'Role' });

export const Member = z
  .object({ userId: z.uuid(), email: z.string(), name: z.string().nullable(), role: Role, joinedAt: instant, lastLoginAt: instant.nullable() })
  .meta({ id: 'Member' });
export const MemberRole = z.object({ userId: z.uuid(), role: updateMemberBody.shape.role });

export const TeamMember = z
  .object({
    id: z.uuid(),
    /** The e-mail's local part while the member has no name. */
    name: z.string(),
    role: Role,
    /** Online or away as the member chose while a tab of theirs is open; offline once the last one closed. */
    presence: z.enum(['online', 'away', 'offline']),
    /** Survey ratings of conversations they resolved in the last 90 days; null when the caller may not see them. */
    csat: z.object({ average: z.number().nullable(), count: z.number().int() }).nullable(),
  })
  .meta({ id: 'TeamMember' });

export const Department = z
  .object({
    id: z.uuid(),
    name: z.string(),
    color: z.string(),
    greeting: z.string().nullable(),
    autoAssign: z.boolean(),
    maxOpenPerAgent: z.number().int(),
    requeueAfterMinutes: z.number().int().nullable(),
    memberIds: z.array(z.uuid()),
  })
  .meta({ id: 'Department' });

export const Notification = z
  .object({
    id: z.uuid(),
    userId: z.uuid(),
    kind: z.string().meta({ description: 'mention, assigned, …' }),
    conversationId: z.uuid(),
    messageId: z.uuid().nullable(),
    actorUserId: z.uuid().nullable(),
    actorName: z.string().nullable(),
    contactName: z.string().nullable(),
    excerpt: z.string().nullable(),
    createdAt: instant,
    readAt: instant.nullable(),
  })
  .meta({ id: 'Notification' });

export type Member = z.infer<typeof Member>;
export type TeamMember = z.infer<typeof TeamMember>;
export type Department = z.infer<typeof Department>;
export type Notification = z.infer<typeof Notification>;
