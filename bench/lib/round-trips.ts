// Database round trips as the WebSocket proxy counted them (scripts/lib/ws-proxy.ts). Issue 18's "round trips per
// organisation batch" is the turns of one tenant transaction (withOrg: BEGIN … COMMIT, by the ReadyForQuery status),
// counted whatever else shares its connection: the consumer's routing read per batch is an autocommit statement on a
// connection that the first organisation's transaction then reuses, so turns per connection overstate it by one
// there. Per connection (after startup, and the startup itself) and the standalone statements are reported beside it.
import { performance } from 'node:perf_hooks';
import type { ConnectionTurns } from '../../scripts/lib/ws-proxy';
import { summarize, type Summary } from './stats';

export interface TurnsSummary {
  connections: number;
  /** Exchanges after startup, per connection. */
  turns: Summary | null;
  /** Exchanges of the startup (startup packet, authentication), per connection. */
  startupTurns: Summary | null;
  totalTurns: number;
  /** Turns per transaction (BEGIN … COMMIT, or a rollback, or unfinished when the connection closed), by when it began. Absent in results before it was counted. */
  transactionTurns?: Summary | null;
  /** Transactions left open when their connection closed (counted in `transactionTurns` too). */
  unfinishedTransactions?: number;
  /** Statements outside any transaction (autocommit: the consumer's routing reads), per connection. */
  standaloneTurns?: Summary | null;
  totalStandaloneTurns?: number;
}

/** `transactions`: the transactions to summarise (a window takes those that began in it, whatever their connection). */
function summarizeTurns(conns: ConnectionTurns[], transactions = conns.flatMap((c) => c.transactions)): TurnsSummary {
  return {
    connections: conns.length,
    turns: summarize(conns.map((c) => c.turns)),
    startupTurns: summarize(conns.map((c) => c.startupTurns)),
    totalTurns: conns.reduce((a, c) => a + c.turns + c.startupTurns, 0),
    transactionTurns: summarize(transactions.map((t) => t.turns)),
    unfinishedTransactions: transactions.filter((t) => t.unfinished).length,
    standaloneTurns: summarize(conns.map((c) => c.standaloneTurns)),
    totalStandaloneTurns: conns.reduce((a, c) => a + (c.standaloneTurns), 0),
  };
}

/**
 * Windows are on this process's performance clock; connections are grouped by when they opened, transactions by when
 * they began.
 */
export function turnsByWindow(conns: ConnectionTurns[], windows: { name: string; start: number; end: number }[]): Record<string, TurnsSummary> {
  const epoch = (t: number) => performance.timeOrigin + t;
  const out: Record<string, TurnsSummary> = {};
  for (const w of windows) {
    const inWindow = (at: number) => at >= epoch(w.start) && at < epoch(w.end);
    out[w.name] = summarizeTurns(
      conns.filter((c) => inWindow(c.openedAt)),
      conns.flatMap((c) => (c.transactions).filter((t) => inWindow(t.startedAt))),
    );
  }
  return out;
}

export function turnsOverall(conns: ConnectionTurns[]): TurnsSummary {
  return summarizeTurns(conns);
}
