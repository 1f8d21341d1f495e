import { Logger } from '@nestjs/common';

import type { RunEntity } from '../persistence/run.entity';

/** What every log line about a run carries, so that a log search for one run or one user finds all of it. */
export interface RunLogFields {
  runId: string;
  task: string;
  userId: string;
}

export const runFields = (run: Pick<RunEntity, 'id' | 'task' | 'ownerId'>): RunLogFields => ({
  runId: run.id,
  task: run.task,
  userId: run.ownerId,
});

/** A line about a run: its text as `msg`, beside the run's fields (pino prints them as JSON keys). */
export const runLine = (run: Pick<RunEntity, 'id' | 'task' | 'ownerId'>, msg: string, extra: object = {}): object => ({
  ...runFields(run),
  ...extra,
  msg,
});

/** A task handler's `ctx.logger`: Nest's Logger, each of whose lines carries the run's fields. */
export class RunLogger extends Logger {
  constructor(
    context: string,
    private readonly fields: RunLogFields,
  ) {
    super(context);
  }

  override log(message: unknown, ...params: unknown[]): void {
    super.log(this.line(message), ...params);
  }

  override warn(message: unknown, ...params: unknown[]): void {
    super.warn(this.line(message), ...params);
  }

  override error(message: unknown, ...params: unknown[]): void {
    super.error(this.line(message), ...params);
  }

  override debug(message: unknown, ...params: unknown[]): void {
    super.debug(this.line(message), ...params);
  }

  override verbose(message: unknown, ...params: unknown[]): void {
    super.verbose(this.line(message), ...params);
  }

  override fatal(message: unknown, ...params: unknown[]): void {
    super.fatal(this.line(message), ...params);
  }

  private line(message: unknown): object {
    if (message instanceof Error) return { ...this.fields, err: message, msg: message.message };
    if (typeof message === 'object' && message !== null) return { ...this.fields, ...message };
    return { ...this.fields, msg: String(message) };
  }
}
