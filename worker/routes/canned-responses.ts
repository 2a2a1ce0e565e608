// /api/v1/canned-responses: saved replies with {{variables}}; everyone uses them, admins and managers keep them.
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { authorize } from '../auth/policy';
import { notFoundAudited } from '../db/cross-tenant';
import { withOrg } from '../db/tx';
import { createCannedResponse, deleteCannedResponse, listCannedResponses, renderForContact, updateCannedResponse } from '../domain/canned-responses';
import { openapi, type ApiApp } from '../openapi/route';
import { errors, idParam, json, jsonBody, noContent, pageOf } from '../openapi/responses';
import { CannedResponse, cannedListQuery, createCannedBody, RenderedCanned, renderCannedBody, updateCannedBody } from '../schemas/canned-responses';

const tags = ['Canned responses'];
const one = z.object({ cannedResponse: CannedResponse });

export function registerCannedResponses(app: ApiApp) {
  openapi(
    app,
    createRoute({ method: 'get', path: '/api/v1/canned-responses', tags, summary: 'Saved replies, by shortcut (at most 500)', request: { query: cannedListQuery }, responses: { 200: json(pageOf(CannedResponse), 'Matching replies'), ...errors() } }),
    async (c) => {
      const actor = c.var.actor;
      const data = await withOrg(c.var.db, actor.orgId, (tx) => listCannedResponses(tx, actor.orgId, c.req.valid('query').q));
      return c.json({ data, nextCursor: null }, 200);
    },
  );

  openapi(
    app,
    createRoute({ method: 'post', path: '/api/v1/canned-responses', tags, summary: 'Save a reply (admins, managers)', request: jsonBody(createCannedBody), responses: { 201: json(one, 'Saved'), ...errors(409) } }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'canned_responses.manage');
      const cannedResponse = await withOrg(c.var.db, actor.orgId, (tx) => createCannedResponse(tx, actor, c.req.valid('json')));
      return c.json({ cannedResponse }, 201);
    },
  );

  openapi(
    app,
    createRoute({
      method: 'patch',
      path: '/api/v1/canned-responses/{id}',
      tags,
      summary: 'Edit a saved reply',
      request: { params: idParam, ...jsonBody(updateCannedBody) },
      responses: { 200: json(one, 'As changed'), ...errors(404, 409) },
    }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'canned_responses.manage');
      const { id } = c.req.valid('param');
      const cannedResponse = await withOrg(c.var.db, actor.orgId, (tx) => updateCannedResponse(tx, actor, id, c.req.valid('json')));
      if (!cannedResponse) return notFoundAudited(c, 'canned response', id);
      return c.json({ cannedResponse }, 200);
    },
  );

  openapi(
    app,
    createRoute({ method: 'delete', path: '/api/v1/canned-responses/{id}', tags, summary: 'Delete a saved reply', request: { params: idParam }, responses: { ...noContent, ...errors(404) } }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'canned_responses.manage');
      const { id } = c.req.valid('param');
      if (!(await withOrg(c.var.db, actor.orgId, (tx) => deleteCannedResponse(tx, actor, id)))) return notFoundAudited(c, 'canned response', id);
      return c.body(null, 204);
    },
  );

  openapi(
    app,
    createRoute({
      method: 'post',
      path: '/api/v1/canned-responses/{id}/render',
      tags,
      summary: 'The text to put in the composer, variables filled for a contact or a conversation’s contact',
      request: { params: idParam, ...jsonBody(renderCannedBody) },
      responses: { 200: json(RenderedCanned, 'Filled text'), ...errors(404) },
    }),
    async (c) => {
      const actor = c.var.actor;
      const { id } = c.req.valid('param');
      const outcome = await withOrg(c.var.db, actor.orgId, (tx) => renderForContact(tx, actor, id, c.req.valid('json')));
      if ('id' in outcome) return notFoundAudited(c, outcome.missing, outcome.id);
      return c.json(outcome, 200);
    },
  );
}
