// Oversized webhook bodies wait in R2 under webhooks/raw/<day>/ while their queue message is on its way
// (worker/webhooks/enqueue.ts). The consumer deletes each once its message is acknowledged; what is left — bodies of
// messages that went to the dead-letter table, or a delete that failed — is deleted here once older than
// RAW_WEBHOOK_DAYS (personal data: LGPD; a dead letter older than that can no longer be replayed from its body).
import type { Env } from '../env';

export const RAW_PREFIX = 'webhooks/raw/';
export const RAW_WEBHOOK_DAYS = 30;
const DAY_MS = 86_400_000;

export async function sweepRawWebhooks(env: Pick<Env, 'MEDIA'>, now = new Date()): Promise<{ deleted: number }> {
  const before = new Date(now.getTime() - RAW_WEBHOOK_DAYS * DAY_MS).toISOString().slice(0, 10);
  let deleted = 0;
  let cursor: string | undefined;
  // One listing of the day folders, then every key of each day older than the limit (keys sort by day).
  const days: string[] = [];
  do {
    const page = await env.MEDIA.list({ prefix: RAW_PREFIX, delimiter: '/', cursor });
    days.push(...page.delimitedPrefixes);
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  for (const day of days.filter((d) => d.slice(RAW_PREFIX.length, -1) < before)) {
    let c: string | undefined;
    do {
      const page = await env.MEDIA.list({ prefix: day, cursor: c, limit: 1000 });
      if (page.objects.length) await env.MEDIA.delete(page.objects.map((o) => o.key));
      deleted += page.objects.length;
      c = page.truncated ? page.cursor : undefined;
    } while (c);
  }
  return { deleted };
}
