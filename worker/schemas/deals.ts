// Deals as the API gives them (the sales board and the contact screen).
import { z } from 'zod';
import { dealStatusEnum } from '../db/schema/enums';
import { instant } from '../openapi/responses';

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
/** A deal with the names its board card shows. */
export const DealCard = Deal.extend({ contactName: z.string().nullable(), ownerName: z.string().nullable() }).meta({ id: 'DealCard' });

export type Deal = z.infer<typeof Deal>;
export type DealCard = z.infer<typeof DealCard>;
