// The API reference viewer (Scalar's standalone build), served from our own origin: the docs page loads nothing
// from a CDN. Imported as text through the `[[rules]]` entry in wrangler.toml (the package does not export the file,
// hence the path).
// @ts-expect-error a Text module: a string, which TypeScript cannot see through a .js path
import bundle from '../../node_modules/@scalar/api-reference/dist/browser/standalone.js';

export const scalarBundle: string = bundle;
