import { DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input, LOCALE_ID, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTooltipModule } from '@angular/material/tooltip';
// Its own line: the lifecycle interface of the run's page (startExpanded).
import type { OnInit } from '@angular/core';
import { isUnfinished, type RunView } from '@onward/task-domain';

import { MonitorClient } from '../client/monitor-client';
import { MonitorClock } from '../shared/clock';
import { OnwardIcon } from '../shared/icon';
import { RunActions } from '../shared/run-actions';
import {
  cancelledText,
  elapsedMs,
  formatBytes,
  formatDuration,
  resultText,
  runLabel,
  runSubtitle,
  schedulerLine,
  statusLook,
} from '../shared/run-format';
import { runIcon } from '../shared/run-icons';
import { queueLine } from '../shared/run-lines';
import { runTimes, startOfDay } from '../shared/run-times';
import { UploadTransfers } from '../upload/upload-transfers';
import { transferText } from '../upload/transfer-text';
import { RunAgain } from './run-again';
import { RunStatusLine } from './run-status-line';
import { SubtaskList } from './subtask-list';
import { formatNumber } from '../shared/intl-formats';

/** One run in the monitor: status, progress, elapsed time and the actions that fit its state. */
@Component({
  selector: 'onward-run-entry',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    DecimalPipe,
    MatButtonModule,
    MatProgressBarModule,
    MatTooltipModule,
    OnwardIcon,
    RunAgain,
    RunStatusLine,
    SubtaskList,
  ],
  templateUrl: './run-entry.html',
  styleUrl: './run-entry.scss',
  host: {
    role: 'listitem',
    '[class]': '"onward-entry onward-tone-" + look().tone',
    '[attr.aria-label]': 'ariaLabel()',
    '[attr.data-status]': 'run().status',
    '[attr.data-run-id]': 'run().id',
  },
})
export class RunEntry implements OnInit {
  private readonly client = inject(MonitorClient);
  private readonly clock = inject(MonitorClock);
  private readonly locale = inject(LOCALE_ID);
  private readonly uploads = inject(UploadTransfers);
  protected readonly actions = inject(RunActions);

  /** The run to show. */
  readonly run = input.required<RunView>();
  /** Show the owner's name (admin view). */
  readonly showOwner = input(false);
  /** Hide the action buttons (e.g. for subtasks). */
  readonly compact = input(false);
  /** Show a scheduler's subtasks from the start (the run's own page). */
  readonly startExpanded = input(false);

  protected readonly expanded = signal(false);
  protected readonly look = computed(() => statusLook(this.run().status));
  protected readonly active = computed(() => isUnfinished(this.run().status));
  protected readonly display = computed(() => runSubtitle(this.run()));
  /** Changes once a day only, so that finished entries are not refreshed by the clock's every tick. */
  private readonly today = computed(() => startOfDay(this.clock.now()));
  protected readonly times = computed(() => runTimes(this.run(), this.today(), this.locale));
  protected readonly cancelled = computed(() => cancelledText(this.run()));
  /** Uploads, imports and exports have an icon of their own beside the title. */
  protected readonly kindIcon = computed(() => runIcon(this.run()));
  /** An upload this window sends: its bytes and speed, fresher than the server's percent. */
  protected readonly transfer = computed(() => {
    const run = this.run();
    return run.kind === 'upload' ? this.uploads.get(run.id) : undefined;
  });
  protected readonly transferLine = computed(() => {
    const t = this.transfer();
    return t && t.state !== 'done' ? transferText(t, this.locale) : null;
  });
  /** The run that this window started with the uploaded file. */
  protected readonly handedTo = computed(() => this.transfer()?.handedTo ?? null);
  protected readonly percent = computed(() => {
    const t = this.transfer();
    const p =
      t && t.state !== 'done' && t.bytesTotal > 0 ? (100 * t.bytesSent) / t.bytesTotal : this.run().progress.percent;
    return p === null ? null : Math.min(100, Math.max(0, p));
  });
  protected readonly elapsed = computed(() => {
    const run = this.run();
    // Only running entries read the clock, so finished ones are not refreshed every second.
    return formatDuration(elapsedMs(run, run.finishedAt ? 0 : this.clock.now()));
  });
  /** A queued run's line: its place in the queue when the server tells it. */
  protected readonly waiting = computed(() => {
    const queue = this.run().queue;
    return queue ? queueLine(queue, this.locale) : $localize`:@@onward.queue.waiting:Waiting for a free worker`;
  });
  protected readonly scheduler = computed(() => this.run().scheduler);
  protected readonly schedulerCurrent = computed(() => {
    const s = this.scheduler();
    return s ? schedulerLine(s, this.locale) : null;
  });
  protected readonly currentPercent = computed(() => this.scheduler()?.current?.progress.percent ?? null);
  protected readonly fileResult = computed(() => {
    const r = this.run().result;
    return r?.type === 'file'
      ? { ...r, sizeText: formatBytes(r.size, this.locale), pdf: r.contentType === 'application/pdf' }
      : null;
  });
  /** The value result's sentence; `summary` tells the task's own words from a raw value in short. */
  protected readonly valueResult = computed(() => {
    const r = this.run().result;
    if (r?.type !== 'value') return null;
    const text = resultText(r);
    return text === null ? null : { text, summary: !!r.summary };
  });
  protected readonly label = computed(() => runLabel(this.run()));
  protected readonly ariaLabel = computed(() => {
    const run = this.run();
    const percent = this.percent();
    const parts = [this.label(), this.run().status === 'cancelled' ? this.cancelled() : this.look().label];
    if (this.active() && percent !== null) {
      parts.push($localize`:@@onward.entry.percent:${formatNumber(Math.round(percent), this.locale)}:percent: percent`);
    }
    if (this.showOwner()) parts.push($localize`:@@onward.entry.owner:owner ${run.owner.username}:owner:`);
    return parts.join(', ');
  });

  /** The labels the template binds, named by what they do to this run. */
  protected readonly texts = computed(() => {
    const label = this.label();
    return {
      elapsed: $localize`:@@onward.entry.elapsed:Elapsed ${this.elapsed()}:elapsed:`,
      progress: $localize`:@@onward.entry.progressOf:Progress of ${label}:label:`,
      toggle: this.expanded()
        ? $localize`:@@onward.entry.hideSubtasks:Hide subtasks of ${label}:label:`
        : $localize`:@@onward.entry.showSubtasks:Show subtasks of ${label}:label:`,
      cancel: $localize`:@@onward.entry.cancelLabel:Cancel ${label}:label:`,
      errorDetails: $localize`:@@onward.entry.errorDetailsLabel:Error details of ${label}:label:`,
      delete: $localize`:@@onward.entry.deleteLabel:Delete ${label}:label:`,
    };
  });

  protected downloadLabel(fileName: string): string {
    return this.scheduler()
      ? $localize`:@@onward.entry.downloadZipLabel:Download zip ${fileName}:fileName:`
      : $localize`:@@onward.entry.downloadLabel:Download ${fileName}:fileName:`;
  }

  protected cancelledAt(message: string | null): string {
    return message
      ? $localize`:@@onward.entry.cancelledAt:${this.cancelled()}:cancelled: at: ${message}:message:`
      : this.cancelled();
  }

  protected handedToText(title: string): string {
    return $localize`:@@onward.upload.handedTo:Handed over to ${title}:task:`;
  }

  protected startedTitle(exact: string): string {
    return $localize`:@@onward.entry.startedAt:Started ${exact}:time:`;
  }

  protected finishedTitle(exact: string): string {
    return $localize`:@@onward.entry.finishedAt:Finished ${exact}:time:`;
  }

  protected openLabel(fileName: string): string {
    return $localize`:@@onward.entry.openFile:Open ${fileName}:fileName:`;
  }

  protected detailsLabel(label: string): string {
    return $localize`:@@onward.entry.resultDetails:Result details of ${label}:label:`;
  }

  protected toggleExpanded(): void {
    const next = !this.expanded();
    this.expanded.set(next);
    const id = this.run().id;
    if (next) this.client.expand(id).catch(() => undefined);
    else this.client.collapse(id);
  }

  ngOnInit(): void {
    if (this.startExpanded() && this.run().scheduler) this.toggleExpanded();
  }
}
