import { Injectable } from '@nestjs/common';
import type { RunResult } from '@onward/task-domain';

import type { RunEntity } from '../persistence/run.entity';
import { RunsRepository } from '../persistence/runs.repository';
import { ResultStorage } from '../results/result-storage.service';
import { failedRowLine, writeSubtasksZip } from '../results/subtasks-zip';

/** Failed rows named in a scheduler's error details; errors.txt in its zip lists them all. */
export const FAILED_ROWS_SHOWN = 100;

/** A scheduler's combined result, and the failed rows its error details name. */
export interface Combined {
  result: RunResult;
  /** "Row 3 (customer=Nobody Ltd): …", one line per failed row (the first `FAILED_ROWS_SHOWN`); null: none. */
  failedRows: string | null;
}

/**
 * A scheduler's combined result: a zip of its subtasks' files (with errors.txt), or, when none wrote
 * a file, a list of their values. The subtasks are read a page at a time and the zip streams, so
 * memory does not grow with the number of rows.
 */
@Injectable()
export class CombinedResult {
  constructor(
    private readonly repository: RunsRepository,
    private readonly storage: ResultStorage,
  ) {}

  async build(parent: RunEntity): Promise<Combined> {
    const failed: string[] = [];
    let failedCount = 0;
    // Each page passes once through here on its way into the zip: the failed rows are noted as it does.
    const noteFailures = async function* (pages: AsyncIterable<RunEntity[]>): AsyncGenerator<RunEntity[]> {
      for await (const page of pages) {
        for (const child of page) {
          if (child.status !== 'failed') continue;
          failedCount++;
          if (failed.length < FAILED_ROWS_SHOWN) failed.push(failedRowLine(child));
        }
        yield page;
      }
    };
    const fileName = `${parent.task}-${parent.id.slice(0, 8)}.zip`;
    const path = await this.storage.prepare(parent.id, fileName);
    const zip = await writeSubtasksZip(path, noteFailures(this.repository.childrenPages(parent.id)), (child, name) =>
      this.storage.path(child.id, name),
    );
    const more = failedCount - failed.length;
    const failedRows =
      failed.length === 0 ? null : more > 0 ? `${failed.join('\n')}\n… and ${more} more` : failed.join('\n');
    if (zip.files > 0) {
      return { result: { type: 'file', fileName, contentType: 'application/zip', size: zip.size }, failedRows };
    }
    // No subtask wrote a file: the result lists their values, and the empty zip goes.
    await this.storage.remove(parent.id);
    const value: unknown[] = [];
    for await (const page of this.repository.childrenPages(parent.id)) {
      for (const c of page) {
        value.push({
          row: (c.position ?? 0) + 1,
          display: c.display,
          status: c.status,
          value: c.result?.type === 'value' ? c.result.value : null,
          error: c.errorMessage,
        });
      }
    }
    return { result: { type: 'value', value }, failedRows };
  }
}
