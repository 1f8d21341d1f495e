import {
  afterNextRender,
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  ElementRef,
  inject,
  Injector,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';

import { MonitorClient } from '../client/monitor-client';
import { MonitorPanelState } from '../panel/monitor-panel-state';
import { OnwardIcon } from '../shared/icon';

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
          <span class="badge" aria-hidden="true">{{ running() > 99 ? '99+' : running() }}</span>
        } @else if (unseen() > 0) {
          <span class="dot" aria-hidden="true"></span>
        }
      </span>
      <span class="label">Running tasks</span>
    </button>
  `,
  styles: `
    :host {
      display: inline-block;
    }
    .trigger {
      color: inherit;
      --mat-button-text-label-text-color: currentColor;
    }
    .icon-wrap {
      position: relative;
      display: inline-flex;
      margin-right: 8px;
      vertical-align: middle;
    }
    .icon-wrap.with-badge {
      margin-right: 16px;
    }
    .badge {
      position: absolute;
      top: -7px;
      right: -10px;
      min-width: 18px;
      height: 18px;
      padding: 0 5px;
      box-sizing: border-box;
      border-radius: 9px;
      font-size: 11px;
      font-weight: 600;
      line-height: 18px;
      text-align: center;
      font-variant-numeric: tabular-nums;
      background: var(--onward-active, #1d64d8);
      color: #fff;
      box-shadow: 0 0 0 2px var(--onward-badge-ring, #fff);
    }
    .dot {
      position: absolute;
      top: -2px;
      right: -3px;
      width: 10px;
      height: 10px;
      border-radius: 50%;
      background: var(--onward-success, #1b7f3b);
      box-shadow: 0 0 0 2px var(--onward-badge-ring, #fff);
    }
    @media (max-width: 560px) {
      .label {
        display: none;
      }
      .icon-wrap,
      .icon-wrap.with-badge {
        margin-right: 0;
      }
    }
  `,
})
export class RunningTasksButton {
  private readonly client = inject(MonitorClient);
  protected readonly state = inject(MonitorPanelState);
  protected readonly running = this.client.runningCount;
  protected readonly unseen = computed(() => this.client.unseenFinished().size);
  protected readonly ariaLabel = computed(() => {
    const parts = ['Running tasks'];
    const running = this.running();
    parts.push(running === 1 ? '1 running' : `${running} running`);
    const unseen = this.unseen();
    if (unseen > 0) parts.push(`${unseen} finished since you last looked`);
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
