import type { FactoryProvider } from '@nestjs/common';

import type { TaskContext, TaskHandler, TaskOptions } from '../task-handler';
import { ProcedureRunner } from './procedure-runner';

/** A catalogue task that is a PostgreSQL stored procedure: the task's metadata and the procedure's name. */
export interface ProcedureTaskOptions extends TaskOptions {
  /** `schema.name`, or `name` in the schema of Onward's tables. */
  procedure: string;
  /** Fails the run with "Timed out after N s" when the CALL takes longer (its `statement_timeout`). */
  timeoutSeconds?: number;
}

/** The handler of a procedure task: the CALL, its NOTICE progress and its cancel are `ProcedureRunner`'s. */
export class ProcedureTask implements TaskHandler {
  constructor(
    readonly options: ProcedureTaskOptions,
    private readonly runner: ProcedureRunner,
  ) {
    runner.declare(options);
  }

  /** Procedures need PostgreSQL; on SQLite the catalogue leaves the task out. */
  get available(): boolean {
    return this.runner.available;
  }

  run(ctx: TaskContext): Promise<Record<string, unknown> | null> {
    return this.runner.call(this.options, ctx);
  }
}

/**
 * Declares a stored procedure as a catalogue task: put the returned provider in a module's
 * `providers`. No handler class is needed; the procedure's arguments are checked against the declared
 * parameters at start (`pg_proc`), and a mismatch stops the server naming the task and the argument.
 */
export function procedureTask(options: ProcedureTaskOptions): FactoryProvider<ProcedureTask> {
  return {
    provide: `onward:procedure-task:${options.id}`,
    inject: [ProcedureRunner],
    useFactory: (runner: ProcedureRunner) => new ProcedureTask(options, runner),
  };
}
