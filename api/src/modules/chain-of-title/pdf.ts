/** How far from the end the `%%EOF` marker may be: readers accept it within the last 1024 bytes. */
const EOF_WINDOW_BYTES = 1024;

/**
 * Whether bytes are a PDF, judged by content: a PDF starts with the header `%PDF-<major>.<minor>`
 * (ISO 32000-2 §7.5.2) and ends with the `%%EOF` marker after its trailer (§7.5.5), which readers
 * look for near the end. The name and the declared type of a file say nothing about what it is.
 */
export function isPdf(bytes: Uint8Array): boolean {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!/^%PDF-\d\.\d/.test(buffer.subarray(0, 8).toString('latin1'))) return false;
  const end = buffer.subarray(Math.max(8, buffer.length - EOF_WINDOW_BYTES)).toString('latin1');
  return end.includes('%%EOF');
}

/** The name a document is stored and served under: the given name, ending in `.pdf`. */
export function pdfFileName(name: string): string {
  return /\.pdf$/i.test(name) ? name : `${name}.pdf`;
}
