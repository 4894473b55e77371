import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { S3, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { S3Settings } from '../config';
import { contentTypeOf, isStorageKey, type MediaStorage } from './storage';

/** Client settings shared by media storage and the tus store. */
export function s3ClientConfig(settings: S3Settings): S3ClientConfig {
  return {
    endpoint: settings.endpoint,
    region: settings.region,
    credentials: settings.credentials,
    forcePathStyle: settings.forcePathStyle,
    // The SDK's default streaming checksums (aws-chunked bodies with trailers) are refused by many
    // S3-compatible servers (Ceph RGW before Reef answers 411). Whole files are sha256-checked anyway.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000 },
  };
}

/** One PutObject carries at most 5 GiB; larger media goes up in parts. */
const SINGLE_PUT_MAX = 5 * 1024 ** 3;
const PART_ATTEMPTS = 3;
const PARTS_AT_ONCE = 4;

const isNotFound = (error: unknown) => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
};

/** Media in an S3-compatible bucket, under the same content-addressed keys as on local disk. */
export class S3MediaStorage implements MediaStorage {
  readonly kind = 's3' as const;
  private readonly client: S3;
  private readonly bucket: string;
  /** Objects above this size go up as multipart uploads. */
  private readonly partSize: number;

  constructor(settings: S3Settings) {
    this.client = new S3(s3ClientConfig(settings));
    this.bucket = settings.bucket;
    this.partSize = settings.partSize;
  }

  async putFile(key: string, localPath: string, options: { move?: boolean } = {}): Promise<void> {
    checkKey(key);
    if (!(await this.exists(key))) {
      const { size } = await stat(localPath);
      if (size <= Math.min(this.partSize, SINGLE_PUT_MAX)) {
        await this.client.putObject({ Bucket: this.bucket, Key: key, Body: createReadStream(localPath), ContentLength: size, ContentType: contentTypeOf(key) });
      } else {
        await this.putInParts(key, localPath, size);
      }
    }
    if (options.move) await rm(localPath, { force: true });
  }

  async putBuffer(key: string, body: Buffer): Promise<void> {
    checkKey(key);
    await this.client.putObject({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentTypeOf(key) });
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.size(key);
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async size(key: string): Promise<number> {
    checkKey(key);
    const head = await this.client.headObject({ Bucket: this.bucket, Key: key });
    return head.ContentLength ?? 0;
  }

  read(key: string, range?: { start: number; end: number }): Readable {
    checkKey(key);
    const out = new PassThrough();
    const abort = new AbortController();
    // A reader that goes away (a closed player tab) must not keep the bucket connection open.
    out.once('close', () => abort.abort());
    this.client
      .getObject({ Bucket: this.bucket, Key: key, Range: range ? `bytes=${range.start}-${range.end}` : undefined }, { abortSignal: abort.signal })
      .then((object) => pipeline(object.Body as Readable, out))
      .catch((error: unknown) => out.destroy(error as Error));
    return out;
  }

  async remove(key: string): Promise<void> {
    checkKey(key);
    await this.client.deleteObject({ Bucket: this.bucket, Key: key });
  }

  /**
   * Multipart upload straight from the file; each part is read afresh on retry. A failed upload is
   * aborted; one that cannot be aborted is removed later with the expired tus uploads.
   */
  private async putInParts(key: string, localPath: string, size: number): Promise<void> {
    const partSize = Math.max(this.partSize, Math.ceil(size / 10_000));
    const { UploadId } = await this.client.createMultipartUpload({ Bucket: this.bucket, Key: key, ContentType: contentTypeOf(key) });
    const count = Math.ceil(size / partSize);
    const etags: string[] = new Array(count);
    let next = 0;
    let failed = false;
    const uploadParts = async () => {
      while (!failed && next < count) {
        const index = next++;
        const start = index * partSize;
        const end = Math.min(size, start + partSize) - 1;
        for (let attempt = 1; ; attempt++) {
          try {
            const part = await this.client.uploadPart({
              Bucket: this.bucket,
              Key: key,
              UploadId,
              PartNumber: index + 1,
              Body: createReadStream(localPath, { start, end }),
              ContentLength: end - start + 1,
            });
            etags[index] = part.ETag!;
            break;
          } catch (error) {
            if (attempt >= PART_ATTEMPTS) {
              failed = true;
              throw error;
            }
          }
        }
      }
    };
    try {
      const outcomes = await Promise.allSettled(Array.from({ length: Math.min(PARTS_AT_ONCE, count) }, uploadParts));
      const rejected = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (rejected) throw rejected.reason;
      await this.client.completeMultipartUpload({
        Bucket: this.bucket,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: etags.map((ETag, index) => ({ ETag, PartNumber: index + 1 })) },
      });
    } catch (error) {
      await this.client.abortMultipartUpload({ Bucket: this.bucket, Key: key, UploadId }).catch(() => undefined);
      throw error;
    }
  }
}

function checkKey(key: string): void {
  // Keys are made here from hashes; refuse anything else.
  if (!isStorageKey(key)) throw new Error(`invalid storage key ${JSON.stringify(key)}`);
}
