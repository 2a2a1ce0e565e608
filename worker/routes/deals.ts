// /api/v1/deals (everyone): the sales board's deals; a deal moves through its pipeline's stages (pipelines.ts).
import { emitEvents } from '../webhooks-out/emit';
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z } from 'zod';
import { publishToInbox } from '../realtime/notify';
import { byActor, recordAudit } from '../audit/record';
import { authorize } from '../auth/policy';
import { notFoundAudited } from '../db/cross-tenant';
import { withOrg } from '../db/tx';
import { createDeal, dealBoardEvent, dealHistory, deleteDeal, findDeal, listDeals, MissingReference, updateDeal } from '../domain/deals';
import type { AppEnv } from '../env';
import { decodeCursor, page } from '../lib/cursor';
import { openapi, type ApiApp } from '../openapi/route';
import { errors, idParam, json, jsonBody, noContent } from '../openapi/responses';
import { createDealBody, DealCard, DealMove, dealListQuery, DealsPage, StageHistoryEntry, updateDealBody } from '../schemas/deals';

const tags = ['Deals'];

/** Runs `fn`; an id in the body that is not this organisation's is a 404 (audited when it is another's). */
async function withReferences<T>(c: Context<AppEnv>, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof MissingReference)) throw err;
    return notFoundAudited(c, err.what, err.id);
  }
}

export function registerDeals(app: ApiApp) {
  registerDealReads(app);
  registerDealWrites(app);
}

function registerDealReads(app: ApiApp) {
  openapi(
    app,
    createRoute({ method: 'get', path: '/api/v1/deals', tags, summary: 'Deals, newest first, with totals per stage', request: { query: dealListQuery }, responses: { 200: json(DealsPage, 'A page of deals'), ...errors() } }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'deals.read');
      const q = c.req.valid('query');
      const { rows, totals } = await withOrg(c.var.db, actor.orgId, (tx) => listDeals(tx, actor, { ...q, cursor: decodeCursor(q.cursor) }));
      return c.json({ ...page(rows, q.limit), totals }, 200);
    },
  );

  openapi(
    app,
    createRoute({
      method: 'get',
      path: '/api/v1/deals/{id}',
      tags,
      summary: 'A deal with its stage history',
      request: { params: idParam },
      responses: { 200: json(z.object({ deal: DealCard, history: z.array(StageHistoryEntry) }), 'The deal'), ...errors(404) },
    }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'deals.read');
      const { id } = c.req.valid('param');
      const found = await withOrg(c.var.db, actor.orgId, async (tx) => {
        const deal = await findDeal(tx, actor.orgId, id);
        return deal && { deal, history: await dealHistory(tx, actor.orgId, id) };
      });
      if (!found) return notFoundAudited(c, 'deal', id);
      return c.json(found, 200);
    },
  );
}

function registerDealWrites(app: ApiApp) {
  openapi(app, createRoute({ method: 'post', path: '/api/v1/deals', tags, summary: 'Create a deal', request: jsonBody(createDealBody), responses: { 201: json(z.object({ deal: DealCard }), 'Created'), ...errors(404, 409) } }), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'deals.write');
    const body = c.req.valid('json');
    const deal = await withReferences(c, () => withOrg(c.var.db, actor.orgId, async (tx) => (await findDeal(tx, actor.orgId, await createDeal(tx, actor, body)))!));
    await publishToInbox(c.env, actor.orgId, [dealBoardEvent('deal.created', deal)], c.var.log);
    await emitEvents(c.env, actor.orgId, [{ type: 'deal.created', data: deal }], c.var.log);
    return c.json({ deal }, 201);
  });

  /** Edit a deal; `{ stageId }` moves it on the board (written to its stage history). */
  openapi(
    app,
    createRoute({
      method: 'patch',
      path: '/api/v1/deals/{id}',
      tags,
      summary: 'Edit a deal; a new stageId moves it on the board',
      request: { params: idParam, ...jsonBody(updateDealBody) },
      responses: { 200: json(z.object({ deal: DealCard, move: DealMove.nullable() }), 'As changed, and the move if it changed stage'), ...errors(404, 409) },
    }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'deals.write');
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const result = await withReferences(c, () =>
        withOrg(c.var.db, actor.orgId, async (tx) => {
          const change = await updateDeal(tx, actor, id, body);
          return change && { change, deal: (await findDeal(tx, actor.orgId, id))! };
        }),
      );
      if (!result) return notFoundAudited(c, 'deal', id);
      // A PATCH that changed nothing is not news.
      if (result.change.changed.length > 0) {
        await publishToInbox(c.env, actor.orgId, [dealBoardEvent(result.change.move ? 'deal.moved' : 'deal.updated', result.deal, result.change)], c.var.log);
        await emitEvents(c.env, actor.orgId, [{ type: 'deal.updated', data: result.deal }], c.var.log);
      }
      return c.json({ deal: result.deal, move: result.change.move }, 200);
    },
  );

  openapi(app, createRoute({ method: 'delete', path: '/api/v1/deals/{id}', tags, summary: 'Delete a deal', request: { params: idParam }, responses: { ...noContent, ...errors(404) } }), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'deals.write');
    const { id } = c.req.valid('param');
    const removed = await withOrg(c.var.db, actor.orgId, async (tx) => {
      const deal = await findDeal(tx, actor.orgId, id);
      if (!deal || !(await deleteDeal(tx, actor.orgId, id))) return undefined;
      await recordAudit(tx, { action: 'deal.deleted', ...byActor(actor), targetType: 'deal', targetId: id, metadata: { title: deal.title, valueCents: deal.valueCents, currency: deal.currency } });
      return deal;
    });
    if (!removed) return notFoundAudited(c, 'deal', id);
    await publishToInbox(c.env, actor.orgId, [dealBoardEvent('deal.deleted', { id: removed.id, pipelineId: removed.pipelineId, stageId: removed.stageId })], c.var.log);
    await emitEvents(c.env, actor.orgId, [{ type: 'deal.deleted', data: removed }], c.var.log);
    return c.body(null, 204);
  });
}
