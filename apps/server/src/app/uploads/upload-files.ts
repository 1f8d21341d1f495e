import { Injectable } from '@nestjs/common';
import type { RunEntity } from '../persistence/run.entity';
import { RunsRepository } from '../persistence/runs.repository';
import { ResultStorage } from '../results/result-storage.service';
import { TaskFailure } from '../tasks/task-handler';
import { type UploadedFile as PortFile, UploadedFileReader } from '../tasks/builtin/uploaded-file.reader';

/** The run kind and task of an upload (a pseudo-task: never in the catalogue, never queued). */
export const UPLOAD_KIND = 'upload';
export const UPLOAD_TASK = 'upload';
/** The route of the tus endpoint. */
export const UPLOADS_PATH = '/api/uploads';

/**
 * The name of an unfinished upload's bytes inside its run's result folder. A result's own name never
 * starts with a dot (`safeFileName`), so the two cannot meet; deleting the run's folder (delete,
 * retention, a cancel) takes the partial file with it.
 */
export const PARTIAL_FILE = '.partial';

/** The tus upload id (the FileStore's path under the results folder) of an upload run. */
export function tusIdOf(runId: string): string {
  return `${runId}/${PARTIAL_FILE}`;
}

/** The run id of a tus upload id. */
export function runIdOf(tusId: string): string {
  return tusId.endsWith(`/${PARTIAL_FILE}`) ? tusId.slice(0, -PARTIAL_FILE.length - 1) : tusId;
}

/** An uploaded file, ready to read: what the tasks' port gives, and its content type. */
export interface UploadedFile extends PortFile {
  contentType: string;
}

/** A completed upload of `ownerId`: the only thing a `file` parameter may name. */
function isCompletedUploadOf(run: RunEntity | undefined, ownerId: string): boolean {
  return (
    run !== undefined &&
    run.kind === UPLOAD_KIND &&
    run.parentId === null &&
    run.ownerId === ownerId &&
    run.status === 'completed' &&
    run.result?.type === 'file'
  );
}

/**
 * What task handlers and the start check use of uploads: which ids name a caller's completed uploads,
 * and where an upload's file is. Handlers get the run id from a `file` parameter.
 */
@Injectable()
export class UploadFiles extends UploadedFileReader {
  constructor(
    private readonly repository: RunsRepository,
    private readonly storage: ResultStorage,
  ) {
    super();
  }

  /** The file names of those of `ids` that name `ownerId`'s completed uploads, by id; one read. */
  async namesOf(ownerId: string, ids: string[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    for (const run of await this.repository.findByIds([...new Set(ids)])) {
      if (isCompletedUploadOf(run, ownerId) && run.result?.type === 'file') names.set(run.id, run.result.fileName);
    }
    return names;
  }

  async fileNameOf(runId: string, ownerId: string): Promise<string | null> {
    return (await this.namesOf(ownerId, [runId])).get(runId) ?? null;
  }

  /**
   * The file of upload run `runId` (of `ownerId`, when given). Fails the calling task with a message
   * for the user when the upload is unfinished, deleted meanwhile, or not one.
   */
  async open(runId: string, ownerId?: string): Promise<UploadedFile> {
    const run = await this.repository.findById(runId);
    if (!run || !isCompletedUploadOf(run, ownerId ?? run.ownerId) || run.result?.type !== 'file') {
      throw new TaskFailure(`The uploaded file ${runId} no longer exists or is not complete`);
    }
    const { fileName, contentType, size } = run.result;
    return { path: this.storage.path(run.id, fileName), fileName, contentType, size };
  }
}
