/** A completed upload's file: where it is on disk, the name the user gave it, and its size. */
export interface UploadedFile {
  path: string;
  fileName: string;
  size: number;
}

/**
 * The port through which tasks read a `file` parameter (the id of an upload run). The uploads module
 * implements it (`UploadFiles`); specs of tasks give their own.
 */
export abstract class UploadedFileReader {
  /** The file name of `ownerId`'s completed upload `runId`, or null when there is no such upload. */
  abstract fileNameOf(runId: string, ownerId: string): Promise<string | null>;
  /** The upload's file, for reading; fails the task with a message for the user when it is no longer there. */
  abstract open(runId: string): Promise<UploadedFile>;
}
