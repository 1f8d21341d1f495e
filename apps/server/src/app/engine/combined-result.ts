import { Injectable } from '@nestjs/common';
import type { RunResult, SubtaskValue } from '@onward/task-domain';

import type { RunEntity } from '../persistence/run.entity';
import { RunsRepository } from '../persistence/runs.repository';
import { ResultStorage } from '../results/result-storage.service';
import { writeSubtasksZip } from '../results/subtasks-zip';

/** Failed rows named in a scheduler's error details; errors.txt in its zip lists them all. */
export const FAILED_ROWS_SHOWN = 100;

/** A scheduler's combined result, and the failed rows its error details name. */
export interface Combined {
  result: RunResult;
  /** "Row 3 (customer=Nobody Ltd): …", one line per failed row (the first `FAILED_ROWS_SHOWN`); null: none. */
  failedRows: string | null;
}

/** One subtask in a value result: what it was run for and how it ended. */
function valueRow(child: RunEntity): SubtaskValue {
  return {
    row: (child.position ?? 0) + 1,
    display: child.display,
    status: child.status,
    value: child.result?.type === 'value' ? child.result.value : null,
    ...(child.result?.type === 'value' && child.result.summary !== undefined ? { summary: child.result.summary } : {}),
    error: child.errorMessage,
  };
}

/**
 * A scheduler's combined result: a zip of its subtasks' files (with errors.txt), or, when none wrote
 * a file, a list of their values. The subtasks are read once, a page at a time, and the zip streams,
 * so memory does not grow with the number of rows (a value result holds a line per row either way).
 */
@Injectable()
export class CombinedResult {
  constructor(
    private readonly repository: RunsRepository,
    private readonly storage: ResultStorage,
  ) {}

  async build(parent: RunEntity): Promise<Combined> {
    // The value rows are kept as the pages pass, until a subtask's file makes the result a zip.
    let values: SubtaskValue[] | null = [];
    const noteValues = async function* (pages: AsyncIterable<RunEntity[]>): AsyncGenerator<RunEntity[]> {
      for await (const page of pages) {
        if (values && page.some((c) => c.status === 'completed' && c.result?.type === 'file')) values = null;
        values?.push(...page.map(valueRow));
        yield page;
      }
    };
    const failed: string[] = [];
    const fileName = `${parent.task}-${parent.id.slice(0, 8)}.zip`;
    const path = await this.storage.prepare(parent.id, fileName);
    const zip = await writeSubtasksZip(
      path,
      noteValues(this.repository.childrenPages(parent.id)),
      (child, name) => this.storage.path(child.id, name),
      (line) => {
        if (failed.length < FAILED_ROWS_SHOWN) failed.push(line);
      },
    );
    const more = zip.failed - failed.length;
    const failedRows = zip.failed === 0 ? null : failed.join('\n') + (more > 0 ? `\n… and ${more} more` : '');
    if (zip.files > 0) {
      return { result: { type: 'file', fileName, contentType: 'application/zip', size: zip.size }, failedRows };
    }
    // No subtask wrote a file: the result lists their values, and the empty zip goes.
    await this.storage.remove(parent.id);
    return { result: { type: 'value', value: values ?? [] }, failedRows };
  }
}
