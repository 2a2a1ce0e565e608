import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { roundTripTable } from './ingest-summary';
import { publishResults, withRow } from './results-index';
import type { TurnsSummary } from './round-trips';
import { checks, type Check, type Metrics } from './verdict';

interface StoredResult {
  combined?: Metrics;
  verdict?: Check[];
  runs?: { roundTrips?: { byWindow: Record<string, TurnsSummary>; overall: TurnsSummary } }[];
}

const INDEX = ['# Benchmark runs', '', '## Not results', '', '| h |', '| --- |', '| old dirty |', '', '## Results (committed)', '', '| h |', '| --- |', '| a |', '', '## Reports', '', '| h |', '| --- |', '| r |', ''].join('\n');

describe('bench results index', () => {
  it('puts a committed run at the end of the Results table, not after the sections that follow it', () => {
    const out = withRow(INDEX, '## Results', '| b |').split('\n');
    expect(out.indexOf('| b |')).toBe(out.indexOf('| a |') + 1);
    expect(out.indexOf('| b |')).toBeLessThan(out.indexOf('## Reports'));
  });

  it('puts a run from an uncommitted tree under "Not results"', () => {
    const out = withRow(INDEX, '## Not results', '| new dirty |').split('\n');
    expect(out.indexOf('| new dirty |')).toBe(out.indexOf('| old dirty |') + 1);
    expect(out.indexOf('| new dirty |')).toBeLessThan(out.indexOf('## Results (committed)'));
  });

  it('appends when the index has no such section', () => {
    expect(withRow('| h |\n', '## Results', '| x |')).toBe('| h |\n| x |\n');
  });
});

// Results written before the proxy counted transactions have no per-transaction metrics: they must still be judged
// (round trips N/A, the other targets as they were) and their rows and tables must still render.
describe('stored ingest results', () => {
  const dir = new URL('../results/', import.meta.url);
  const stored = readdirSync(dir)
    .filter((f) => /^ingest-.*\.json$/.test(f))
    .map((f) => ({ file: f, json: JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as StoredResult }))
    .filter((r) => r.json.combined && r.json.verdict);

  it('are found', () => {
    expect(stored.length).toBeGreaterThan(0);
  });

  it('judge as they did, except round trips, which they did not count per transaction', () => {
    for (const { file, json } of stored) {
      const again = checks(json.combined!);
      expect(again.map((c) => c.outcome).slice(0, 3), file).toEqual(json.verdict!.map((c) => c.outcome).slice(0, 3));
      const roundTrips = again[3]!;
      expect(roundTrips.outcome, file).toBe(json.combined!.txTurnsP95 === undefined ? 'N/A' : json.verdict![3]!.outcome);
      expect(roundTrips.measured, file).not.toMatch(/undefined|NaN/);
    }
  });

  it('get an INDEX row and a round-trip table', () => {
    const out = mkdtempSync(join(tmpdir(), 'bench-index-'));
    try {
      for (const { file, json } of stored) {
        const info = { date: '2026-12-04T00:00:00Z', commit: 'abc', dirty: false, node: '', os: '', cpu: '', cores: 2, memoryGb: 1, loadAverageAtStart: [] };
        publishResults({ dir: out, name: 'ingest-old', latest: 'ingest-latest-old', info, profile: 'issue', options: '', checks: checks(json.combined!), json, md: '', log: () => {} });
        const row = readFileSync(join(out, 'INDEX.md'), 'utf8').trim().split('\n').at(-1)!;
        // Runs before the per-transaction count have no round-trip verdict; later ones are judged on it.
        const roundTrips = json.combined!.txTurnsP95 === undefined ? 'N\\/A' : '(PASS|\\*\\*FAIL\\*\\*)';
        expect(row, file).toMatch(new RegExp(`stored\\/ceiling (PASS|\\*\\*FAIL\\*\\*|N\\/A) · e2e p95 .* · round trips ${roundTrips} \\|`));
        for (const run of json.runs ?? []) {
          const rt = run.roundTrips;
          if (!rt) continue;
          const md = roundTripTable(rt.byWindow, rt.overall);
          expect(md, file).toContain('**all**');
          expect(md, file).not.toMatch(/undefined|NaN/);
        }
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
