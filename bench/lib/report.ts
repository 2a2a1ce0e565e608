// Run metadata (machine, date, commit), a machine-wide CPU sampler, and writing results to bench/results/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
    // The results folder is what a run writes (the -latest files too): it does not make the measured code dirty.
    // Untracked files count (an uncommitted new module changes what runs); ignored ones (bench/tmp) do not.
    dirty: git('status', '--porcelain', '--', '.', ':!bench/results') !== '',
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

interface CpuSnapshot {
  total: number;
  idle: number;
  ours: number;
  postgres: number;
}

/** Clock ticks from /proc: the machine, this process and its descendants (workerd, the proxy), and Postgres. */
function cpuSnapshot(): CpuSnapshot | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const procs: { pid: number; ppid: number; comm: string; own: number; reaped: number }[] = [];
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        const close = stat.lastIndexOf(')');
        const comm = stat.slice(stat.indexOf('(') + 1, close);
        const f = stat.slice(close + 2).split(' ');
        // Fields after "(comm)": state ppid … utime(12) stime(13) cutime(14) cstime(15), 0-based from state.
        procs.push({ pid: Number(d), ppid: Number(f[1]), comm, own: Number(f[11]) + Number(f[12]), reaped: Number(f[13]) + Number(f[14]) });
      } catch {
        // The process ended while we looked.
      }
    }
    const children = new Map<number, number[]>();
    for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
    const byPid = new Map(procs.map((p) => [p.pid, p]));
    let ours = 0;
    const stack = [process.pid];
    while (stack.length) {
      const pid = stack.pop()!;
      const p = byPid.get(pid);
      if (p) ours += p.own + p.reaped;
      stack.push(...(children.get(pid) ?? []));
    }
    // Postgres forks a backend per connection (one per queue batch here): ended ones are in the postmaster's
    // reaped-children time.
    let postgres = 0;
    for (const p of procs) {
      if (p.comm !== 'postgres') continue;
      postgres += p.own;
      if (byPid.get(p.ppid)?.comm !== 'postgres') postgres += p.reaped;
    }
    return { total: line.reduce((a, b) => a + b, 0), idle: line[3]! + (line[4] ?? 0), ours, postgres };
  } catch {
    return null;
  }
}

export interface CpuShare {
  /** Share of all cores busy (0–1). */
  busy: number;
  /** …used by this benchmark's processes (load generator, Miniflare/workerd, proxy). */
  bench: number;
  /** …by Postgres (all of it: other users of the server count here too). */
  postgres: number;
  /** …by everything else on the machine: other sessions. High values mean a noisy run. */
  other: number;
}

/** CPU shares between two marks: how busy the machine was, and how much of it was not this benchmark. */
export function cpuMeter() {
  let mark = cpuSnapshot();
  return {
    lap(): CpuShare | null {
      const now = cpuSnapshot();
      const prev = mark;
      mark = now;
      if (!now || !prev) return null;
      const dt = now.total - prev.total;
      if (dt <= 0) return null;
      const r = (x: number) => Math.round(Math.max(0, x) * 100) / 100;
      const busy = 1 - (now.idle - prev.idle) / dt;
      const bench = (now.ours - prev.ours) / dt;
      const postgres = (now.postgres - prev.postgres) / dt;
      return { busy: r(busy), bench: r(bench), postgres: r(postgres), other: r(busy - bench - postgres) };
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
