import { DOCUMENT } from '@angular/common';
import { HttpErrorResponse } from '@angular/common/http';
import { effect, inject, Injectable, untracked } from '@angular/core';
import { MatDialog } from '@angular/material/dialog';
import { isUnfinished, type Parameters, type RunMode, type RunView, type TaskDefinition } from '@onward/task-domain';
import { firstValueFrom } from 'rxjs';

import { MonitorClient } from '../client/monitor-client';
import { RunVisibility } from '../client/run-visibility';
import { MonitorNotifier } from '../notify/monitor-notifier';
import { FileUploads, UploadStopped } from '../upload/file-uploads';
import { AwaitResultDialog, type AwaitResultData, type AwaitResultOutcome } from './await-result-dialog';
import { ForegroundDialogMemory } from './foreground-dialog-memory';

/**
 * What to run: one parameter record, or a selection of rows (a scheduler run); `mode` overrides the
 * task's default (e.g. `background` for an `optional` task that the user follows in the monitor).
 */
export type LaunchInput = ({ parameters: Parameters; rows?: never } | { rows: Parameters[]; parameters?: never }) & {
  mode?: RunMode;
};

/** What to do with an uploaded file: start `task` with the upload's id as its `parameterName` parameter. */
export interface UploadRequest {
  /** The task that takes the file, e.g. `import-orders`; none: only upload. */
  task?: string;
  /** The task's `file` parameter; default `file`. */
  parameterName?: string;
  /** The task's other parameters. */
  parameters?: Parameters;
}

/** An upload that reached the server: its run id, and the run started with the file (null when none). */
export interface UploadOutcome {
  uploadId: string;
  run: RunView | null;
}

/**
 * Starts a catalogue task the way its `awaitResult` asks: `yes` and `optional` open the modal
 * progress dialog (the latter with "Run in background"); `no` goes straight to the monitor with a toast.
 * A dialog is never the only place a run can be followed: while it is open the monitor of this
 * window leaves the run out, once it is gone the monitor lists it, and after a reload the dialogs
 * of this tab's still unfinished runs open again.
 */
@Injectable({ providedIn: 'root' })
export class RunLauncher {
  private readonly client = inject(MonitorClient);
  private readonly dialog = inject(MatDialog);
  private readonly notifier = inject(MonitorNotifier);
  private readonly visibility = inject(RunVisibility);
  private readonly uploads = inject(FileUploads);
  private readonly memory = new ForegroundDialogMemory(inject(DOCUMENT).defaultView);
  private readonly open = new Set<string>();
  private restoredFor: string | null = null;

  constructor() {
    // Once the runs of a user are loaded, bring back the dialogs this tab had open before a reload.
    effect(() => {
      const user = this.client.user();
      if (!user || this.client.connection() !== 'online' || this.restoredFor === user.id) return;
      this.restoredFor = user.id;
      untracked(() => void this.restore(user.id));
    });
  }

  /** Starts the run; resolves with it once started (not finished), or null if the server refused it. */
  async launch(task: TaskDefinition, input: LaunchInput): Promise<RunView | null> {
    let run: RunView;
    try {
      run = await this.client.startRun({ task: task.id, ...input });
    } catch (error) {
      const reason = this.client.describeError(error, 'start');
      void this.notifier.toast(
        $localize`:@@onwardStartFailed:${task.title}:task: could not be started. ${reason}:reason:`,
        {
          action: $localize`:@@onwardDismiss:Dismiss`,
          durationMs: 8000,
        },
      );
      return null;
    }
    if (run.mode === 'background') {
      this.notifier.backgroundStarted(run);
      return run;
    }
    this.openDialog(run, task);
    return run;
  }

  /**
   * Uploads a file (tus, resumable: see FileUploads) and, when `request.task` is given, starts that
   * task with the upload's id once every byte is in. The task runs in the background when it may, so
   * the monitor's upload entry hands over to the task's entry. Resolves with null when the upload
   * failed (a toast says why) or was cancelled.
   */
  async upload(file: File, request: UploadRequest = {}): Promise<UploadOutcome | null> {
    let uploadId: string;
    try {
      uploadId = await this.uploads.upload(file);
    } catch (error) {
      if (!(error instanceof UploadStopped && error.reason === 'aborted')) this.uploadFailed(file, error);
      return null;
    }
    if (!request.task) return { uploadId, run: null };
    const task = await this.task(request.task);
    if (!task) {
      const reason = this.client.describeError(new HttpErrorResponse({ status: 404 }), 'start');
      void this.notifier.toast(
        $localize`:@@onwardStartFailed:${request.task}:task: could not be started. ${reason}:reason:`,
        { action: $localize`:@@onwardDismiss:Dismiss`, durationMs: 8000 },
      );
      return { uploadId, run: null };
    }
    const parameters: Parameters = { ...request.parameters, [request.parameterName ?? 'file']: uploadId };
    const mode: RunMode | undefined = task.background && task.awaitResult !== 'yes' ? 'background' : undefined;
    const run = await this.launch(task, { parameters, ...(mode ? { mode } : {}) });
    if (run) this.uploads.handOver(uploadId, run);
    return { uploadId, run };
  }

  /** The catalogue entry of `id`, loading the catalogue when it is not there yet. */
  private async task(id: string): Promise<TaskDefinition | undefined> {
    const held = this.client.tasks().find((t) => t.id === id);
    if (held) return held;
    const tasks = await this.client.loadTasks().catch(() => []);
    return tasks.find((t) => t.id === id);
  }

  private uploadFailed(file: File, error: unknown): void {
    const cause = error instanceof UploadStopped ? new HttpErrorResponse({ status: error.status ?? 0 }) : error;
    const reason = this.client.describeError(cause, 'load');
    void this.notifier.toast(
      $localize`:@@onward.upload.failed:${file.name}:fileName: could not be uploaded. ${reason}:reason:`,
      { action: $localize`:@@onwardDismiss:Dismiss`, durationMs: 8000 },
    );
  }

  /** Opens the dialogs of this tab's foreground runs that have not finished (after a reload). */
  private async restore(userId: string): Promise<void> {
    for (const saved of this.memory.read()) {
      if (this.open.has(saved)) continue;
      const run = this.client.run(saved) ?? (await this.client.getRun(saved).catch(() => undefined));
      const task = run && this.client.tasks().find((t) => t.id === run.task);
      if (!run || !task || run.owner.id !== userId || run.mode !== 'foreground' || !isUnfinished(run.status)) {
        // Finished, moved to the background, gone or another user's: the monitor shows it, if anything.
        this.memory.forget(saved);
        continue;
      }
      this.openDialog(run, task);
    }
  }

  private openDialog(run: RunView, task: TaskDefinition): void {
    this.open.add(run.id);
    this.memory.remember(run.id);
    this.visibility.dialogOpened(run.id);
    this.notifier.silence(run.id);
    const ref = this.dialog.open<AwaitResultDialog, AwaitResultData, AwaitResultOutcome>(AwaitResultDialog, {
      data: { run, task },
      width: '480px',
      maxWidth: '95vw',
      disableClose: true,
      ariaLabel: $localize`:@@onwardDialogLabel:${task.title}:task: in progress`,
    });
    void firstValueFrom(ref.afterClosed()).then((outcome) => {
      this.open.delete(run.id);
      this.memory.forget(run.id);
      // From now on the monitor lists the run (with its result once finished) and tells about it.
      this.visibility.dialogClosed(run.id);
      this.notifier.unsilence(run.id);
      if (outcome === 'background') this.notifier.backgroundStarted(this.client.run(run.id) ?? run, true);
    });
  }
}
