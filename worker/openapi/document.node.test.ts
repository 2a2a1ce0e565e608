// The generated OpenAPI document is valid OpenAPI 3.1 (the official JSON schema, through
// @seriousme/openapi-schema-validator). Runs on Node: the validator compiles schemas with new Function, which workerd
// forbids; the coverage and serving tests are document.test.ts.
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { createApp } from '../app';
import { documentConfig } from './document';

describe('OpenAPI document', () => {
  it('validates against the OpenAPI 3.1 schema', async () => {
    const doc = createApp().getOpenAPI31Document(documentConfig);
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(JSON.stringify(doc)));
    expect(validator.version).toBe('3.1');
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)?.slice(0, 4000)).toEqual([]);
    expect(result.valid).toBe(true);
    // And it does reject: a path item with an operation lacking its responses.
    const broken = await new Validator().validate({ openapi: '3.1.0', info: { title: 't', version: '1' }, paths: { '/x': { get: { responses: 'none' } } } });
    expect(broken.valid).toBe(false);
  });

  it('names every operation uniquely and gives each a summary', () => {
    const doc = createApp().getOpenAPI31Document(documentConfig);
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      for (const [method, op] of Object.entries(item as Record<string, { summary?: string }>)) {
        expect(op.summary, `${method.toUpperCase()} ${path}`).toBeTruthy();
      }
    }
  });
});
