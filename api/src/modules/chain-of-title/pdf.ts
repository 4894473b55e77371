/**
 * Whether bytes are a PDF, judged by content: every PDF starts with the header `%PDF-<major>.<minor>`
 * (ISO 32000-2 §7.5.2). The name and the declared type of a file say nothing about what it is.
 */
export function isPdf(bytes: Uint8Array): boolean {
  return /^%PDF-\d\.\d/.test(Buffer.from(bytes.subarray(0, 8)).toString('latin1'));
}
