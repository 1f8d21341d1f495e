import type { Logger } from '@nestjs/common';
import type { AwaitResult, OnwardLocale, ParameterDefinition, Parameters, TaskKind } from '@onward/task-domain';
import type { Writable } from 'node:stream';

/** What a handler declares about itself in `@OnwardTask(...)`; published in the catalogue. */
export interface TaskOptions {
  id: string;
  title: string;
  kind: TaskKind;
  awaitResult: AwaitResult;
  /** May the run be moved to (or started in) the background. */
  background: boolean;
  parameters: ParameterDefinition[];
  displayParameters: string[];
  /** Redis mode: run again on another worker when the worker executing it dies (default false). */
  retryOnCrash?: boolean;
  /**
   * Does the handler report progress as it works (default true)? Only such a task's runs are shown
   * stalled after `ONWARD_STALL_WARNING_S` without any; a task that never reports is never stalled.
   */
  reportsProgress?: boolean;
  /**
   * The catalogue's texts in the other languages Onward ships, by locale: the catalogue and a run's
   * title follow the caller's language, and fall back to the English ones declared above.
   */
  translations?: TaskTranslations;
}

/** One language's title, parameter labels and option labels of a task; whatever is left out stays English. */
export interface TaskTranslation {
  title?: string;
  /** By parameter name: its label, and its options' labels by option value. */
  parameters?: Readonly<Record<string, { label?: string; options?: Readonly<Record<string, string>> }>>;
}

/** A task's translations by locale; English is the source, declared in the task's own options. */
export type TaskTranslations = Readonly<Partial<Record<Exclude<OnwardLocale, 'en'>, TaskTranslation>>>;

/** Everything a handler gets to do its work. */
export interface TaskContext<P extends Parameters = Parameters> {
  readonly runId: string;
  /** 1 for the first execution; more when a run is executed again after its worker died (`retryOnCrash`). */
  readonly attempt: number;
  /**
   * The language to write progress messages, summaries and file headings in: the starting request's
   * preferred one (`Accept-Language`) among those Onward ships ('en', 'nl'), 'en' by default. A
   * scheduler's subtasks and a rerun keep their run's.
   */
  readonly locale: OnwardLocale;
  /** The validated parameters, defaults applied. */
  readonly parameters: P;
  /** Fires when the user cancels the run or the server shuts down; stop promptly when it does. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** Reports progress; cheap to call often (writes are throttled, the latest value wins). */
  progress(percent: number | null, message?: string | null): void;
  /**
   * Opens the run's result file for streaming. Write to it and end it; the engine waits for it to
   * finish and records its size. At most one file per run.
   */
  openResultFile(fileName: string, contentType: string): Writable;
  /**
   * A sentence for people about the value the handler returns ("32 prices updated"), shown instead
   * of the raw value. In `locale`; the last call wins; ignored when the run writes a file.
   */
  setSummary(sentence: string): void;
}

/**
 * A task handler: a provider class decorated with `@OnwardTask(...)`. Return a JSON-serialisable
 * value (the run's value result, described by `ctx.setSummary`), or write a file through `ctx.openResultFile` and return nothing.
 * Throw to fail the run: the error's message is shown to the user; its stack goes to the log, and the
 * details name a reference to it.
 */
export interface TaskHandler<P extends Parameters = Parameters> {
  run(ctx: TaskContext<P>): Promise<unknown>;
}

/**
 * Throw this from a handler to fail the run with a message meant for the user; `details` (or,
 * when omitted, nothing) is what "Error details" shows. Any other error's stack goes only to the log.
 */
export class TaskFailure extends Error {
  constructor(
    message: string,
    readonly details: string | null = null,
  ) {
    super(message);
    this.name = 'TaskFailure';
  }
}
