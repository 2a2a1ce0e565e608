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

/**
 * What a log line may say about an error. Never the values: drizzle's "Failed query" message carries the bound
 * parameters (message bodies, e-mails, password hashes, sealed tokens) and some Postgres messages quote the value
 * they refused. Kept: the error class, SQLSTATE and the Postgres fields naming the schema object, the statement's
 * shape (the SQL text, whose values are $n placeholders), a message with quoted values masked, and the stack frames.
 */
export function errorFields(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { error: redact(String(err)) };
  const fields: Record<string, unknown> = { error: rootMessage(err), name: err.name };
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const x = e as Error & Record<string, unknown>;
    if (typeof x.query === 'string' && Array.isArray(x.params)) fields.query ??= x.query.slice(0, 500);
    if (typeof x.code === 'string' && fields.code === undefined) fields.code = x.code;
    for (const k of ['table', 'column', 'constraint', 'routine'] as const) {
      if (typeof x[k] === 'string' && fields[k] === undefined) fields[k] = x[k];
    }
  }
  fields.stack = err.stack?.split('\n').filter((l) => /^\s+at /.test(l)).slice(0, 12).join('\n');
  return fields;
}

/** The innermost cause's message (drizzle wraps driver errors in "Failed query: …"), with values masked. */
export function rootMessage(err: unknown): string {
  let e: unknown = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return redact(e instanceof Error ? e.message : String(e));
}

/**
 * Masks what may be data in an error message: drizzle's statement and parameters, Postgres' `Key (col)=(value)` and
 * quoted values after a colon (`invalid input syntax for type uuid: "…"`), e-mail addresses and long digit runs.
 */
export function redact(message: string): string {
  return message
    .replace(/^Failed query: [\s\S]*$/, 'Failed query (statement and parameters not logged)')
    .replace(/\bparams: [\s\S]*$/, 'params: …')
    .replace(/(\([^()]*\))=\([^)]*\)/g, '$1=(…)')
    .replace(/: (["'])[\s\S]*?\1/g, ': $1…$1')
    .replace(/[^\s"'<>@]+@[^\s"'<>@]+\.[a-z]{2,}/gi, '…@…')
    .replace(/\d{8,}/g, '…');
}
