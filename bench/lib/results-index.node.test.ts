import { describe, expect, it } from 'vitest';
import { withRow } from './results-index';

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
