import { ChangeDetectionStrategy, Component, computed, inject, input, LOCALE_ID } from '@angular/core';
import type { RunView } from '@onward/task-domain';

import { MonitorClient } from '../client/monitor-client';
import { ProgressSeen } from '../client/progress-seen';
import { MonitorClock } from '../shared/clock';
import { OnwardIcon } from '../shared/icon';
import { rerunLine, stalledLine } from '../shared/run-lines';
import { startOfDay } from '../shared/run-times';
import { timeLeftLine } from '../shared/time-left';

/**
 * The entry's line about time: "about 3 min left", "No progress for 4 min" (in the warning tone) and
 * "Repeats the run of 14:02"; nothing when none applies.
 */
@Component({
  selector: 'onward-run-status-line',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [OnwardIcon],
  host: { '[class.none]': '!timeLeft() && !stalled() && !repeats()' },
  template: `
    @if (timeLeft(); as left) {
      <span class="time-left">{{ left }}</span>
    }
    @if (stalled(); as silent) {
      <span class="stalled" role="status"><onward-icon name="error" />{{ silent }}</span>
    }
    @if (repeats(); as repeat) {
      <span class="repeats">{{ repeat }}</span>
    }
  `,
  styles: `
    @use '../shared/status-tones' as tones;
    :host {
      display: flex;
      flex-wrap: wrap;
      column-gap: 8px;
      font-size: 12px;
      line-height: 18px;
      color: var(--mat-sys-on-surface-variant, #5d5d68);
      font-variant-numeric: tabular-nums;
    }
    :host(.none) {
      display: none;
    }
    span + span::before {
      content: '·';
      margin-right: 8px;
      opacity: 0.6;
    }
    .stalled {
      display: inline-flex;
      align-items: center;
      gap: 4px;
      color: tones.colour(warn);
      font-weight: 500;
      --onward-icon-size: 14px;
    }
  `,
})
export class RunStatusLine {
  private readonly client = inject(MonitorClient);
  private readonly clock = inject(MonitorClock);
  private readonly seen = inject(ProgressSeen);
  private readonly locale = inject(LOCALE_ID);

  /** The run the line is about. */
  readonly run = input.required<RunView>();

  /** Changes once a day only: a repeat's line is not refreshed by the clock's every tick. */
  private readonly today = computed(() => startOfDay(this.clock.now()));

  protected readonly timeLeft = computed(() => {
    const run = this.run();
    if ((run.status !== 'running' && run.status !== 'queued') || !run.estimate) return null;
    return timeLeftLine(run.estimate.remainingMs, this.locale);
  });

  protected readonly stalled = computed(() => {
    const run = this.run();
    if (run.status !== 'running' || run.stalled !== true) return null;
    // Only a stalled entry reads the clock, so the others are not refreshed every second.
    return stalledLine(this.clock.now() - this.seen.since(run), this.locale);
  });

  protected readonly repeats = computed(() => {
    const original = this.run().rerunOf;
    if (!original) return null;
    return rerunLine(this.client.run(original), this.today(), this.locale);
  });
}
