// Results only from committed trees, and every run kept: a run from a tree with uncommitted changes is written with a
// `-dirty` suffix and never becomes `*-latest-*`; every run, passing or failing, gets a line in <dir>/INDEX.md.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { RunInfo } from './report';
import { stamp, writeResults } from './report';
import type { Check } from './verdict';

const INDEX_HEAD = [
  '# Benchmark runs',
  '',
  'Appended by each run of `bench/ingest.ts` (newest last). `-dirty`: measured on uncommitted changes — not a result.',
  '',
  '| date | commit | profile | options | verdict | files |',
  '| --- | --- | --- | --- | --- | --- |',
].join('\n');

/** Short names of the verdict table's rows, in its order. */
const SHORT = ['stored/ceiling', 'e2e p95', 'burst', 'round trips'];

export function publishResults(opts: {
  dir: string;
  /** e.g. `ingest-issue-db5ms-label`: the date goes in front of the name, `-dirty` behind it. */
  name: string;
  /** e.g. `ingest-latest-issue-db5ms`. */
  latest: string;
  info: RunInfo;
  profile: string;
  options: string;
  checks: Check[];
  json: unknown;
  md: string;
  log: (s: string) => void;
}): { json: string; md: string } {
  const base = `${opts.name.replace(/^ingest-/, `ingest-${stamp()}-`)}${opts.info.dirty ? '-dirty' : ''}`;
  const files = writeResults(opts.dir, base, opts.json, opts.md);
  if (opts.info.dirty) {
    opts.log('!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!');
    opts.log(`!!! UNCOMMITTED CHANGES: this result (${base}) does not describe commit ${opts.info.commit}.`);
    opts.log(`!!! It is kept as -dirty and does not replace ${opts.latest}. Commit, then run again.`);
    opts.log('!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!');
  } else {
    writeResults(opts.dir, opts.latest, opts.json, opts.md);
  }
  const index = `${opts.dir}/INDEX.md`;
  if (!existsSync(index)) appendFileSync(index, `${INDEX_HEAD}\n`);
  const verdict = opts.checks.map((c, i) => `${SHORT[i] ?? c.target} ${c.outcome === 'FAIL' ? '**FAIL**' : c.outcome}`).join(' · ');
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const row = `| ${opts.info.date.slice(0, 16).replace('T', ' ')} | ${opts.info.commit}${opts.info.dirty ? ' (dirty)' : ''} | ${opts.profile} | ${cell(opts.options)} | ${verdict} | [md](${basename(files.md)}) · [json](${basename(files.json)}) |`;
  writeFileSync(index, withRow(readFileSync(index, 'utf8'), opts.info.dirty ? '## Not results' : '## Results', row));
  return files;
}

/**
 * The index with `row` after the last table row of the section whose heading starts with `heading` (other sections,
 * e.g. the reports table, may follow it); at the end when the index has no such section.
 */
export function withRow(index: string, heading: string, row: string): string {
  const lines = index.replace(/\n$/, '').split('\n');
  const start = lines.findIndex((l) => l.startsWith(heading));
  if (start === -1) return `${[...lines, row].join('\n')}\n`;
  const next = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  const end = next === -1 ? lines.length : next;
  let last = start;
  for (let i = start + 1; i < end; i++) if (lines[i]!.startsWith('|')) last = i;
  lines.splice(last + 1, 0, row);
  return `${lines.join('\n')}\n`;
}
