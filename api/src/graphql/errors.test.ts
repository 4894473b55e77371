import { describe, expect, it } from 'vitest';
import { databaseRefusalOf } from './errors';

describe('database refusals', () => {
  it('a unique key taken meanwhile is CONFLICT naming the constraint’s column', () => {
    const refusal = databaseRefusalOf({ originalError: { code: '23505', constraint: 'episode_series_id_number_unique' } });
    expect({ code: refusal?.code, details: refusal?.details }).toEqual({ code: 'CONFLICT', details: { field: 'number' } });
  });

  it('a value a column cannot hold is BAD_USER_INPUT naming the column', () => {
    const refusal = databaseRefusalOf({ originalError: { cause: { code: '22001', column: 'display_name' } } });
    expect({ code: refusal?.code, details: refusal?.details }).toEqual({ code: 'BAD_USER_INPUT', details: { field: 'displayName', fieldErrors: [{ field: 'displayName', message: 'The value of displayName cannot be stored.' }] } });
  });

  it('anything else stays an internal error', () => {
    expect(databaseRefusalOf({ originalError: { code: '53300' } })).toBeUndefined();
    expect(databaseRefusalOf(new Error('boom'))).toBeUndefined();
  });
});
