// The exposition writer on its own: label escaping, cumulative buckets, scrape-time gauges replacing the hub's.
import { describe, expect, it } from 'vitest';
import { seriesKey, withLabel } from './catalog';
import { render } from './exposition';

describe('exposition', () => {
  it('escapes label values (backslash, quote, newline) and keeps catalog label order', () => {
    expect(seriesKey('conversa_http_requests_total', { status: '200', method: 'GET', route: 'a"b\\c\nd' })).toBe(
      'conversa_http_requests_total{route="a\\"b\\\\c\\nd",method="GET",status="200"}',
    );
    expect(seriesKey('conversa_ingest_batch_size', {})).toBe('conversa_ingest_batch_size');
    expect(withLabel('conversa_ingest_batch_size', '_bucket', 'le', '+Inf')).toBe('conversa_ingest_batch_size_bucket{le="+Inf"}');
  });

  it('writes histograms as cumulative buckets ending in +Inf = _count, and lets scrape-time gauges win', () => {
    const text = render(
      [
        { key: 'conversa_ingest_batch_size', series: { kind: 'histogram', counts: [1, 0, 2, 0, 0, 0, 3, 1], sum: 450, count: 7 } },
        { key: 'conversa_queue_backlog{queue="ingest"}', series: { kind: 'gauge', value: 5 } },
        { key: 'not_in_the_catalog', series: { kind: 'counter', value: 1 } },
      ],
      new Map([['conversa_queue_backlog{queue="ingest"}', 7]]),
    );
    const lines = text.split('\n');
    expect(lines.filter((l) => l.startsWith('conversa_ingest_batch_size_bucket'))).toEqual([
      'conversa_ingest_batch_size_bucket{le="1"} 1',
      'conversa_ingest_batch_size_bucket{le="2"} 1',
      'conversa_ingest_batch_size_bucket{le="5"} 3',
      'conversa_ingest_batch_size_bucket{le="10"} 3',
      'conversa_ingest_batch_size_bucket{le="25"} 3',
      'conversa_ingest_batch_size_bucket{le="50"} 3',
      'conversa_ingest_batch_size_bucket{le="100"} 6',
      'conversa_ingest_batch_size_bucket{le="+Inf"} 7',
    ]);
    expect(lines).toContain('conversa_ingest_batch_size_sum 450');
    expect(lines).toContain('conversa_ingest_batch_size_count 7');
    expect(lines.filter((l) => l.startsWith('conversa_queue_backlog{'))).toEqual(['conversa_queue_backlog{queue="ingest"} 7']);
    expect(text).not.toContain('not_in_the_catalog');
    expect(lines).toContain('# TYPE conversa_websocket_connections gauge');
    expect(text.endsWith('\n')).toBe(true);
  });
});
