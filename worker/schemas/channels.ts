// Request bodies of /api/v1/channels: a Meta Cloud API number, or an Evolution API instance connected by QR code.
import { z } from 'zod';

const digits = (max: number) => z.string().trim().regex(/^\d+$/, 'must be digits only').max(max);

export const createMetaChannelBody = z.object({
  provider: z.literal('meta_cloud'),
  name: z.string().trim().min(1).max(80).optional(),
  phoneNumberId: digits(32),
  wabaId: digits(32),
  displayPhoneNumber: z.string().trim().min(3).max(32),
  accessToken: z.string().trim().min(10).max(1024),
});
export const createEvolutionChannelBody = z.object({
  provider: z.literal('evolution'),
  name: z.string().trim().min(1).max(80),
  // Evolution puts the name in its URLs: letters, digits, - and _ only.
  instanceName: z.string().trim().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _ only (at most 64)'),
  sendRatePerMinute: z.number().int().min(1).max(600).optional(),
});
export const createChannelBody = z.discriminatedUnion('provider', [createMetaChannelBody, createEvolutionChannelBody]);
export const updateChannelBody = z
  .object({
    name: z.string().trim().min(1).max(80),
    status: z.enum(['active', 'disabled']),
    accessToken: z.string().trim().min(10).max(1024),
    sendRatePerMinute: z.number().int().min(1).max(600),
    silentAfterMinutes: z.number().int().min(5).max(10_080),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to update');
