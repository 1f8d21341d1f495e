import {
  afterNextRender,
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  ElementRef,
  inject,
  Injector,
  LOCALE_ID,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';

import { MonitorClient } from '../client/monitor-client';
import { MonitorPanelState } from '../panel/monitor-panel-state';
import { OnwardIcon } from '../shared/icon';
import { formatNumber } from '../shared/intl-formats';

/** The toolbar button that opens the monitor panel: a badge counts running runs, a dot marks unseen finished ones. */
@Component({
  selector: 'onward-running-tasks-button',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, OnwardIcon],
  template: `
    <button
      mat-button
      type="button"
      class="trigger"
      [attr.aria-label]="ariaLabel()"
      [attr.aria-expanded]="state.open()"
      (click)="state.toggle()"
    >
      <span class="icon-wrap" [class.with-badge]="running() > 0">
        <onward-icon name="tasks" />
        @if (running() > 0) {
          <!-- Drawn from data-count by CSS: the count is in the button's name already, and a visible text node
               the name does not start with would make the name and the label differ for speech input. -->
          <span class="badge" aria-hidden="true" [attr.data-count]="running() > 99 ? '99+' : running()"></span>
        } @else if (unseen() > 0) {
          <span class="dot" aria-hidden="true"></span>
        }
      </span>
      <span class="label" i18n="@@onward.button.label">Running tasks</span>
    </button>
  `,
  styleUrl: './running-tasks-button.scss',
})
export class RunningTasksButton {
  private readonly client = inject(MonitorClient);
  private readonly locale = inject(LOCALE_ID);
  protected readonly state = inject(MonitorPanelState);
  protected readonly running = this.client.runningCount;
  protected readonly unseen = computed(() => this.client.unseenFinished().size);
  protected readonly ariaLabel = computed(() => {
    const parts = [$localize`:@@onward.button.label:Running tasks`];
    parts.push($localize`:@@onward.button.running:${formatNumber(this.running(), this.locale)}:count: running`);
    const unseen = this.unseen();
    if (unseen > 0) {
      parts.push(
        $localize`:@@onward.button.unseen:${formatNumber(unseen, this.locale)}:count: finished since you last looked`,
      );
    }
    return parts.join(', ');
  });

  constructor() {
    const host = inject<ElementRef<HTMLElement>>(ElementRef);
    const injector = inject(Injector);
    effect(() => {
      if (this.state.focusRequest()?.target !== 'button') return;
      afterNextRender(() => host.nativeElement.querySelector('button')?.focus(), { injector });
    });
  }
}
