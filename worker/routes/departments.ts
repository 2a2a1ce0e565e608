// /api/v1/departments: the organisation's departments ("filas") and their members. Everyone reads them (the inbox
// filters and transfers by department); admins and managers change them.
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { authorize } from '../auth/policy';
import { notFoundAudited } from '../db/cross-tenant';
import { withOrg } from '../db/tx';
import { createDepartment, deleteDepartment, findDepartment, listDepartments, updateDepartment } from '../domain/departments';
import type { AppEnv } from '../env';
import { validate } from '../middleware/validate';
import { closeUserSockets } from '../realtime/close-user';
import { departmentBody, updateDepartmentBody } from '../schemas/service-desk';

const idParam = z.object({ id: z.uuid() });

/** A member who joined or left a department sees other queues now: their sockets re-authorise (new identity). */
async function reconnect(c: Context<AppEnv>, userIds: string[]) {
  await Promise.all(userIds.map((u) => closeUserSockets(c.env, c.var.actor.orgId, u, 'departments_changed', c.var.log)));
}

export function registerDepartments(app: Hono<AppEnv>) {
  app.get('/api/v1/departments', async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'departments.read');
    return c.json({ data: await withOrg(c.var.db, actor.orgId, (tx) => listDepartments(tx, actor.orgId)) });
  });

  app.post('/api/v1/departments', validate('json', departmentBody), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'departments.manage');
    const { department, changedMembers } = await withOrg(c.var.db, actor.orgId, (tx) => createDepartment(tx, actor, c.req.valid('json')));
    await reconnect(c, changedMembers);
    return c.json({ department }, 201);
  });

  app.patch('/api/v1/departments/:id', validate('param', idParam), validate('json', updateDepartmentBody), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'departments.manage');
    const { id } = c.req.valid('param');
    const found = await withOrg(c.var.db, actor.orgId, (tx) => findDepartment(tx, actor.orgId, id));
    if (!found) return notFoundAudited(c, 'department', id);
    const { department, changedMembers } = await withOrg(c.var.db, actor.orgId, (tx) => updateDepartment(tx, actor, id, c.req.valid('json')));
    await reconnect(c, changedMembers);
    return c.json({ department });
  });

  app.delete('/api/v1/departments/:id', validate('param', idParam), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'departments.manage');
    const { id } = c.req.valid('param');
    const { deleted, changedMembers } = await withOrg(c.var.db, actor.orgId, (tx) => deleteDepartment(tx, actor, id));
    if (!deleted) return notFoundAudited(c, 'department', id);
    await reconnect(c, changedMembers);
    return c.body(null, 204);
  });
}
