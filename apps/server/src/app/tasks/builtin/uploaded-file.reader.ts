import { Injectable } from '@nestjs/common';
import { stat } from 'node:fs/promises';

import { RunsRepository } from '../../persistence/runs.repository';
import { ResultStorage } from '../../results/result-storage.service';
import type { RunEntity } from '../../persistence/run.entity';
import { TaskFailure } from '../task-handler';

/** A completed upload's file: where it is on disk, the name the user gave it, and its size. */
export interface UploadedFile {
  path: string;
  fileName: string;
  size: number;
}

/**
 * The port through which tasks read a `file` parameter (the id of an upload run), and the run starter
 * checks it. Implemented below over the upload run's file result, which is stored like any result.
 */
export abstract class UploadedFileReader {
  /** The file name of `ownerId`'s completed upload `runId`, or null when there is no such upload. */
  abstract fileNameOf(runId: string, ownerId: string): Promise<string | null>;
  /** The upload's file, for reading; fails when it is no longer there. */
  abstract open(runId: string): Promise<UploadedFile>;
}

/** The upload's file result, if `run` is a completed upload with one. */
function uploadResult(run: RunEntity | null): { fileName: string } | null {
  if (!run || run.kind !== 'upload' || run.status !== 'completed') return null;
  return run.result?.type === 'file' ? run.result : null;
}

/** Reads uploads through the runs table and the result storage (an upload's file is its run's result). */
@Injectable()
export class ResultFileUploadReader extends UploadedFileReader {
  constructor(
    private readonly runs: RunsRepository,
    private readonly storage: ResultStorage,
  ) {
    super();
  }

  async fileNameOf(runId: string, ownerId: string): Promise<string | null> {
    const run = await this.runs.findById(runId);
    if (run?.ownerId !== ownerId) return null;
    return uploadResult(run)?.fileName ?? null;
  }

  async open(runId: string): Promise<UploadedFile> {
    const result = uploadResult(await this.runs.findById(runId));
    if (!result) throw new TaskFailure('The uploaded file is no longer there: upload it again');
    const path = this.storage.path(runId, result.fileName);
    return { path, fileName: result.fileName, size: (await stat(path)).size };
  }
}
