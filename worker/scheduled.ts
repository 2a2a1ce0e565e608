// Cron entry point. Jobs are keyed by the cron expression declared in wrangler.toml.
import { createDb } from './db/client';
import type { Env } from './env';
import { sweepOutbound } from './jobs/outbound-sweeper';
import { runRetention } from './jobs/retention';
import { createLogger, errorFields, type Logger } from './lib/log';

type Job = (env: Env, log: Logger) => Promise<unknown>;

const retention: Job = async (env, log) => {
  const { db, pool } = createDb({ url: env.DATABASE_URL, wsProxy: env.DB_WS_PROXY });
  try {
    const results = await runRetention(env, db, log);
    log.info('retention done', { organizations: results.length, results });
  } finally {
    await pool.end();
  }
};

const outboundSweeper: Job = async (env, log) => {
  const { db, pool } = createDb({ url: env.DATABASE_URL, wsProxy: env.DB_WS_PROXY });
  try {
    const result = await sweepOutbound(env, db, log);
    if (result.requeued + result.failedUnknown + result.expired + result.reactionsRequeued > 0) log.info('outbound sweep', { ...result });
  } finally {
    await pool.end();
  }
};

export const CRON_JOBS: Record<string, Job[]> = {
  // Every minute: sends left queued or claimed by a dead isolate (jobs/outbound-sweeper.ts).
  '* * * * *': [outboundSweeper],
  // Daily 03:00 UTC (00:00 in São Paulo).
  '0 3 * * *': [retention],
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
