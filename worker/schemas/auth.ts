// The auth and account routes' request bodies and answers; the web app imports the same schemas and types.
import { z } from 'zod';
import { roleEnum } from '../db/schema/enums';
import { instant } from '../openapi/responses';

export const email = z.email().max(254).transform((s) => s.trim().toLowerCase());
// 8+ characters; the upper bound keeps PBKDF2 input (and its cost) bounded.
export const password = z.string().min(8, 'must have at least 8 characters').max(128);
const name = z.string().trim().min(1).max(120);

export const signupBody = z.object({
  organizationName: z.string().trim().min(1).max(120),
  name,
  email,
  password,
});
export const loginBody = z.object({ email, password: z.string().min(1).max(128), organizationId: z.uuid().optional() });
export const refreshBody = z.object({ refreshToken: z.string().min(20).max(200).optional() }).default({});
export const switchOrganizationBody = z.object({ organizationId: z.uuid() });
export const passwordResetRequestBody = z.object({ email });
export const passwordResetConfirmBody = z.object({ token: z.string().min(20).max(200), password });

export const role = z.enum(roleEnum.enumValues);
export const invitationBody = z.object({ email, role });
export const acceptInvitationBody = z.object({
  token: z.string().min(20).max(200),
  name: name.optional(),
  password,
});
export const updateMemberBody = z.object({ role });

export type SignupBody = z.infer<typeof signupBody>;
export type LoginBody = z.infer<typeof loginBody>;

/** An organisation the user may act in, with their role there. */
export const OrgChoice = z
  .object({ id: z.uuid(), name: z.string(), slug: z.string(), locale: z.string().nullable(), role })
  .meta({ id: 'OrgChoice' });
export const User = z
  .object({ id: z.uuid(), email: z.string(), name: z.string().nullable(), isSuperAdmin: z.boolean(), locale: z.string().nullable() })
  .meta({ id: 'User' });
export const TokenResponse = z
  .object({
    accessToken: z.string(),
    refreshToken: z
      .string()
      .optional()
      .meta({ description: 'Only for API clients that opt in (`X-Refresh-Token-In-Body: true`); browsers get the httpOnly cookie' }),
    expiresIn: z.number().int().meta({ description: 'Seconds the access token is valid' }),
    user: User,
    organization: OrgChoice,
    organizations: z.array(OrgChoice),
  })
  .meta({ id: 'TokenResponse' });
export const MeResponse = z.object({
  user: User,
  /** A super admin acting in an organisation they are no member of gets only its id and their role. */
  organization: z.union([OrgChoice, z.object({ id: z.uuid(), role })]),
  role,
  organizations: z.array(OrgChoice),
});
export const ResetRequested = z.object({ status: z.literal('ok'), message: z.string() });
export const StatusOk = z.object({ status: z.literal('ok') });

export const Invitation = z
  .object({ id: z.uuid(), email: z.string(), role, expiresAt: instant, createdAt: instant, invitedBy: z.uuid().nullable() })
  .meta({ id: 'Invitation' });
export const InvitationLookup = z
  .object({ email: z.string(), role, organization: z.object({ id: z.uuid(), name: z.string() }), accountExists: z.boolean(), expiresAt: instant })
  .meta({ id: 'InvitationLookup' });
export const invitationTokenQuery = z.object({ token: z.string().min(20).max(200) });

export type OrgChoice = z.infer<typeof OrgChoice>;
export type User = z.infer<typeof User>;
export type TokenResponse = z.infer<typeof TokenResponse>;
export type Invitation = z.infer<typeof Invitation>;
export type InvitationLookup = z.infer<typeof InvitationLookup>;
