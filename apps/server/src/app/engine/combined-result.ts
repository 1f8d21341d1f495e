import { Injectable } from '@nestjs/common';
import type { RunResult } from '@onward/task-domain';

import { ResultStorage } from '../results/result-storage.service';
import { writeZip, type ZipEntry } from '../results/zip-writer';
import type { RunEntity } from '../persistence/run.entity';

/** "Row 3 (customerId=7): No orders": one line per failed subtask, for errors.txt and the error details. */
export function failedRowsText(children: RunEntity[]): string | null {
  const lines: string[] = [];
  for (const child of children) {
    if (child.status !== 'failed') continue;
    const params = Object.entries(child.parameters)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(', ');
    lines.push(`Row ${(child.position ?? 0) + 1} (${params}): ${child.errorMessage ?? 'failed'}`);
  }
  return lines.length > 0 ? lines.join('\n') : null;
}

/** A scheduler's combined result: a zip of its subtasks' files (with errors.txt), or a list of their values. */
@Injectable()
export class CombinedResult {
  constructor(private readonly storage: ResultStorage) {}

  async build(parent: RunEntity, children: RunEntity[]): Promise<RunResult> {
    const files: ZipEntry[] = [];
    for (const child of children) {
      if (child.status === 'completed' && child.result?.type === 'file') {
        files.push({ path: this.storage.path(child.id, child.result.fileName), name: child.result.fileName });
      }
    }
    if (files.length === 0) {
      return {
        type: 'value',
        value: children.map((c) => ({
          row: (c.position ?? 0) + 1,
          display: c.display,
          status: c.status,
          value: c.result?.type === 'value' ? c.result.value : null,
          error: c.errorMessage,
        })),
      };
    }
    const fileName = `${parent.task}-${parent.id.slice(0, 8)}.zip`;
    const path = await this.storage.prepare(parent.id, fileName);
    const size = await writeZip(path, files, failedRowsText(children));
    return { type: 'file', fileName, contentType: 'application/zip', size };
  }
}
