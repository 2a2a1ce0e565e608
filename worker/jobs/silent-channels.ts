// Every minute: an Evolution number that says "open" but has sent nothing for its silence period is announced to its
// organisation's inbox (channel.updated with silent: true), once, so an admin checks the phone before customers notice.
import type { Db } from '../db/client';
import { asSystem } from '../db/tx';
import type { Env } from '../env';
import type { Logger } from '../lib/log';
import { channelDto, newlySilentChannels } from '../domain/channels';
import { publishToInbox } from '../realtime/notify';

export async function flagSilentChannels(env: Env, db: Db, log: Logger, now = new Date()): Promise<{ flagged: number }> {
  const rows = await asSystem(db, (tx) => newlySilentChannels(tx, now));
  for (const { organizationId, ...channel } of rows) {
    log.warn('evolution channel silent', { channelId: channel.id, instanceName: channel.instanceName, lastEventAt: channel.lastEventAt });
    await publishToInbox(env, organizationId, [{ type: 'channel.updated', data: { channel: channelDto(channel, now.getTime()) } }], log);
  }
  return { flagged: rows.length };
}
