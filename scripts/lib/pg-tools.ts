// PostgreSQL's own client programs (pg_dump, pg_restore) for the backup commands: where to find them, and how to hand
// them a connection without putting the password on the command line (where `ps` shows it).
import { accessSync, constants, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export type PgTool = 'pg_dump' | 'pg_restore';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * PG_BIN when set; else the newest Debian/Ubuntu install (/usr/lib/postgresql/<major>/bin, since pg_dump must be at
 * least the server's version); else PATH.
 */
export function findPgTool(tool: PgTool, env: NodeJS.ProcessEnv = process.env): string {
  if (env.PG_BIN) {
    const path = join(env.PG_BIN, tool);
    if (executable(path)) return path;
    throw new Error(`PG_BIN=${env.PG_BIN} has no executable ${tool}`);
  }
  let majors: string[] = [];
  try {
    majors = readdirSync('/usr/lib/postgresql').filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a));
  } catch {
    // not a Debian-style install
  }
  for (const major of majors) {
    const path = join('/usr/lib/postgresql', major, 'bin', tool);
    if (executable(path)) return path;
  }
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const path = join(dir, tool);
    if (executable(path)) return path;
  }
  throw new Error(
    `${tool} was not found. Install PostgreSQL's client programs, at least the server's major version ` +
      `(Debian/Ubuntu: apt-get install postgresql-client; macOS: brew install libpq), or set PG_BIN to their directory.`,
  );
}

/** `--dbname` without the password, which goes in PGPASSWORD instead. */
export function pgConnection(url: string): { dbname: string; env: Record<string, string> } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { dbname: u.toString(), env: password ? { PGPASSWORD: password } : {} };
}
