// Structured JSON logs: one object a line, so Workers Logs / Logpush can filter on fields.
type Level = 'debug' | 'info' | 'warn' | 'error';

export type Logger = Record<Level, (msg: string, fields?: Record<string, unknown>) => void>;

// 'silent' (tests) drops everything: background consumers must not log into a test runner that already finished.
const RANK: Record<Level | 'silent', number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

export function createLogger(base: Record<string, unknown> = {}, minLevel: string = 'info'): Logger {
  const min = RANK[minLevel as Level | 'silent'] ?? RANK.info;
  const emit = (level: Level) => (msg: string, fields: Record<string, unknown> = {}) => {
    if (RANK[level] < min) return;
    const line = JSON.stringify({ level, msg, time: new Date().toISOString(), ...base, ...fields });
    if (level === 'error') console.error(line);
    else if (level === 'warn') console.warn(line);
    else console.log(line);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

export function errorFields(err: unknown): Record<string, unknown> {
  return err instanceof Error ? { error: err.message, name: err.name, stack: err.stack } : { error: String(err) };
}

/** The innermost cause's message: drizzle wraps driver errors in "Failed query: …". */
export function rootMessage(err: unknown): string {
  let e: unknown = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}
