// zod validation for every input, failing with our 400 shape and a message that names the offending fields.
import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { z } from 'zod';
import { ApiError } from '../errors';

/** zValidator's and OpenAPIHono's hook argument, as far as it is read here. */
type ValidationResult = { target: keyof ValidationTargets; data?: unknown } & ({ success: true } | { success: false; error: { issues: readonly z.core.$ZodIssue[] } });

export function validate<T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  return zValidator(target, schema, validationHook);
}

/**
 * The hook zValidator (and OpenAPIHono's defaultHook) calls with each result: failures throw our 400. Postgres text
 * cannot hold NUL, so that is refused here as bad input rather than failing in the database.
 */
export function validationHook(result: ValidationResult) {
  if (!result.success) {
    const issues = result.error.issues
      .slice(0, 5)
      .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
      .join('; ');
    throw new ApiError(400, 'validation_failed', `Invalid ${result.target}: ${issues}`);
  }
  if (containsNul(result.data)) throw new ApiError(400, 'validation_failed', `Invalid ${result.target}: text may not contain NUL characters`);
}

function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(containsNul);
  if (value && typeof value === 'object') return Object.values(value).some(containsNul);
  return false;
}
