import { z } from 'zod';

/** An ISO 8601 instant Postgres can store and people mean: years 1900–9999 (year 0 passes ISO but not Postgres). */
export const isoInstant = z.iso
  .datetime({ offset: true })
  .refine((s) => {
    const year = new Date(s).getUTCFullYear();
    return year >= 1900 && year <= 9999;
  }, 'date out of range');
