import { DecimalPipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  effect,
  inject,
  LOCALE_ID,
  signal,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { canMoveToBackground, isUnfinished, type RunView, type TaskDefinition } from '@onward/task-domain';

import { MonitorClient } from '../client/monitor-client';
import { OnwardIcon } from '../shared/icon';
import { RunActions } from '../shared/run-actions';
import { runSubtitle, schedulerLine, statusLook, valueRows, valueText } from '../shared/run-format';

/** What the await-result dialog shows. */
export interface AwaitResultData {
  run: RunView;
  task: TaskDefinition;
}

/** How the dialog ended: the run finished (or was cancelled), or went to the background. */
export type AwaitResultOutcome = 'finished' | 'background';

/**
 * The modal progress dialog of a foreground run; shows the result when done. A little over 250 lines:
 * its template is inline (running, finished and failed states of one dialog).
 */
@Component({
  selector: 'onward-await-result-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DecimalPipe, MatDialogModule, MatButtonModule, MatProgressBarModule, OnwardIcon],
  template: `
    <h2 mat-dialog-title>{{ run().title }}</h2>
    <mat-dialog-content>
      @if (display()) {
        <p class="sub">{{ display() }}</p>
      }
      <div class="status" [class]="'status onward-tone-' + look().tone" role="status" aria-live="polite">
        <onward-icon [name]="look().icon" /> {{ look().label }}
      </div>
      @if (active()) {
        <div class="progress-row">
          <mat-progress-bar
            [mode]="run().progress.percent === null ? 'indeterminate' : 'determinate'"
            [value]="run().progress.percent ?? 0"
            [attr.aria-label]="progressLabel()"
          />
          <span class="percent">{{
            run().progress.percent === null ? '' : (run().progress.percent! | number: '1.0-0') + '%'
          }}</span>
        </div>
        <p class="message">{{ schedulerText() ?? run().progress.message ?? ' ' }}</p>
      } @else {
        @switch (run().status) {
          @case ('completed') {
            @if (summary(); as sentence) {
              <p class="summary">{{ sentence }}</p>
            } @else if (run().result?.type === 'value' && value()) {
              <pre class="value" tabindex="0" aria-label="Result" i18n-aria-label="@@onward.await.resultLabel">{{
                value()
              }}</pre>
            } @else if (run().result?.type === 'file') {
              <p i18n="@@onward.await.ready">The result is ready.</p>
            } @else {
              <p i18n="@@onward.await.done">Done.</p>
            }
          }
          @case ('failed') {
            @if (run().error?.message; as message) {
              <p class="error">{{ message }}</p>
            } @else {
              <p class="error" i18n="@@onward.await.failed">The run failed.</p>
            }
          }
          @case ('cancelled') {
            @if (run().cancelledBy?.admin) {
              <p i18n="@@onward.await.cancelledByAdmin">An administrator cancelled the run.</p>
            } @else {
              <p i18n="@@onward.await.cancelled">The run was cancelled.</p>
            }
          }
        }
      }
      @if (failure(); as message) {
        <p class="error" role="alert">{{ message }}</p>
      }
      @if (hint(); as text) {
        <p class="hint" role="status">{{ text }}</p>
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      @if (active()) {
        @if (canBackground) {
          <button
            mat-button
            type="button"
            [disabled]="busy() || cancelling()"
            (click)="runInBackground()"
            i18n="@@onward.await.background"
          >
            Run in background
          </button>
        }
        <button mat-button type="button" [disabled]="busy() || cancelling()" (click)="cancel()">
          @if (cancelling()) {
            <ng-container i18n="@@onwardCancelling">Cancelling…</ng-container>
          } @else {
            <ng-container i18n="@@onwardCancel">Cancel</ng-container>
          }
        </button>
      } @else {
        @if (run().status === 'failed') {
          <button mat-button type="button" (click)="actions.showError(run())" i18n="@@onward.await.errorDetails">
            Error details
          </button>
        }
        @if (run().result?.type === 'value') {
          <button mat-button type="button" (click)="actions.openResult(run())" i18n="@@onward.await.details">
            Details
          </button>
        }
        @if (pdf()) {
          <button mat-flat-button type="button" (click)="actions.preview(run())">
            <span class="btn"
              ><onward-icon name="view" /><ng-container i18n="@@onward.await.open">Open</ng-container></span
            >
          </button>
        }
        @if (pdf()) {
          <button mat-button type="button" (click)="actions.download(run())">
            <span class="btn"
              ><onward-icon name="download" /><ng-container i18n="@@onward.await.download">Download</ng-container></span
            >
          </button>
        } @else if (run().result?.type === 'file') {
          <button mat-flat-button type="button" (click)="actions.download(run())">
            <span class="btn"
              ><onward-icon name="download" /><ng-container i18n="@@onward.await.download">Download</ng-container></span
            >
          </button>
        }
        <button mat-button type="button" cdkFocusInitial (click)="close()" i18n="@@onward.await.close">Close</button>
      }
    </mat-dialog-actions>
  `,
  styleUrl: './await-result-dialog.scss',
})
export class AwaitResultDialog {
  private readonly data = inject<AwaitResultData>(MAT_DIALOG_DATA);
  private readonly client = inject(MonitorClient);
  private readonly locale = inject(LOCALE_ID);
  private readonly ref = inject<MatDialogRef<AwaitResultDialog, AwaitResultOutcome>>(MatDialogRef);
  protected readonly actions = inject(RunActions);
  private destroyed = false;

  /** The run as the client holds it now (socket updates), falling back to the one the dialog opened with. */
  protected readonly run = computed(() => this.client.run(this.data.run.id) ?? this.data.run);
  protected readonly look = computed(() => statusLook(this.run().status));
  protected readonly progressLabel = computed(
    () => $localize`:@@onward.await.progressOf:Progress of ${this.run().title}:title:`,
  );
  protected readonly active = computed(() => isUnfinished(this.run().status));
  protected readonly display = computed(() => runSubtitle(this.run()));
  protected readonly schedulerText = computed(() => {
    const s = this.run().scheduler;
    return s ? schedulerLine(s, this.locale) : null;
  });
  protected readonly value = computed(() => {
    const r = this.run().result;
    // A scheduler's value list reads as a table behind Details, not as JSON here.
    return r?.type === 'value' && !valueRows(r.value) ? valueText(r.value, 10_000) : '';
  });
  protected readonly summary = computed(() => {
    const r = this.run().result;
    return r?.type === 'value' ? (r.summary ?? null) : null;
  });
  protected readonly pdf = computed(() => {
    const r = this.run().result;
    return r?.type === 'file' && r.contentType === 'application/pdf';
  });
  protected readonly canBackground =
    this.data.task.awaitResult === 'optional' &&
    canMoveToBackground(this.data.task.awaitResult, this.data.task.background);
  protected readonly busy = signal(false);
  protected readonly failure = signal<string | null>(null);
  /** A hint after a key that did nothing (Escape on a run that must finish here). */
  protected readonly hint = signal<string | null>(null);
  private readonly cancelRequested = signal(false);
  /** From the click on Cancel (or a cancel from elsewhere) until the run has stopped. */
  protected readonly cancelling = computed(
    () => this.active() && (this.cancelRequested() || this.run().status === 'cancelling'),
  );

  constructor() {
    // While the run is active the dialog cannot be dismissed: Cancel or Run in background decide.
    effect(() => {
      this.ref.disableClose = this.active();
      if (!this.active() && this.cancelRequested() && this.run().status === 'cancelled') this.ref.close('finished');
    });
    // Escape never stops the work: it sends the run to the background where the task allows it.
    this.ref
      .keydownEvents()
      .pipe(takeUntilDestroyed())
      .subscribe((event) => {
        if (event.key !== 'Escape' || !this.active()) return;
        event.preventDefault();
        if (this.canBackground) {
          if (!this.busy() && !this.cancelling()) void this.runInBackground();
        } else {
          this.hint.set($localize`:@@onwardEscapeForeground:This task finishes here. Use Cancel to stop it.`);
        }
      });
    inject(DestroyRef).onDestroy(() => (this.destroyed = true));
    void this.longPoll();
  }

  protected async cancel(): Promise<void> {
    this.cancelRequested.set(true);
    this.failure.set(null);
    try {
      await this.client.cancel(this.run().id);
    } catch (error) {
      // The run may have finished meanwhile: the dialog then shows its outcome, else the reason.
      this.cancelRequested.set(false);
      if (this.active()) this.failure.set(this.client.describeError(error));
    }
  }

  protected async runInBackground(): Promise<void> {
    this.busy.set(true);
    try {
      await this.client.moveToBackground(this.run().id);
      this.ref.close('background');
    } catch (error) {
      this.busy.set(false);
      this.failure.set(this.client.describeError(error, 'background'));
    }
  }

  protected close(): void {
    this.ref.close('finished');
  }

  /** Also waits over HTTP, so the dialog ends even if the socket misses the last update. */
  private async longPoll(): Promise<void> {
    let failures = 0;
    while (!this.destroyed && this.active() && failures < 5) {
      try {
        await this.client.wait(this.data.run.id, 30);
        failures = 0;
      } catch {
        failures++;
        await new Promise((resolve) => setTimeout(resolve, 2000 * failures));
      }
    }
  }
}
