// Dev and tests only: the mail the outbox provider "sent", as a page (/dev/outbox) and as JSON.
import { desc, eq } from 'drizzle-orm';
import type { Hono } from 'hono';
import { html, raw } from 'hono/html';
import { mailOutbox } from '../db/schema';
import type { AppEnv } from '../env';
import { database } from '../middleware/database';

export function registerDevOutbox(app: Hono<AppEnv>) {
  app.use('/dev/*', async (c, next) => {
    if (c.env.MAIL_PROVIDER !== 'outbox' || c.env.APP_ENV === 'production') {
      return c.json({ error: { code: 'not_found', message: 'Not available in this environment' } }, 404);
    }
    await next();
  });

  app.get('/dev/outbox.json', database, async (c) => {
    const to = c.req.query('to');
    const rows = await c.var.db
      .select()
      .from(mailOutbox)
      .where(to ? eq(mailOutbox.to, to.toLowerCase()) : undefined)
      .orderBy(desc(mailOutbox.createdAt))
      .limit(100);
    return c.json({ data: rows, nextCursor: null });
  });

  app.get('/dev/outbox', database, async (c) => {
    const rows = await c.var.db.select().from(mailOutbox).orderBy(desc(mailOutbox.createdAt)).limit(50);
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
      </html>`);
  });
}
