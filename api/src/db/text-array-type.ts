import { ArrayType, type Platform, type TransformContext } from '@mikro-orm/core';

/**
 * A PostgreSQL `text[]` whose every item is written quoted. MikroORM's `ArrayType` writes an item
 * bare unless it holds a quote, brace, comma or backslash, and PostgreSQL reads a bare `NULL` (in any
 * case) as no value at all: a studio's genre "Null" was stored as a null item, and every read of the
 * series, the partner catalog's pages included, then failed on a list that may not hold one.
 */
export class TextArrayType extends ArrayType<string> {
  override convertToDatabaseValue(value: string[] | null, platform: Platform, context?: TransformContext): string | null {
    if (!Array.isArray(value)) return super.convertToDatabaseValue(value, platform, context);
    return `{${value.map((item) => `"${String(item).replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
  }
}
