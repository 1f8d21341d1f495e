import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { MonitorClient, MonitorView, OnwardIcon } from '@onward/ui';

import { AuthStore } from '../auth/auth-store';
import { FocusedRun } from './focused-run';

/**
 * The pop-out target: only the monitor, filling its own window (its own socket keeps it in sync);
 * under `/monitor/run/:id`, that run is shown on top.
 */
@Component({
  selector: 'app-popout-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FocusedRun, MonitorView, OnwardIcon],
  template: `
    <header class="head">
      <onward-icon name="tasks" class="icon" />
      <h1 i18n="@@onward.panel.title">Running tasks</h1>
      @if (running() > 0) {
        <span class="pill" i18n="@@onward.panel.runningCount">{{ running() }} running</span>
      }
      <span class="spacer"></span>
      <span class="user">{{ user() }}</span>
    </header>
    @if (id(); as id) {
      <app-focused-run [id]="id" />
    }
    <onward-monitor-view class="view" [fullWindow]="true" />
  `,
  styles: `
    :host {
      display: flex;
      flex-direction: column;
      height: 100vh;
    }
    .head {
      display: flex;
      align-items: center;
      gap: 8px;
      height: 48px;
      padding: 0 16px;
      flex: none;
      background: var(--mat-sys-surface-container);
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    .icon {
      color: var(--mat-sys-primary);
    }
    h1 {
      margin: 0;
      font-size: 16px;
      font-weight: 600;
    }
    .pill {
      font-size: 12px;
      padding: 2px 8px;
      border-radius: 10px;
      background: var(--onward-active-container, #e3ecfd);
      color: var(--onward-active, #1d64d8);
    }
    .spacer {
      flex: 1;
    }
    .user {
      font-size: 13px;
      color: var(--mat-sys-on-surface-variant);
    }
    .view {
      flex: 1;
      min-height: 0;
    }
  `,
})
export class PopoutPage {
  private readonly client = inject(MonitorClient);
  private readonly auth = inject(AuthStore);
  /** The run a link points at (`/monitor/run/:id`), bound from the route. */
  readonly id = input<string>();
  protected readonly running = this.client.runningCount;
  protected readonly user = computed(() => this.auth.user()?.displayName ?? '');
}
