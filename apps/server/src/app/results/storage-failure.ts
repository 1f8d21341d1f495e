/** Error codes of a file system that is full: no space, or the user's quota. */
const FULL = new Set(['ENOSPC', 'EDQUOT']);
/** Other codes that mean the storage, not the task, failed. */
const BROKEN = new Set(['EIO', 'EROFS', 'EFBIG']);

/** A result file that could not be written because of the server's storage; the message is for people. */
export class ResultWriteFailure extends Error {
  constructor(
    readonly code: string,
    readonly details: string,
  ) {
    super(
      FULL.has(code)
        ? "The result file could not be written: the server's disk is full"
        : `The result file could not be written: the server's storage failed (${code})`,
    );
    this.name = 'ResultWriteFailure';
  }
}

/** The storage failure among `errors` (a stream's error, a handler's error), or null when none is one. */
export function storageFailure(...errors: unknown[]): ResultWriteFailure | null {
  for (const error of errors) {
    if (error instanceof ResultWriteFailure) return error;
    const code = (error as NodeJS.ErrnoException | null)?.code;
    if (typeof code === 'string' && (FULL.has(code) || BROKEN.has(code))) {
      return new ResultWriteFailure(
        code,
        FULL.has(code)
          ? `Tell the administrator: the result folder (ONWARD_DATA_DIR/results) has no space left (${code}).`
          : `Tell the administrator: writing to the result folder (ONWARD_DATA_DIR/results) failed (${code}).`,
      );
    }
  }
  return null;
}
