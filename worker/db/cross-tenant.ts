// A tenant asking for a row it cannot see gets 404 either way. If the row exists in another organisation, that
// is worth knowing: the attempt is written to the audit log (outside the tenant transaction, so it survives).
import { eq } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Context } from 'hono';
import { byActor, recordAudit } from '../audit/record';
import type { AppEnv } from '../env';
import { notFound } from '../errors';

export async function notFoundAudited(
  c: Context<AppEnv>,
  table: PgTable & { organizationId: PgColumn },
  column: PgColumn,
  id: string,
  what: string,
): Promise<never> {
  const actor = c.var.actor;
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
