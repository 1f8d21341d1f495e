import { inject, Injectable, Injector } from '@angular/core';
import { MatDialog } from '@angular/material/dialog';
import { isUnfinished, type Parameters, type RunView } from '@onward/task-domain';
import { firstValueFrom } from 'rxjs';

import { DeferredDeletes } from '../client/deferred-deletes';
import { MonitorClient } from '../client/monitor-client';
import type { RerunRequest } from '../client/monitor-types';
import type { FailedAction } from '../client/run-errors';
import { ConfirmDialog, type ConfirmData } from '../dialogs/confirm-dialog';
import { ErrorDetailsDialog } from '../dialogs/error-details-dialog';
import { PdfPreviewDialog } from '../dialogs/pdf-preview-dialog';
import { RerunDialog, type RerunDialogData } from '../dialogs/rerun-dialog';
import { ResultValueDialog } from '../dialogs/result-value-dialog';
import { plural } from './plural';
import { MonitorNotifier } from '../notify/monitor-notifier';
import { UploadTransfers } from '../upload/upload-transfers';
import { runLabel } from './run-format';

/** How long a deleted finished run can be brought back with "Undo". */
export const UNDO_DELETE_MS = 5000;

/**
 * What a user can do with a run, with the questions, toasts and error messages around the client
 * calls. Safe to click twice: a cancel or delete of a run already under way does nothing more.
 */
@Injectable({ providedIn: 'root' })
export class RunActions {
  private readonly client = inject(MonitorClient);
  private readonly dialog = inject(MatDialog);
  private readonly deletes = inject(DeferredDeletes);
  private readonly injector = inject(Injector);
  private readonly uploads = inject(UploadTransfers);
  /** Cancels and deletes under way, as `action:id` (asked, waiting for the server, or in the undo window). */
  private readonly busy = new Set<string>();

  /** Opens a result the way it reads best: a value in its dialog, a PDF in the preview, any other file downloaded. */
  async openResult(run: RunView): Promise<void> {
    if (run.result?.type === 'value') {
      this.dialog.open(ResultValueDialog, { data: run, width: '560px', maxWidth: '95vw' });
      return;
    }
    if (run.result?.type === 'file' && run.result.contentType === 'application/pdf') {
      this.preview(run);
      return;
    }
    await this.download(run);
  }

  /** Shows a PDF result inline, with Download and Print beside it. */
  preview(run: RunView): void {
    this.dialog.open(PdfPreviewDialog, { data: run, width: '880px', maxWidth: '95vw' });
  }

  /** Downloads a file result. */
  async download(run: RunView): Promise<void> {
    await this.attempt(
      () => this.client.downloadResult(run),
      $localize`:@@onwardDownloadFailed:The result could not be downloaded.`,
      'result',
    );
  }

  /** Shows a failed run's error details. */
  showError(run: RunView): void {
    this.dialog.open(ErrorDetailsDialog, { data: run, width: '560px', maxWidth: '95vw' });
  }

  /**
   * Runs a finished run again as the caller's own run: as it was, with `parameters` changed, or
   * (`only: 'failed'`) over a selection's failed and cancelled rows. The new run arrives like any
   * start; a second call while the first is under way does nothing.
   */
  async rerun(run: RunView, request: RerunRequest = {}): Promise<void> {
    await this.once(`rerun:${run.id}`, () =>
      this.attempt(
        () => this.client.rerun(run.id, request),
        $localize`:@@onwardRerunFailed:The run could not be started again.`,
        'rerun',
      ),
    );
  }

  /** "Change and run again": asks for the values to change (the task's parameter form), then runs it again with them. */
  async changeAndRerun(run: RunView): Promise<void> {
    const task = this.client.tasks().find((t) => t.id === run.task);
    if (!task) return;
    const ref = this.dialog.open<RerunDialog, RerunDialogData, Parameters>(RerunDialog, {
      data: { run, task },
      width: '440px',
      maxWidth: '95vw',
    });
    const changes = await firstValueFrom(ref.afterClosed());
    if (changes) await this.rerun(run, Object.keys(changes).length > 0 ? { parameters: changes } : {});
  }

  /**
   * Cancels a run; another user's run (an administrator's cancel) only once confirmed. A second call
   * while the first is under way does nothing.
   */
  async cancel(run: RunView): Promise<void> {
    await this.once(`cancel:${run.id}`, async () => {
      // Asked only about another user's run, so that one's own cancel starts at once.
      if (this.othersRun(run) && !(await this.confirmCancelOfOther(run))) return;
      // An upload that this window sends stops here at once, not only on the server.
      this.uploads.abort(run.id);
      await this.attempt(
        () => this.client.cancel(run.id),
        $localize`:@@onwardCancelFailed:The run could not be cancelled.`,
        'cancel',
      );
    });
  }

  /** Whether the run belongs to someone else (an administrator acting on another user's run). */
  private othersRun(run: RunView): boolean {
    const me = this.client.user();
    return !!me && run.owner.id !== me.id;
  }

  /** Asks an administrator before they cancel another user's run; true when confirmed. */
  private async confirmCancelOfOther(run: RunView): Promise<boolean> {
    const data: ConfirmData = {
      title: $localize`:@@onwardCancelOtherTitle:Cancel ${run.owner.username}:owner:'s run?`,
      message: $localize`:@@onwardCancelOtherMessage:${runLabel(run)}:label: belongs to ${run.owner.username}:owner:. They will see that an administrator cancelled it.`,
      confirm: $localize`:@@onwardCancelOtherConfirm:Cancel run`,
    };
    const ref = this.dialog.open<ConfirmDialog, ConfirmData, boolean>(ConfirmDialog, { data, width: '400px' });
    return (await firstValueFrom(ref.afterClosed())) === true;
  }

  /**
   * Deletes a run. One that has not finished is stopped by the deletion, so the user is asked
   * first; a finished one goes at once from the list, with "Undo" in a toast for a few seconds
   * before it is deleted on the server.
   */
  async delete(run: RunView): Promise<void> {
    await this.once(`delete:${run.id}`, async () => {
      if (isUnfinished(run.status)) {
        if (await this.confirmDeleteUnfinished(run)) await this.deleteNow(run);
        return;
      }
      const deleted = this.deletes.schedule(run.id, UNDO_DELETE_MS);
      void this.notifier()
        .toast($localize`:@@onwardDeleted:Deleted: ${runLabel(run)}:run:`, {
          action: $localize`:@@onwardUndo:Undo`,
          durationMs: UNDO_DELETE_MS,
        })
        .then((undo) => undo && this.deletes.undo(run.id));
      try {
        await deleted;
      } catch (error) {
        this.failed($localize`:@@onwardDeleteFailed:The run could not be deleted.`, error, 'delete');
      }
    });
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
    if (!(await this.confirm(data))) return;
    await this.attempt(
      () => this.client.clearFinished(match),
      $localize`:@@onwardClearFailed:Some runs could not be deleted.`,
      'delete',
    );
  }

  private confirmDeleteUnfinished(run: RunView): Promise<boolean> {
    const label = runLabel(run);
    return this.confirm({
      title: $localize`:@@onwardDeleteRunningTitle:Stop and delete this run?`,
      message:
        run.status === 'queued'
          ? $localize`:@@onwardDeleteQueued:${label}:run: has not started yet. Deleting it takes it off the queue for good.`
          : $localize`:@@onwardDeleteRunning:${label}:run: is still running. Deleting it stops it, and what it has done so far is lost.`,
      confirm: $localize`:@@onwardStopAndDelete:Stop and delete`,
    });
  }

  private async deleteNow(run: RunView): Promise<void> {
    this.uploads.abort(run.id);
    await this.attempt(
      () => this.client.delete(run.id),
      $localize`:@@onwardDeleteFailed:The run could not be deleted.`,
      'delete',
    );
  }

  private async confirm(data: ConfirmData): Promise<boolean> {
    const ref = this.dialog.open<ConfirmDialog, ConfirmData, boolean>(ConfirmDialog, { data, width: '400px' });
    return (await firstValueFrom(ref.afterClosed())) === true;
  }

  /** Runs `action` unless the same action on the same run is under way. */
  private async once(key: string, action: () => Promise<void>): Promise<void> {
    if (this.busy.has(key)) return;
    this.busy.add(key);
    try {
      await action();
    } finally {
      this.busy.delete(key);
    }
  }

  private async attempt(action: () => Promise<unknown>, failure: string, kind: FailedAction): Promise<void> {
    try {
      await action();
    } catch (error) {
      this.failed(failure, error, kind);
    }
  }

  private failed(failure: string, error: unknown, kind: FailedAction): void {
    void this.notifier().toast(`${failure} ${this.client.describeError(error, kind)}`, {
      action: $localize`:@@onwardDismiss:Dismiss`,
      durationMs: 6000,
    });
  }

  /** Read when needed: the notifier uses these actions for its own toasts' buttons. */
  private notifier(): MonitorNotifier {
    return this.injector.get(MonitorNotifier);
  }
}
