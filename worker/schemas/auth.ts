// Request bodies of the auth and account routes; the web app imports the same schemas and types.
import { z } from 'zod';
import { roleEnum } from '../db/schema';

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
