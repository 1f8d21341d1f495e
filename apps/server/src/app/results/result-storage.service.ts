import { Inject, Injectable } from '@nestjs/common';
import { createReadStream, createWriteStream, ReadStream, WriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';

import { ONWARD_CONFIG } from '../config/config.module';
import type { OnwardConfig } from '../config/onward-config';

/** A file name safe on every file system and in a Content-Disposition header. */
export function safeFileName(name: string): string {
  const cleaned = basename(name)
    .replace(/[^A-Za-z0-9._ -]+/g, '_')
    .replace(/^\.+/, '')
    .slice(0, 150);
  return cleaned || 'result';
}

/** Result files on disk: one folder per run under `ONWARD_DATA_DIR/results`. */
@Injectable()
export class ResultStorage {
  constructor(@Inject(ONWARD_CONFIG) private readonly config: OnwardConfig) {}

  folder(runId: string): string {
    return join(this.config.resultsDir, runId);
  }

  path(runId: string, fileName: string): string {
    return join(this.folder(runId), safeFileName(fileName));
  }

  /** Makes the run's folder and returns where `fileName` goes. */
  async prepare(runId: string, fileName: string): Promise<string> {
    await mkdir(this.folder(runId), { recursive: true });
    return this.path(runId, fileName);
  }

  async create(runId: string, fileName: string): Promise<{ path: string; stream: WriteStream }> {
    const path = await this.prepare(runId, fileName);
    return { path, stream: createWriteStream(path) };
  }

  async size(path: string): Promise<number> {
    return (await stat(path)).size;
  }

  read(runId: string, fileName: string): ReadStream {
    return createReadStream(this.path(runId, fileName));
  }

  async remove(runId: string): Promise<void> {
    await rm(this.folder(runId), { recursive: true, force: true });
  }
}
