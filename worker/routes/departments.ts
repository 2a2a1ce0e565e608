// /api/v1/departments: the organisation's departments ("filas") and their members. Everyone reads them (the inbox
// filters and transfers by department); admins and managers change them.
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z } from 'zod';
import { authorize } from '../auth/policy';
import { notFoundAudited } from '../db/cross-tenant';
import { withOrg } from '../db/tx';
import { createDepartment, deleteDepartment, findDepartment, listDepartments, updateDepartment } from '../domain/departments';
import type { AppEnv } from '../env';
import { openapi, type ApiApp } from '../openapi/route';
import { errors, idParam, json, jsonBody, noContent } from '../openapi/responses';
import { closeUserSockets } from '../realtime/close-user';
import { departmentBody, updateDepartmentBody } from '../schemas/service-desk';
import { Department } from '../schemas/team';

const tags = ['Team'];
const one = z.object({ department: Department });

/** A member who joined or left a department sees other queues now: their sockets re-authorise (new identity). */
async function reconnect(c: Context<AppEnv>, userIds: string[]) {
  await Promise.all(userIds.map((u) => closeUserSockets(c.env, c.var.actor.orgId, u, 'departments_changed', c.var.log)));
}

export function registerDepartments(app: ApiApp) {
  openapi(app, createRoute({ method: 'get', path: '/api/v1/departments', tags, summary: 'Departments and their members', responses: { 200: json(z.object({ data: z.array(Department) }), 'By name'), ...errors() } }), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'departments.read');
    return c.json({ data: await withOrg(c.var.db, actor.orgId, (tx) => listDepartments(tx, actor.orgId)) }, 200);
  });

  openapi(app, createRoute({ method: 'post', path: '/api/v1/departments', tags, summary: 'Create a department', request: jsonBody(departmentBody), responses: { 201: json(one, 'Created'), ...errors(409, 422) } }), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'departments.manage');
    const { department, changedMembers } = await withOrg(c.var.db, actor.orgId, (tx) => createDepartment(tx, actor, c.req.valid('json')));
    await reconnect(c, changedMembers);
    return c.json({ department }, 201);
  });

  openapi(
    app,
    createRoute({ method: 'patch', path: '/api/v1/departments/{id}', tags, summary: 'Change a department or its members', request: { params: idParam, ...jsonBody(updateDepartmentBody) }, responses: { 200: json(one, 'As changed'), ...errors(404, 409, 422) } }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'departments.manage');
      const { id } = c.req.valid('param');
      const found = await withOrg(c.var.db, actor.orgId, (tx) => findDepartment(tx, actor.orgId, id));
      if (!found) return notFoundAudited(c, 'department', id);
      const { department, changedMembers } = await withOrg(c.var.db, actor.orgId, (tx) => updateDepartment(tx, actor, id, c.req.valid('json')));
      await reconnect(c, changedMembers);
      return c.json({ department }, 200);
    },
  );

  openapi(app, createRoute({ method: 'delete', path: '/api/v1/departments/{id}', tags, summary: 'Delete a department', request: { params: idParam }, responses: { ...noContent, ...errors(404) } }), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'departments.manage');
    const { id } = c.req.valid('param');
    const { deleted, changedMembers } = await withOrg(c.var.db, actor.orgId, (tx) => deleteDepartment(tx, actor, id));
    if (!deleted) return notFoundAudited(c, 'department', id);
    await reconnect(c, changedMembers);
    return c.body(null, 204);
  });
}
