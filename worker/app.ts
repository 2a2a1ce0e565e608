// The HTTP surface: middleware, one register call per resource router, one error shape.
import { cors } from 'hono/cors';
import { appOrigins } from './lib/origins';
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { matchedRoutes } from 'hono/route';
import type { AppEnv } from './env';
import { errorBody } from './errors';
import { handleError } from './middleware/on-error';
import { authenticate } from './middleware/auth';
import { streamedBodyLimit, tooLarge } from './middleware/body-limit';
import { database } from './middleware/database';
import { apiRateLimit } from './middleware/rate-limit';
import { requestContext } from './middleware/request-context';
import { httpMetrics } from './middleware/http-metrics';
import { validationHook } from './middleware/validate';
import { registerOpenApi } from './openapi/document';
import { registerAuditLogs } from './routes/audit-logs';
import { registerChannels } from './routes/channels';
import { registerConversations } from './routes/conversations';
import { registerDeadLetters } from './routes/dead-letters';
import { registerMedia } from './routes/media';
import { registerTemplates } from './routes/templates';
import { registerUploads, UPLOAD_MAX_BYTES } from './routes/uploads';
import { registerEvolutionWebhook } from './webhooks/evolution';
import { registerNotifications } from './routes/notifications';
import { registerWhatsAppWebhook } from './webhooks/whatsapp';
import { registerAuth } from './routes/auth';
import { registerPasswordReset } from './routes/password-reset';
import { registerDevOutbox } from './routes/dev-outbox';
import { registerHealth } from './routes/health';
import { registerMetrics } from './routes/metrics';
import { registerInvitationAcceptance, registerInvitations } from './routes/invitations';
import { registerMembers } from './routes/members';
import { registerTeam } from './routes/team';
import { registerOrganization } from './routes/organization';
import { registerPlatformAdmin } from './routes/platform-admin';
import { registerCannedResponses } from './routes/canned-responses';
import { registerContacts } from './routes/contacts';
import { registerContactAttributes } from './routes/contact-attributes';
import { registerContactNotes } from './routes/contact-notes';
import { registerDeals } from './routes/deals';
import { registerPipelines } from './routes/pipelines';
import { registerLabels } from './routes/labels';
import { registerDepartments } from './routes/departments';
import { registerChannelAutomation } from './routes/channel-automation';
import { registerSearch } from './routes/search';
import { registerRealtime } from './routes/realtime';
import { registerReactions } from './routes/reactions';
import { registerScheduledMessages } from './routes/scheduled-messages';
import { registerApiKeys } from './routes/api-keys';
import { registerWebhookEndpoints } from './routes/webhook-endpoints';
import { registerPrivacyReport } from './routes/privacy-report';
import { registerContactLegalHolds, registerRetentionExclusions } from './routes/retention-exclusions';
import { registerDataExports } from './routes/data-exports';
import { registerReports } from './routes/reports';

const PUBLIC_API = ['/api/v1/auth/', '/api/v1/invitations/lookup', '/api/v1/invitations/accept', '/api/v1/openapi.json', '/api/docs'];
const API_BODY_LIMIT = 1024 * 1024;
/** The two socket routes, authenticated by their realtime ticket instead of a Bearer token. */
const TICKETED = /^\/api\/v1\/(inbox|conversations\/[0-9a-f-]{36})\/ws$/i;

/** A contact CSV is read as a stream in batches; 10 MiB is well over 100,000 typical rows. */
export const CSV_IMPORT_MAX_BYTES = 10 * 1024 * 1024;

export function createApp() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use(requestId());
  app.use(requestContext);
  app.use(httpMetrics);

  registerHealth(app);
  registerMetrics(app);
  registerDevOutbox(app);
  // Meta's webhooks: verified and queued at the edge, no database on this path.
  registerWhatsAppWebhook(app);
  registerEvolutionWebhook(app);

  // The web app may live on another origin (Pages) than the API: CORS for APP_URL's origins only, with credentials
  // (the refresh cookie); any other origin gets no CORS headers, so browsers keep its pages out.
  app.use(
    '/api/*',
    cors({
      origin: (origin, c) => (appOrigins(c.env.APP_URL).includes(origin) ? origin : null),
      credentials: true,
      allowMethods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
      allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id', 'X-Refresh-Token-In-Body'],
      exposeHeaders: ['Retry-After', 'X-Request-Id', 'Content-Disposition'],
      maxAge: 600,
    }),
  );
  app.use('/api/*', apiRateLimit, database);
  const refuse = (max: number) => () => {
    throw tooLarge(max);
  };
  const jsonLimit = bodyLimit({ maxSize: API_BODY_LIMIT, onError: refuse(API_BODY_LIMIT) });
  const uploadLimit = bodyLimit({ maxSize: UPLOAD_MAX_BYTES, onError: refuse(UPLOAD_MAX_BYTES) });
  const csvLimit = streamedBodyLimit(CSV_IMPORT_MAX_BYTES);
  // JSON bodies are small; only attachment uploads and the contact CSV import may be large.
  app.use('/api/*', (c, next) => {
    if (c.req.method !== 'POST') return jsonLimit(c, next);
    if (/\/conversations\/[^/]+\/media$/.test(c.req.path)) return uploadLimit(c, next);
    if (c.req.path === '/api/v1/contacts/import') return csvLimit(c, next);
    return jsonLimit(c, next);
  });
  // An unknown path is a 404 for everyone (middleware are registered as ALL; routes have a method).
  app.use('/api/*', async (c, next) => {
    const routed = matchedRoutes(c).some((r) => r.method !== 'ALL');
    // WebSocket upgrades carry a realtime ticket instead of a Bearer token (browsers cannot set headers there):
    // exactly the two socket routes, which check the ticket themselves — not any path that happens to end in /ws.
    const ticketed = c.req.method === 'GET' && TICKETED.test(c.req.path);
    if (!routed || ticketed || PUBLIC_API.some((p) => c.req.path.startsWith(p))) return next();
    return authenticate(c, next);
  });

  registerAuth(app);
  registerPasswordReset(app);
  registerInvitationAcceptance(app);
  registerInvitations(app);
  registerMembers(app);
  registerTeam(app);
  registerAuditLogs(app);
  registerOrganization(app);
  registerPlatformAdmin(app);
  registerChannels(app);
  registerTemplates(app);
  registerConversations(app);
  registerNotifications(app);
  registerReactions(app);
  registerScheduledMessages(app);
  registerMedia(app);
  registerUploads(app);
  registerDeadLetters(app);
  registerContacts(app);
  registerContactNotes(app);
  registerContactAttributes(app);
  registerLabels(app);
  registerDepartments(app);
  registerChannelAutomation(app);
  registerCannedResponses(app);
  registerPipelines(app);
  registerDeals(app);
  registerSearch(app);
  registerRealtime(app);
  registerApiKeys(app);
  registerWebhookEndpoints(app);
  registerPrivacyReport(app);
  registerRetentionExclusions(app);
  registerContactLegalHolds(app);
  registerDataExports(app);
  registerReports(app);
  registerOpenApi(app);

  app.notFound((c) => c.json(errorBody('not_found', `No route for ${c.req.method} ${c.req.path}`), 404));
  app.onError(handleError);
  return app;
}
