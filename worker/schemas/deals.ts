// Pipelines and deals as the API takes and gives them (the sales board and the contact screen).
import { z } from 'zod';
import { dealStatusEnum } from '../db/schema/enums';
import { limitParam } from '../lib/cursor';
import { instant, pageOf } from '../openapi/responses';

// ---- requests ----

const stageInput = z.object({
  name: z.string().trim().min(1).max(80),
  probability: z.number().int().min(0).max(100).nullable().optional(),
});
export const createPipelineBody = z.object({
  name: z.string().trim().min(1).max(80),
  isDefault: z.boolean().optional(),
  stages: z.array(stageInput).min(1).max(30),
});
export const updatePipelineBody = z
  .object({ name: z.string().trim().min(1).max(80), isDefault: z.literal(true), position: z.number().int().min(0).max(1000) })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to update');
export const createStageBody = stageInput.extend({
  /** 0-based place among the pipeline's stages; the end when omitted. */
  position: z.number().int().min(0).max(1000).optional(),
});
export const updateStageBody = stageInput.partial().refine((b) => Object.keys(b).length > 0, 'nothing to update');
export const reorderStagesBody = z.object({ stageIds: z.array(z.uuid()).min(1).max(30) });


const currency = z.string().trim().toUpperCase().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as BRL');
const cents = z.number().int('must be whole cents').min(0).max(Number.MAX_SAFE_INTEGER);
const day = z.iso.date();
export const createDealBody = z.object({
  title: z.string().trim().min(1).max(200),
  pipelineId: z.uuid().optional(),
  stageId: z.uuid().optional(),
  valueCents: cents.optional(),
  currency: currency.optional(),
  /** Defaults to the creator; null for nobody. */
  ownerId: z.uuid().nullable().optional(),
  contactId: z.uuid().optional(),
  conversationId: z.uuid().optional(),
  expectedCloseDate: day.optional(),
});
export const updateDealBody = z
  .object({
    title: z.string().trim().min(1).max(200),
    stageId: z.uuid(),
    valueCents: cents,
    currency,
    ownerId: z.uuid().nullable(),
    contactId: z.uuid().nullable(),
    conversationId: z.uuid().nullable(),
    expectedCloseDate: day.nullable(),
    status: z.enum(dealStatusEnum.enumValues),
    lostReason: z.string().trim().min(1).max(500).nullable(),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to update');
export const dealListQuery = z.object({
  pipelineId: z.uuid().optional(),
  stageId: z.uuid().optional(),
  status: z.enum(dealStatusEnum.enumValues).optional(),
  owner: z.union([z.literal('me'), z.literal('none'), z.uuid()]).optional(),
  contactId: z.uuid().optional(),
  q: z.string().trim().min(1).max(200).optional(),
  cursor: z.string().max(200).optional(),
  limit: limitParam,
});

// ---- responses ----


export const Deal = z
  .object({
    id: z.uuid(),
    pipelineId: z.uuid(),
    stageId: z.uuid(),
    title: z.string(),
    /** Integer cents: no float rounding. */
    valueCents: z.number().int(),
    currency: z.string().length(3),
    status: z.enum(dealStatusEnum.enumValues),
    lostReason: z.string().nullable(),
    ownerId: z.uuid().nullable(),
    contactId: z.uuid().nullable(),
    conversationId: z.uuid().nullable(),
    expectedCloseDate: z.string().meta({ format: 'date' }).nullable(),
    closedAt: instant.nullable(),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'Deal' });
const Named = z.object({ id: z.uuid(), name: z.string().nullable() });
/** A deal with the names its board card shows. */
export const DealCard = Deal.extend({ contact: Named.nullable(), owner: Named.nullable() }).meta({ id: 'DealCard' });

export type Deal = z.infer<typeof Deal>;
export type DealCard = z.infer<typeof DealCard>;

export const Stage = z.object({ id: z.uuid(), name: z.string(), position: z.number().int(), probability: z.number().int().nullable() }).meta({ id: 'PipelineStage' });
export const Pipeline = z
  .object({ id: z.uuid(), name: z.string(), isDefault: z.boolean(), position: z.number().int(), createdAt: instant, stages: z.array(Stage) })
  .meta({ id: 'Pipeline' });
/** Count and sum per stage and currency of the deals the filter matches (all pages). */
export const StageTotal = z.object({ stageId: z.uuid(), currency: z.string(), count: z.number().int(), valueCents: z.number().int() }).meta({ id: 'StageTotal' });
export const DealsPage = pageOf(DealCard).extend({ totals: z.array(StageTotal) }).meta({ id: 'DealsPage' });
export const StageHistoryEntry = z
  .object({ fromStageId: z.uuid().nullable(), toStageId: z.uuid().nullable(), movedBy: z.uuid().nullable(), movedAt: instant })
  .meta({ id: 'DealStageHistoryEntry' });
/** Set when the deal changed stage. */
export const DealMove = z.object({ fromStageId: z.uuid(), toStageId: z.uuid(), fromPipelineId: z.uuid(), toPipelineId: z.uuid() }).meta({ id: 'DealMove' });

export type Stage = z.infer<typeof Stage>;
export type Pipeline = z.infer<typeof Pipeline>;
export type StageTotal = z.infer<typeof StageTotal>;
export type DealsPage = z.infer<typeof DealsPage>;
export type StageHistoryEntry = z.infer<typeof StageHistoryEntry>;
export type DealMove = z.infer<typeof DealMove>;
export type CreateDealBody = z.input<typeof createDealBody>;
export type UpdateDealBody = z.input<typeof updateDealBody>;
