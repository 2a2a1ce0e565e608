import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { driveCrons, wranglerCrons } from './cron';

describe('dev cron driver', () => {
  it('reads the crons wrangler.toml declares', () => {
    expect(wranglerCrons()).toEqual(expect.arrayContaining(['0 3 * * *', '* * * * *']));
  });

  it('fires each cron on its schedule through /__scheduled', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const errors: unknown[] = [];
    // croner's seconds field: every second, so the test need not wait for a minute boundary.
    const driver = driveCrons(`http://127.0.0.1:${port}`, ['* * * * * *'], (_c, e) => errors.push(e));
    try {
      await expect.poll(() => seen.length, { timeout: 5_000 }).toBeGreaterThan(0);
      expect(seen[0]).toBe(`/__scheduled?cron=${encodeURIComponent('* * * * * *')}`);
      expect(errors).toEqual([]);
    } finally {
      driver.stop();
      server.close();
    }
  });
});
