// /api/v1/pipelines (ordered stages; admins and managers) and /api/v1/deals (everyone): the sales board.
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { publishToInbox } from '../realtime/notify';
import { byActor, recordAudit } from '../audit/record';
import { authorize } from '../auth/policy';
import { notFoundAudited } from '../db/cross-tenant';
import { contacts, conversations, deals, pipelineStages, pipelines } from '../db/schema';
import { withOrg } from '../db/tx';
import {
  addStage,
  createDeal,
  createDealBody,
  createPipeline,
  createPipelineBody,
  createStageBody,
  dealBoardEvent,
  dealHistory,
  deleteDeal,
  deletePipeline,
  deleteStage,
  findDeal,
  findPipeline,
  listDeals,
  listPipelines,
  MissingReference,
  reorderStages,
  reorderStagesBody,
  updateDeal,
  updateDealBody,
  updatePipeline,
  updatePipelineBody,
  updateStage,
  updateStageBody,
} from '../domain/deals';
import type { AppEnv } from '../env';
import { decodeCursor, limitParam, page } from '../lib/cursor';
import { validate } from '../middleware/validate';
import { emitEvents } from '../webhooks-out/emit';

const idParam = z.object({ id: z.uuid() });
const stageParam = z.object({ id: z.uuid(), stageId: z.uuid() });
const listQuery = z.object({
  pipelineId: z.uuid().optional(),
  stageId: z.uuid().optional(),
  status: z.enum(['open', 'won', 'lost']).optional(),
  owner: z.union([z.literal('me'), z.literal('none'), z.uuid()]).optional(),
  contactId: z.uuid().optional(),
  q: z.string().trim().min(1).max(200).optional(),
  cursor: z.string().max(200).optional(),
  limit: limitParam,
});

const REFERENCE_TABLES = {
  pipeline: [pipelines, pipelines.id],
  stage: [pipelineStages, pipelineStages.id],
  contact: [contacts, contacts.id],
  conversation: [conversations, conversations.id],
} as const;

/** Runs `fn`; an id in the body that is not this organisation's is a 404 (audited when it is another's). */
async function withReferences<T>(c: Context<AppEnv>, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof MissingReference)) throw err;
    const [table, column] = REFERENCE_TABLES[err.what];
    return notFoundAudited(c, table, column, err.id, err.what);
  }
}

/** Tells open boards to reload a pipeline whose stages (or name, or existence) changed. */
function pipelineUpdated(c: Context<AppEnv>, pipelineId: string) {
  return publishToInbox(c.env, c.var.actor.orgId, [{ type: 'pipeline.updated', data: { pipelineId } }], c.var.log);
}

async function pipelineOr404(c: Context<AppEnv>, id: string) {
  const actor = c.var.actor;
  const pipeline = await withOrg(c.var.db, actor.orgId, (tx) => findPipeline(tx, actor.orgId, id));
  if (!pipeline) return notFoundAudited(c, pipelines, pipelines.id, id, 'pipeline');
  return pipeline;
}

export function registerDeals(app: Hono<AppEnv>) {
  // ---- pipelines ----

  app.get('/api/v1/pipelines', async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'deals.read');
    const data = await withOrg(c.var.db, actor.orgId, (tx) => listPipelines(tx, actor.orgId));
    return c.json({ data, nextCursor: null });
  });

  app.get('/api/v1/pipelines/:id', validate('param', idParam), async (c) => {
    authorize(c.var.actor, 'deals.read');
    return c.json({ pipeline: await pipelineOr404(c, c.req.valid('param').id) });
  });

  app.post('/api/v1/pipelines', validate('json', createPipelineBody), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'pipelines.manage');
    const body = c.req.valid('json');
    const pipeline = await withOrg(c.var.db, actor.orgId, async (tx) => {
      const id = await createPipeline(tx, actor.orgId, body);
      await recordAudit(tx, { action: 'pipeline.created', ...byActor(actor), targetType: 'pipeline', targetId: id, metadata: { name: body.name } });
      return findPipeline(tx, actor.orgId, id);
    });
    await pipelineUpdated(c, pipeline!.id);
    return c.json({ pipeline }, 201);
  });

  app.patch('/api/v1/pipelines/:id', validate('param', idParam), validate('json', updatePipelineBody), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'pipelines.manage');
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const pipeline = await withOrg(c.var.db, actor.orgId, async (tx) => {
      if (!(await updatePipeline(tx, actor.orgId, id, body))) return undefined;
      await recordAudit(tx, { action: 'pipeline.updated', ...byActor(actor), targetType: 'pipeline', targetId: id, metadata: body });
      return findPipeline(tx, actor.orgId, id);
    });
    if (!pipeline) return notFoundAudited(c, pipelines, pipelines.id, id, 'pipeline');
    await pipelineUpdated(c, id);
    return c.json({ pipeline });
  });

  app.delete('/api/v1/pipelines/:id', validate('param', idParam), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'pipelines.manage');
    const { id } = c.req.valid('param');
    const removed = await withOrg(c.var.db, actor.orgId, async (tx) => {
      const ok = await deletePipeline(tx, actor.orgId, id);
      if (ok) await recordAudit(tx, { action: 'pipeline.deleted', ...byActor(actor), targetType: 'pipeline', targetId: id });
      return ok;
    });
    if (!removed) return notFoundAudited(c, pipelines, pipelines.id, id, 'pipeline');
    await pipelineUpdated(c, id);
    return c.body(null, 204);
  });

  app.post('/api/v1/pipelines/:id/stages', validate('param', idParam), validate('json', createStageBody), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'pipelines.manage');
    const { id } = c.req.valid('param');
    await pipelineOr404(c, id);
    const body = c.req.valid('json');
    const pipeline = await withOrg(c.var.db, actor.orgId, async (tx) => {
      const stageId = await addStage(tx, actor.orgId, id, body);
      await recordAudit(tx, { action: 'pipeline.updated', ...byActor(actor), targetType: 'pipeline', targetId: id, metadata: { stageAdded: stageId, name: body.name } });
      return findPipeline(tx, actor.orgId, id);
    });
    await pipelineUpdated(c, id);
    return c.json({ pipeline }, 201);
  });

  // Before /stages/:stageId, which would take "order" for an id.
  app.put('/api/v1/pipelines/:id/stages/order', validate('param', idParam), validate('json', reorderStagesBody), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'pipelines.manage');
    const { id } = c.req.valid('param');
    await pipelineOr404(c, id);
    const { stageIds } = c.req.valid('json');
    const pipeline = await withOrg(c.var.db, actor.orgId, async (tx) => {
      await reorderStages(tx, actor.orgId, id, stageIds);
      await recordAudit(tx, { action: 'pipeline.updated', ...byActor(actor), targetType: 'pipeline', targetId: id, metadata: { stageOrder: stageIds } });
      return findPipeline(tx, actor.orgId, id);
    });
    await pipelineUpdated(c, id);
    return c.json({ pipeline });
  });

  app.patch('/api/v1/pipelines/:id/stages/:stageId', validate('param', stageParam), validate('json', updateStageBody), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'pipelines.manage');
    const { id, stageId } = c.req.valid('param');
    await pipelineOr404(c, id);
    const body = c.req.valid('json');
    const pipeline = await withOrg(c.var.db, actor.orgId, async (tx) => {
      if (!(await updateStage(tx, actor.orgId, id, stageId, body))) return undefined;
      await recordAudit(tx, { action: 'pipeline.updated', ...byActor(actor), targetType: 'pipeline', targetId: id, metadata: { stageUpdated: stageId, ...body } });
      return findPipeline(tx, actor.orgId, id);
    });
    if (!pipeline) return notFoundAudited(c, pipelineStages, pipelineStages.id, stageId, 'stage');
    await pipelineUpdated(c, id);
    return c.json({ pipeline });
  });

  app.delete('/api/v1/pipelines/:id/stages/:stageId', validate('param', stageParam), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'pipelines.manage');
    const { id, stageId } = c.req.valid('param');
    await pipelineOr404(c, id);
    const removed = await withOrg(c.var.db, actor.orgId, async (tx) => {
      const ok = await deleteStage(tx, actor.orgId, id, stageId);
      if (ok) await recordAudit(tx, { action: 'pipeline.updated', ...byActor(actor), targetType: 'pipeline', targetId: id, metadata: { stageDeleted: stageId } });
      return ok;
    });
    if (!removed) return notFoundAudited(c, pipelineStages, pipelineStages.id, stageId, 'stage');
    await pipelineUpdated(c, id);
    return c.body(null, 204);
  });

  // ---- deals ----

  app.get('/api/v1/deals', validate('query', listQuery), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'deals.read');
    const q = c.req.valid('query');
    const { rows, totals } = await withOrg(c.var.db, actor.orgId, (tx) =>
      listDeals(tx, actor, { ...q, cursor: decodeCursor(q.cursor) }),
    );
    return c.json({ ...page(rows, q.limit), totals });
  });

  app.get('/api/v1/deals/:id', validate('param', idParam), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'deals.read');
    const { id } = c.req.valid('param');
    const found = await withOrg(c.var.db, actor.orgId, async (tx) => {
      const deal = await findDeal(tx, actor.orgId, id);
      return deal && { deal, history: await dealHistory(tx, actor.orgId, id) };
    });
    if (!found) return notFoundAudited(c, deals, deals.id, id, 'deal');
    return c.json(found);
  });

  app.post('/api/v1/deals', validate('json', createDealBody), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'deals.write');
    const body = c.req.valid('json');
    const deal = await withReferences(c, () =>
      withOrg(c.var.db, actor.orgId, async (tx) => findDeal(tx, actor.orgId, await createDeal(tx, actor, body))),
    );
    await publishToInbox(c.env, actor.orgId, [dealBoardEvent('deal.created', deal!)], c.var.log);
    await emitEvents(c.env, actor.orgId, [{ type: 'deal.created', data: deal }], c.var.log);
    return c.json({ deal }, 201);
  });

  /** Edit a deal; `{ stageId }` moves it on the board (written to its stage history). */
  app.patch('/api/v1/deals/:id', validate('param', idParam), validate('json', updateDealBody), async (c) => {
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
    if (!result) return notFoundAudited(c, deals, deals.id, id, 'deal');
    // A PATCH that changed nothing is not news.
    if (result.change.changed.length > 0) {
      await publishToInbox(c.env, actor.orgId, [dealBoardEvent(result.change.move ? 'deal.moved' : 'deal.updated', result.deal, result.change)], c.var.log);
      await emitEvents(c.env, actor.orgId, [{ type: 'deal.updated', data: result.deal }], c.var.log);
    }
    return c.json({ deal: result.deal, move: result.change.move });
  });

  app.delete('/api/v1/deals/:id', validate('param', idParam), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'deals.write');
    const { id } = c.req.valid('param');
    const removed = await withOrg(c.var.db, actor.orgId, async (tx) => {
      const deal = await findDeal(tx, actor.orgId, id);
      if (!deal || !(await deleteDeal(tx, actor.orgId, id))) return undefined;
      await recordAudit(tx, { action: 'deal.deleted', ...byActor(actor), targetType: 'deal', targetId: id, metadata: { title: deal.title, valueCents: deal.valueCents, currency: deal.currency } });
      return deal;
    });
    if (!removed) return notFoundAudited(c, deals, deals.id, id, 'deal');
    await publishToInbox(c.env, actor.orgId, [dealBoardEvent('deal.deleted', { id: removed.id, pipelineId: removed.pipelineId, stageId: removed.stageId })], c.var.log);
    await emitEvents(c.env, actor.orgId, [{ type: 'deal.deleted', data: removed }], c.var.log);
    return c.body(null, 204);
  });
}
