// A channel's menu bot, business hours and satisfaction survey (columns channels.bot, channels.business_hours, channels.csat).
import { and, eq, inArray } from 'drizzle-orm';
import type { z } from 'zod';
import type { Actor } from '../auth/actor';
import { byActor, recordAudit } from '../audit/record';
import { channels, departments } from '../db/schema';
import type { Tx } from '../db/tx';
import { ApiError } from '../errors';
import { DEFAULT_BOT, DEFAULT_CSAT, DEFAULT_HOURS, type BotConfig, type channelAutomationBody, type CsatConfig, type HoursConfig } from '../schemas/service-desk';

export interface Automation {
  bot: BotConfig;
  hours: HoursConfig;
  csat: CsatConfig;
}

/** The channel's settings, or the defaults (off, Portuguese texts) for one never configured. */
export async function channelAutomation(tx: Tx, orgId: string, channelId: string): Promise<Automation | undefined> {
  const [row] = await tx
    .select({ bot: channels.bot, hours: channels.businessHours, csat: channels.csat })
    .from(channels)
    .where(and(eq(channels.organizationId, orgId), eq(channels.id, channelId)));
  if (!row) return undefined;
  // Surveys saved before a field existed get its default.
  return { bot: row.bot ?? DEFAULT_BOT, hours: row.hours ?? DEFAULT_HOURS, csat: { ...DEFAULT_CSAT, ...row.csat } };
}

export async function saveChannelAutomation(tx: Tx, actor: Actor, channelId: string, body: z.infer<typeof channelAutomationBody>): Promise<Automation | undefined> {
  if (body.bot) {
    const ids = [...new Set(body.bot.options.flatMap((o) => ('options' in o ? o.options.map((l) => l.departmentId) : [o.departmentId])))];
    const known = ids.length
      ? await tx.select({ id: departments.id }).from(departments).where(and(eq(departments.organizationId, actor.orgId), inArray(departments.id, ids)))
      : [];
    if (known.length !== ids.length) throw new ApiError(422, 'invalid_department', 'Every menu option must lead to a department of this organisation');
  }
  const [row] = await tx
    .update(channels)
    .set({ ...(body.bot && { bot: body.bot }), ...(body.hours && { businessHours: body.hours }), ...(body.csat && { csat: body.csat }), updatedAt: new Date() })
    .where(and(eq(channels.organizationId, actor.orgId), eq(channels.id, channelId)))
    .returning({ id: channels.id });
  if (!row) return undefined;
  await recordAudit(tx, { action: 'channel.automation_updated', ...byActor(actor), targetType: 'channel', targetId: channelId, metadata: body });
  return channelAutomation(tx, actor.orgId, channelId);
}
