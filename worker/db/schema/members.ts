import { index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { roleEnum } from './enums';
import { createdAt, idRandom, timestamps, tstz } from './ids';
import { users, tenantId } from './platform';

export const memberships = pgTable(
  'memberships',
  {
    id: idRandom(),
    organizationId: tenantId(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: roleEnum('role').notNull(),
    /** What the member says (online | away); offline is theirs too once their last tab closes (the inbox sockets). */
    presence: text('presence', { enum: ['online', 'away'] }).notNull().default('online'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('memberships_org_user_uq').on(t.organizationId, t.userId),
    // Login lists a user's organisations before any org is selected.
    index('memberships_user_idx').on(t.userId),
  ],
);
export type Membership = typeof memberships.$inferSelect;
export type NewMembership = typeof memberships.$inferInsert;

export const invitations = pgTable(
  'invitations',
  {
    id: idRandom(),
    organizationId: tenantId(),
    email: text('email').notNull(),
    role: roleEnum('role').notNull(),
    tokenHash: text('token_hash').notNull().unique('invitations_token_hash_uq'),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    expiresAt: tstz('expires_at').notNull(),
    acceptedAt: tstz('accepted_at'),
    revokedAt: tstz('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [index('invitations_org_email_idx').on(t.organizationId, t.email)],
);
export type Invitation = typeof invitations.$inferSelect;
export type NewInvitation = typeof invitations.$inferInsert;
