import { randomBytes } from 'node:crypto';
import fs, { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import path from 'node:path';
import { pipeline as pipelineAsync } from 'node:stream/promises';
import { S3 } from '@aws-sdk/client-s3';
import { FileStore } from '@tus/file-store';
import { S3Store, type MetadataValue } from '@tus/s3-store';
import { ERRORS, type DataStore, type Upload } from '@tus/utils';
import type pg from 'pg';
import type { Config, S3Settings } from '../config';
import type { FinishedFile } from '../modules/media/media.service';
import type { ChunkPool } from './chunk-pool';
import { PostgresKvStore } from './postgres-kv-store';
import { RunningSha256 } from './running-sha256';
import { s3ClientConfig } from './s3-media-storage';

/** Where tus keeps uploads under way, and how a finished one is handed to media processing. */
export interface UploadStore {
  readonly datastore: DataStore;
  /**
   * The finished upload as a local file for probing, with its sha256 when it was computed on the
   * way in; `release` deletes what was made for it.
   */
  finishedFile(uploadId: string): Promise<FinishedFile & { release(): Promise<void> }>;
  /** Drops a processed upload's bytes and state. */
  discard(uploadId: string): Promise<void>;
  /** Deletes uploads left unfinished past the expiry period; returns how many. */
  removeExpired(): Promise<number>;
}

/**
 * Whether every byte of an upload has arrived, by the store's own reading of it — the one HEAD
 * answers with: the file's size for local files, the parts in the bucket for S3. Never a stored
 * offset: the file store writes an upload's state once, at creation, and never updates its offset.
 */
export function allBytesArrived(upload: Pick<Upload, 'offset' | 'size'>): boolean {
  return upload.size !== undefined && upload.offset === upload.size;
}

/**
 * Uploads a process must see through: those being processed (`MediaService.claim` takes over only
 * one whose lease lapsed), and those whose bytes have all arrived but which nobody claimed — the
 * process that answered the last PATCH stopped before processing began.
 */
export async function uploadsAwaitingProcessing(store: Pick<UploadStore, 'datastore'>, pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ id: string; status: string }>(`select id, status from episode_upload where status in ('UPLOADING', 'PROCESSING') order by created_at`);
  const awaiting: string[] = [];
  for (const row of rows) {
    if (row.status === 'PROCESSING') awaiting.push(row.id);
    else if (await store.datastore.getUpload(row.id).then(allBytesArrived, () => false)) awaiting.push(row.id);
  }
  return awaiting;
}

export function createUploadStore(config: Config, pool: pg.Pool, chunks: ChunkPool): UploadStore {
  return config.storage.kind === 's3' ? new S3UploadStore(config, config.storage, pool) : new LocalUploadStore(config, pool, chunks);
}

/** tus's FileStore, hashing each write's bytes on their way to the file (see RunningSha256) and reusing their memory (see ChunkPool). */
export class HashingFileStore extends FileStore {
  constructor(
    options: ConstructorParameters<typeof FileStore>[0],
    readonly sha256: RunningSha256,
    /** Where the chunks of a request's body come from (see gatheredBody), and go back once written. */
    private readonly chunks: ChunkPool,
  ) {
    super(options);
  }

  /**
   * A remembered state whose file is gone may be stale (another instance processed and removed the
   * upload): asked again from the database, so the answer is the one a process without memory gives.
   */
  override async getUpload(id: string): Promise<Upload> {
    try {
      return await super.getUpload(id);
    } catch (error) {
      if (error === ERRORS.FILE_NO_LONGER_EXISTS && this.configstore instanceof PostgresKvStore && this.configstore.forget(id)) return super.getUpload(id);
      throw error;
    }
  }

  /**
   * FileStore expires an upload by its stored offset, which it never updates: a complete upload
   * waiting for processing, or under way, would lose its file with the abandoned ones. Only uploads
   * still missing bytes expire here.
   */
  override async deleteExpired(): Promise<number> {
    const cutoff = Date.now() - this.getExpiration();
    let removed = 0;
    for (const id of await this.configstore.list!()) {
      const state = await this.configstore.get(id);
      if (!state?.creation_date || new Date(state.creation_date).getTime() >= cutoff) continue;
      let upload: Upload | undefined;
      try {
        upload = await this.getUpload(id);
      } catch (error) {
        // Its state gone too: another process removed it. A state whose file is gone is removed below.
        if (error === ERRORS.FILE_NOT_FOUND) continue;
        if (error !== ERRORS.FILE_NO_LONGER_EXISTS) throw error;
      }
      if (upload && allBytesArrived(upload)) continue;
      // Forced: another process's clean-up may be removing the same upload.
      this.sha256.forget(id);
      await rm(path.join(this.directory, id), { force: true });
      await this.configstore.delete(id);
      removed++;
    }
    return removed;
  }

  /**
   * FileStore's write (the bytes appended at `offset`, the file's new size returned; any failure is
   * FILE_WRITE_ERROR, and what was written before it stays), with the running sha256 on the way and
   * each chunk handed back to `chunks` once the file has it.
   */
  override async write(readable: Readable, uploadId: string, offset: number): Promise<number> {
    const file = path.join(this.directory, uploadId);
    const tap = await this.sha256.tap(uploadId, file, offset);
    let stored = offset;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        stored += chunk.length;
        callback(null, chunk);
      },
    });
    const out = createWriteStream(file, { flags: 'r+', start: offset, fs: this.recyclingWrites });
    try {
      await pipelineAsync(readable, tap, counted, out);
    } catch {
      this.sha256.forget(uploadId);
      throw ERRORS.FILE_WRITE_ERROR;
    }
    this.sha256.settle(uploadId, stored);
    return stored;
  }

  /**
   * The file calls of a write stream, handing each chunk back to the pool once it is all in the file.
   * A write the kernel took only part of is continued by the stream with the rest (a view of the same
   * chunk), and the chunk goes back when that completes.
   */
  private readonly recyclingWrites = {
    open: fs.open,
    close: fs.close,
    write: (fd: number, buffer: Buffer, offset: number, length: number, position: number, callback: (err: NodeJS.ErrnoException | null, written: number, buffer: Buffer) => void) =>
      fs.write(fd, buffer, offset, length, position, (err, written) => {
        if (!err && written === length && offset === 0 && length === buffer.length) this.chunks.give(buffer);
        callback(err, written, buffer);
      }),
    writev: (fd: number, buffers: Buffer[], position: number, callback: (err: NodeJS.ErrnoException | null, written: number, buffers: Buffer[]) => void) =>
      fs.writev(fd, buffers, position, (err, written) => {
        if (!err && written === buffers.reduce((sum, b) => sum + b.length, 0)) for (const b of buffers) this.chunks.give(b);
        callback(err, written, buffers);
      }),
  };
}

/** Partial uploads as files in `UPLOAD_DIR`. */
class LocalUploadStore implements UploadStore {
  readonly datastore: HashingFileStore;
  private readonly state: PostgresKvStore;

  constructor(
    private readonly config: Config,
    pool: pg.Pool,
    chunks: ChunkPool,
  ) {
    this.state = new PostgresKvStore(pool, { remember: true });
    this.datastore = new HashingFileStore(
      { directory: config.uploads.dir, configstore: this.state, expirationPeriodInMilliseconds: config.uploads.expiryMs },
      new RunningSha256(),
      chunks,
    );
  }

  async finishedFile(uploadId: string) {
    const file = path.join(this.config.uploads.dir, uploadId);
    const size = (await stat(file)).size;
    // Not consumable: the upload's own file stays until its media revision is committed (`discard`
    // after processing), so a process killed after storing the media but before committing leaves an
    // upload the next claimant can still process.
    return { path: file, consumable: false, sha256: this.datastore.sha256.digest(uploadId, size), release: async () => {} };
  }

  /** FileStore's `remove` gives up before the state when the file was already moved into media storage. */
  async discard(uploadId: string): Promise<void> {
    this.datastore.sha256.forget(uploadId);
    await rm(path.join(this.config.uploads.dir, uploadId), { force: true });
    await this.state.delete(uploadId);
  }

  removeExpired(): Promise<number> {
    return this.datastore.deleteExpired();
  }
}

/**
 * Partial uploads as S3 multipart uploads in the media bucket (objects `<id>`, `<id>.info`,
 * `<id>.part` at the bucket root, beside `media/` and `posters/`). PostgreSQL only caches their state.
 */
class S3UploadStore implements UploadStore {
  readonly datastore: S3Store;
  private readonly cache: PostgresKvStore<MetadataValue>;
  private readonly client: S3;

  constructor(
    private readonly config: Config,
    private readonly settings: S3Settings,
    private readonly pool: pg.Pool,
  ) {
    this.cache = new PostgresKvStore<MetadataValue>(pool);
    this.client = new S3(s3ClientConfig(settings));
    this.datastore = new S3Store({
      partSize: settings.partSize,
      cache: this.cache,
      expirationPeriodInMilliseconds: config.uploads.expiryMs,
      s3ClientConfig: { bucket: settings.bucket, ...s3ClientConfig(settings) },
    });
  }

  /** Hashing and probing need a seekable local file: the object is streamed into `UPLOAD_DIR` first. */
  async finishedFile(uploadId: string) {
    await mkdir(this.config.uploads.dir, { recursive: true });
    const file = path.join(this.config.uploads.dir, `${uploadId}.${randomBytes(4).toString('hex')}.download`);
    const release = () => rm(file, { force: true });
    try {
      await pipelineAsync(await this.datastore.read(uploadId), createWriteStream(file));
    } catch (error) {
      await release();
      throw error;
    }
    return { path: file, consumable: true, release };
  }

  /** The store's own `remove` only handles unfinished uploads (it aborts the multipart upload first). */
  async discard(uploadId: string): Promise<void> {
    await this.client.deleteObjects({
      Bucket: this.settings.bucket,
      Delete: { Objects: [{ Key: uploadId }, { Key: `${uploadId}.info` }, { Key: `${uploadId}.part` }], Quiet: true },
    });
    await this.cache.delete(uploadId);
  }

  async removeExpired(): Promise<number> {
    const removed = await this.datastore.deleteExpired();
    const cutoff = new Date(Date.now() - this.config.uploads.expiryMs);
    // deleteExpired leaves the cached state behind; without it the store would report an aborted
    // upload as complete.
    await this.pool.query(`delete from tus_upload_state where (value->'file'->>'creation_date')::timestamptz < $1`, [cutoff]);
    await this.removeStaleDownloads(cutoff);
    return removed;
  }

  /** Copies left by a process that stopped while processing. */
  private async removeStaleDownloads(cutoff: Date): Promise<void> {
    const names = await readdir(this.config.uploads.dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith('.download'))) {
      const file = path.join(this.config.uploads.dir, name);
      const modified = await stat(file).then((s) => s.mtime, () => undefined);
      if (modified && modified < cutoff) await rm(file, { force: true });
    }
  }
}
