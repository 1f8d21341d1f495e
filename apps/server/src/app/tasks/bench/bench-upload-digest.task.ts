import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';

import { UploadFiles } from '../../uploads/upload-files';
import type { TaskContext, TaskHandler } from '../task-handler';
import { OnwardTask } from '../task.decorator';

export type BenchUploadDigestParameters = { file: string };

/**
 * Reads an uploaded file through a `file` parameter (`UploadFiles.open`, as an import task does) and
 * returns its name, size and SHA-256, so that the tests and `bench/` can check what arrived. Only in
 * the catalogue when `ONWARD_BENCH_TASKS=true`.
 */
@OnwardTask({
  id: 'bench-upload-digest',
  title: 'Benchmark upload digest',
  kind: 'task',
  awaitResult: 'optional',
  background: true,
  parameters: [{ name: 'file', label: 'File', type: 'file', required: true }],
  displayParameters: ['file'],
})
export class BenchUploadDigestTask implements TaskHandler<BenchUploadDigestParameters> {
  constructor(private readonly files: UploadFiles) {}

  async run(ctx: TaskContext<BenchUploadDigestParameters>): Promise<unknown> {
    const file = await this.files.open(ctx.parameters.file);
    const hash = createHash('sha256');
    await pipeline(createReadStream(file.path), hash);
    return { fileName: file.fileName, size: file.size, contentType: file.contentType, sha256: hash.digest('hex') };
  }
}
