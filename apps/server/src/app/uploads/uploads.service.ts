import { Inject, Injectable, Logger } from '@nestjs/common';
import { DEFAULT_LOCALE, type RunCanceller } from '@onward/task-domain';
import { FileStore } from '@tus/file-store';
import { EVENTS, MemoryLocker, Server, type Upload } from '@tus/server';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';

import type { AuthUser } from '../auth/auth-user';
import { errorReference } from '../common/http-exception.filter';
import { ONWARD_CONFIG } from '../config/config.module';
import type { OnwardConfig } from '../config/onward-config';
import { ProgressReporter } from '../engine/progress-reporter';
import { runLine } from '../engine/run-log';
import { RunRecorder } from '../engine/run-recorder';
import { PROGRESS_INTERVAL_MS } from '../engine/task-runner';
import { RunEntity } from '../persistence/run.entity';
import type { RunChanges } from '../persistence/run-writer';
import { RunWriter } from '../persistence/run-writer';
import { RunQueue } from '../queue/run-queue.port';
import { ResultStorage, safeFileName } from '../results/result-storage.service';
import { PARTIAL_FILE, runIdOf, tusIdOf, UPLOAD_KIND, UPLOAD_TASK, UPLOADS_PATH } from './upload-files';
import { uploadProgress } from './upload-progress';
import { UploadRecords } from './upload-records';
import { UploadsRepository } from './uploads.repository';

/** The longest file name kept (the display column and Content-Disposition stay reasonable). */
const FILE_NAME_MAX = 255;
/** A media type as a browser's File.type gives it (`text/csv`, `application/vnd.ms-excel`). */
const MEDIA_TYPE = /^[A-Za-z0-9][\w.+-]{0,63}\/[A-Za-z0-9][\w.+-]{0,126}$/;
const RUN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A tus hook's refusal: @tus/server answers `status_code` with `body`. */
interface TusRefusal {
  status_code: number;
  body: string;
}

const now = (): string => new Date().toISOString();

/** What an upload's metadata says about its file. */
export function describedFile(metadata: Upload['metadata']): { fileName: string; contentType: string } | null {
  const name = metadata?.['filename']?.trim();
  if (!name || name.length > FILE_NAME_MAX) return null;
  const type = metadata?.['filetype']?.trim() ?? '';
  return { fileName: name, contentType: MEDIA_TYPE.test(type) ? type : 'application/octet-stream' };
}

/** `3600000` → `1h`, as the durations of the configuration are written. */
function spoken(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${Math.round(ms / 1000)}s`;
}

/**
 * Uploads as runs. The tus protocol is @tus/server's (a FileStore in the results folder, its records
 * in the database through `UploadRecords`); this service makes each upload a run with the same id:
 * created `running` at POST, its progress the share of bytes received (written through the engine's
 * recorder, throttled like any run's), `completed` with the file as its result after the last byte,
 * `cancelled` by a tus DELETE, a cancel or its expiry, which remove the partial file.
 *
 * Over 250 lines on purpose: every transition of an upload's run (create, progress, complete,
 * terminate, cancel, expire) is here beside the tus hooks that cause it, so the rule "the partial file
 * goes with the run's end" is read in one place.
 */
@Injectable()
export class UploadsService {
  private readonly logger = new Logger('Uploads');
  /** The tus server (protocol, locking, file writes); `UploadsController` hands it the requests. */
  readonly tus: Server;
  /** Locks of this process's uploads: a cancel waits for a PATCH of the same upload to let go. */
  private readonly locker = new MemoryLocker();
  /** The caller of each request handed to tus, for its creation hook. */
  private readonly callers = new WeakMap<Request, AuthUser>();
  /** Progress writes of the uploads receiving data in this process, by run id. */
  private readonly reporters = new Map<string, ProgressReporter>();
  /**
   * When each upload receiving data here last told the database so (the expiry counts from there);
   * only entries younger than `touchEveryMs` are kept (`touchIfDue`).
   */
  private readonly touched = new Map<string, number>();
  /** PATCH requests streaming in this process, by run id: a cancel cuts them off. */
  private readonly streaming = new Map<string, Set<IncomingMessage>>();

  constructor(
    @Inject(ONWARD_CONFIG) private readonly config: OnwardConfig,
    private readonly recorder: RunRecorder,
    private readonly writer: RunWriter,
    private readonly uploads: UploadsRepository,
    private readonly storage: ResultStorage,
    private readonly queue: RunQueue,
  ) {
    this.tus = new Server({
      path: UPLOADS_PATH,
      datastore: new FileStore({ directory: config.resultsDir, configstore: new UploadRecords(uploads) }),
      locker: this.locker,
      maxSize: config.limits.uploadBytes,
      // CORS as the rest of the API: only ONWARD_CORS_ORIGINS (none = no other origin).
      allowedOrigins: config.corsOrigins,
      allowedCredentials: config.corsOrigins.length > 0,
      postReceiveInterval: PROGRESS_INTERVAL_MS,
      // A PATCH asked to let go (a DELETE of its upload) stops within this.
      lockDrainTimeout: 500,
      // The bytes go to `results/<run id>/.partial`; the URL names the run id alone.
      namingFunction: () => tusIdOf(randomUUID()),
      generateUrl: (_request, { path, id }) => `${path}/${runIdOf(id)}`,
      getFileIdFromRequest: (_request, lastPath) => (lastPath && RUN_ID.test(lastPath) ? tusIdOf(lastPath) : undefined),
      onUploadCreate: (request, upload) => this.create(request, upload),
      onUploadFinish: async (_request, upload) => {
        await this.complete(upload);
        return {};
      },
      onResponseError: async (_request, error) => this.unexpected(error),
    });
    this.tus.on(EVENTS.POST_RECEIVE, (_source: unknown, upload: Upload) => this.received(upload));
    queue.onAbort((runId) => this.cutOff(runId));
  }

  /** Tells the creation hook who is calling; `request` is the one handed to `tus.handleWeb`. */
  attribute(request: Request, user: AuthUser): void {
    this.callers.set(request, user);
  }

  /** Notes a PATCH streaming in this process until `done`, so that a cancel can cut it off. */
  async streamingWhile<T>(runId: string, request: IncomingMessage, work: () => Promise<T>): Promise<T> {
    const requests = this.streaming.get(runId) ?? new Set();
    requests.add(request);
    this.streaming.set(runId, requests);
    try {
      return await work();
    } finally {
      requests.delete(request);
      if (requests.size === 0) this.streaming.delete(runId);
    }
  }

  /**
   * The end of a PATCH that left the upload at `offset`: its last progress, written now, and the
   * upload's activity for its expiry, told at most every `touchEveryMs` (a client sending small
   * PATCHes back to back would otherwise pay a second commit for each).
   */
  async patched(run: RunEntity, offset: number, length: number | undefined): Promise<void> {
    await this.closeReporter(run.id);
    const { percent, message } = uploadProgress(offset, length);
    await this.recorder.changeWhile(run.id, { progressPercent: percent, progressMessage: message }, 'running');
    await this.touchIfDue(run.id);
  }

  /** A tus DELETE removed the upload's bytes and record: its run ends cancelled by its owner. */
  async terminated(run: RunEntity, user: AuthUser): Promise<void> {
    const cancelledBy: RunCanceller = { id: user.id, username: user.username, admin: false };
    await this.end(run.id, { cancelledBy });
  }

  /**
   * Cancels an unfinished upload (`POST /api/runs/:id/cancel`, and `DELETE` before it deletes): the run
   * becomes `cancelling`, any PATCH streaming into it is cut off (in every process), and once its
   * partial file and record are gone it is `cancelled`. Returns the run as it is then.
   */
  async cancel(run: RunEntity, cancelledBy: RunCanceller): Promise<RunEntity | null> {
    if (!(await this.markCancelling(run, { cancelledBy }))) return null;
    await this.queue.abort(run.id).catch((error: Error) => {
      this.logger.warn(runLine(run, `Upload ${run.id}: its abort message could not be sent: ${error.message}`));
    });
    return this.discard(run.id, {});
  }

  /** Cancels an upload that received nothing for `ONWARD_UPLOAD_EXPIRY`, or finishes a cancel left half done. */
  async expire(run: RunEntity): Promise<void> {
    const message = `Expired: nothing received for ${spoken(this.config.uploadExpiryMs)}`;
    if (await this.markCancelling(run, { progressMessage: message })) await this.discard(run.id, {});
  }

  /**
   * Running → cancelling, as the lifecycle's `cancel`; true when the run is cancelling now. A run that
   * completed meanwhile keeps its file: its last byte won.
   */
  private async markCancelling(run: RunEntity, changes: RunChanges): Promise<boolean> {
    if (run.status === 'cancelling') return true;
    const stored = await this.recorder.apply(run.id, 'cancel', () => changes, run.status);
    return stored?.status === 'cancelling';
  }

  /**
   * Removes an upload's partial file and record under its lock (a PATCH of this process lets go
   * first) and ends its run cancelled with `changes`.
   */
  private async discard(runId: string, changes: RunChanges): Promise<RunEntity | null> {
    this.cutOff(runId);
    const lock = this.locker.newLock(tusIdOf(runId));
    await lock.lock(AbortSignal.timeout(30_000), () => undefined);
    try {
      await this.uploads.delete(runId);
      await this.storage.remove(runId);
    } finally {
      await lock.unlock();
    }
    return this.end(runId, changes);
  }

  /** Ends an unfinished upload's run `cancelled` (from running or cancelling); its folder goes. */
  private async end(runId: string, changes: RunChanges): Promise<RunEntity | null> {
    await this.forget(runId);
    const stored = await this.recorder.apply(runId, 'stopped', () => ({ ...changes, finishedAt: now() }));
    // The (now empty) folder of the partial file; a PATCH elsewhere that outlived the cancel wrote
    // to a file no longer linked.
    if (stored?.status === 'cancelled') await this.storage.remove(runId);
    return stored;
  }

  /** How often an upload receiving data tells the database so: well within its expiry. */
  private touchEveryMs(): number {
    return Math.min(10_000, this.config.uploadExpiryMs / 4);
  }

  /**
   * Tells the database that `runId` is receiving data, unless this process did so within
   * `touchEveryMs`. Older entries say nothing any more and go here, so the map holds only the uploads
   * active in the last interval (an upload that ends in another process would otherwise stay in it).
   */
  private touchIfDue(runId: string): Promise<void> {
    const at = Date.now();
    const every = this.touchEveryMs();
    if (at - (this.touched.get(runId) ?? 0) <= every) return Promise.resolve();
    for (const [id, touchedAt] of this.touched) if (at - touchedAt > every) this.touched.delete(id);
    this.touched.set(runId, at);
    return this.uploads.touch(runId, new Date(at).toISOString());
  }

  /** Stops this process's progress writes of an upload whose PATCH has ended; resolves once they have. */
  private async closeReporter(runId: string): Promise<void> {
    const reporter = this.reporters.get(runId);
    this.reporters.delete(runId);
    await reporter?.close();
  }

  /** Stops this process's progress writes of an upload that has ended, and forgets its activity. */
  private async forget(runId: string): Promise<void> {
    this.touched.delete(runId);
    await this.closeReporter(runId);
  }

  /** Cuts off the PATCH requests of `runId` streaming in this process (the client sees the connection close). */
  private cutOff(runId: string): void {
    for (const request of this.streaming.get(runId) ?? []) request.destroy(new Error('The upload was cancelled'));
  }

  /** tus creation hook: the run, stored `running` before the upload's record and empty file. */
  private async create(request: Request, upload: Upload): Promise<{ metadata?: Upload['metadata'] }> {
    const user = this.callers.get(request);
    if (!user) throw { status_code: 401, body: 'Not authenticated' } satisfies TusRefusal;
    const file = describedFile(upload.metadata);
    if (!file) {
      throw {
        status_code: 400,
        body: `Upload-Metadata must name the file: "filename" followed by the base64 of a name of 1 to ${FILE_NAME_MAX} characters`,
      } satisfies TusRefusal;
    }
    const createdAt = now();
    const { percent, message } = uploadProgress(0, upload.size);
    const run = Object.assign(new RunEntity(), {
      id: runIdOf(upload.id),
      task: UPLOAD_TASK,
      title: 'Upload',
      kind: UPLOAD_KIND,
      ownerId: user.id,
      ownerUsername: user.username,
      mode: 'background',
      status: 'running',
      parameters: {},
      display: { fileName: file.fileName },
      progressPercent: percent,
      progressMessage: message,
      result: null,
      errorMessage: null,
      errorDetails: null,
      parentId: null,
      position: null,
      scheduler: null,
      createdAt,
      startedAt: createdAt,
      finishedAt: null,
      version: 1,
      attempts: 1,
      cancelledBy: null,
      firstRows: null,
      rerunOf: null,
      stalled: false,
      locale: DEFAULT_LOCALE,
      queueTold: null,
    } satisfies RunEntity);
    await this.writer.insert([run]);
    this.recorder.announce(run, 'running');
    return {};
  }

  /** tus POST_RECEIVE (every `PROGRESS_INTERVAL_MS` of a PATCH): the progress so far. */
  private received(upload: Upload): void {
    const runId = runIdOf(upload.id);
    let reporter = this.reporters.get(runId);
    if (!reporter) {
      reporter = new ProgressReporter(PROGRESS_INTERVAL_MS, async ({ percent, message }) => {
        await this.recorder.changeWhile(runId, { progressPercent: percent, progressMessage: message }, 'running');
      });
      this.reporters.set(runId, reporter);
    }
    const { percent, message } = uploadProgress(upload.offset, upload.size);
    reporter.report(percent, message);
    // A long PATCH is activity too: the expiry must not cut a slow, steady upload.
    this.touchIfDue(runId).catch(() => undefined);
  }

  /**
   * tus finish hook (the last byte is in, before the PATCH is answered): the partial file becomes the
   * run's result file, the record goes, the run is `completed` with the file as its result.
   */
  private async complete(upload: Upload): Promise<void> {
    const runId = runIdOf(upload.id);
    await this.forget(runId);
    const file = describedFile(upload.metadata) ?? { fileName: 'upload', contentType: 'application/octet-stream' };
    const fileName = safeFileName(file.fileName);
    const size = upload.size ?? upload.offset;
    try {
      await rename(join(this.storage.folder(runId), PARTIAL_FILE), this.storage.path(runId, fileName));
    } catch (error) {
      // Cancelled (its partial file removed) while the last bytes came in: the cancel has ended it.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const stored = await this.recorder.apply(
      runId,
      'succeeded',
      () => ({
        result: { type: 'file', fileName, contentType: file.contentType, size },
        progressPercent: 100,
        progressMessage: uploadProgress(size, size).message,
        finishedAt: now(),
      }),
      'running',
    );
    await this.uploads.delete(runId);
    // Cancelled while its last bytes came in: the cancel wins, and the file goes.
    if (stored?.status !== 'completed') await this.storage.remove(runId);
  }

  /** An error tus did not raise itself (a hook's, the database's): logged, the client gets a reference. */
  private unexpected(error: Error | TusRefusal): TusRefusal | undefined {
    if ('status_code' in error && error.status_code !== undefined) return undefined;
    const reference = errorReference();
    this.logger.error(`[reference ${reference}] ${(error as Error).stack ?? String(error)}`);
    return { status_code: 500, body: `Internal server error; quote reference ${reference} to the administrator` };
  }
}
