// /api/v1/admin/organizations/{id}/encryption: platform super admins operate an organisation's content encryption
// (issue 21 §4) — look at its keys and remaining plaintext, rotate its data key, crypto-shred it. Every use is audited.
import { createRoute } from '@hono/zod-openapi';
import type { Actor } from '../auth/actor';
import { organizationEncryption, rotateOrganizationKey, shredOrganization } from '../domain/platform-encryption';
import { forbidden, notFound } from '../errors';
import { openapi, type ApiApp } from '../openapi/route';
import { errors, idParam, json, jsonBody } from '../openapi/responses';
import { KeyRotation, OrganizationEncryption, ShredRequest, ShredResult } from '../schemas/encryption';

const tags = ['Platform'];
const path = '/api/v1/admin/organizations/{id}/encryption';

function superAdmin(actor: Actor) {
  if (!actor.isSuperAdmin) throw forbidden('Only platform super admins may operate encryption keys');
}

const found = <T>(value: T | null): T => {
  if (value === null) throw notFound('Organization');
  return value;
};

export function registerPlatformEncryption(app: ApiApp) {
  openapi(
    app,
    createRoute({
      method: 'get',
      path,
      tags,
      summary: 'An organisation’s data keys and what is still plaintext (platform super admins; audited)',
      request: { params: idParam },
      responses: { 200: json(OrganizationEncryption, 'Configuration, keys (no key material), plaintext counts'), ...errors(404) },
    }),
    async (c) => {
      superAdmin(c.var.actor);
      const status = await organizationEncryption(c.var.db, c.env.ENCRYPTION_MASTER_KEYS, c.var.actor, c.req.valid('param').id);
      return c.json(found(status), 200);
    },
  );

  openapi(
    app,
    createRoute({
      method: 'post',
      path: `${path}/rotate`,
      tags,
      summary: 'Retire the active data key; new writes use a new one, old content still opens (audited)',
      request: { params: idParam },
      responses: { 200: json(KeyRotation, 'The retired key ids and the new active key'), ...errors(404, 409) },
    }),
    async (c) => {
      superAdmin(c.var.actor);
      const rotated = await rotateOrganizationKey(c.var.db, c.env.ENCRYPTION_MASTER_KEYS, c.var.actor, c.req.valid('param').id);
      return c.json(found(rotated), 200);
    },
  );

  openapi(
    app,
    createRoute({
      method: 'post',
      path: `${path}/shred`,
      tags,
      summary: 'Crypto-shred: destroy every data key, clear search documents and previews; irreversible (audited)',
      request: { params: idParam, ...jsonBody(ShredRequest) },
      responses: { 200: json(ShredResult, 'What was destroyed and cleared, and the legacy plaintext left'), ...errors(404) },
    }),
    async (c) => {
      superAdmin(c.var.actor);
      const shredded = await shredOrganization(c.var.db, c.var.actor, c.req.valid('param').id, c.req.valid('json').confirm);
      return c.json(found(shredded), 200);
    },
  );
}
