// Media on the Graph API: upload (POST /{version}/{phone-number-id}/media, multipart), the media node
// (GET → short-lived download URL, DELETE), and the download host, which wants the same Bearer token.
import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { invalidParameterError, invalidTokenError, metaError, unknownObjectError, whatsappError } from './errors';
import { authenticate, bearerToken, sendGraphError, VERSION, type GraphApp } from './graph-common';
import { isSupportedMime, storeMedia } from './media-store';
import { tokenCanUseNumber, tokenKnown, type FakeMetaState } from './state';

/** The token may see the media when it may use the number the media belongs to. */
function visibleMedia(state: FakeMetaState, token: string, mediaId: string) {
  const media = state.media.get(mediaId);
  return media && tokenCanUseNumber(state, token, media.phoneNumberId) ? media : undefined;
}

export function mediaInfo(c: Context, state: FakeMetaState, token: string, mediaId: string): Response {
  const media = visibleMedia(state, token, mediaId);
  // Meta: with phone_number_id, the media must belong to that number.
  const scoped = c.req.query('phone_number_id');
  if (!media || (scoped && scoped !== media.phoneNumberId)) return sendGraphError(c, unknownObjectError('GET', mediaId));
  const grant = { token: randomBytes(18).toString('base64url'), mediaId, expiresAt: state.now() + state.config.mediaUrlTtlMs };
  state.mediaGrants.set(grant.token, grant);
  const origin = new URL(c.req.url).origin;
  return c.json({
    messaging_product: 'whatsapp',
    url: `${origin}/media-download/${mediaId}?token=${grant.token}`,
    mime_type: media.mimeType,
    sha256: media.sha256Hex,
    file_size: media.bytes.length,
    id: media.id,
  });
}

export function deleteMedia(c: Context, state: FakeMetaState, token: string, mediaId: string): Response {
  const media = visibleMedia(state, token, mediaId);
  if (!media) return sendGraphError(c, unknownObjectError('DELETE', mediaId));
  state.media.delete(mediaId);
  return c.json({ success: true });
}

export function registerMedia(app: GraphApp, state: FakeMetaState): void {
  app.post(`/${VERSION}/:phoneNumberId/media`, async (c) => {
    const auth = authenticate(c, state);
    if ('error' in auth) return auth.error;
    const phoneNumberId = c.req.param('phoneNumberId');
    if (!tokenCanUseNumber(state, auth.token, phoneNumberId)) return sendGraphError(c, unknownObjectError('POST', phoneNumberId));
    if (!c.req.header('content-type')?.includes('multipart/form-data')) {
      return sendGraphError(c, invalidParameterError('The parameter file is required.'));
    }

    const form = await c.req.parseBody();
    const file = form.file;
    const type = typeof form.type === 'string' ? form.type : undefined;
    c.get('record').body = {
      fields: { messaging_product: form.messaging_product, type },
      file: file instanceof File ? { name: file.name, size: file.size, type: file.type } : undefined,
    };
    if (form.messaging_product === undefined) return sendGraphError(c, invalidParameterError('The parameter messaging_product is required.'));
    if (form.messaging_product !== 'whatsapp') {
      return sendGraphError(c, invalidParameterError(`Param messaging_product must be one of {WHATSAPP} - got "${String(form.messaging_product)}".`));
    }
    if (!(file instanceof File)) return sendGraphError(c, invalidParameterError('The parameter file is required.'));
    if (!type) return sendGraphError(c, invalidParameterError('The parameter type is required.'));
    if (!isSupportedMime(type)) {
      return sendGraphError(c, whatsappError(metaError(131053, { details: `Param file must be a file with one of the supported types; got ${type}.` })));
    }
    const media = storeMedia(state, {
      phoneNumberId, bytes: Buffer.from(await file.arrayBuffer()), mimeType: type, ...(file.name ? { filename: file.name } : {}),
    });
    return c.json({ id: media.id });
  });

  // The URL handed out by GET /{media-id}: needs the Bearer token too, and stops working after mediaUrlTtlMs.
  app.get('/media-download/:mediaId', (c) => {
    const token = bearerToken(c);
    if (!token || !tokenKnown(state, token)) return sendGraphError(c, invalidTokenError());
    const mediaId = c.req.param('mediaId');
    const grant = state.mediaGrants.get(c.req.query('token') ?? '');
    const media = visibleMedia(state, token, mediaId);
    if (!grant || grant.mediaId !== mediaId || grant.expiresAt <= state.now() || !media) {
      return c.json({ error: { message: 'URL signature mismatch or expired', type: 'OAuthException', code: 100 } }, 404);
    }
    const headers: Record<string, string> = { 'Content-Type': media.mimeType, 'Content-Length': String(media.bytes.length) };
    if (media.filename) headers['Content-Disposition'] = `inline; filename*=UTF-8''${encodeURIComponent(media.filename)}`;
    return c.body(new Uint8Array(media.bytes), 200, headers);
  });
}
