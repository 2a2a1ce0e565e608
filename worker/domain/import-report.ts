// What a CSV import answers (POST /api/v1/contacts/import): the API's schema in worker/schemas/contacts.ts. Kept
// apart from csv.ts, which needs Workers' stream types, so the web app can import these types too.
export type { ImportReport, RowError, RowErrorCode } from '../schemas/contacts';
