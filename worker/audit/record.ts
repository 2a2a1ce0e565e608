// Audit trail: who did what to what, from where. Written in the same transaction as the change it describes,
// except for refusals (failed logins, cross-tenant attempts), which are written on their own so they survive.
import type { Actor } from '../auth/actor';
import type { Db } from '../db/client';
import { auditLogs } from '../db/schema';
import type { Tx } from '../db/tx';

export type AuditAction =
  | 'auth.signup'
  | 'auth.login'
  | 'auth.login_failed'
  | 'auth.logout'
  | 'auth.logout_all'
  | 'auth.refresh_reuse_detected'
  | 'auth.switch_organization'
  | 'auth.password_reset_requested'
  | 'auth.password_reset'
  | 'member.invited'
  | 'member.invitation_revoked'
  | 'member.joined'
  | 'member.role_changed'
  | 'member.removed'
  | 'organization.updated'
  | 'channel.connected'
  | 'channel.reconnected'
  | 'channel.removed'
  | 'channel.updated'
  | 'template.synced'
  | 'dead_letter.replayed'
  | 'message.scheduled'
  | 'message.schedule_updated'
  | 'message.schedule_cancelled'
  | 'message.scheduled_sent'
  | 'message.scheduled_failed'
  | 'conversation.assigned'
  | 'conversation.status_changed'
  | 'conversation.labelled'
  | 'conversation.department_changed'
  | 'conversation.automatic_message'
  | 'department.created'
  | 'department.updated'
  | 'department.deleted'
  | 'channel.automation_updated'
  | 'contact.created'
  | 'contact.updated'
  | 'contact.merged'
  | 'contact.erased'
  | 'contact.imported'
  | 'contact.exported'
  | 'contact_attribute.created'
  | 'contact_attribute.updated'
  | 'contact_attribute.deleted'
  | 'label.created'
  | 'label.updated'
  | 'label.deleted'
  | 'canned_response.created'
  | 'canned_response.updated'
  | 'canned_response.deleted'
  | 'pipeline.created'
  | 'pipeline.updated'
  | 'pipeline.deleted'
  | 'deal.deleted'
  | 'retention.run'
  | 'security.cross_tenant_attempt'
  | 'api_key.created'
  | 'api_key.revoked'
  | 'api_key.denied'
  | 'webhook_endpoint.created'
  | 'webhook_endpoint.updated'
  | 'webhook_endpoint.deleted'
  | 'webhook_endpoint.secret_rotated'
  | 'webhook_endpoint.disabled'
  | 'webhook_delivery.replayed'
  | 'super_admin.enter_organization'
  | 'super_admin.action'
  | 'conversation.legal_hold_placed'
  | 'conversation.legal_hold_lifted'
  | 'message.marked_important'
  | 'message.unmarked_important'
  | 'data_export.requested'
  | 'data_export.downloaded'
  // Content encryption (issue 21 §4): platform admins looking at, rotating and shredding an organisation's keys; the
  // backfill sealing its legacy plaintext.
  | 'encryption.viewed'
  | 'encryption.key_rotated'
  | 'encryption.shredded'
  | 'encryption.backfilled';

export interface AuditEntry {
  action: AuditAction;
  organizationId: string | null;
  actorUserId?: string | null;
  actorType?: 'user' | 'system' | 'meta' | 'super_admin' | 'api_key';
  actorApiKeyId?: string | null;
  targetType?: string;
  targetId?: string;
  ip?: string | null;
  userAgent?: string | null;
  metadata?: Record<string, unknown>;
}

export async function recordAudit(tx: Tx | Db, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLogs).values({
    organizationId: entry.organizationId,
    actorUserId: entry.actorUserId ?? null,
    actorType: entry.actorType ?? (entry.actorUserId ? 'user' : 'system'),
    actorApiKeyId: entry.actorApiKeyId ?? null,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    ip: entry.ip ?? null,
    userAgent: entry.userAgent ?? null,
    metadata: entry.metadata ?? {},
  });
}

/** The audit fields that come from the actor of a request. */
export function byActor(actor: Actor): Pick<AuditEntry, 'organizationId' | 'actorUserId' | 'actorType' | 'actorApiKeyId' | 'ip' | 'userAgent'> {
  return {
    organizationId: actor.orgId,
    actorUserId: actor.userId,
    // A key's writes name the key (actor_api_key_id); actor_user_id is who created it.
    actorType: actor.apiKey ? 'api_key' : actor.viaSuperAdmin ? 'super_admin' : 'user',
    actorApiKeyId: actor.apiKey?.id ?? null,
    ip: actor.ip,
    userAgent: actor.userAgent,
  };
}
