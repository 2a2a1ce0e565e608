// Serves the worker the fastest way this machine allows (TOOLCHAIN.md: ~4× `wrangler dev`): the bundle from
// `wrangler deploy --dry-run`, run by Miniflare from this Node process, with the bindings wrangler.toml declares
// (read by wrangler's own unstable_getMiniflareWorkerOptions, so queues, Durable Objects, R2 and rate limits match).
// A second worker in the same workerd, a bare Hono app on /__ceiling, is the throughput ceiling.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { extname } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { convertV4MiniflareOptions, Log, LogLevel, Miniflare, type V4WorkerOptionsShape } from 'miniflare';
import { unstable_getMiniflareWorkerOptions } from 'wrangler';
import { devVars } from '../../scripts/lib/stack';

export const CEILING_PATH = '/__ceiling';

export interface WorkerServer {
  url: string;
  inspectorPort?: number;
  /** Worker log lines by level (console.* inside workerd), and the first few warnings/errors. */
  logs: { counts: Record<string, number>; samples: string[] };
  stop(): Promise<void>;
}

export interface ServerOptions {
  databaseUrl: string;
  wsProxy: string;
  graphBaseUrl: string;
  /** Where the bundle goes (deleted on stop). */
  buildDir: string;
  port?: number;
  logLevel?: string;
  onLog?: (line: string) => void;
  /** Every worker log line, whatever its level (the benchmark reads its structured ingest.timing lines here). */
  onLine?: (level: string, message: string) => void;
  /** Extra worker vars (e.g. INGEST_TIMING_LOG). */
  vars?: Record<string, string>;
  /**
   * Local state (Durable Objects' SQLite files, R2, queues). Default: a fresh directory on tmpfs (/dev/shm) — on this
   * VM's disk every new Durable Object costs ~25 ms of fsyncs on the isolate's thread, a cost production does not
   * put on the worker (see stateDir()).
   */
  persistRoot?: string;
  /** Expose the worker's V8 inspector (for CPU profiles) on this port. Off by default: it costs a little. */
  inspectorPort?: number;
  /** Serve miniflare's `/cdn-cgi/local/scheduled`, so the caller can fire the crons of wrangler.toml. */
  triggerHandlers?: boolean;
}

const run = promisify(execFile);

/** The worker exactly as `wrangler deploy` would upload it. */
export async function bundleWorker(outdir: string): Promise<string> {
  mkdirSync(outdir, { recursive: true });
  await run('node_modules/.bin/wrangler', ['deploy', '--dry-run', '--outdir', outdir], {
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', FORCE_COLOR: '0' },
    maxBuffer: 16 * 1024 * 1024,
  });
  return `${outdir}/index.js`;
}

/**
 * The bundle's modules as Miniflare takes them: the entry, plus each module wrangler emitted beside it because a
 * `[[rules]]` entry of wrangler.toml made it one (today only Text: the API reference's script). Listed explicitly
 * because wrangler's module rules do not pass miniflare 5's option converter.
 */
function bundleModules(outdir: string, entry: string) {
  const TYPES: Record<string, 'Text' | 'Data' | 'CompiledWasm'> = { '.js': 'Text', '.txt': 'Text', '.html': 'Text', '.bin': 'Data', '.wasm': 'CompiledWasm' };
  const others = readdirSync(outdir)
    .map((f) => `${outdir}/${f}`)
    .filter((f) => f !== entry && extname(f) in TYPES)
    .map((path) => ({ type: TYPES[extname(path)]!, path, contents: readFileSync(path) }));
  return [{ type: 'ESModule' as const, path: entry, contents: readFileSync(entry) }, ...others];
}

/** The ceiling: Hono reading the body and answering a constant, nothing else (same runtime, same HTTP path in). */
async function ceilingScript(): Promise<string> {
  const out = await build({
    stdin: {
      // Reads the body like the webhook does (a server that answers without reading it must close the connection).
      contents: `import { Hono } from 'hono';\nconst app = new Hono();\napp.all('*', async (c) => {\n  await c.req.arrayBuffer();\n  return c.text('EVENT_RECEIVED');\n});\nexport default app;\n`,
      resolveDir: process.cwd(),
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

/** Where local state goes: tmpfs when the machine has one (unless BENCH_STATE_ON_DISK=1), else under bench/tmp. */
export function stateDir(name: string): { path: string; tmpfs: boolean } {
  const tmpfs = process.env.BENCH_STATE_ON_DISK !== '1' && existsSync('/dev/shm');
  return { path: tmpfs ? `/dev/shm/conversa-bench-${name}` : `bench/tmp/state-${name}`, tmpfs };
}

export async function startWorkerServer(opts: ServerOptions): Promise<WorkerServer> {
  const [scriptPath, ceiling] = await Promise.all([bundleWorker(opts.buildDir), ceilingScript()]);
  // Typed as the v4 shape it is (wrangler's own type loses the fields through an Omit over a union). Its
  // modulesRules (wrangler's defaults) are dropped: the bundle is one module, and miniflare 5's converter refuses them.
  const { modulesRules: _rules, ...workerOptions } = unstable_getMiniflareWorkerOptions('wrangler.toml').workerOptions as Omit<V4WorkerOptionsShape, 'bindings'> & {
    bindings?: Record<string, unknown>;
    compatibilityDate?: string;
    modulesRules?: unknown;
  };
  const logs = { counts: {} as Record<string, number>, samples: [] as string[] };
  // How many worker warnings/errors to echo (BENCH_WORKER_LOG_LINES, default 30): enough to see a failure mode.
  const echo = Number(process.env.BENCH_WORKER_LOG_LINES ?? 30);
  let echoed = 0;
  // wrangler still derives v4-shaped worker options; miniflare 5 takes them through its converter.
  const mf = new Miniflare(convertV4MiniflareOptions({
    host: '127.0.0.1',
    port: opts.port ?? 0,
    // No network here: never fetch Request.cf.
    cf: false,
    log: new Log(LogLevel.WARN),
    ...(opts.inspectorPort ? { inspectorPort: opts.inspectorPort } : {}),
    ...(opts.triggerHandlers ? { unsafeTriggerHandlers: true } : {}),
    ...(opts.persistRoot ? { defaultPersistRoot: opts.persistRoot } : {}),
    handleStructuredLogs: ({ level, message }: { level: string; message: string }) => {
      logs.counts[level] = (logs.counts[level] ?? 0) + 1;
      opts.onLine?.(level, message);
      if (level === 'warn' || level === 'error') {
        if (logs.samples.length < 30) logs.samples.push(message.slice(0, 400));
        if (echoed++ < echo) opts.onLog?.(`[worker ${level}] ${message.slice(0, 400)}`);
      }
    },
    workers: [
      {
        ...workerOptions,
        name: 'conversa',
        ...(opts.inspectorPort ? { unsafeInspectorProxy: true } : {}),
        modules: bundleModules(opts.buildDir, scriptPath),
        modulesRoot: opts.buildDir,
        bindings: {
          ...workerOptions.bindings,
          ...devVars(),
          APP_ENV: 'development',
          LOG_LEVEL: opts.logLevel ?? 'warn',
          DATABASE_URL: opts.databaseUrl,
          DB_WS_PROXY: opts.wsProxy,
          META_GRAPH_BASE_URL: opts.graphBaseUrl,
          ...opts.vars,
        },
      },
      {
        name: 'ceiling',
        modules: true,
        script: ceiling,
        compatibilityDate: workerOptions.compatibilityDate,
        routes: [`*${CEILING_PATH}*`],
      },
    ],
  }));
  const url = (await mf.ready).toString().replace(/\/$/, '');
  return {
    url,
    inspectorPort: opts.inspectorPort,
    logs,
    async stop() {
      await mf.dispose();
      rmSync(opts.buildDir, { recursive: true, force: true });
      if (opts.persistRoot) rmSync(opts.persistRoot, { recursive: true, force: true });
    },
  };
}
