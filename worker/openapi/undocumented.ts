// Routes not declared through worker/openapi/route.ts, so missing from the OpenAPI document. Empty since issue 19
// converted the last ones: the document test fails when any registered route is missing from the document.
export const UNDOCUMENTED: readonly string[] = [];
