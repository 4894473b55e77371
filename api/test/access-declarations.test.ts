import { getMetadataStorage } from 'type-graphql';
import { describe, expect, it } from 'vitest';
import { buildGreenlightSchema } from '../src/graphql/schema';

describe('authorization declarations', () => {
  it('every query and mutation declares who may call it', async () => {
    const schema = await buildGreenlightSchema();
    const declared = new Set(getMetadataStorage().authorizedFields.map((f) => f.fieldName));
    const operations = [...Object.keys(schema.getQueryType()!.getFields()), ...Object.keys(schema.getMutationType()!.getFields())];
    expect(operations.length).toBeGreaterThan(10);
    expect(operations.filter((name) => !declared.has(name))).toEqual([]);
  });
});
