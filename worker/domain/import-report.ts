// What a CSV import answers (POST /api/v1/contacts/import). Kept apart from csv.ts, which needs Workers' stream
// types, so the web app can import these types too.

/**
 * Why a row was not imported. `code` and `params` are stable for clients to translate; `error` is the same in
 * English for API clients.
 */
export type RowErrorCode =
  | 'missing_phone'
  | 'invalid_phone'
  | 'invalid_email'
  | 'name_too_long'
  | 'invalid_attribute'
  | 'too_many_cells'
  | 'malformed_quotes'
  | 'created_concurrently';

export interface RowError {
  row: number;
  code: RowErrorCode;
  /** invalid_phone/invalid_email: value; name_too_long: max; invalid_attribute: attribute, reason, max or options
   * (the first failing attribute; `error` lists them all); malformed_quotes: detail. */
  params?: Record<string, string | number>;
  error: string;
}

export interface ImportReport {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  errors: RowError[];
  ignoredColumns: string[];
}
