import { inject, Injectable } from '@angular/core';
import { MatDialog } from '@angular/material/dialog';
import { MatSnackBar } from '@angular/material/snack-bar';
import type { RunView } from '@onward/task-domain';
import { firstValueFrom } from 'rxjs';

import { MonitorClient } from '../client/monitor-client';
import { ConfirmDialog, type ConfirmData } from '../dialogs/confirm-dialog';
import { ErrorDetailsDialog } from '../dialogs/error-details-dialog';
import { ResultValueDialog } from '../dialogs/result-value-dialog';
import { plural } from './plural';

/** What a user can do with a run, with the dialogs and error toasts around the client calls. */
@Injectable({ providedIn: 'root' })
export class RunActions {
  private readonly client = inject(MonitorClient);
  private readonly dialog = inject(MatDialog);
  private readonly snackBar = inject(MatSnackBar);

  /** Downloads a file result or shows a value result. */
  async openResult(run: RunView): Promise<void> {
    if (run.result?.type === 'value') {
      this.dialog.open(ResultValueDialog, { data: run, width: '480px', maxWidth: '95vw' });
      return;
    }
    await this.attempt(() => this.client.downloadResult(run), 'The result could not be downloaded');
  }

  /** Shows a failed run's error details. */
  showError(run: RunView): void {
    this.dialog.open(ErrorDetailsDialog, { data: run, width: '560px', maxWidth: '95vw' });
  }

  /** Cancels a run. */
  async cancel(run: RunView): Promise<void> {
    await this.attempt(() => this.client.cancel(run.id), 'The run could not be cancelled');
  }

  /** Deletes a run (cancelling it first if it still runs). */
  async delete(run: RunView): Promise<void> {
    await this.attempt(() => this.client.delete(run.id), 'The run could not be deleted');
  }

  /**
   * Asks, then deletes the finished runs that `match` selects (those the panel's filter shows);
   * `label` names them as the button did ("Clear 3 failed").
   */
  async clearFinished(count: number, label: string, match: (run: RunView) => boolean = () => true): Promise<void> {
    const data: ConfirmData = {
      title: $localize`:@@onwardClearTitle:${label}:label:?`,
      message: plural(count, {
        one: $localize`:@@onwardClearOne:This deletes # finished run and its result.`,
        other: $localize`:@@onwardClearMany:This deletes # finished runs and their results.`,
      }),
      confirm: $localize`:@@onwardClear:Clear`,
    };
    const ref = this.dialog.open<ConfirmDialog, ConfirmData, boolean>(ConfirmDialog, { data, width: '400px' });
    if (!(await firstValueFrom(ref.afterClosed()))) return;
    await this.attempt(() => this.client.clearFinished(match), 'Some runs could not be deleted');
  }

  private async attempt(action: () => Promise<unknown>, failure: string): Promise<void> {
    try {
      await action();
    } catch (error) {
      this.snackBar.open(`${failure}: ${this.client.describeError(error)}`, 'Dismiss', {
        duration: 6000,
        horizontalPosition: 'left',
      });
    }
  }
}
