// What Excel in Portuguese saves — Windows-1252 text, `;` between cells — imports with its accents intact.
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { api, signupOrg, uniqueIp, type Session } from '../../test/harness';
import { csvDecoder } from '../domain/csv';

/** Windows-1252 bytes of a string made of Latin-1 characters (what Excel pt-BR writes). */
const latin1 = (text: string) => Uint8Array.from(text, (ch) => ch.charCodeAt(0));
const phone = () => `+5511${String(900000000 + Math.floor(Math.random() * 99999999))}`;

async function importBytes(s: Session, bytes: Uint8Array) {
  const res = await SELF.fetch('http://conversa.test/api/v1/contacts/import', {
    method: 'POST',
    headers: { authorization: `Bearer ${s.accessToken}`, 'content-type': 'text/csv', 'cf-connecting-ip': uniqueIp() },
    body: bytes,
  });
  return { status: res.status, body: (await res.json()) as { created: number; failed: number; error?: { code: string } } };
}

async function names(s: Session): Promise<string[]> {
  const res = await api('GET', '/api/v1/contacts?limit=100', { token: s.accessToken });
  return (res.body.data as { name: string }[]).map((c) => c.name).sort();
}

describe('CSV import encodings', () => {
  it('reads a Windows-1252, semicolon-separated file with its accents', async () => {
    const s = await signupOrg('Excel');
    const res = await importBytes(s, latin1(`Nome;Telefone\r\nJoão Conceição;${phone()}\r\nMárcia Araújo;${phone()}\r\n`));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 2, failed: 0 });
    expect(await names(s)).toEqual(['João Conceição', 'Márcia Araújo']);
  });

  it('reads UTF-8 with a BOM, and plain UTF-8', async () => {
    const s = await signupOrg('Utf8');
    const enc = new TextEncoder();
    const bom = Uint8Array.from([0xef, 0xbb, 0xbf, ...enc.encode(`nome,telefone\nAçaí Ltda,${phone()}\n`)]);
    expect((await importBytes(s, bom)).body).toMatchObject({ created: 1, failed: 0 });
    expect((await importBytes(s, enc.encode(`nome;telefone\nÉrica Ñandú;${phone()}\n`))).body).toMatchObject({ created: 1 });
    expect(await names(s)).toEqual(['Açaí Ltda', 'Érica Ñandú']);
  });

  it('refuses a file that mixes real UTF-8 with Windows-1252 instead of importing broken accents', async () => {
    const s = await signupOrg('Misto');
    const head = new TextEncoder().encode(`nome;telefone\nJosé;${phone()}\n`);
    const tail = latin1(`Conceição;${phone()}\n`);
    const res = await importBytes(s, Uint8Array.from([...head, ...tail]));
    expect(res.status).toBe(422);
    expect(res.body.error?.code).toBe('invalid_encoding');
  });

  it('decodes Windows-1252 whose accent arrives at the end of a piece, and UTF-8 split mid-character', () => {
    const d = csvDecoder();
    // "Jo" + 0xE3 (ã in Windows-1252, also a UTF-8 lead byte) | "o" — the strict decoder holds 0xE3, then fails.
    const text = d.push(latin1('nome\nJo\u00e3')) + d.push(latin1('o\n')) + d.end();
    expect(text).toBe('nome\nJoão\n');
    expect(d.encoding()).toBe('windows-1252');

    const u = csvDecoder();
    const bytes = new TextEncoder().encode('nome\nJoão\n');
    const cut = bytes.indexOf(0xc3) + 1;
    expect(u.push(bytes.subarray(0, cut)) + u.push(bytes.subarray(cut)) + u.end()).toBe('nome\nJoão\n');
    expect(u.encoding()).toBe('utf-8');
  });
});

describe('CSV export for Excel (pt-BR)', () => {
  it('writes a BOM, semicolons, Portuguese headers and São Paulo time, and imports back', async () => {
    const s = await signupOrg('Exporta');
    expect((await api('POST', '/api/v1/contact-attributes', { token: s.accessToken, body: { key: 'cidade', label: 'Cidade', type: 'text' } })).status).toBe(201);
    const made = await api('POST', '/api/v1/contacts', { token: s.accessToken, body: { name: 'Ana; "Aninha" Conceição', phone: phone(), attributes: { cidade: 'São Paulo' } } });
    expect(made.status).toBe(201);
    const res = await SELF.fetch('http://conversa.test/api/v1/contacts/export?format=excel', {
      headers: { authorization: `Bearer ${s.accessToken}`, 'cf-connecting-ip': uniqueIp() },
    });
    expect(res.status).toBe(200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    const [header, row] = text.split('\r\n');
    expect(header).toBe('ID;Nome;Telefone;E-mail;ID do WhatsApp;Nome no WhatsApp;Etiquetas;Criado em;cidade (Cidade)');
    expect(row).toContain('"Ana; ""Aninha"" Conceição"');
    expect(row).toContain(';São Paulo');
    // dd/mm/aaaa hh:mm in the organisation's time zone (UTC−3), not ISO UTC.
    const createdAt = new Date(made.body.contact.createdAt);
    const local = new Intl.DateTimeFormat('pt-BR', { timeZone: 'America/Sao_Paulo', dateStyle: 'short', timeStyle: 'short' }).format(createdAt);
    expect(local).toMatch(/^\d{2}\/\d{2}\/\d{4}/);
    expect(row).toContain(`;${local};`);

    const other = await signupOrg('Importa');
    expect((await api('POST', '/api/v1/contact-attributes', { token: other.accessToken, body: { key: 'cidade', label: 'Cidade', type: 'text' } })).status).toBe(201);
    const back = await importBytes(other, bytes);
    expect(back.body).toMatchObject({ created: 1, failed: 0 });
    const list = await api('GET', '/api/v1/contacts?limit=10', { token: other.accessToken });
    expect(list.body.data[0]).toMatchObject({ name: 'Ana; "Aninha" Conceição', attributes: { cidade: 'São Paulo' } });
  });
});
