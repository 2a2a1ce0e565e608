// Small helpers of the API routes: the instance a route names (or Evolution's 404), and a lenient JSON body.
import type { Context } from 'hono';
import { notFound } from './errors';
import type { FakeEvolutionState, Instance } from './state';

export function requireInstance(state: FakeEvolutionState, c: Context): Instance {
  const name = c.req.param('instanceName') ?? '';
  const inst = state.instances.get(name);
  if (!inst) throw notFound(name);
  return inst;
}

export async function readJson(c: Context): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    body = {};
  }
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

