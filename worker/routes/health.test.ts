import { createExecutionContext, env, SELF, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../index';
import pkg from '../../package.json';

describe('GET /health', () => {
  it('answers ok with a real database round trip', async () => {
    const res = await SELF.fetch('http://conversa.test/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', db: 'ok', version: pkg.version, deadLetters: { parked: expect.any(Number) } });
    expect(res.headers.get('x-request-id')).toMatch(/.+/);
  });

  it('answers 503 with a reason when the database is unreachable', async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused.
    const downEnv = { ...env, DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:1/postgres' };
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request('http://conversa.test/health'), downEnv, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(503);
    const body = (await res.json()) as Record<string, string>;
    expect(body).toMatchObject({ status: 'error', db: 'unreachable', version: pkg.version });
    expect(body.reason).toBeTruthy();
  });
});

describe('unknown routes', () => {
  it('answers 404 with the JSON error shape', async () => {
    const res = await SELF.fetch('http://conversa.test/api/v1/nothing-here', { method: 'POST' });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual({
      error: { code: 'not_found', message: 'No route for POST /api/v1/nothing-here' },
    });
  });

  it('keeps a caller-supplied request id', async () => {
    const res = await SELF.fetch('http://conversa.test/nope', { headers: { 'X-Request-Id': 'req-abc-123' } });
    expect(res.headers.get('x-request-id')).toBe('req-abc-123');
  });
});
