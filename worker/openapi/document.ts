// The OpenAPI 3.1 document, generated from the routes' own declarations (worker/openapi/route.ts), and how it is
// served: GET /api/v1/openapi.json and the reference page at /api/docs.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { VERSION } from '../version';
import { openapi, type ApiApp } from './route';
import { docsPage, docsScript } from './docs-page';
import { errors } from './responses';

type DocumentConfig = Parameters<OpenAPIHono['getOpenAPI31Document']>[0];

export const documentConfig: DocumentConfig = {
  openapi: '3.1.0',
  info: {
    title: 'Conversa API',
    version: VERSION,
    description:
      'REST API of Conversa, the WhatsApp customer-service CRM. JSON in and out; errors are `{ "error": { "code", "message" } }`; ' +
      'lists are `{ "data": [...], "nextCursor": string | null }`; ids are UUIDs and times ISO 8601 UTC.',
  },
  // Every route needs an access token unless it says otherwise (`security: []`).
  security: [{ bearerAuth: [] }],
};

/** Declares how callers authenticate (components.securitySchemes). */
function registerSecuritySchemes(app: OpenAPIHono<AppEnv>) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'Access token from `POST /api/v1/auth/login` or `/signup` (15 minutes), renewed by `POST /api/v1/auth/refresh`.',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'API key (`cv_live_…`) sent as `Authorization: Bearer <key>`, with the scopes it was created with. Coming: issue 19.',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'refreshCookie', {
    type: 'apiKey',
    in: 'cookie',
    name: 'conversa_refresh',
    description: 'The httpOnly refresh cookie set on `/api/v1/auth` by login and sign-up (browsers).',
  });
}

export function registerOpenApi(app: ApiApp) {
  registerSecuritySchemes(app);

  openapi(
    app,
    createRoute({
      method: 'get',
      path: '/api/v1/openapi.json',
      tags: ['Meta'],
      summary: 'This document (OpenAPI 3.1)',
      security: [],
      responses: {
        200: { description: 'The OpenAPI document', content: { 'application/json': { schema: z.looseObject({ openapi: z.string() }) } } },
        ...errors(),
      },
    }),
    (c) => c.json(app.getOpenAPI31Document(documentConfig) as { openapi: string }, 200),
  );

  openapi(
    app,
    createRoute({
      method: 'get',
      path: '/api/docs',
      tags: ['Meta'],
      summary: 'API reference page (HTML)',
      security: [],
      responses: { 200: { description: 'The reference page', content: { 'text/html': { schema: z.string() } } }, ...errors() },
    }),
    docsPage,
  );

  openapi(
    app,
    createRoute({
      method: 'get',
      path: '/api/docs/{file}',
      tags: ['Meta'],
      summary: 'The reference page’s scripts',
      security: [],
      request: { params: z.object({ file: z.enum(['scalar.js', 'init.js']) }) },
      responses: { 200: { description: 'JavaScript', content: { 'text/javascript': { schema: z.string() } } }, ...errors(404) },
    }),
    docsScript,
  );
}
