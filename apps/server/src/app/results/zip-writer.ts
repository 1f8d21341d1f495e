import archiver from 'archiver';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';

export interface ZipEntry {
  /** Where the file is on disk. */
  path: string;
  /** Its name inside the zip. */
  name: string;
}

/**
 * The failed rows' listing of a zip, as `errors.txt`: its text, or a function called once every entry
 * has been taken that resolves to the path of a file holding it (null: no listing).
 */
export type ZipErrors = string | (() => Promise<string | null>) | null;

/** The name of the failed rows' listing in a zip; a subtask's file of that name is renamed. */
export const ERRORS_FILE = 'errors.txt';

/**
 * Entries handed to archiver ahead of the one it is writing. Archiver queues whatever it is given
 * (a task and a lazy stream per file), so without this bound its queue, not the disk, would hold a
 * 10,000-file selection; a few ahead keep it busy.
 */
const ENTRIES_AHEAD = 8;

/**
 * Names inside one zip: `name`, or `name (2).ext`, `name (3).ext`… when an earlier entry took it.
 * The next number to try is kept per name, so that 10,000 subtasks' files of one name cost no more
 * than 10,000 of different names (trying from 2 each time would be quadratic).
 */
class ZipNames {
  private readonly used = new Set<string>();
  private readonly next = new Map<string, number>();

  constructor(reserved: string[]) {
    for (const name of reserved) this.used.add(name);
  }

  take(name: string): string {
    let unique = name;
    let n = this.next.get(name) ?? 2;
    while (this.used.has(unique)) unique = name.replace(/(\.[^.]*)?$/, (ext) => ` (${n++})${ext}`);
    this.next.set(name, n);
    this.used.add(unique);
    return unique;
  }
}

/**
 * Streams files into a zip at `target`, in the order given, then `errors` as `errors.txt`; returns the
 * zip's size. `entries` may be an async iterable that reads them page by page: it is pulled only as
 * archiver takes entries, so memory stays flat however many files (only their names are kept, to keep
 * them unique).
 */
export async function writeZip(
  target: string,
  entries: Iterable<ZipEntry> | AsyncIterable<ZipEntry>,
  errors: ZipErrors = null,
): Promise<number> {
  const output = createWriteStream(target);
  // One stat at a time: archiver stats files (4 at once by default) and queues each entry as its stat
  // returns, which would reorder the rows.
  const archive = archiver('zip', { zlib: { level: 6 }, statConcurrency: 1 });
  // Archiver emits `entry` once it has written an entry, or `warning` when it skips one (a file that
  // is gone): then the next one may go in. A failure wakes the wait too, which then throws it.
  let ahead = 0;
  let failedWith: unknown = null;
  let wake: (() => void) | null = null;
  const next = (): void => {
    wake?.();
    wake = null;
  };
  const roomForOne = (): Promise<void> =>
    new Promise((resolve, reject) => (wake = () => (failedWith === null ? resolve() : reject(failedWith))));
  archive.on('entry', () => {
    ahead--;
    next();
  });
  archive.on('warning', () => {
    ahead--;
    next();
  });
  // The file's errors too (a full disk): piping does not pass them on, and `finalize` would wait forever.
  const failure = new Promise<never>((_, reject) => {
    const fail = (error: unknown): void => {
      failedWith ??= error;
      reject(error);
      next();
    };
    archive.on('error', fail);
    output.on('error', fail);
  });
  failure.catch(() => archive.abort());
  archive.pipe(output);
  const names = new ZipNames(errors === null ? [] : [ERRORS_FILE]);
  try {
    for await (const entry of entries) {
      while (ahead >= ENTRIES_AHEAD && failedWith === null) await roomForOne();
      if (failedWith !== null) throw failedWith;
      archive.file(entry.path, { name: names.take(entry.name) });
      ahead++;
    }
    if (typeof errors === 'string') archive.append(errors, { name: ERRORS_FILE });
    else if (errors !== null) {
      const listing = await Promise.race([errors(), failure]);
      if (listing !== null) archive.file(listing, { name: ERRORS_FILE });
    }
    await Promise.race([archive.finalize(), failure]);
    await Promise.race([finished(output), failure]);
  } catch (error) {
    // Reading the entries failed (a database error): no half-written zip stays open.
    archive.abort();
    output.destroy();
    throw error;
  }
  return archive.pointer();
}
