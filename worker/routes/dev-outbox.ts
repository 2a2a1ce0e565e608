// Dev and tests only: the mail the outbox provider "sent", as a page (/dev/outbox) and as JSON.
import { createRoute } from '@hono/zod-openapi';
import { html, raw } from 'hono/html';
import { z } from 'zod';
import { listOutbox } from '../domain/dev-outbox';
import { database } from '../middleware/database';
import { openapi, type ApiApp } from '../openapi/route';
import { ErrorSchema, json, pageOf } from '../openapi/responses';
import { OutboxMail, outboxQuery } from '../schemas/ops';

const tags = ['Dev'];
const unavailable = { 404: json(ErrorSchema, 'Not available in this environment (production, or mail not kept in the outbox)') };
const failed = { default: json(ErrorSchema, 'Unexpected error (500), same body') };

export function registerDevOutbox(app: ApiApp) {
  app.use('/dev/*', async (c, next) => {
    if (c.env.MAIL_PROVIDER !== 'outbox' || c.env.APP_ENV === 'production') {
      return c.json({ error: { code: 'not_found', message: 'Not available in this environment' } }, 404);
    }
    await next();
  });

  openapi(
    app,
    createRoute({
      method: 'get',
      path: '/dev/outbox.json',
      tags,
      summary: 'The last 100 mails the outbox kept (dev and tests only)',
      security: [],
      middleware: [database],
      request: { query: outboxQuery },
      responses: { 200: json(pageOf(OutboxMail), 'Newest first'), ...unavailable, ...failed },
    }),
    async (c) => {
      const data = await listOutbox(c.var.db, { to: c.req.valid('query').to, limit: 100 });
      return c.json({ data, nextCursor: null }, 200);
    },
  );

  openapi(
    app,
    createRoute({
      method: 'get',
      path: '/dev/outbox',
      tags,
      summary: 'The last 50 mails the outbox kept, as a page (dev only)',
      security: [],
      middleware: [database],
      responses: { 200: { description: 'The page', content: { 'text/html': { schema: z.string() } } }, ...unavailable, ...failed },
    }),
    async (c) => {
      const rows = await listOutbox(c.var.db, { limit: 50 });
      return c.html(html`<!doctype html>
        <html lang="pt-BR">
          <head><meta charset="utf-8" /><title>Conversa · caixa de saída (dev)</title>
            <style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}
            article{border:1px solid #ddd;border-radius:8px;padding:1rem;margin:1rem 0}small{color:#666}</style>
          </head>
          <body>
            <h1>Caixa de saída (dev)</h1>
            <p>E-mails que o Conversa enviaria. Em produção eles vão para o provedor de e-mail.</p>
            ${rows.length === 0 ? html`<p>Nenhum e-mail ainda.</p>` : ''}
            ${rows.map(
              (m) => html`<article>
                <small>${m.createdAt.toISOString()} · ${m.kind}</small>
                <h2>${m.subject}</h2>
                <p><strong>Para:</strong> ${m.to}</p>
                ${m.html ? raw(m.html) : html`<pre>${m.text}</pre>`}
              </article>`,
            )}
          </body>
        </html>`, 200);
    },
  );
}
