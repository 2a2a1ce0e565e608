// The CSV import's size rule: a file over the 1 MiB JSON limit imports fully (streamed in batches), 10 MiB is the cap,
// whether the size is declared (Content-Length) or only discovered while streaming.
import { SELF } from 'cloudflare:test';
import { and, count, eq, isNull } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { api, signupOrg, testDb, uniqueIp, type Session } from '../../test/harness';
import { CSV_IMPORT_MAX_BYTES } from '../app';
import { contacts } from '../db/schema';

const MiB = 1024 * 1024;
const importCsv = (s: Session, text: string) =>
  api('POST', '/api/v1/contacts/import', { token: s.accessToken, rawBody: text, headers: { 'content-type': 'text/csv' } });

async function contactCount(orgId: string) {
  const { db } = testDb();
  const [row] = await db.select({ n: count() }).from(contacts).where(and(eq(contacts.organizationId, orgId), isNull(contacts.deletedAt)));
  return row!.n;
}

describe('CSV import size', () => {
  it('imports a file over 1 MiB (15,000 rows) completely, and importing it again creates nothing', { timeout: 180_000 }, async () => {
    const admin = await signupOrg('Importação de 1 MiB');
    const lines = ['nome,telefone,email'];
    for (let i = 0; i < 15_000; i++) lines.push(`Cliente Número ${i} da Silva,+55 11 9${String(20_000_000 + i)},cliente.${i}@exemplo.com.br`);
    const text = lines.join('\n');
    expect(new TextEncoder().encode(text).byteLength).toBeGreaterThan(MiB);

    const first = await importCsv(admin, text);
    expect(first.status, JSON.stringify(first.body).slice(0, 500)).toBe(200);
    expect(first.body).toMatchObject({ rows: 15_000, created: 15_000, updated: 0, failed: 0, errors: [] });
    expect(await contactCount(admin.orgId)).toBe(15_000);
    const last = await api('GET', '/api/v1/contacts?q=11920014999', { token: admin.accessToken });
    expect(last.body.data[0]).toMatchObject({ name: 'Cliente Número 14999 da Silva', email: 'cliente.14999@exemplo.com.br' });

    const again = await importCsv(admin, text);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ rows: 15_000, created: 0, updated: 0, unchanged: 15_000, failed: 0 });
    expect(await contactCount(admin.orgId)).toBe(15_000);
  });

  it('refuses an 11 MiB body with a 413 JSON error, declared or streamed, and imports nothing', async () => {
    const admin = await signupOrg('Importação Enorme');
    // One valid row, then a quoted cell that never ends: nothing reaches the database before the cap is hit.
    const head = 'phone,name\n+55 11 977770001,Primeiro\n+55 11 977770002,"';
    const body = head + 'a'.repeat(11 * MiB);
    const declared = await importCsv(admin, body);
    expect(declared.status).toBe(413);
    expect(declared.body.error).toEqual({ code: 'payload_too_large', message: expect.stringContaining(String(CSV_IMPORT_MAX_BYTES)) });

    // No Content-Length: the body is counted while it streams.
    const bytes = new TextEncoder().encode(body);
    let at = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= bytes.byteLength) return controller.close();
        controller.enqueue(bytes.subarray(at, (at += 256 * 1024)));
      },
    });
    const res = await SELF.fetch('http://conversa.test/api/v1/contacts/import', {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.accessToken}`, 'content-type': 'text/csv', 'cf-connecting-ip': uniqueIp() },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    expect(await contactCount(admin.orgId)).toBe(0);

    // Just under the cap is fine (the JSON routes still stop at 1 MiB).
    const small = await importCsv(admin, `phone,name,nota\n+55 11 977770003,Ana,${'x'.repeat(2 * MiB)}`);
    expect(small.status).toBe(200);
    expect(small.body).toMatchObject({ rows: 1, created: 1 });
    const json = await api('POST', '/api/v1/contacts', { token: admin.accessToken, body: { name: 'x'.repeat(2 * MiB) } });
    expect(json.status).toBe(413);
  });
});
