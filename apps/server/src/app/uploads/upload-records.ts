import { type KvStore, Upload } from '@tus/server';

import { runIdOf, tusIdOf } from './upload-files';
import type { UploadsRepository } from './uploads.repository';

/** What is kept of a tus `Upload`: its offset is the partial file's size, read by the FileStore. */
type StoredUpload = Pick<Upload, 'size' | 'metadata' | 'creation_date'>;

/**
 * The FileStore's `configstore` (@tus/server's KvStore interface) in the database, so that every API
 * process of an installation knows every unfinished upload (the default keeps JSON files beside the
 * uploads). Keys are tus upload ids (`<run id>/.partial`); rows are keyed by run id.
 */
export class UploadRecords implements KvStore<Upload> {
  constructor(private readonly uploads: UploadsRepository) {}

  async get(key: string): Promise<Upload | undefined> {
    const row = await this.uploads.find(runIdOf(key));
    if (!row) return undefined;
    const stored = JSON.parse(row.info) as StoredUpload;
    return new Upload({ id: key, offset: 0, ...stored });
  }

  async set(key: string, value: Upload): Promise<void> {
    const stored: StoredUpload = { size: value.size, metadata: value.metadata, creation_date: value.creation_date };
    await this.uploads.save(runIdOf(key), JSON.stringify(stored), new Date().toISOString());
  }

  async delete(key: string): Promise<void> {
    await this.uploads.delete(runIdOf(key));
  }

  async list(): Promise<string[]> {
    return (await this.uploads.ids()).map(tusIdOf);
  }
}
