import { Injectable } from '@nestjs/common';

import type { RunEntity } from '../persistence/run.entity';
import { linkedController } from './linked-abort';

/** Why a run's signal fired: its user (or an admin) cancelled it, or it was deleted. */
export class CancelledByUser extends Error {
  constructor() {
    super('Cancelled by the user');
  }
}

/** A run executing in this process: its signal, and how to let go of it when it ends. */
export interface ActiveRun {
  signal: AbortSignal;
  release(): void;
}

/** The runs executing in this process, subtasks included, by id: where a cancel finds its handler. */
@Injectable()
export class ActiveRuns {
  private readonly controllers = new Map<string, AbortController>();

  /**
   * Registers `runId` with a signal that fires on a cancel or when `parent` (the process's or the
   * scheduler's signal) does. Registered before the claim, so that a cancel arriving meanwhile still
   * reaches the handler.
   */
  register(runId: string, parent: AbortSignal): ActiveRun {
    const { controller, unlink } = linkedController(parent);
    this.controllers.set(runId, controller);
    return {
      signal: controller.signal,
      release: () => {
        unlink();
        if (this.controllers.get(runId) === controller) this.controllers.delete(runId);
      },
    };
  }

  /** The ids of the runs executing in this process now. */
  ids(): string[] {
    return [...this.controllers.keys()];
  }

  /** Stops `runId` if it executes in this process (called for cancels and deletes). */
  abort(runId: string): void {
    this.controllers.get(runId)?.abort(new CancelledByUser());
  }

  /**
   * Stops a run cancelled or deleted meanwhile (`stored`, its state read back after a write) whose
   * abort message never reached this process: Redis was away, or the message came before this process
   * held the run. Every progress write is such a read.
   */
  stopIfCancelled(runId: string, stored: RunEntity | null): void {
    if (!stored || stored.status === 'cancelling') this.abort(runId);
  }
}
