// Sales pipelines (ordered stages) and the deals that move through them. Runs inside withOrg (RLS-scoped).
// Money is integer cents plus an ISO currency; every stage change of a deal is written to deal_stage_history.
import { and, asc, count, desc, eq, ilike, inArray, isNotNull, isNull, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { createDealBody, createPipelineBody, createStageBody, updateDealBody, updatePipelineBody, updateStageBody } from '../schemas/deals';
import type { Actor } from '../auth/actor';
import {
  contacts,
  conversations,
  dealStageHistory,
  deals,
  memberships,
  pipelineStages,
  pipelines,
  users,
  type Deal,
} from '../db/schema';
import type { Tx } from '../db/tx';
import { ApiError, badRequest, conflict } from '../errors';
import type { Cursor } from '../lib/cursor';

// ---- pipelines and stages ------------------------------------------------------------------------------------

const stageColumns = {
  id: pipelineStages.id,
  pipelineId: pipelineStages.pipelineId,
  name: pipelineStages.name,
  position: pipelineStages.position,
  probability: pipelineStages.probability,
};

export async function listPipelines(tx: Tx, orgId: string, onlyId?: string) {
  const rows = await tx
    .select({ id: pipelines.id, name: pipelines.name, isDefault: pipelines.isDefault, position: pipelines.position, createdAt: pipelines.createdAt })
    .from(pipelines)
    .where(and(eq(pipelines.organizationId, orgId), onlyId ? eq(pipelines.id, onlyId) : undefined))
    .orderBy(asc(pipelines.position), asc(pipelines.createdAt));
  const stages = rows.length
    ? await tx
        .select(stageColumns)
        .from(pipelineStages)
        .where(and(eq(pipelineStages.organizationId, orgId), inArray(pipelineStages.pipelineId, rows.map((p) => p.id))))
        .orderBy(asc(pipelineStages.position), asc(pipelineStages.createdAt))
    : [];
  return rows.map((p) => ({ ...p, stages: stages.filter((s) => s.pipelineId === p.id).map(({ pipelineId: _, ...s }) => s) }));
}

export async function findPipeline(tx: Tx, orgId: string, id: string) {
  return (await listPipelines(tx, orgId, id))[0];
}

export async function defaultPipelineId(tx: Tx, orgId: string): Promise<string | undefined> {
  const [row] = await tx
    .select({ id: pipelines.id })
    .from(pipelines)
    .where(eq(pipelines.organizationId, orgId))
    .orderBy(desc(pipelines.isDefault), asc(pipelines.position), asc(pipelines.createdAt))
    .limit(1);
  return row?.id;
}

async function makeDefault(tx: Tx, orgId: string, id: string) {
  await tx
    .update(pipelines)
    .set({ isDefault: sql`${pipelines.id} = ${id}` })
    .where(and(eq(pipelines.organizationId, orgId), or(eq(pipelines.isDefault, true), eq(pipelines.id, id))));
}

export async function createPipeline(tx: Tx, orgId: string, body: z.infer<typeof createPipelineBody>) {
  const [{ next } = { next: 0 }] = await tx
    .select({ next: sql<number>`coalesce(max(${pipelines.position}) + 1, 0)::int` })
    .from(pipelines)
    .where(eq(pipelines.organizationId, orgId));
  const [pipeline] = await tx.insert(pipelines).values({ organizationId: orgId, name: body.name, position: next }).returning({ id: pipelines.id });
  await tx.insert(pipelineStages).values(
    body.stages.map((s, position) => ({ organizationId: orgId, pipelineId: pipeline!.id, name: s.name, probability: s.probability ?? null, position })),
  );
  if (body.isDefault) await makeDefault(tx, orgId, pipeline!.id);
  return pipeline!.id;
}

/** undefined when there is no such pipeline. */
export async function updatePipeline(tx: Tx, orgId: string, id: string, body: z.infer<typeof updatePipelineBody>) {
  const [row] = await tx
    .update(pipelines)
    .set({ ...(body.name ? { name: body.name } : {}), ...(body.position !== undefined ? { position: body.position } : {}), updatedAt: new Date() })
    .where(and(eq(pipelines.organizationId, orgId), eq(pipelines.id, id)))
    .returning({ id: pipelines.id });
  if (!row) return undefined;
  if (body.isDefault) await makeDefault(tx, orgId, id);
  return id;
}

/** Deals that were deleted (soft) don't keep a stage or pipeline alive; live ones do (409). */
async function purgeDeletedDeals(tx: Tx, orgId: string, where: SQL) {
  await tx.delete(deals).where(and(eq(deals.organizationId, orgId), isNotNull(deals.deletedAt), where));
}

export async function deletePipeline(tx: Tx, orgId: string, id: string): Promise<boolean> {
  const [pipeline] = await tx.select().from(pipelines).where(and(eq(pipelines.organizationId, orgId), eq(pipelines.id, id))).for('update');
  if (!pipeline) return false;
  if (pipeline.isDefault) throw conflict('The default pipeline cannot be deleted; make another one the default first', 'default_pipeline');
  await purgeDeletedDeals(tx, orgId, eq(deals.pipelineId, id));
  const [live] = await tx.select({ n: count() }).from(deals).where(and(eq(deals.organizationId, orgId), eq(deals.pipelineId, id)));
  if (live && live.n > 0) throw conflict(`The pipeline still has ${live.n} deal(s); move or delete them first`, 'pipeline_not_empty');
  await tx.delete(pipelines).where(and(eq(pipelines.organizationId, orgId), eq(pipelines.id, id)));
  return true;
}

async function stageIdsOf(tx: Tx, orgId: string, pipelineId: string) {
  const rows = await tx
    .select({ id: pipelineStages.id })
    .from(pipelineStages)
    .where(and(eq(pipelineStages.organizationId, orgId), eq(pipelineStages.pipelineId, pipelineId)))
    .orderBy(asc(pipelineStages.position), asc(pipelineStages.createdAt))
    .for('update');
  return rows.map((r) => r.id);
}

async function writeOrder(tx: Tx, orgId: string, ids: string[]) {
  for (const [position, id] of ids.entries()) {
    await tx
      .update(pipelineStages)
      .set({ position, updatedAt: new Date() })
      .where(and(eq(pipelineStages.organizationId, orgId), eq(pipelineStages.id, id), ne(pipelineStages.position, position)));
  }
}

export async function addStage(tx: Tx, orgId: string, pipelineId: string, body: z.infer<typeof createStageBody>) {
  const ids = await stageIdsOf(tx, orgId, pipelineId);
  if (ids.length >= 30) throw conflict('A pipeline has at most 30 stages', 'too_many_stages');
  const [stage] = await tx
    .insert(pipelineStages)
    .values({ organizationId: orgId, pipelineId, name: body.name, probability: body.probability ?? null, position: ids.length })
    .returning({ id: pipelineStages.id });
  const at = Math.min(body.position ?? ids.length, ids.length);
  await writeOrder(tx, orgId, [...ids.slice(0, at), stage!.id, ...ids.slice(at)]);
  return stage!.id;
}

export async function updateStage(tx: Tx, orgId: string, pipelineId: string, stageId: string, body: z.infer<typeof updateStageBody>) {
  const [row] = await tx
    .update(pipelineStages)
    .set({ ...(body.name ? { name: body.name } : {}), ...(body.probability !== undefined ? { probability: body.probability } : {}), updatedAt: new Date() })
    .where(and(eq(pipelineStages.organizationId, orgId), eq(pipelineStages.pipelineId, pipelineId), eq(pipelineStages.id, stageId)))
    .returning({ id: pipelineStages.id });
  return row?.id;
}

export async function reorderStages(tx: Tx, orgId: string, pipelineId: string, stageIds: string[]) {
  const current = await stageIdsOf(tx, orgId, pipelineId);
  if (stageIds.length !== current.length || new Set(stageIds).size !== stageIds.length || stageIds.some((id) => !current.includes(id))) {
    throw badRequest('stageIds must list every stage of the pipeline exactly once', 'invalid_stage_order');
  }
  await writeOrder(tx, orgId, stageIds);
}

export async function deleteStage(tx: Tx, orgId: string, pipelineId: string, stageId: string): Promise<boolean> {
  const ids = await stageIdsOf(tx, orgId, pipelineId);
  if (!ids.includes(stageId)) return false;
  if (ids.length === 1) throw conflict('A pipeline keeps at least one stage', 'last_stage');
  await purgeDeletedDeals(tx, orgId, eq(deals.stageId, stageId));
  const [live] = await tx.select({ n: count() }).from(deals).where(and(eq(deals.organizationId, orgId), eq(deals.stageId, stageId)));
  if (live && live.n > 0) throw conflict(`The stage still has ${live.n} deal(s); move them first`, 'stage_not_empty');
  await tx.delete(pipelineStages).where(and(eq(pipelineStages.organizationId, orgId), eq(pipelineStages.id, stageId)));
  await writeOrder(tx, orgId, ids.filter((id) => id !== stageId));
  return true;
}

// ---- deals ---------------------------------------------------------------------------------------------------

export const dealColumns = {
  id: deals.id,
  pipelineId: deals.pipelineId,
  stageId: deals.stageId,
  title: deals.title,
  valueCents: deals.valueCents,
  currency: deals.currency,
  status: deals.status,
  lostReason: deals.lostReason,
  ownerId: deals.ownerId,
  contactId: deals.contactId,
  conversationId: deals.conversationId,
  expectedCloseDate: deals.expectedCloseDate,
  closedAt: deals.closedAt,
  createdAt: deals.createdAt,
  updatedAt: deals.updatedAt,
};
type DealRow = Pick<Deal, keyof typeof dealColumns>;

export function dealDto(d: DealRow) {
  return { ...d };
}
export type DealDto = ReturnType<typeof dealDto>;

/** With the contact's and owner's names, for the board cards. */
async function dealsWithPeople(tx: Tx, where: SQL | undefined, limit?: number) {
  const q = tx
    .select({
      ...dealColumns,
      contactName: sql<string | null>`coalesce(${contacts.name}, ${contacts.profileName})`,
      ownerName: users.name,
    })
    .from(deals)
    .leftJoin(contacts, eq(contacts.id, deals.contactId))
    .leftJoin(users, eq(users.id, deals.ownerId))
    .where(where)
    .orderBy(desc(deals.createdAt), desc(deals.id));
  const rows = limit ? await q.limit(limit) : await q;
  return rows.map(({ contactName, ownerName, ...d }) => ({
    ...dealDto(d),
    contact: d.contactId ? { id: d.contactId, name: contactName } : null,
    owner: d.ownerId ? { id: d.ownerId, name: ownerName } : null,
  }));
}
export type DealCard = Awaited<ReturnType<typeof dealsWithPeople>>[number];

export async function findDeal(tx: Tx, orgId: string, id: string): Promise<DealCard | undefined> {
  return (await dealsWithPeople(tx, and(eq(deals.organizationId, orgId), eq(deals.id, id), isNull(deals.deletedAt))))[0];
}

export interface DealFilter {
  pipelineId?: string;
  stageId?: string;
  status?: 'open' | 'won' | 'lost';
  /** A user id, "me", or "none". */
  owner?: string;
  contactId?: string;
  q?: string;
  cursor?: Cursor;
  limit: number;
}

/** A page of deals (newest first) and, over the whole filter, count and value per stage and currency. */
export async function listDeals(tx: Tx, actor: Actor, f: DealFilter) {
  const where: (SQL | undefined)[] = [eq(deals.organizationId, actor.orgId), isNull(deals.deletedAt)];
  if (f.pipelineId) where.push(eq(deals.pipelineId, f.pipelineId));
  if (f.stageId) where.push(eq(deals.stageId, f.stageId));
  if (f.status) where.push(eq(deals.status, f.status));
  if (f.owner === 'me') where.push(eq(deals.ownerId, actor.userId));
  else if (f.owner === 'none') where.push(isNull(deals.ownerId));
  else if (f.owner) where.push(eq(deals.ownerId, f.owner));
  if (f.contactId) where.push(eq(deals.contactId, f.contactId));
  if (f.q) where.push(ilike(deals.title, `%${f.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`));
  const totals = await tx
    .select({
      stageId: deals.stageId,
      currency: deals.currency,
      count: count(),
      valueCents: sql<string>`coalesce(sum(${deals.valueCents}), 0)::text`,
    })
    .from(deals)
    .where(and(...where))
    .groupBy(deals.stageId, deals.currency)
    .orderBy(asc(deals.stageId), asc(deals.currency));
  if (f.cursor) {
    where.push(or(lt(deals.createdAt, f.cursor.createdAt), and(eq(deals.createdAt, f.cursor.createdAt), lt(deals.id, f.cursor.id))));
  }
  const rows = await dealsWithPeople(tx, and(...where), f.limit + 1);
  return { rows, totals: totals.map((t) => ({ ...t, valueCents: Number(t.valueCents) })) };
}

export async function dealHistory(tx: Tx, orgId: string, dealId: string) {
  return tx
    .select({
      fromStageId: dealStageHistory.fromStageId,
      toStageId: dealStageHistory.toStageId,
      movedBy: dealStageHistory.movedBy,
      movedAt: dealStageHistory.movedAt,
    })
    .from(dealStageHistory)
    .where(and(eq(dealStageHistory.organizationId, orgId), eq(dealStageHistory.dealId, dealId)))
    .orderBy(asc(dealStageHistory.movedAt), asc(dealStageHistory.id));
}

/** A referenced row of another organisation (or none): the route answers 404 and audits it. */
export class MissingReference extends Error {
  constructor(
    readonly what: 'pipeline' | 'stage' | 'contact' | 'conversation',
    readonly id: string,
  ) {
    super(`${what} ${id} not found`);
  }
}

async function stageOf(tx: Tx, orgId: string, stageId: string) {
  const [stage] = await tx
    .select({ id: pipelineStages.id, pipelineId: pipelineStages.pipelineId })
    .from(pipelineStages)
    .where(and(eq(pipelineStages.organizationId, orgId), eq(pipelineStages.id, stageId)));
  if (!stage) throw new MissingReference('stage', stageId);
  return stage;
}

async function checkOwner(tx: Tx, orgId: string, ownerId: string) {
  const [m] = await tx
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.organizationId, orgId), eq(memberships.userId, ownerId)));
  if (!m) throw new ApiError(422, 'invalid_owner', 'The owner is not a member of this organisation');
}

async function checkContact(tx: Tx, orgId: string, contactId: string) {
  const [c] = await tx
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(eq(contacts.organizationId, orgId), eq(contacts.id, contactId), isNull(contacts.deletedAt)));
  if (!c) throw new MissingReference('contact', contactId);
}

/** The conversation (which an agent must be allowed to read) and its contact. */
async function conversationRef(tx: Tx, actor: Actor, conversationId: string) {
  const [conv] = await tx
    .select({ id: conversations.id, contactId: conversations.contactId, assigneeId: conversations.assigneeId })
    .from(conversations)
    .where(and(eq(conversations.organizationId, actor.orgId), eq(conversations.id, conversationId), isNull(conversations.deletedAt)));
  if (!conv) throw new MissingReference('conversation', conversationId);
  if (actor.role === 'agent' && conv.assigneeId !== null && conv.assigneeId !== actor.userId) {
    throw new ApiError(403, 'forbidden', 'You may only link deals to your own or unassigned conversations');
  }
  return conv;
}

export async function createDeal(tx: Tx, actor: Actor, body: z.infer<typeof createDealBody>) {
  const orgId = actor.orgId;
  let pipelineId = body.pipelineId;
  let stageId = body.stageId;
  if (stageId) {
    const stage = await stageOf(tx, orgId, stageId);
    if (pipelineId && stage.pipelineId !== pipelineId) throw badRequest('stageId is not a stage of pipelineId', 'stage_not_in_pipeline');
    pipelineId = stage.pipelineId;
  } else {
    pipelineId ??= await defaultPipelineId(tx, orgId);
    if (!pipelineId) throw conflict('The organisation has no pipeline yet', 'no_pipeline');
    const ids = await stageIdsOf(tx, orgId, pipelineId);
    if (ids.length === 0) throw new MissingReference('pipeline', pipelineId);
    stageId = ids[0]!;
  }
  const ownerId = body.ownerId === undefined ? actor.userId : body.ownerId;
  if (ownerId) await checkOwner(tx, orgId, ownerId);
  let contactId = body.contactId ?? null;
  if (contactId) await checkContact(tx, orgId, contactId);
  if (body.conversationId) {
    const conv = await conversationRef(tx, actor, body.conversationId);
    if (contactId && contactId !== conv.contactId) throw new ApiError(422, 'conversation_contact_mismatch', 'The conversation belongs to another contact');
    contactId = conv.contactId;
  }
  const [deal] = await tx
    .insert(deals)
    .values({
      organizationId: orgId,
      pipelineId: pipelineId!,
      stageId,
      title: body.title,
      valueCents: body.valueCents ?? 0,
      ...(body.currency ? { currency: body.currency } : {}),
      ownerId,
      contactId,
      conversationId: body.conversationId ?? null,
      expectedCloseDate: body.expectedCloseDate ?? null,
    })
    .returning({ id: deals.id });
  await tx.insert(dealStageHistory).values({ organizationId: orgId, dealId: deal!.id, fromStageId: null, toStageId: stageId, movedBy: actor.userId });
  return deal!.id;
}

export interface DealChange {
  /** Set when the deal changed stage (history written). */
  move: { fromStageId: string; toStageId: string; fromPipelineId: string; toPipelineId: string } | null;
  changed: string[];
}

/** undefined when there is no such deal. */
export async function updateDeal(tx: Tx, actor: Actor, id: string, body: z.infer<typeof updateDealBody>): Promise<DealChange | undefined> {
  const orgId = actor.orgId;
  const [current] = await tx
    .select()
    .from(deals)
    .where(and(eq(deals.organizationId, orgId), eq(deals.id, id), isNull(deals.deletedAt)))
    .for('update');
  if (!current) return undefined;
  const patch: Partial<Deal> = {};
  if (body.title !== undefined) patch.title = body.title;
  if (body.valueCents !== undefined) patch.valueCents = body.valueCents;
  if (body.currency !== undefined) patch.currency = body.currency;
  if (body.expectedCloseDate !== undefined) patch.expectedCloseDate = body.expectedCloseDate;
  if (body.ownerId !== undefined) {
    if (body.ownerId) await checkOwner(tx, orgId, body.ownerId);
    patch.ownerId = body.ownerId;
  }
  if (body.contactId !== undefined) {
    if (body.contactId) await checkContact(tx, orgId, body.contactId);
    patch.contactId = body.contactId;
  }
  if (body.conversationId !== undefined) {
    if (body.conversationId) {
      const conv = await conversationRef(tx, actor, body.conversationId);
      if (body.contactId === undefined && !current.contactId) patch.contactId = conv.contactId;
    }
    patch.conversationId = body.conversationId;
  }
  let move: DealChange['move'] = null;
  if (body.stageId !== undefined && body.stageId !== current.stageId) {
    const stage = await stageOf(tx, orgId, body.stageId);
    patch.stageId = stage.id;
    patch.pipelineId = stage.pipelineId;
    move = { fromStageId: current.stageId, toStageId: stage.id, fromPipelineId: current.pipelineId, toPipelineId: stage.pipelineId };
  }
  const status = body.status ?? current.status;
  if (body.status !== undefined && body.status !== current.status) {
    patch.status = body.status;
    patch.closedAt = body.status === 'open' ? null : new Date();
  }
  if (status === 'lost') {
    const reason = body.lostReason !== undefined ? body.lostReason : current.lostReason;
    if (!reason) throw badRequest('A lost deal needs a lostReason', 'lost_reason_required');
    if (body.lostReason !== undefined) patch.lostReason = body.lostReason;
  } else if (body.lostReason) {
    throw badRequest('lostReason is only for lost deals', 'lost_reason_not_lost');
  } else if (current.lostReason !== null) {
    patch.lostReason = null;
  }
  const changed = Object.keys(patch).filter((k) => JSON.stringify(patch[k as keyof Deal]) !== JSON.stringify(current[k as keyof Deal]));
  if (changed.length === 0) return { move: null, changed };
  await tx
    .update(deals)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(deals.organizationId, orgId), eq(deals.id, id)));
  if (move) {
    await tx.insert(dealStageHistory).values({ organizationId: orgId, dealId: id, fromStageId: move.fromStageId, toStageId: move.toStageId, movedBy: actor.userId });
  }
  return { move, changed };
}

export async function deleteDeal(tx: Tx, orgId: string, id: string): Promise<boolean> {
  const rows = await tx
    .update(deals)
    .set({ deletedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(deals.organizationId, orgId), eq(deals.id, id), isNull(deals.deletedAt)))
    .returning({ id: deals.id });
  return rows.length > 0;
}

// ---- realtime ------------------------------------------------------------------------------------------------

export type DealBoardEventType = 'deal.created' | 'deal.updated' | 'deal.moved' | 'deal.deleted';

/**
 * What a board in the browser needs to apply one change without reloading: `{ type, data }` for the organisation's
 * realtime room (OrgInbox.publishMany), sent after the transaction committed. `deal.moved` also says from where.
 */
export function dealBoardEvent(type: DealBoardEventType, deal: DealCard | { id: string; pipelineId: string; stageId: string }, change?: DealChange | null) {
  return {
    type,
    data: {
      deal,
      ...(change?.move ? { move: change.move } : {}),
      ...(change?.changed.length ? { changed: change.changed } : {}),
    },
  };
}
