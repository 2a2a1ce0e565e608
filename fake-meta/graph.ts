// The fake Graph API (graph.facebook.com) as one Hono app: messages, media, templates and node lookups under a
// version prefix, plus the media download host. Every request is recorded in state.requests.
import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import { unknownObjectError, unknownPathError } from './errors';
import { authenticate, sendGraphError, VERSION, type GraphApp, type GraphEnv } from './graph-common';
import { deleteMedia, mediaInfo, registerMedia } from './graph-media';
import { registerMessages } from './graph-messages';
import { registerTemplates } from './graph-templates';
import { nextSeq, tokenCanUseNumber, type FakeMetaState, type RecordedRequest } from './state';

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const recordRequests = (state: FakeMetaState) => createMiddleware<GraphEnv>(async (c, next) => {
  const url = new URL(c.req.url);
  const contentType = c.req.header('content-type');
  let body: unknown;
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
    // Multipart bodies are summarised by the upload handler (file name, size, type) rather than stored raw.
    if (contentType?.includes('multipart/form-data')) body = { multipart: true };
    else {
      const text = await c.req.text();
      body = text === '' ? undefined : tryJson(text);
    }
  }
  const record: RecordedRequest = {
    seq: nextSeq(state),
    at: new Date(state.now()).toISOString(),
    method: c.req.method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    ...(c.req.header('authorization') ? { authorization: c.req.header('authorization') } : {}),
    ...(contentType ? { contentType } : {}),
    body,
  };
  state.requests.push(record);
  c.set('record', record);
  await next();
  record.status = c.res.status;
  if (c.res.headers.get('content-type')?.includes('application/json')) {
    record.response = await c.res.clone().json().catch(() => undefined);
  }
});

export function createGraphApp(state: FakeMetaState): GraphApp {
  const app: GraphApp = new Hono<GraphEnv>();
  app.use(`/${VERSION}/*`, recordRequests(state));
  app.use('/media-download/*', recordRequests(state));

  registerMessages(app, state);
  registerMedia(app, state);
  registerTemplates(app, state);

  // GET /{version}/{id}: a media id (→ download URL) or a phone number id (→ its profile), like Graph nodes.
  app.get(`/${VERSION}/:id`, (c) => {
    const auth = authenticate(c, state);
    if ('error' in auth) return auth.error;
    const id = c.req.param('id');
    if (state.media.has(id)) return mediaInfo(c, state, auth.token, id);
    const number = tokenCanUseNumber(state, auth.token, id);
    if (!number) return sendGraphError(c, unknownObjectError('GET', id));
    return c.json({
      verified_name: number.verifiedName,
      code_verification_status: 'VERIFIED',
      display_phone_number: number.displayPhoneNumber,
      quality_rating: 'GREEN',
      platform_type: 'CLOUD_API',
      throughput: { level: 'STANDARD' },
      id: number.phoneNumberId,
    });
  });

  app.delete(`/${VERSION}/:id`, (c) => {
    const auth = authenticate(c, state);
    if ('error' in auth) return auth.error;
    return deleteMedia(c, state, auth.token, c.req.param('id'));
  });

  // Anything else under a version: an unknown edge of a node, as Graph words it.
  app.all(`/${VERSION}/:id/*`, (c) => {
    const rest = new URL(c.req.url).pathname.split('/').slice(3).join('/');
    return sendGraphError(c, unknownPathError(`/${rest}`));
  });
  return app;
}
