import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, link, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

/**
 * Where finished media lives: immutable objects under content-addressed keys
 * (`media/<sha256>.<ext>`, `posters/<sha256>.jpg`, `documents/<sha256>.pdf`). The local folder is the default.
 */
export interface MediaStorage {
  readonly kind: 'local' | 's3';
  /**
   * Puts a finished local file in under `key` (no-op if the key already holds it): moved when `move`,
   * otherwise the source stays where it is.
   */
  putFile(key: string, localPath: string, options?: { move?: boolean }): Promise<void>;
  putBuffer(key: string, body: Buffer): Promise<void>;
  exists(key: string): Promise<boolean>;
  size(key: string): Promise<number>;
  read(key: string, range?: { start: number; end: number }): Readable;
  /** A local path, when the storage has one (lets HTTP serve ranges with sendFile). */
  localPath?(key: string): string;
  remove(key: string): Promise<void>;
}

const SAFE_KEY = /^[a-z]+\/[0-9a-f]{64}(\.[a-z0-9]{1,5})?$/;

/** True for the keys this application makes (`media/<sha256>.<ext>`, `posters/<sha256>.jpg`). */
export const isStorageKey = (key: string): boolean => SAFE_KEY.test(key);

const CONTENT_TYPES: Record<string, string> = { mp4: 'video/mp4', mov: 'video/quicktime', webm: 'video/webm', jpg: 'image/jpeg', pdf: 'application/pdf', m4a: 'audio/mp4', aac: 'audio/aac', mp3: 'audio/mpeg', wav: 'audio/wav' };

/** The media type to serve a stored object with, from its key's extension. */
export const contentTypeOf = (key: string): string => CONTENT_TYPES[key.slice(key.lastIndexOf('.') + 1)] ?? 'application/octet-stream';

export class LocalMediaStorage implements MediaStorage {
  readonly kind = 'local' as const;

  constructor(private readonly root: string) {}

  localPath(key: string): string {
    // Keys are made here from hashes; refuse anything else so no key can leave the root.
    if (!isStorageKey(key)) throw new Error(`invalid storage key ${JSON.stringify(key)}`);
    return path.join(this.root, key);
  }

  async putFile(key: string, localPath: string, options: { move?: boolean } = {}): Promise<void> {
    const target = this.localPath(key);
    await mkdir(path.dirname(target), { recursive: true });
    if (await this.exists(key)) {
      if (options.move) await rm(localPath, { force: true });
      return;
    }
    const partial = `${target}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
    if (options.move) {
      try {
        await rename(localPath, partial);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
        await copyFile(localPath, partial);
        await rm(localPath, { force: true });
      }
    } else {
      // A second name for the same bytes when both folders share a filesystem (no copy, and the
      // source stays until its owner lets go of it); a copy otherwise.
      await link(localPath, partial).catch(() => copyFile(localPath, partial));
    }
    await rename(partial, target);
  }

  async putBuffer(key: string, body: Buffer): Promise<void> {
    const target = this.localPath(key);
    await mkdir(path.dirname(target), { recursive: true });
    const partial = `${target}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
    await writeFile(partial, body);
    await rename(partial, target);
  }

  async exists(key: string): Promise<boolean> {
    try {
      await stat(this.localPath(key));
      return true;
    } catch {
      return false;
    }
  }

  async size(key: string): Promise<number> {
    return (await stat(this.localPath(key))).size;
  }

  read(key: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.localPath(key), range);
  }

  async remove(key: string): Promise<void> {
    await rm(this.localPath(key), { force: true });
  }
}
