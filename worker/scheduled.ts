// Cron entry point. Jobs are keyed by the cron expression declared in wrangler.toml.
import type { Env } from './env';
import { createLogger } from './lib/log';

type Job = (env: Env, ctx: ExecutionContext) => Promise<void>;

export const CRON_JOBS: Record<string, Job[]> = {
  // Daily 03:00 UTC (00:00 in São Paulo): retention and other housekeeping register here.
  '0 3 * * *': [],
};

export async function handleScheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext) {
  const log = createLogger({ cron: controller.cron }, env.LOG_LEVEL);
  const jobs = CRON_JOBS[controller.cron];
  if (!jobs) {
    log.warn('no jobs for cron expression');
    return;
  }
  for (const job of jobs) await job(env, ctx);
  log.info('cron done', { jobs: jobs.length });
}
