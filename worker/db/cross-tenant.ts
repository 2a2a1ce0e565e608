// A tenant asking for a row it cannot see gets 404 either way. If the row exists in another organisation, that
// is worth knowing: the attempt is written to the audit log (outside the tenant transaction, so it survives).
import { eq } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Context } from 'hono';
import { byActor, recordAudit } from '../audit/record';
import type { AppEnv } from '../env';
import { notFound } from '../errors';
import {
  apiKeys,
  cannedResponses,
  channels,
  contactAttributeDefinitions,
  contactNotes,
  contacts,
  conversations,
  dataExports,
  deals,
  departments,
  invitations,
  labels,
  memberships,
  messages,
  pipelineStages,
  pipelines,
  scheduledMessages,
  webhookDeliveries,
  webhookEndpoints,
} from './schema';

type Owned = [PgTable & { organizationId: PgColumn }, PgColumn];

/** What a route can fail to find, named as its 404 says it, and where such a row lives. */
const OWNED = {
  'api key': [apiKeys, apiKeys.id],
  'canned response': [cannedResponses, cannedResponses.id],
  channel: [channels, channels.id],
  'contact attribute': [contactAttributeDefinitions, contactAttributeDefinitions.id],
  note: [contactNotes, contactNotes.id],
  contact: [contacts, contacts.id],
  conversation: [conversations, conversations.id],
  'data export': [dataExports, dataExports.id],
  deal: [deals, deals.id],
  department: [departments, departments.id],
  invitation: [invitations, invitations.id],
  label: [labels, labels.id],
  member: [memberships, memberships.userId],
  message: [messages, messages.id],
  stage: [pipelineStages, pipelineStages.id],
  pipeline: [pipelines, pipelines.id],
  'scheduled message': [scheduledMessages, scheduledMessages.id],
  'webhook delivery': [webhookDeliveries, webhookDeliveries.id],
  'webhook endpoint': [webhookEndpoints, webhookEndpoints.id],
} satisfies Record<string, Owned>;
export type OwnedKind = keyof typeof OWNED;

export async function notFoundAudited(c: Context<AppEnv>, what: OwnedKind, id: string): Promise<never> {
  const actor = c.var.actor;
  const [table, column] = OWNED[what] as Owned;
  const owners = await c.var.db
    .select({ org: table.organizationId })
    .from(table as PgTable)
    .where(eq(column, id));
  const foreign = owners.filter((o) => o.org !== actor.orgId);
  if (foreign.length > 0 && owners.length === foreign.length) {
    await recordAudit(c.var.db, {
      action: 'security.cross_tenant_attempt',
      ...byActor(actor),
      targetType: what,
      targetId: id,
      metadata: { method: c.req.method, path: c.req.path },
    });
    c.var.log.warn('cross-tenant access attempt', { userId: actor.userId, orgId: actor.orgId, what, id });
  }
  throw notFound(what);
}
