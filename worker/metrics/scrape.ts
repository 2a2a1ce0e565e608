// Gauges read when Prometheus scrapes (every 15–60 s), not recorded by the isolates: unresolved dead letters and the
// channels' state from Postgres, parked dead letters from R2, and the queues' backlog from their bindings. Each
// source is time-boxed and optional: a scrape still answers (with `conversa_database_up 0`) when one is down.
import type { Db } from '../db/client';
import { asSystem } from '../db/tx';
import type { Env } from '../env';
import { isSilent } from '../domain/channels';
import { channelActivity, unresolvedDeadLetters } from '../domain/operations';
import { parkedDeadLetters } from '../../queues/dead-letter';
import { queueLabel, seriesKey } from './catalog';

const SOURCE_TIMEOUT_MS = 3_000;

function within<T>(p: Promise<T>, ms = SOURCE_TIMEOUT_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export async function scrapeGauges(env: Env, db: Db, now = Date.now()): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  await Promise.all([databaseGauges(db, out, now), parkedGauge(env, out), queueGauges(env, out, now)]);
  return out;
}

async function databaseGauges(db: Db, out: Map<string, number>, now: number) {
  try {
    const [letters, channels] = await within(asSystem(db, async (tx) => [await unresolvedDeadLetters(tx), await channelActivity(tx)] as const));
    const unresolved = new Map<string, number>();
    for (const r of letters) unresolved.set(queueLabel(r.queue), (unresolved.get(queueLabel(r.queue)) ?? 0) + r.n);
    for (const q of ['ingest', 'media', 'outbound', 'dlq']) unresolved.set(q, unresolved.get(q) ?? 0);
    for (const [queue, n] of unresolved) out.set(seriesKey('conversa_dead_letters_unresolved', { queue }), n);
    for (const c of channels) {
      const labels = { channel_id: c.id, organization_id: c.organization_id, provider: c.provider };
      const evolution = c.provider === 'evolution';
      out.set(seriesKey('conversa_channel_connected', labels), !evolution || c.connection_state === 'open' ? 1 : 0);
      const times = [c.last_inbound_at, evolution ? c.last_event_at : null].filter((t) => !!t).map((t) => new Date(t!).getTime());
      if (times.length) out.set(seriesKey('conversa_channel_last_inbound_age_seconds', labels), Math.max(0, (now - Math.max(...times)) / 1000));
      const silent = isSilent(
        {
          provider: c.provider,
          connectionState: c.connection_state,
          lastEventAt: c.last_event_at ? new Date(c.last_event_at) : null,
          connectionUpdatedAt: c.connection_updated_at ? new Date(c.connection_updated_at) : null,
          silentAfterMinutes: c.silent_after_minutes,
        },
        now,
      );
      out.set(seriesKey('conversa_channel_silent', labels), silent ? 1 : 0);
    }
    out.set('conversa_database_up', 1);
  } catch {
    out.set('conversa_database_up', 0);
  }
}

async function parkedGauge(env: Env, out: Map<string, number>) {
  try {
    out.set('conversa_dead_letters_parked', (await within(parkedDeadLetters(env))).parked);
  } catch {
    // R2 unavailable: the gauge is left out of this scrape rather than reported as 0.
  }
}

/** `Queue.metrics()` where the runtime offers it; otherwise the consumers' last report (kept by the hub) stands. */
async function queueGauges(env: Env, out: Map<string, number>, now: number) {
  const queues: [string, Queue][] = [
    ['ingest', env.INGEST_QUEUE],
    ['media', env.MEDIA_QUEUE],
    ['outbound', env.OUTBOUND_QUEUE],
    ['dlq', env.DEAD_LETTER_QUEUE],
  ];
  await Promise.all(
    queues.map(async ([queue, binding]) => {
      if (typeof binding?.metrics !== 'function') return;
      try {
        const m = await within(binding.metrics(), 1_000);
        out.set(seriesKey('conversa_queue_backlog', { queue }), m.backlogCount);
        const oldest = m.oldestMessageTimestamp ? new Date(m.oldestMessageTimestamp).getTime() : 0;
        out.set(seriesKey('conversa_queue_oldest_age_seconds', { queue }), m.backlogCount > 0 && oldest > 0 ? Math.max(0, (now - oldest) / 1000) : 0);
      } catch {
        // Not supported here, or slow: the consumers' report stands.
      }
    }),
  );
}
