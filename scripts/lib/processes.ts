// Child processes with prefixed, line-buffered output, stopped together on Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { withSameNode } from './node-version';

const COLORS = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m', '\x1b[34m'];
let next = 0;

export function prefixer(name: string): (line: string) => void {
  const color = process.stdout.isTTY ? COLORS[next++ % COLORS.length] : '';
  const reset = process.stdout.isTTY ? '\x1b[0m' : '';
  const tag = `${color}[${name.padEnd(5)}]${reset} `;
  return (line) => process.stdout.write(tag + line + '\n');
}

export function startProcess(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const print = prefixer(name);
  const child = spawn(cmd, args, { env: withSameNode(env), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  for (const stream of [child.stdout!, child.stderr!]) createInterface({ input: stream }).on('line', print);
  return child;
}

/** Signals the child's whole process group (npx → node → workerd) and waits for it to go. */
export function stopProcess(child: ChildProcess, timeoutMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {}
      resolve();
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}
