import { ChangeDetectionStrategy, Component, computed, inject, input, LOCALE_ID } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatTooltipModule } from '@angular/material/tooltip';
import { isFinalStatus, type RunView } from '@onward/task-domain';

import { MonitorClient } from '../client/monitor-client';
import { OnwardIcon } from '../shared/icon';
import { RunActions } from '../shared/run-actions';
import { runLabel } from '../shared/run-format';
import { formatNumber } from '../shared/intl-formats';

/**
 * A finished run's "Run again", "Change and run again" and, for a selection with failed or cancelled
 * rows, "Retry failed (3)". Only on the user's own runs of a task in the catalogue: a rerun is the
 * caller's run, so an administrator looking at someone else's run is not offered one.
 */
@Component({
  selector: 'onward-run-again',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, MatTooltipModule, OnwardIcon],
  host: { class: 'onward-run-again' },
  template: `
    @if (offer(); as o) {
      @if (o.failed > 0) {
        <button
          mat-button
          type="button"
          [attr.aria-label]="retryLabel(o.failed)"
          (click)="actions.rerun(run(), { only: 'failed' })"
        >
          <span class="btn"><onward-icon name="replay" />{{ retryText(o.failed) }}</span>
        </button>
      }
      <button mat-button type="button" [attr.aria-label]="againLabel()" (click)="actions.rerun(run())">
        <span class="btn"
          ><onward-icon name="replay" /><ng-container i18n="@@onward.rerun.again">Run again</ng-container></span
        >
      </button>
      @if (o.form) {
        <button
          mat-icon-button
          type="button"
          class="change"
          [attr.aria-label]="changeLabel()"
          [matTooltip]="changeText"
          (click)="actions.changeAndRerun(run())"
        >
          <onward-icon name="edit" />
        </button>
      }
    }
  `,
  styles: `
    @use '../shared/focus-ring';
    @include focus-ring.interactive;
    :host {
      display: contents;
    }
    button[mat-button] {
      --mat-button-text-horizontal-padding: 8px;
      --mat-button-text-container-height: 32px;
      min-width: 0;
      white-space: nowrap;
    }
    .btn {
      display: inline-flex;
      align-items: center;
      gap: 4px;
      --onward-icon-size: 18px;
    }
    button[mat-icon-button] {
      --mat-icon-button-state-layer-size: 36px;
      --onward-icon-size: 20px;
      display: inline-flex;
      align-items: center;
      justify-content: center;
      padding: 0;
      color: var(--mat-sys-on-surface-variant, #5d5d68);
    }
  `,
})
export class RunAgain {
  private readonly client = inject(MonitorClient);
  private readonly locale = inject(LOCALE_ID);
  protected readonly actions = inject(RunActions);

  /** The run the actions start again. */
  readonly run = input.required<RunView>();

  protected readonly changeText = $localize`:@@onward.rerun.change:Change and run again`;

  /** What to offer: nothing, or run again (with a form when the task has parameters to change) and the failed rows' count. */
  protected readonly offer = computed(() => {
    const run = this.run();
    const me = this.client.user();
    if (!me || run.owner.id !== me.id || run.parentId !== null || !isFinalStatus(run.status)) return null;
    const task = this.client.tasks().find((t) => t.id === run.task);
    if (!task) return null;
    const s = run.scheduler;
    return {
      form: task.parameters.length > 0,
      failed: s ? s.failed + s.cancelled : 0,
    };
  });

  protected againLabel(): string {
    return $localize`:@@onward.rerun.againLabel:Run again: ${runLabel(this.run())}:label:`;
  }

  protected changeLabel(): string {
    return $localize`:@@onward.rerun.changeLabel:Change and run again: ${runLabel(this.run())}:label:`;
  }

  protected retryText(count: number): string {
    return $localize`:@@onward.rerun.retryFailed:Retry failed (${formatNumber(count, this.locale)}:count:)`;
  }

  protected retryLabel(count: number): string {
    return $localize`:@@onward.rerun.retryFailedLabel:Retry failed (${formatNumber(count, this.locale)}:count:): ${runLabel(this.run())}:label:`;
  }
}
