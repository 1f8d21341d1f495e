import { inject, Injectable } from '@angular/core';
import { MatDialog } from '@angular/material/dialog';
import { MatSnackBar } from '@angular/material/snack-bar';
import type { Parameters, RunView, TaskDefinition } from '@onward/task-domain';
import { firstValueFrom } from 'rxjs';

import { MonitorClient } from '../client/monitor-client';
import { MonitorNotifier } from '../notify/monitor-notifier';
import { AwaitResultDialog, type AwaitResultData, type AwaitResultOutcome } from './await-result-dialog';

/** What to run: one parameter record, or a selection of rows (a scheduler run). */
export type LaunchInput = { parameters: Parameters; rows?: never } | { rows: Parameters[]; parameters?: never };

/**
 * Starts a catalogue task the way its `awaitResult` asks: `yes` and `optional` open the modal
 * progress dialog (the latter with "Run in background"); `no` goes straight to the monitor with a toast.
 */
@Injectable({ providedIn: 'root' })
export class RunLauncher {
  private readonly client = inject(MonitorClient);
  private readonly dialog = inject(MatDialog);
  private readonly snackBar = inject(MatSnackBar);
  private readonly notifier = inject(MonitorNotifier);

  /** Starts the run; resolves with it once started (not finished), or null if the server refused it. */
  async launch(task: TaskDefinition, input: LaunchInput): Promise<RunView | null> {
    let run: RunView;
    try {
      run = await this.client.startRun({ task: task.id, ...input });
    } catch (error) {
      this.snackBar.open(`${task.title} could not be started: ${this.client.describeError(error)}`, 'Dismiss', {
        duration: 8000,
        horizontalPosition: 'left',
      });
      return null;
    }
    if (run.mode === 'background') {
      this.notifier.backgroundStarted(run);
      return run;
    }
    this.notifier.silence(run.id);
    const ref = this.dialog.open<AwaitResultDialog, AwaitResultData, AwaitResultOutcome>(AwaitResultDialog, {
      data: { run, task },
      width: '480px',
      maxWidth: '95vw',
      disableClose: true,
      ariaLabel: `${task.title} in progress`,
    });
    void firstValueFrom(ref.afterClosed()).then((outcome) => {
      if (outcome !== 'background') return;
      this.notifier.unsilence(run.id);
      this.notifier.backgroundStarted(this.client.run(run.id) ?? run, true);
    });
    return run;
  }
}
