// Cron entry point. Jobs are keyed by the cron expression declared in wrangler.toml.
import { createDb, type Db } from './db/client';
import type { Env } from './env';
import { moveDeadLetters } from './jobs/dead-letters';
import { sweepOutbound } from './jobs/outbound-sweeper';
import { settlePendingStatuses } from './jobs/pending-statuses';
import { sendScheduledMessages } from './jobs/scheduled-messages';
import { wakeSnoozedConversations } from './jobs/snooze-wakeup';
import { runRetention } from './jobs/retention';
import { sweepRawWebhooks } from './jobs/raw-webhooks';
import { sweepUnattachedUploads } from './jobs/unattached-uploads';
import { flagSilentChannels } from './jobs/silent-channels';
import { assignAllQueues } from './jobs/auto-assign';
import { sweepDataExports } from './jobs/data-exports';
import { CRON_BUDGET_MS, CRON_MIN_AGE_MS, encryptLegacyContent } from './jobs/encrypt-backfill';
import { createLogger, errorFields, type Logger } from './lib/log';

type Job = (env: Env, log: Logger) => Promise<unknown>;

/** A job with its own database connection, closed when it ends. */
const withDb =
  (run: (env: Env, db: Db, log: Logger) => Promise<unknown>): Job =>
  async (env, log) => {
    const { db, pool } = createDb({ url: env.DATABASE_URL, wsProxy: env.DB_WS_PROXY });
    try {
      await run(env, db, log);
    } finally {
      await pool.end();
    }
  };

const retention = withDb(async (env, db, log) => {
  const results = await runRetention(env, db, log);
  log.info('retention done', { organizations: results.length, results });
});

const rawWebhooks: Job = async (env, log) => {
  const { deleted } = await sweepRawWebhooks(env);
  if (deleted > 0) log.info('old raw webhook bodies deleted', { deleted });
};

const unattachedUploads = withDb(async (env, db, log) => {
  const { deleted } = await sweepUnattachedUploads(env, db);
  if (deleted > 0) log.info('unattached uploads deleted', { deleted });
});

const dataExportFiles = withDb(async (env, db, log) => {
  const result = await sweepDataExports(env, db);
  if (result.exports > 0) log.info('expired data exports deleted from R2', result);
});

const outboundSweeper = withDb(async (env, db, log) => {
  const result = await sweepOutbound(env, db, log);
  if (result.requeued + result.failedUnknown + result.expired + result.reactionsRequeued > 0) log.info('outbound sweep', { ...result });
});

const deadLetters = withDb(async (env, db, log) => {
  const { moved } = await moveDeadLetters(env, db);
  if (moved > 0) log.info('parked dead letters moved to the table', { moved });
});

const snoozes = withDb(async (env, db, log) => {
  const { woken } = await wakeSnoozedConversations(env, db, log);
  if (woken > 0) log.info('snoozed conversations woke up', { woken });
});

const scheduledMessages = withDb(async (env, db, log) => {
  const result = await sendScheduledMessages(env, db, log);
  if (result.sent + result.failed > 0) log.info('scheduled messages sent', result);
});

const pendingStatuses = withDb(async (env, db, log) => {
  const result = await settlePendingStatuses(env, db, log);
  if (result.applied + result.expired > 0) log.info('pending statuses settled', result);
});

const autoAssignment = withDb(async (env, db, log) => {
  const { assigned } = await assignAllQueues(env, db, log);
  if (assigned > 0) log.info('conversations auto-assigned', { assigned });
});

const silentChannels = withDb(async (env, db, log) => {
  await flagSilentChannels(env, db, log);
});

const encryptBackfill = withDb(async (env, db, log) => {
  const now = Date.now();
  const r = await encryptLegacyContent(env.ENCRYPTION_MASTER_KEYS, db, log, { deadline: now + CRON_BUDGET_MS, createdBefore: new Date(now - CRON_MIN_AGE_MS) });
  if (r.sealed.messages + r.sealed.previews + r.sealed.notes > 0 || r.unfinished > 0) log.info('legacy plaintext encrypted', { ...r });
});

export const CRON_JOBS: Record<string, Job[]> = {
  // Every minute: sends left queued or claimed by a dead isolate (jobs/outbound-sweeper.ts), dead letters parked in
  // R2 during an outage (jobs/dead-letters.ts), statuses that overtook their send (jobs/pending-statuses.ts),
  // snoozed conversations whose time has come (jobs/snooze-wakeup.ts), scheduled messages due
  // (jobs/scheduled-messages.ts), Evolution numbers gone silent (jobs/silent-channels.ts).
  '* * * * *': [outboundSweeper, snoozes, scheduledMessages, deadLetters, pendingStatuses, silentChannels, autoAssignment],
  // Daily 03:00 UTC (00:00 in São Paulo). The encryption backfill (jobs/encrypt-backfill.ts) is last: retention has
  // deleted what it would otherwise seal; it is bounded per organisation and in time (keys:encrypt-existing is not).
  '0 3 * * *': [retention, rawWebhooks, unattachedUploads, dataExportFiles, encryptBackfill],
};

export async function handleScheduled(controller: ScheduledController, env: Env, _ctx: ExecutionContext) {
  const log = createLogger({ cron: controller.cron }, env.LOG_LEVEL);
  const jobs = CRON_JOBS[controller.cron];
  if (!jobs) {
    log.warn('no jobs for cron expression');
    return;
  }
  for (const job of jobs) {
    try {
      await job(env, log);
    } catch (err) {
      // One failed job must not stop the others; the next run tries again.
      log.error('cron job failed', errorFields(err));
    }
  }
}
