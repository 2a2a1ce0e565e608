// /api/v1/contact-attributes: the organisation's typed custom contact attributes. Everyone reads them; admins and
// managers keep them (the contact vocabulary, like labels).
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { authorize } from '../auth/policy';
import { notFoundAudited } from '../db/cross-tenant';
import { withOrg } from '../db/tx';
import { createAttribute, deleteAttribute, listAttributes, updateAttribute } from '../domain/contact-attributes';
import { openapi, type ApiApp } from '../openapi/route';
import { errors, idParam, json, jsonBody, noContent, pageOf } from '../openapi/responses';
import { AttributeDefinition, createAttributeBody, updateAttributeBody } from '../schemas/contact-attributes';

const tags = ['Contacts'];
const one = z.object({ attribute: AttributeDefinition });

export function registerContactAttributes(app: ApiApp) {
  openapi(
    app,
    createRoute({ method: 'get', path: '/api/v1/contact-attributes', tags, summary: 'The organisation’s contact attributes', responses: { 200: json(pageOf(AttributeDefinition), 'By position'), ...errors() } }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'contacts.read');
      const data = await withOrg(c.var.db, actor.orgId, (tx) => listAttributes(tx, actor.orgId));
      return c.json({ data, nextCursor: null }, 200);
    },
  );

  openapi(
    app,
    createRoute({ method: 'post', path: '/api/v1/contact-attributes', tags, summary: 'Define an attribute', request: jsonBody(createAttributeBody), responses: { 201: json(one, 'Defined'), ...errors(409) } }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'labels.manage');
      const attribute = await withOrg(c.var.db, actor.orgId, (tx) => createAttribute(tx, actor, c.req.valid('json')));
      return c.json({ attribute }, 201);
    },
  );

  openapi(
    app,
    createRoute({
      method: 'patch',
      path: '/api/v1/contact-attributes/{id}',
      tags,
      summary: 'Relabel, reorder or change a list attribute’s options',
      request: { params: idParam, ...jsonBody(updateAttributeBody) },
      responses: { 200: json(one, 'As changed'), ...errors(404) },
    }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'labels.manage');
      const { id } = c.req.valid('param');
      const attribute = await withOrg(c.var.db, actor.orgId, (tx) => updateAttribute(tx, actor, id, c.req.valid('json')));
      if (!attribute) return notFoundAudited(c, 'contact attribute', id);
      return c.json({ attribute }, 200);
    },
  );

  openapi(
    app,
    createRoute({ method: 'delete', path: '/api/v1/contact-attributes/{id}', tags, summary: 'Delete an attribute and every contact’s value of it', request: { params: idParam }, responses: { ...noContent, ...errors(404) } }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'labels.manage');
      const { id } = c.req.valid('param');
      if (!(await withOrg(c.var.db, actor.orgId, (tx) => deleteAttribute(tx, actor, id)))) return notFoundAudited(c, 'contact attribute', id);
      return c.body(null, 204);
    },
  );
}
