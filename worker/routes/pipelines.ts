// /api/v1/pipelines: the sales board's pipelines and their ordered stages. Everyone reads them; admins and managers
// shape them. Open boards are told to reload a pipeline that changed.
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z } from 'zod';
import { publishToInbox } from '../realtime/notify';
import { byActor, recordAudit } from '../audit/record';
import { authorize } from '../auth/policy';
import { notFoundAudited } from '../db/cross-tenant';
import { withOrg, type Tx } from '../db/tx';
import { addStage, createPipeline, deletePipeline, deleteStage, findPipeline, listPipelines, reorderStages, updatePipeline, updateStage } from '../domain/deals';
import type { AppEnv } from '../env';
import { openapi, type ApiApp } from '../openapi/route';
import { errors, idParam, json, jsonBody, noContent, pageOf } from '../openapi/responses';
import { createPipelineBody, createStageBody, Pipeline, reorderStagesBody, updatePipelineBody, updateStageBody } from '../schemas/deals';

const tags = ['Deals'];
const stageParam = z.object({ id: z.uuid(), stageId: z.uuid() });
const one = z.object({ pipeline: Pipeline });

/** Tells open boards to reload a pipeline whose stages (or name, or existence) changed. */
function pipelineUpdated(c: Context<AppEnv>, pipelineId: string) {
  return publishToInbox(c.env, c.var.actor.orgId, [{ type: 'pipeline.updated', data: { pipelineId } }], c.var.log);
}

async function pipelineOr404(c: Context<AppEnv>, id: string) {
  const actor = c.var.actor;
  const pipeline = await withOrg(c.var.db, actor.orgId, (tx) => findPipeline(tx, actor.orgId, id));
  if (!pipeline) return notFoundAudited(c, 'pipeline', id);
  return pipeline;
}

export function registerPipelines(app: ApiApp) {
  registerPipelineSet(app);
  registerStages(app);
}

function registerPipelineSet(app: ApiApp) {
  openapi(app, createRoute({ method: 'get', path: '/api/v1/pipelines', tags, summary: 'Pipelines with their stages', responses: { 200: json(pageOf(Pipeline), 'By position'), ...errors() } }), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'deals.read');
    const data = await withOrg(c.var.db, actor.orgId, (tx) => listPipelines(tx, actor.orgId));
    return c.json({ data, nextCursor: null }, 200);
  });

  openapi(app, createRoute({ method: 'get', path: '/api/v1/pipelines/{id}', tags, summary: 'A pipeline', request: { params: idParam }, responses: { 200: json(one, 'The pipeline'), ...errors(404) } }), async (c) => {
    authorize(c.var.actor, 'deals.read');
    return c.json({ pipeline: await pipelineOr404(c, c.req.valid('param').id) }, 200);
  });

  openapi(app, createRoute({ method: 'post', path: '/api/v1/pipelines', tags, summary: 'Create a pipeline with its stages', request: jsonBody(createPipelineBody), responses: { 201: json(one, 'Created'), ...errors() } }), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'pipelines.manage');
    const body = c.req.valid('json');
    const pipeline = await withOrg(c.var.db, actor.orgId, async (tx) => {
      const id = await createPipeline(tx, actor.orgId, body);
      await recordAudit(tx, { action: 'pipeline.created', ...byActor(actor), targetType: 'pipeline', targetId: id, metadata: { name: body.name } });
      return (await findPipeline(tx, actor.orgId, id))!;
    });
    await pipelineUpdated(c, pipeline.id);
    return c.json({ pipeline }, 201);
  });

  openapi(
    app,
    createRoute({ method: 'patch', path: '/api/v1/pipelines/{id}', tags, summary: 'Rename, reorder or make default', request: { params: idParam, ...jsonBody(updatePipelineBody) }, responses: { 200: json(one, 'As changed'), ...errors(404) } }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'pipelines.manage');
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const pipeline = await withOrg(c.var.db, actor.orgId, async (tx) => {
        if (!(await updatePipeline(tx, actor.orgId, id, body))) return undefined;
        await recordAudit(tx, { action: 'pipeline.updated', ...byActor(actor), targetType: 'pipeline', targetId: id, metadata: body });
        return findPipeline(tx, actor.orgId, id);
      });
      if (!pipeline) return notFoundAudited(c, 'pipeline', id);
      await pipelineUpdated(c, id);
      return c.json({ pipeline }, 200);
    },
  );

  openapi(app, createRoute({ method: 'delete', path: '/api/v1/pipelines/{id}', tags, summary: 'Delete a pipeline without deals', request: { params: idParam }, responses: { ...noContent, ...errors(404, 409) } }), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'pipelines.manage');
    const { id } = c.req.valid('param');
    const removed = await withOrg(c.var.db, actor.orgId, async (tx) => {
      const ok = await deletePipeline(tx, actor.orgId, id);
      if (ok) await recordAudit(tx, { action: 'pipeline.deleted', ...byActor(actor), targetType: 'pipeline', targetId: id });
      return ok;
    });
    if (!removed) return notFoundAudited(c, 'pipeline', id);
    await pipelineUpdated(c, id);
    return c.body(null, 204);
  });
}

function registerStages(app: ApiApp) {
  /** A change to one pipeline's stages, audited as a pipeline update; the pipeline as it is afterwards. */
  const changeStages = <T>(c: Context<AppEnv>, id: string, change: (tx: Tx) => Promise<T>, metadata: (result: T) => Record<string, unknown>) =>
    withOrg(c.var.db, c.var.actor.orgId, async (tx) => {
      const result = await change(tx);
      // false: no such stage.
      if (result === false) return undefined;
      await recordAudit(tx, { action: 'pipeline.updated', ...byActor(c.var.actor), targetType: 'pipeline', targetId: id, metadata: metadata(result) });
      return (await findPipeline(tx, c.var.actor.orgId, id))!;
    });

  openapi(app, createRoute({ method: 'post', path: '/api/v1/pipelines/{id}/stages', tags, summary: 'Add a stage', request: { params: idParam, ...jsonBody(createStageBody) }, responses: { 201: json(one, 'The pipeline with its new stage'), ...errors(404) } }), async (c) => {
    authorize(c.var.actor, 'pipelines.manage');
    const { id } = c.req.valid('param');
    await pipelineOr404(c, id);
    const body = c.req.valid('json');
    const pipeline = await changeStages(c, id, (tx) => addStage(tx, c.var.actor.orgId, id, body), (stageId) => ({ stageAdded: stageId, name: body.name }));
    await pipelineUpdated(c, id);
    return c.json({ pipeline: pipeline! }, 201);
  });

  // Before /stages/:stageId, which would take "order" for an id.
  openapi(app, createRoute({ method: 'put', path: '/api/v1/pipelines/{id}/stages/order', tags, summary: 'Reorder the stages', request: { params: idParam, ...jsonBody(reorderStagesBody) }, responses: { 200: json(one, 'Reordered'), ...errors(404) } }), async (c) => {
    authorize(c.var.actor, 'pipelines.manage');
    const { id } = c.req.valid('param');
    await pipelineOr404(c, id);
    const { stageIds } = c.req.valid('json');
    const pipeline = await changeStages(c, id, (tx) => reorderStages(tx, c.var.actor.orgId, id, stageIds), () => ({ stageOrder: stageIds }));
    await pipelineUpdated(c, id);
    return c.json({ pipeline: pipeline! }, 200);
  });

  openapi(app, createRoute({ method: 'patch', path: '/api/v1/pipelines/{id}/stages/{stageId}', tags, summary: 'Rename a stage or set its probability', request: { params: stageParam, ...jsonBody(updateStageBody) }, responses: { 200: json(one, 'Changed'), ...errors(404) } }), async (c) => {
    authorize(c.var.actor, 'pipelines.manage');
    const { id, stageId } = c.req.valid('param');
    await pipelineOr404(c, id);
    const body = c.req.valid('json');
    const pipeline = await changeStages(c, id, async (tx) => (await updateStage(tx, c.var.actor.orgId, id, stageId, body)) ?? false, () => ({ stageUpdated: stageId, ...body }));
    if (!pipeline) return notFoundAudited(c, 'stage', stageId);
    await pipelineUpdated(c, id);
    return c.json({ pipeline }, 200);
  });

  openapi(app, createRoute({ method: 'delete', path: '/api/v1/pipelines/{id}/stages/{stageId}', tags, summary: 'Delete an empty stage', request: { params: stageParam }, responses: { ...noContent, ...errors(404, 409) } }), async (c) => {
    authorize(c.var.actor, 'pipelines.manage');
    const { id, stageId } = c.req.valid('param');
    await pipelineOr404(c, id);
    const pipeline = await changeStages(c, id, (tx) => deleteStage(tx, c.var.actor.orgId, id, stageId), () => ({ stageDeleted: stageId }));
    if (!pipeline) return notFoundAudited(c, 'stage', stageId);
    await pipelineUpdated(c, id);
    return c.body(null, 204);
  });
}
