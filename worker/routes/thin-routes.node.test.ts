// Routes stay thin: validate, authorise, call the domain, shape the answer. SQL (drizzle builders, sql``, the
// schema's tables) lives in worker/domain/ and worker/db/; a route file that reaches for it fails here. The files
// not converted yet are listed, and the list may only shrink.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('.', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

/** Route files that still query inline (issue 19). */
const STILL_INLINE = [
  'audit-logs.ts',
  'auth.ts',
  'channels.ts',
  'dead-letters.ts',
  'dev-outbox.ts',
  'health.ts',
  'invitations.ts',
  'media.ts',
  'organization.ts',
  'platform-admin.ts',
  'templates.ts',
];

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

  it('lists as still inline only files that exist and still are', () => {
    expect(STILL_INLINE.filter((f) => !files.includes(f) || offences(f).length === 0), 'strike these from STILL_INLINE').toEqual([]);
  });
});
