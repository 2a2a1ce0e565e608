// Cron Triggers do not fire by themselves under `wrangler dev`: the dev stack fires the crons of wrangler.toml on
// their schedule (UTC, as Cloudflare does) through wrangler's `/__scheduled` route (`--test-scheduled`), so timed
// work (the outbound sweeper every minute, retention at 03:00) happens in `npm run dev` as in production.
import { readFileSync } from 'node:fs';
import { Cron } from 'croner';

/** The `crons = [...]` of wrangler.toml's [triggers]. */
export function wranglerCrons(file = 'wrangler.toml'): string[] {
  const toml = readFileSync(file, 'utf8');
  const list = /^\[triggers\][^[]*?^crons\s*=\s*\[([^\]]*)\]/ms.exec(toml)?.[1] ?? '';
  return [...list.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
}

export interface CronDriver {
  stop(): void;
}

/** `path`: wrangler dev's `/__scheduled`, or miniflare's `/cdn-cgi/local/scheduled` (unsafeTriggerHandlers). */
export function driveCrons(apiUrl: string, crons: string[], onError: (cron: string, err: unknown) => void, path = '/__scheduled'): CronDriver {
  const jobs = crons.map(
    (expr) =>
      new Cron(expr, { timezone: 'UTC', protect: true }, async () => {
        try {
          const res = await fetch(`${apiUrl}${path}?cron=${encodeURIComponent(expr)}`);
          if (!res.ok) onError(expr, new Error(`HTTP ${res.status}`));
        } catch (err) {
          onError(expr, err);
        }
      }),
  );
  return { stop: () => jobs.forEach((j) => j.stop()) };
}
