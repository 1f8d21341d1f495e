import { Inject, Injectable } from '@nestjs/common';
import { isFinalStatus, RunView } from '@onward/task-domain';
import type { ReadStream } from 'node:fs';
import { filter, firstValueFrom, fromEvent, NEVER, race, timer } from 'rxjs';

import type { AuthUser } from '../auth/auth-user';
import { ConflictError, TooManyRequestsError } from '../common/domain-errors';
import { PerUserCounter } from '../common/per-user-counter';
import { ONWARD_CONFIG } from '../config/config.module';
import type { OnwardConfig } from '../config/onward-config';
import { RunEvents } from '../engine/run-events';
import type { RunEntity } from '../persistence/run.entity';
import { RunsRepository } from '../persistence/runs.repository';
import { ResultStorage } from '../results/result-storage.service';
import { RunViews } from '../persistence/run-views';
import { visibleRun } from './visible-run';

export type RunResultPayload =
  | { type: 'file'; fileName: string; contentType: string; size: number; stream: ReadStream }
  | { type: 'value'; value: unknown };

/** `Retry-After` of a wait refused for too many open waits: they last 30 s by default. */
export const WAIT_RETRY_AFTER_S = 5;

/** What a client takes from a run once it has finished: its result, and `/wait` for the finish. */
@Injectable()
export class RunResults {
  /** Open `/wait` calls per user, in this process (a client holds its waits on one connection). */
  private readonly waits: PerUserCounter;

  constructor(
    private readonly repository: RunsRepository,
    private readonly events: RunEvents,
    private readonly storage: ResultStorage,
    private readonly views: RunViews,
    @Inject(ONWARD_CONFIG) private readonly config: OnwardConfig,
  ) {
    this.waits = new PerUserCounter(config.limits.waitsPerUser);
  }

  async result(user: AuthUser, id: string): Promise<RunResultPayload> {
    const run = await this.visible(user, id);
    if (!run.result) throw new ConflictError(`Run ${id} has no result${isFinalStatus(run.status) ? '' : ' yet'}`);
    if (run.result.type === 'value') return run.result;
    return { ...run.result, stream: this.storage.read(run.id, run.result.fileName) };
  }

  /**
   * Resolves when the run has finished or after `seconds` (checked by WaitQuery: 0–60), with its view then; early, when
   * `gone` fires (the client went away). Each user may hold `ONWARD_MAX_WAITS_PER_USER` at once.
   */
  async wait(user: AuthUser, id: string, seconds = 30, gone?: AbortSignal): Promise<RunView> {
    const release = this.waits.acquire(user.id);
    if (!release) {
      throw new TooManyRequestsError(
        `You already have ${this.config.limits.waitsPerUser} ${this.config.limits.waitsPerUser === 1 ? 'wait' : 'waits'} open, the most allowed (ONWARD_MAX_WAITS_PER_USER)`,
        WAIT_RETRY_AFTER_S,
      );
    }
    gone?.addEventListener('abort', release, { once: true });
    try {
      return await this.waitFor(user, id, seconds, gone);
    } finally {
      gone?.removeEventListener('abort', release);
      release();
    }
  }

  private async waitFor(user: AuthUser, id: string, seconds: number, gone?: AbortSignal): Promise<RunView> {
    const deadline = Date.now() + seconds * 1000;
    const clientGone = gone ? fromEvent(gone, 'abort') : NEVER;
    const finishedHere = this.events.events$.pipe(
      filter(
        (e) =>
          (e.type === 'updated' && e.run.id === id && isFinalStatus(e.run.status)) ||
          (e.type === 'deleted' && e.id === id),
      ),
    );
    let run = await this.visible(user, id);
    while (!isFinalStatus(run.status) && Date.now() < deadline && !gone?.aborted) {
      // Events are this process's; the re-read each second also sees runs executed elsewhere.
      await firstValueFrom(race(finishedHere, clientGone, timer(Math.min(1000, deadline - Date.now()))));
      if (gone?.aborted) break;
      run = await this.visible(user, id);
    }
    return this.views.of(run);
  }

  private visible(user: AuthUser, id: string): Promise<RunEntity> {
    return visibleRun(this.repository, user, id);
  }
}
