// Database round trips as the WebSocket proxy counted them (scripts/lib/ws-proxy.ts): per connection the worker
// opened, the request/response exchanges after startup and those of the startup itself. The consumer opens one
// connection per batch today and one per organisation share after the issue 18 rewrite, so turns per connection
// after startup ≈ round trips per organisation batch (exactly so after the rewrite).
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
}

function summarizeTurns(conns: ConnectionTurns[]): TurnsSummary {
  return {
    connections: conns.length,
    turns: summarize(conns.map((c) => c.turns)),
    startupTurns: summarize(conns.map((c) => c.startupTurns)),
    totalTurns: conns.reduce((a, c) => a + c.turns + c.startupTurns, 0),
  };
}

/** Windows are on this process's performance clock; connections are grouped by when they opened. */
export function turnsByWindow(conns: ConnectionTurns[], windows: { name: string; start: number; end: number }[]): Record<string, TurnsSummary> {
  const epoch = (t: number) => performance.timeOrigin + t;
  const out: Record<string, TurnsSummary> = {};
  for (const w of windows) out[w.name] = summarizeTurns(conns.filter((c) => c.openedAt >= epoch(w.start) && c.openedAt < epoch(w.end)));
  return out;
}

export function turnsOverall(conns: ConnectionTurns[]): TurnsSummary {
  return summarizeTurns(conns);
}
