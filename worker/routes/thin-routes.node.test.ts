// Routes stay thin: validate, authorise, call the domain, shape the answer. SQL (drizzle builders, sql``, the
// schema's tables) lives in worker/domain/ and worker/db/; a route file that reaches for it fails here, and so does a
// registration function over 80 lines. The files not converted yet are listed, and the lists may only shrink.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('.', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

/** Route files that still query inline (issue 19). */
const STILL_INLINE: string[] = [];

/** Registration functions still over the limit (issue 19). */
const STILL_LONG: string[] = [];
const MAX_REGISTRATION_LINES = 80;

/** `file name` of each register… function longer than the limit (from its line to the closing brace at column 0). */
const longRegistrations = (file: string) => {
  const lines = readFileSync(`${dir}/${file}`, 'utf8').split('\n');
  const long: string[] = [];
  lines.forEach((line, i) => {
    const name = /^(?:export )?function (register\w*)/.exec(line)?.[1];
    if (!name) return;
    const end = lines.findIndex((l, j) => j > i && l === '}');
    if (end - i > MAX_REGISTRATION_LINES) long.push(`${file} ${name}`);
  });
  return long;
};

const SQL: [RegExp, string][] = [
  [/from '\.\.\/db\/schema(\/\w+)?'/, 'imports the drizzle schema'],
  [/from 'drizzle-orm(\/[\w-]+)?'/, 'imports drizzle-orm'],
  [/\b(tx|db)\s*\.\s*(select|insert|update|delete|execute)\s*\(/, 'queries through tx/db'],
  [/\bsql`/, 'writes SQL'],
];

const offences = (file: string) => {
  const text = readFileSync(`${dir}/${file}`, 'utf8');
  return SQL.filter(([re]) => re.test(text)).map(([, what]) => `${file} ${what}`);
};

describe('thin routes', () => {
  it('no route file queries the database itself (but the listed ones still to convert)', () => {
    expect(files.filter((f) => !STILL_INLINE.includes(f)).flatMap(offences)).toEqual([]);
  });

  it('registers routes in functions of at most 80 lines (but the listed ones)', () => {
    const long = files.flatMap(longRegistrations);
    expect(long.filter((f) => !STILL_LONG.includes(f))).toEqual([]);
    expect(STILL_LONG.filter((f) => !long.includes(f)), 'strike these from STILL_LONG').toEqual([]);
  });

  it('lists as still inline only files that exist and still are', () => {
    expect(STILL_INLINE.filter((f) => !files.includes(f) || offences(f).length === 0), 'strike these from STILL_INLINE').toEqual([]);
  });
});
