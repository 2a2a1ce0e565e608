// Size limits for request bodies. Hono's bodyLimit buffers a body without Content-Length to count it; a streamed
// upload (the CSV import) must stay streamed, so here a declared length is checked up front and an undeclared one
// is counted as it flows, failing the read that crosses the limit.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';

export const tooLarge = (maxSize: number) => new ApiError(413, 'payload_too_large', `Request body over ${maxSize} bytes`);

export function streamedBodyLimit(maxSize: number): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const body = c.req.raw.body;
    if (!body) return next();
    const declared = c.req.header('content-length');
    if (declared !== undefined && !c.req.header('transfer-encoding')) {
      if (Number(declared) > maxSize) {
        // Not read at all: say so, rather than leave the client's upload hanging.
        await body.cancel().catch(() => {});
        throw tooLarge(maxSize);
      }
      return next();
    }
    let size = 0;
    const counted = body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          size += chunk.byteLength;
          if (size > maxSize) controller.error(tooLarge(maxSize));
          else controller.enqueue(chunk);
        },
      }),
    );
    c.req.raw = new Request(c.req.raw, { body: counted });
    return next();
  };
}
