import { Injectable } from '@nestjs/common';
import { isFinalStatus, RunStatus } from '@onward/task-domain';

import { Announcer } from './announcer.port';
import { RunEvents } from './run-events';
import type { RunEntity } from '../persistence/run.entity';
import { RunViews } from '../persistence/run-views';
import { RunChanges, RunWriter } from '../persistence/run-writer';
import { type LifecycleEvent, transitionsOf } from './lifecycle';

/** Every change of a run goes through here: persisted (version + 1), then announced. */
@Injectable()
export class RunRecorder {
  constructor(
    private readonly writer: RunWriter,
    private readonly events: RunEvents,
    private readonly announcer: Announcer,
    private readonly views: RunViews,
  ) {}

  /**
   * Applies a lifecycle `event` to a run, with the column changes `changes(to)` that go with the status
   * it enters, as the lifecycle table says (`changes` may prepare that status first, such as cancelling a
   * scheduler's queued subtasks before it ends cancelled). `expected` is the status the caller last knew; a run that
   * changed meanwhile is caught by the table's other guards. Returns the stored run, or null when the
   * event applied to none of the statuses the run could be in (deleted, or finished meanwhile).
   */
  async apply(
    id: string,
    event: LifecycleEvent,
    changes: (to: RunStatus) => RunChanges | Promise<RunChanges>,
    expected?: RunStatus,
  ): Promise<RunEntity | null> {
    for (const { from, to } of transitionsOf(event, expected)) {
      const run = await this.change(id, await changes(to), to, [from]);
      if (run) return run;
    }
    return null;
  }

  /**
   * Applies `changes` (entering status `to` when given, guarded by the state machine or by `from`) and emits
   * `run.updated`, plus a notification when a top-level run starts or finishes. Returns the stored
   * run, or null when it no longer exists or the transition was not allowed.
   */
  async change(id: string, changes: RunChanges, to?: RunStatus, from?: RunStatus[]): Promise<RunEntity | null> {
    const run = await this.writer.update(id, changes, to, from);
    if (!run) return null;
    this.announce(run, to);
    return run;
  }

  /**
   * Applies `changes` only while the run is in `status` (a progress write must not revive a run that
   * ended meanwhile) and announces them; no notification. Null when the run is no longer in `status`.
   */
  async changeWhile(id: string, changes: RunChanges, status: RunStatus): Promise<RunEntity | null> {
    const run = await this.writer.update(id, changes, status, [status]);
    if (run) this.announce(run);
    return run;
  }

  /**
   * The one claim path, for top-level runs and subtasks alike: queued → running in one statement, one
   * more attempt; null when it was not queued. Returns as soon as the row is claimed; `running` is
   * announced once the claim is committed (at once on PostgreSQL, with the turn's other writes on
   * SQLite), never for a claim that did not last.
   */
  async claim(id: string, startedAt: string): Promise<RunEntity | null> {
    const { run, committed } = await this.writer.claim(id, startedAt);
    if (run)
      void committed.then(
        () => this.announce(run, 'running'),
        () => undefined,
      );
    return run;
  }

  /** Cancels a scheduler's subtasks still queued and announces each; returns them. */
  async cancelQueuedChildren(parentId: string, finishedAt: string): Promise<RunEntity[]> {
    const cancelled = await this.writer.cancelQueuedChildren(parentId, finishedAt);
    for (const child of cancelled) this.announce(child, 'cancelled');
    return cancelled;
  }

  /**
   * Stores the queue places told to queued runs (run id → `toldText`) by a compare-and-set, and
   * announces only the runs it changed: another process that told the same place first pushed it.
   */
  async tellPlaces(told: Map<string, string>): Promise<void> {
    for (const run of await this.writer.tellPlaces(told)) this.announce(run);
  }

  /** Resolves once every change announced so far has left this process, or after `withinMs`. */
  announced(withinMs: number): Promise<void> {
    return this.announcer.flushed(withinMs);
  }

  announceDeleted(run: Pick<RunEntity, 'id' | 'ownerId'>): void {
    this.events.emit({ type: 'deleted', id: run.id, ownerId: run.ownerId });
  }

  /** Emits `run.updated` with `view` (by default the run's view as of now), and a notification as `change` says. */
  announce(run: RunEntity, to?: RunStatus, view = this.views.of(run)): void {
    this.events.emit({ type: 'updated', run: view, ...(to ? { to } : {}) });
    if (!to || run.parentId !== null) return;
    const event = to === 'running' ? 'started' : isFinalStatus(to) ? 'finished' : null;
    if (event) {
      this.events.emit({
        type: 'notification',
        ownerId: run.ownerId,
        notification: { id: run.id, event, status: run.status, title: run.title, display: run.display },
      });
    }
  }
}
