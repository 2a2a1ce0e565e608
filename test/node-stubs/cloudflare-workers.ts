// Node stand-in for `cloudflare:workers`, so a Node test can import the worker's app to read its OpenAPI document
// (the Durable Object classes are never constructed there).
export class DurableObject {}
export class WorkerEntrypoint {}
