import type { Parameters, RunResult, RunStatus } from '@onward/task-domain';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';

import { writeZip, type ZipEntry } from './zip-writer';

/** What the combined result needs of a scheduler's subtask (a stored run has it all). */
export interface SubtaskOutcome {
  id: string;
  /** Index of its row in the scheduler's `rows`. */
  position: number | null;
  parameters: Parameters;
  status: RunStatus;
  result: RunResult | null;
  errorMessage: string | null;
}

/** What `writeSubtasksZip` wrote. */
export interface SubtasksZip {
  /** Bytes of the zip. */
  size: number;
  /** Subtasks' files in it; 0 means that no subtask produced a file (the result is then a value). */
  files: number;
  /** Failed rows listed in its `errors.txt` (none: no `errors.txt`). */
  failed: number;
}

/** The line of `errors.txt` (and of a scheduler's error details) that names a failed row. */
export function failedRowLine(child: SubtaskOutcome): string {
  const parameters = Object.entries(child.parameters)
    .map(([name, value]) => `${name}=${String(value)}`)
    .join(', ');
  return `Row ${(child.position ?? 0) + 1} (${parameters}): ${child.errorMessage ?? 'failed'}`;
}

/**
 * Streams a scheduler's combined zip to `target`: every completed subtask's file (at `filePath`), in
 * row order, and `errors.txt` listing the failed rows. `pages` is read once, a page at a time (e.g.
 * `RunsRepository.childrenPages(parentId)`), and neither the files nor the listing are held in
 * memory: the listing goes to a file beside `target` as the rows pass, and into the zip at the end.
 * The caller decides what a result with `files` = 0 is (API.md: then a value, not a zip), and hears
 * each failed row's line (`onFailedRow`), e.g. for the scheduler's error details.
 */
export async function writeSubtasksZip(
  target: string,
  pages: AsyncIterable<readonly SubtaskOutcome[]>,
  filePath: (child: SubtaskOutcome, fileName: string) => string,
  onFailedRow: (line: string) => void = () => undefined,
): Promise<SubtasksZip> {
  const listingPath = `${target}.errors.txt`;
  const listing = createWriteStream(listingPath);
  // Its errors (a full disk) reject the write it happened in, or the end.
  const listingFailed = new Promise<never>((_, reject) => listing.once('error', reject));
  listingFailed.catch(() => undefined);
  let files = 0;
  let failed = 0;

  async function* entries(): AsyncGenerator<ZipEntry> {
    for await (const page of pages) {
      for (const child of page) {
        if (child.status === 'completed' && child.result?.type === 'file') {
          files++;
          yield { path: filePath(child, child.result.fileName), name: child.result.fileName };
        } else if (child.status === 'failed') {
          failed++;
          const line = failedRowLine(child);
          onFailedRow(line);
          if (!listing.write(`${failed > 1 ? '\n' : ''}${line}`)) {
            await Promise.race([once(listing, 'drain'), listingFailed]);
          }
        }
      }
    }
  }

  const errorsFile = async (): Promise<string | null> => {
    listing.end();
    await Promise.race([finished(listing), listingFailed]);
    return failed > 0 ? listingPath : null;
  };

  try {
    const size = await writeZip(target, entries(), errorsFile);
    return { size, files, failed };
  } finally {
    // The listing's file is opened in the background: it is removed once the stream has closed, or an
    // open still under way would create it again after the removal.
    if (!listing.closed) {
      const closed = once(listing, 'close').catch(() => undefined);
      listing.destroy();
      await closed;
    }
    await rm(listingPath, { force: true });
  }
}
