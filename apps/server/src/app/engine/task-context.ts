import { PassThrough, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import type { ResultStorage } from '../results/result-storage.service';
import { storageFailure } from '../results/storage-failure';
import type { RunEntity } from '../persistence/run.entity';
import type { TaskContext } from '../tasks/task-handler';
import type { ProgressReporter } from './progress-reporter';
import { RunLogger, runFields } from './run-log';

/** The result file a handler opened, once its stream is open. */
export interface OpenedFile {
  fileName: string;
  contentType: string;
  /** Set once the storage has created the file. */
  path: string;
  stream: Writable;
}

/** What the handler wrote besides its return value: at most one file, and the writes still under way. */
export class TaskOutput {
  file: OpenedFile | null = null;
  /** The handler's sentence about its value (`ctx.setSummary`). */
  summary: string | null = null;
  readonly writes: Promise<unknown>[] = [];

  /** Ends the file (a handler may leave it open) and waits until it is on disk. */
  async settle(): Promise<void> {
    if (!this.file) return;
    if (!this.file.stream.writableEnded) this.file.stream.end();
    await Promise.all(this.writes);
  }

  /** Drops the file a failed or stopped handler left; returns the writes' own errors. */
  async discard(): Promise<unknown[]> {
    this.file?.stream.destroy();
    const settled = await Promise.allSettled(this.writes);
    return settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
  }
}

/**
 * The context a handler gets for `run`: its parameters, its signal, throttled progress, and its
 * result file. `stopHandler` is called when the file cannot be written (a full disk): the handler has
 * no reason to go on.
 */
export function createTaskContext(
  run: RunEntity,
  signal: AbortSignal,
  reporter: ProgressReporter,
  storage: ResultStorage,
  stopHandler: (reason: Error) => void,
): { ctx: TaskContext; output: TaskOutput } {
  const output = new TaskOutput();
  const ctx: TaskContext = {
    runId: run.id,
    attempt: run.attempts,
    locale: run.locale,
    parameters: run.parameters,
    signal,
    logger: new RunLogger(`task:${run.task}`, runFields(run)),
    progress: (percent, message) => reporter.report(percent, message ?? null),
    setSummary: (sentence) => {
      output.summary = sentence;
    },
    openResultFile: (fileName, contentType) => {
      if (output.file) throw new Error('A run can write one result file only');
      // Handlers get a stream at once; the file behind it opens asynchronously.
      const stream = new PassThrough();
      const opened: OpenedFile = { fileName, contentType, path: '', stream };
      output.file = opened;
      const written = storage.create(run.id, fileName).then(({ path, stream: out }) => {
        opened.path = path;
        // pipeline, not pipe: a handler that destroys its stream (cancel, error) ends the file too.
        return pipeline(stream, out);
      });
      // Observed at once: a cancel fails the file while the handler may still be unwinding, and an
      // unobserved rejection ends the whole worker process. It is still awaited (and judged) later.
      written.catch((error: unknown) => {
        const failure = storageFailure(error);
        if (failure) stopHandler(failure);
      });
      output.writes.push(written);
      return stream;
    },
  };
  return { ctx, output };
}
