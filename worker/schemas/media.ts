// Message media as the API takes and gives it: raw bytes both ways (the upload's own Content-Type, the download's
// declared one), and the upload's answer. OpenAPI 3.1 describes raw bytes as a string with a content media type.
import { z } from 'zod';

export const binary = z.string().meta({ format: 'binary' });

export const uploadQuery = z.object({
  // Never refused: path separators and NUL become _, and the name is cut at 200 characters.
  filename: z
    .string()
    .optional()
    .transform((s) => (s ?? 'arquivo').replace(/[\\/\0]/g, '_').slice(0, 200))
    .meta({ description: 'The file’s name as the customer will see it (default "arquivo")' }),
});

/** The stored attachment: send it with `media: { key }` in POST /api/v1/conversations/{id}/messages. */
export const UploadedMedia = z
  .object({ key: z.string(), mimeType: z.string(), size: z.number().int(), filename: z.string() })
  .meta({ id: 'UploadedMedia' });
export type UploadedMedia = z.infer<typeof UploadedMedia>;
