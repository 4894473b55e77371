/**
 * The tus `Upload-Metadata` header for `fields`: each key, a space and its value in base64, pairs
 * separated by commas (tus 1.0.0, Creation extension). Keys and values are sent as given, so a test
 * can send what a hostile client would.
 */
export const tusMetadata = (fields: Record<string, string>): string =>
  Object.entries(fields)
    .map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`)
    .join(',');
