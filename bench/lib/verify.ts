// The database is the judge: after the queue drains, every accepted message must be stored exactly once.
import { performance } from 'node:perf_hooks';
import type { Pool } from '@neondatabase/serverless';

/** The machine may be saturated by the run itself: a polling query that times out is simply tried again. */
async function retrying<T>(fn: () => Promise<T>, attempts = 8): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 500 * i));
    }
  }
}

export async function storedCount(pool: Pool, orgIds: string[]): Promise<number> {
  const r = await retrying(() => pool.query(`select count(*)::int as n from messages where organization_id = any($1::uuid[]) and direction = 'inbound'`, [orgIds]));
  return Number(r.rows[0]?.n ?? 0);
}

export interface Verdict {
  accepted: number;
  stored: number;
  lost: number;
  duplicated: number;
  /** Stored although the webhook was not acknowledged (e.g. a timeout after the enqueue): not an error for Meta. */
  storedUnacknowledged: number;
}

export async function verifyStored(pool: Pool, orgIds: string[], accepted: Set<string>, posted: Set<string>): Promise<Verdict> {
  const r = await retrying(() =>
    pool.query(
      `select provider_message_id as id, count(*)::int as n from messages
        where organization_id = any($1::uuid[]) and direction = 'inbound' group by 1`,
      [orgIds],
    ),
  );
  const stored = new Map<string, number>(r.rows.map((row: { id: string; n: number }) => [row.id, Number(row.n)]));
  let lost = 0;
  for (const id of accepted) if (!stored.has(id)) lost++;
  let duplicated = 0;
  let storedUnacknowledged = 0;
  let total = 0;
  for (const [id, n] of stored) {
    total += n;
    if (n > 1) duplicated += n - 1;
    if (!accepted.has(id) && posted.has(id)) storedUnacknowledged++;
  }
  return { accepted: accepted.size, stored: total, lost, duplicated, storedUnacknowledged };
}

/** Polls until `target` rows are stored (or nothing changed for `idleMs`). Returns when it got there. */
export async function waitForStored(pool: Pool, orgIds: string[], target: number, opts: { timeoutMs?: number; idleMs?: number } = {}) {
  const t0 = Date.now();
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    const n = await storedCount(pool, orgIds);
    if (n >= target) return { stored: n, reached: true, ms: Date.now() - t0 };
    if (n !== last) {
      last = n;
      lastChange = Date.now();
    }
    if (Date.now() - t0 > (opts.timeoutMs ?? 120_000) || Date.now() - lastChange > (opts.idleMs ?? 20_000)) {
      return { stored: n, reached: false, ms: Date.now() - t0 };
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Exact drain: the acknowledged wamids go into a table of the throw-away database, then we poll how many of them
 * are stored (a count alone would be fooled by messages stored although their POST timed out).
 */
export async function trackAccepted(pool: Pool, wamids: Iterable<string>): Promise<void> {
  await retrying(() => pool.query('create unlogged table if not exists bench_accepted (wamid text primary key)'));
  const all = [...wamids];
  for (let i = 0; i < all.length; i += 5000) {
    await retrying(() => pool.query('insert into bench_accepted (wamid) select unnest($1::text[]) on conflict do nothing', [all.slice(i, i + 5000)]));
  }
}

export async function acceptedStored(pool: Pool, orgIds: string[]): Promise<{ accepted: number; stored: number }> {
  const r = await retrying(() => pool.query(
    `select (select count(*)::int from bench_accepted) as accepted,
            (select count(*)::int from bench_accepted a
               where exists (select 1 from messages m where m.organization_id = any($1::uuid[]) and m.provider_message_id = a.wamid)) as stored`,
    [orgIds],
  ));
  return { accepted: Number(r.rows[0].accepted), stored: Number(r.rows[0].stored) };
}

/** Until every acknowledged message is stored (or nothing moved for `idleMs`); then until the total count settles. */
export async function waitForDrain(pool: Pool, orgIds: string[], opts: { timeoutMs?: number; idleMs?: number; settleMs?: number } = {}) {
  const t0 = Date.now();
  let reachedAtPerf: number | null = null;
  let last = -1;
  let lastChange = Date.now();
  let reachedAt: number | null = null;
  let progress = { accepted: 0, stored: 0 };
  for (;;) {
    progress = await acceptedStored(pool, orgIds);
    if (progress.stored >= progress.accepted) {
      reachedAt = Date.now();
      reachedAtPerf = performance.now();
      break;
    }
    if (progress.stored !== last) {
      last = progress.stored;
      lastChange = Date.now();
    }
    if (Date.now() - t0 > (opts.timeoutMs ?? 120_000) || Date.now() - lastChange > (opts.idleMs ?? 20_000)) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  // Messages whose POST timed out may still be on their way: let the total settle before judging duplicates.
  let total = await storedCount(pool, orgIds);
  let stableSince = Date.now();
  while (reachedAt !== null && Date.now() - stableSince < (opts.settleMs ?? 1500) && Date.now() - t0 < (opts.timeoutMs ?? 120_000)) {
    await new Promise((r) => setTimeout(r, 250));
    const n = await storedCount(pool, orgIds);
    if (n !== total) {
      total = n;
      stableSince = Date.now();
    }
  }
  return { reached: reachedAt !== null, reachedAtPerf, ms: (reachedAt ?? Date.now()) - t0, ...progress, total };
}
