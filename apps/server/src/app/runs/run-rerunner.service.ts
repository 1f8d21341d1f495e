import { Injectable } from '@nestjs/common';
import { isFinalStatus, type Parameters, type RunView } from '@onward/task-domain';

import type { AuthUser } from '../auth/auth-user';
import { ConflictError } from '../common/domain-errors';
import type { RunEntity } from '../persistence/run.entity';
import { RunsRepository } from '../persistence/runs.repository';
import { TaskRegistry } from '../tasks/task-registry.service';
import type { RerunDto } from './dto/rerun.dto';
import { RunStarter, type StartOptions } from './run-starter.service';
import { visibleRun } from './visible-run';

/** The subtask statuses that `only: "failed"` runs again. */
const RETRIED = new Set(['failed', 'cancelled']);

/**
 * "Run again": a finished run's task started anew with its parameters (the changed ones merged over
 * them), or a scheduler over its rows, or over only the rows whose subtasks failed or were
 * cancelled. The new run is the caller's and goes through the same checks as any start.
 */
@Injectable()
export class RunRerunner {
  constructor(
    private readonly repository: RunsRepository,
    private readonly registry: TaskRegistry,
    private readonly starter: RunStarter,
  ) {}

  async rerun(user: AuthUser, id: string, request: RerunDto): Promise<RunView> {
    const run = await visibleRun(this.repository, user, id);
    if (!isFinalStatus(run.status)) {
      throw new ConflictError(`Run ${id} has not finished (${run.status}); run it again once it has`);
    }
    if (!this.registry.get(run.task)) {
      throw new ConflictError(`Runs of "${run.task}" cannot be run again`);
    }
    const changes = request.parameters ?? {};
    if (run.scheduler) {
      const rows = await this.rowsOf(run, request.only === 'failed');
      if (rows.length === 0) throw new ConflictError(`No subtask of run ${id} failed or was cancelled`);
      return this.starter.create(
        user,
        { task: run.task, rows: rows.map((row) => ({ ...row, ...changes })) },
        this.options(run),
      );
    }
    if (request.only === 'failed' && !RETRIED.has(run.status)) {
      throw new ConflictError(`Run ${id} did not fail and was not cancelled (${run.status})`);
    }
    return this.starter.create(
      user,
      { task: run.task, parameters: { ...run.parameters, ...changes } },
      this.options(run),
    );
  }

  /** A rerun repeats its run in the run's own language, whoever asks and in whichever language. */
  private options(run: RunEntity): StartOptions {
    return { rerunOf: run.id, locale: run.locale };
  }

  /** A scheduler's rows in their order: the parameters of its subtasks (of the failed and cancelled ones). */
  private async rowsOf(scheduler: RunEntity, onlyFailed: boolean): Promise<Parameters[]> {
    const rows: Parameters[] = [];
    for await (const page of this.repository.childrenPages(scheduler.id)) {
      for (const child of page) if (!onlyFailed || RETRIED.has(child.status)) rows.push(child.parameters);
    }
    return rows;
  }
}
