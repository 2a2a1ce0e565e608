// Run metadata (machine, date, commit), a machine-wide CPU sampler, and writing results to bench/results/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

export interface RunInfo {
  date: string;
  commit: string;
  dirty: boolean;
  node: string;
  os: string;
  cpu: string;
  cores: number;
  memoryGb: number;
  loadAverageAtStart: number[];
}

export function runInfo(): RunInfo {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return '';
    }
  };
  return {
    date: new Date().toISOString(),
    commit: git('rev-parse', '--short=12', 'HEAD') || 'unknown',
    dirty: git('status', '--porcelain', '--untracked-files=no') !== '',
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/** Machine-wide CPU busy share (0–1, all cores) between two marks, from /proc/stat. */
export function cpuMeter() {
  const read = () => {
    try {
      const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
      const idle = line[3]! + (line[4] ?? 0);
      const total = line.reduce((a, b) => a + b, 0);
      return { idle, total };
    } catch {
      return null;
    }
  };
  let mark = read();
  return {
    /** Busy share since the previous call. */
    lap(): number | null {
      const now = read();
      if (!now || !mark) return null;
      const dt = now.total - mark.total;
      const busy = dt > 0 ? 1 - (now.idle - mark.idle) / dt : 0;
      mark = now;
      return Math.round(busy * 100) / 100;
    },
  };
}

export function writeResults(dir: string, base: string, json: unknown, markdown: string): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const files = { json: `${dir}/${base}.json`, md: `${dir}/${base}.md` };
  writeFileSync(files.json, `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(files.md, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  return files;
}

/** A Markdown table from rows of cells. */
export function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.map(String).join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

export function stamp(d = new Date()): string {
  return d.toISOString().replace(/[:]/g, '').replace(/\.\d+Z$/, 'Z');
}
