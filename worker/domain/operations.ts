// Reads for the operator's /metrics scrape (worker/metrics/scrape.ts): across organisations, so they run as the system
// (asSystem), and they return ids and states only — never names or phone numbers.
import { sql } from 'drizzle-orm';
import type { Tx } from '../db/tx';
import type { Channel } from '../db/schema';

/** Dead letters not replayed yet, per original queue. */
export async function unresolvedDeadLetters(tx: Tx): Promise<{ queue: string; n: number }[]> {
  const { rows } = await tx.execute<{ queue: string; n: number }>(sql`select queue, count(*)::int as n from dead_letters where replayed_at is null group by queue`);
  return rows.map((r) => ({ queue: r.queue, n: Number(r.n) }));
}

export type ChannelActivity = {
  id: string;
  organization_id: string;
  provider: 'meta_cloud' | 'evolution';
  connection_state: Channel['connectionState'];
  silent_after_minutes: number;
  last_event_at: string | Date | null;
  connection_updated_at: string | Date | null;
  last_inbound_at: string | Date | null;
};

/**
 * Every active channel with its connection state and its newest customer message: the newest last_inbound_at of its
 * conversations (organisation-first index). Evolution channels also keep their last event of any kind.
 */
export async function channelActivity(tx: Tx): Promise<ChannelActivity[]> {
  const { rows } = await tx.execute<ChannelActivity>(sql`
    select c.id, c.organization_id, c.provider, c.connection_state, c.silent_after_minutes,
           c.last_event_at, c.connection_updated_at,
           (select max(v.last_inbound_at) from conversations v where v.organization_id = c.organization_id and v.channel_id = c.id) as last_inbound_at
      from channels c
     where c.status = 'active'`);
  return rows;
}
