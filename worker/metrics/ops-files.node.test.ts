// The Grafana dashboard and the Prometheus alert rules name only metrics /metrics exposes (worker/metrics/catalog.ts),
// every issue-20 alert is there, and each alert's runbook points at a section of docs/operations.md.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { METRICS } from './catalog';

const read = (path: string) => readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');
const names = (text: string) => [...new Set([...text.matchAll(/\bconversa_[a-z0-9_]+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, '')))];
const known = (name: string) => name in METRICS;

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replaceAll(' ', '-');

describe('ops files', () => {
  const alerts = read('ops/prometheus/alerts.yml');
  const dashboard = JSON.parse(read('ops/grafana/conversa.json')) as { panels: { id: number; type: string; targets?: { expr: string }[] }[] };
  const doc = read('docs/operations.md');

  it('the dashboard queries only exposed metrics, every panel has a unique id, and most metrics have a panel', () => {
    const exprs = dashboard.panels.flatMap((p) => p.targets?.map((t) => t.expr) ?? []).join('\n');
    expect(names(exprs).filter((n) => !known(n))).toEqual([]);
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const unused = Object.keys(METRICS).filter((n) => !exprs.includes(n));
    expect(unused).toEqual([]);
  });

  it('the alert rules name only exposed metrics and cover the issue-20 alerts', () => {
    expect(names(alerts).filter((n) => !known(n))).toEqual([]);
    const alertNames = [...alerts.matchAll(/- alert: (\w+)/g)].map((m) => m[1]);
    for (const a of ['ConversaHighLatencyP95', 'ConversaHighErrorRate', 'ConversaQueueBacklog', 'ConversaQueueOldMessages', 'ConversaDeadLetters', 'ConversaChannelDisconnected', 'ConversaChannelSilent']) {
      expect(alertNames).toContain(a);
    }
    expect(alerts).toMatch(/histogram_quantile\(0\.95,[\s\S]*?\) > 2\b/);
    expect(alerts).toMatch(/> 0\.01/);
    expect(alerts).toMatch(/conversa_queue_backlog\) > 1000/);
    expect(alerts).toMatch(/conversa_queue_oldest_age_seconds\) > 60/);
  });

  it('every runbook link points at a heading of docs/operations.md', () => {
    const anchors = new Set([...doc.matchAll(/^#{2,4} (.+)$/gm)].map((m) => slug(m[1]!)));
    const runbooks = [...alerts.matchAll(/runbook: "docs\/operations\.md#([^"]+)"/g)].map((m) => m[1]!);
    expect(runbooks.length).toBeGreaterThanOrEqual(7);
    expect(runbooks.filter((r) => !anchors.has(r))).toEqual([]);
  });

  it('docs/operations.md lists every metric', () => {
    expect(Object.keys(METRICS).filter((n) => !doc.includes(`\`${n}\``))).toEqual([]);
  });
});
