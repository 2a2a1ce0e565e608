// Round trips per tenant transaction, as bench/ingest.ts summarises and judges them from the proxy's counts.
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import type { ConnectionTurns, TransactionTurns } from '../../scripts/lib/ws-proxy';
import { turnsByWindow, turnsOverall } from './round-trips';
import { checks, type Metrics } from './verdict';

const NOT_MEASURED: Metrics = {
  dbLatencyMs: 0,
  ceilingPerSecond: null,
  storedPerSecond: null,
  storedSeconds: null,
  storedRatio: null,
  lost: 0,
  duplicated: 0,
  undrained: 0,
  sustainedRate: null,
  sustainedE2eP95: null,
  burstRate: null,
  burstSeconds: null,
  burstAckP95: null,
  burstFailed: null,
  burstScreensLagMs: null,
  burstMissing: null,
  turnsP95: null,
  turnsMax: null,
  startupTurnsMedian: null,
  turnsPerMessage: null,
};

describe('round trips per transaction', () => {
  const t0 = performance.timeOrigin;
  const conn = (openedAt: number, turns: number, standaloneTurns: number, transactions: TransactionTurns[]): ConnectionTurns => ({
    startupTurns: 1,
    turns,
    standaloneTurns,
    transactions,
    openedAt: t0 + openedAt,
    closedAt: t0 + openedAt + 50,
  });
  // A consumer batch: the routing read on the first organisation's connection, then one transaction per organisation.
  const conns = [
    conn(100, 5, 1, [{ turns: 4, startedAt: t0 + 110 }]),
    conn(105, 4, 0, [{ turns: 4, startedAt: t0 + 112 }]),
    conn(1_100, 3, 0, [{ turns: 3, startedAt: t0 + 1_101, unfinished: true }]),
  ];

  it('summarises turns per transaction, per connection and standalone, overall and by window', () => {
    const all = turnsOverall(conns);
    expect(all.transactionTurns).toMatchObject({ count: 3, median: 4, p95: 4, max: 4 });
    expect(all.unfinishedTransactions).toBe(1);
    expect(all.turns).toMatchObject({ p95: 5 });
    expect(all.totalStandaloneTurns).toBe(1);
    const byWindow = turnsByWindow(conns, [
      { name: 'first', start: 0, end: 1_000 },
      { name: 'second', start: 1_000, end: 2_000 },
    ]);
    expect(byWindow.first!.transactionTurns).toMatchObject({ count: 2, max: 4 });
    expect(byWindow.first!.connections).toBe(2);
    expect(byWindow.second!.transactionTurns).toMatchObject({ count: 1, max: 3 });
    expect(byWindow.second!.totalStandaloneTurns).toBe(0);
  });

  it('judges the target on the transactions, not on the connection that also carried the routing read', () => {
    const all = turnsOverall(conns);
    const metrics: Metrics = {
      ...NOT_MEASURED,
      txTurnsP95: all.transactionTurns!.p95,
      txTurnsMax: all.transactionTurns!.max,
      transactions: all.transactionTurns!.count,
      standalonePerConnection: 0.33,
      turnsP95: all.turns!.p95,
      turnsMax: all.turns!.max,
      startupTurnsMedian: 1,
    };
    const row = checks(metrics)[3]!;
    expect(row.outcome).toBe('PASS');
    expect(row.measured).toContain('p95 4, max 4 over 3 transactions');
    expect(row.measured).toContain('per connection p95 5');
    expect(checks({ ...metrics, txTurnsP95: 5 })[3]!.outcome).toBe('FAIL');
  });
});
