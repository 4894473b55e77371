import type { Config } from '../config';
import { S3MediaStorage } from './s3-media-storage';
import { LocalMediaStorage, type MediaStorage } from './storage';

/** The configured media storage: the local folder by default, or an S3-compatible bucket. */
export function createMediaStorage(config: Config): MediaStorage {
  return config.storage.kind === 's3' ? new S3MediaStorage(config.storage) : new LocalMediaStorage(config.mediaDir);
}
