// zod validation for every input, failing with our 400 shape and a message that names the offending fields.
import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { z } from 'zod';
import { ApiError } from '../errors';

export function validate<T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  return zValidator(target, schema, (result) => {
    if (!result.success) {
      const issues = result.error.issues
        .slice(0, 5)
        .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
        .join('; ');
      throw new ApiError(400, 'validation_failed', `Invalid ${target}: ${issues}`);
    }
    // Postgres text cannot hold NUL: refuse it here as bad input rather than fail in the database.
    if (containsNul(result.data)) throw new ApiError(400, 'validation_failed', `Invalid ${target}: text may not contain NUL characters`);
  });
}

function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(containsNul);
  if (value && typeof value === 'object') return Object.values(value).some(containsNul);
  return false;
}
