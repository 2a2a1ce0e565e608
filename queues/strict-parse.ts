// Shared by the providers' webhook normalisers (queues/meta, queues/evolution): a part of a body that does not have
// the shape we need stops the whole parse with a readable path, so the body is refused or dead-lettered whole rather
// than half stored.
import type { z } from 'zod';

export class InvalidPart extends Error {}

export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, at: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new InvalidPart(describe(at, r.error));
  return r.data;
}

/** "entry[0].changes[1].value.messages[2].id: Required; …" (the first five issues). */
export function describe(at: string, error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.reduce<string>(
        (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
        at,
      );
      return `${path || '(root)'}: ${issue.message}`;
    })
    .join('; ');
}

/** Runs a parse, turning an InvalidPart (or anything unexpected) into `{ ok: false, error }`; never throws. */
export function strictly<T>(parse: () => T): { ok: true; value: T } | { ok: false; error: string } {
  try {
    return { ok: true, value: parse() };
  } catch (err) {
    if (err instanceof InvalidPart) return { ok: false, error: err.message };
    return { ok: false, error: `unexpected error: ${err instanceof Error ? err.message : String(err)}` };
  }
}
