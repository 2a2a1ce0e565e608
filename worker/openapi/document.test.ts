// The OpenAPI document covers the router (every route the app answers is in it) and is served with its reference
// page from this origin under the page's own CSP. The document is validated against the OpenAPI 3.1 schema in
// document.node.test.ts (Node: the validator compiles schemas with new Function, which workerd forbids).
import { describe, expect, it } from 'vitest';
import { api } from '../../test/harness';
import { createApp } from '../app';
import { documentConfig } from './document';
import { UNDOCUMENTED } from './undocumented';

const toOpenApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

describe('OpenAPI document', () => {
  const app = createApp();
  const doc = app.getOpenAPI31Document(documentConfig);
  const routes = [...new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`))];
  const documented = (key: string) => {
    const [method, path] = key.split(' ') as [string, string];
    return !!(doc.paths?.[toOpenApiPath(path)] as Record<string, unknown> | undefined)?.[method.toLowerCase()];
  };

  it('declares every route the app answers (but the listed ones still to convert)', () => {
    const missing = routes.filter((r) => !documented(r) && !UNDOCUMENTED.includes(r));
    expect(missing, 'routes missing from the OpenAPI document').toEqual([]);
  });

  it('lists as still to convert only routes that exist and are not documented yet', () => {
    const stale = UNDOCUMENTED.filter((r) => !routes.includes(r) || documented(r));
    expect(stale, 'strike these from worker/openapi/undocumented.ts').toEqual([]);
  });

  it('documents nothing the app does not answer', () => {
    const answered = new Set(routes.map((r) => r.replace(/:(\w+)/g, '{$1}')));
    const extra = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
      Object.keys(item as object)
        .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`)
        .filter((k) => !answered.has(k)),
    );
    expect(extra).toEqual([]);
  });

  it('is served at /api/v1/openapi.json without credentials: 3.1, the error component, the security schemes', async () => {
    const res = await api('GET', '/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body.components.schemas.Error.properties.error.required).toEqual(['code', 'message']);
    expect(Object.keys(res.body.components.securitySchemes).sort()).toEqual(['apiKey', 'bearerAuth', 'metricsToken', 'refreshCookie']);
    expect(res.body.security).toEqual([{ bearerAuth: [] }]);
  });

  it('has a reference page at /api/docs that loads only from this origin, under its own CSP', async () => {
    const page = await api('GET', '/api/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/https?:/);
    const scripts = [...String(page.body).matchAll(/<script([^>]*)>/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    // No inline script (the CSP would refuse it) and nothing from another origin.
    for (const attrs of scripts) expect(attrs).toMatch(/^ src="\/api\/docs\/[a-z.]+"$/);

    const viewer = await api('GET', '/api/docs/scalar.js');
    expect(viewer.status).toBe(200);
    expect(viewer.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(String(viewer.body).length).toBeGreaterThan(1_000_000);
    const init = await api('GET', '/api/docs/init.js');
    expect(String(init.body)).toContain('/api/v1/openapi.json');
    expect((await api('GET', '/api/docs/other.js')).status).toBe(400);
  });
});
