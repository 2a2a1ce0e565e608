import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password';

describe('password hashing (PBKDF2-SHA256, 100k iterations)', () => {
  it('verifies the right password and rejects a wrong one', async () => {
    const stored = await hashPassword('senha-forte-123');
    expect(stored).toMatch(/^pbkdf2_sha256\$100000\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword('senha-forte-123', stored)).toBe(true);
    expect(await verifyPassword('senha-forte-124', stored)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('mesma')).not.toBe(await hashPassword('mesma'));
  });

  it('rejects malformed or tampered hashes instead of throwing', async () => {
    const stored = await hashPassword('x');
    const [p, i, s] = stored.split('$');
    for (const bad of ['', 'plain', `${p}$${i}$${s}`, `md5$${i}$${s}$AAAA`, `${p}$0$${s}$AAAA`, `${p}$${i}$${s}$AAAA`]) {
      expect(await verifyPassword('x', bad)).toBe(false);
    }
  });
});
