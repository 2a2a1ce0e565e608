// /api/docs: the API reference (Scalar) over /api/v1/openapi.json. Everything comes from this origin — the viewer's
// bundle too — under a CSP of its own: scripts only from here, no inline script, requests only back to this API.
import type { Context } from 'hono';
import type { AppEnv } from '../env';
import { scalarBundle } from './scalar-bundle';

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  // The viewer injects its stylesheet and sets style attributes.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  // The document, and "try it" requests to this same API.
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Conversa API</title>
</head>
<body>
<div id="api-reference"></div>
<script src="/api/docs/scalar.js"></script>
<script src="/api/docs/init.js"></script>
</body>
</html>
`;

// System fonts (no fonts.scalar.com), no hosted client or AI agent: nothing leaves this origin.
const INIT = `Scalar.createApiReference('#api-reference', ${JSON.stringify({
  url: '/api/v1/openapi.json',
  withDefaultFonts: false,
  hideClientButton: true,
  agent: { disabled: true },
  telemetry: false,
})});
`;

const headers = (type: string) => ({ 'content-type': type, 'content-security-policy': CSP, 'cache-control': 'public, max-age=300' });

export function docsPage(c: Context<AppEnv>) {
  return c.body(PAGE, 200, headers('text/html; charset=utf-8'));
}

export function docsScript(c: Context<AppEnv, '/api/docs/:file'>) {
  const file = c.req.param('file');
  return c.body(file === 'init.js' ? INIT : scalarBundle, 200, headers('text/javascript; charset=utf-8'));
}
