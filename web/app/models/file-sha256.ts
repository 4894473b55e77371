import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/** How much of a file is read at a time: memory stays at one chunk whatever the file's size. */
export const HASH_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * The sha256 (hex, lowercase) of a file or blob, read a chunk at a time. WebCrypto's digest takes
 * the whole input at once, so a multi-gigabyte video would be held in memory: the hash is
 * incremental instead (`@noble/hashes`). `signal` stops it between chunks.
 */
export async function sha256OfBlob(blob: Blob, signal?: AbortSignal): Promise<string> {
  const hash = sha256.create();
  for (let offset = 0; offset < blob.size; offset += HASH_CHUNK_BYTES) {
    signal?.throwIfAborted();
    hash.update(new Uint8Array(await blob.slice(offset, offset + HASH_CHUNK_BYTES).arrayBuffer()));
  }
  return bytesToHex(hash.digest());
}
