// Errors from failing queries are logged without the values they carried (issue 14, point 2).
import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createOrg, testDb, uniqueEmail } from '../../test/harness';
import { contacts, users } from '../db/schema';
import { createLogger, errorFields, redact } from './log';

describe('error logs', () => {
  const { db, pool } = testDb();
  afterAll(() => pool.end());
  afterEach(() => vi.restoreAllMocks());

  /** Runs `fail`, logs its error as the app does, and returns the line written. */
  async function loggedLine(fail: () => Promise<unknown>): Promise<string> {
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void lines.push(line));
    const err = await fail().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    createLogger({}, 'debug').error('unhandled error', errorFields(err));
    expect(lines).toHaveLength(1);
    return lines[0]!;
  }

  it('a unique violation logs its SQLSTATE, constraint and statement shape, not the e-mail or password hash', async () => {
    const email = uniqueEmail('segredo');
    const hash = `pbkdf2$SEGREDO-${crypto.randomUUID()}`;
    await db.insert(users).values({ email, passwordHash: hash, name: 'Ana' });
    const line = await loggedLine(() => db.insert(users).values({ email, passwordHash: hash, name: 'Ana de novo' }));
    const logged = JSON.parse(line) as Record<string, string>;
    expect(logged).toMatchObject({ code: '23505', level: 'error' });
    expect(logged.constraint).toMatch(/email/);
    expect(logged.query).toMatch(/insert into "users"/i);
    expect(line).not.toContain(email);
    expect(line).not.toContain(hash);
    expect(line).not.toContain('Ana de novo');
  });

  it('a refused value is masked in the message (invalid uuid, message body of a contact)', async () => {
    const org = await createOrg(db);
    const secret = `nao-e-uuid-${crypto.randomUUID()}`;
    const line = await loggedLine(() => db.select().from(contacts).where(eq(contacts.id, secret)));
    expect(JSON.parse(line)).toMatchObject({ code: '22P02' });
    expect(line).not.toContain(secret);

    const body = 'Meu CPF é 123.456.789-00 e o cartão 4111111111111111';
    const line2 = await loggedLine(() => db.execute(sql`select ${body}::int, ${org.id}::uuid`));
    expect(line2).not.toContain('4111111111111111');
    expect(line2).not.toContain('123.456.789-00');
  });

  it('redact masks drizzle parameters, Key (col)=(value), quoted values, e-mails and long numbers', () => {
    expect(redact('Failed query: insert into "users" values ($1)\nparams: ana@x.com,hash')).not.toMatch(/ana@x|hash/);
    expect(redact('Key (email)=(ana@loja.com.br) already exists.')).toBe('Key (email)=(…) already exists.');
    expect(redact('invalid input syntax for type uuid: "abc"')).toBe('invalid input syntax for type uuid: "…"');
    expect(redact('send to 5511987650001 failed')).toBe('send to … failed');
    expect(redact('relation "users" does not exist')).toBe('relation "users" does not exist');
  });
});
