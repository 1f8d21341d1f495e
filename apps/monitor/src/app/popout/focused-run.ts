import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { RouterLink } from '@angular/router';
import { MonitorClient, RunEntry } from '@onward/ui';

/**
 * One run, highlighted above the monitor: what a run's link (`/monitor/run/:id`, opened from its toast
 * or system notification) shows. A scheduler opens with its subtasks.
 */
@Component({
  selector: 'app-focused-run',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, RunEntry],
  template: `
    @if (run(); as run) {
      <section class="focus" role="list" aria-label="This run" i18n-aria-label="@@monitor.focus.list">
        <!-- Keyed by id: another run's link gets a fresh entry, not the last one's state. -->
        @for (r of [run]; track r.id) {
          <onward-run-entry [run]="r" [showOwner]="r.owner.id !== me()" [startExpanded]="true" />
        }
      </section>
    } @else if (missing()) {
      <p class="missing" role="status">
        <ng-container i18n="@@monitor.focus.missing">This run no longer exists, or it is not yours.</ng-container>
        <a routerLink="/monitor" i18n="@@monitor.focus.all">All runs</a>
      </p>
    }
  `,
  styles: `
    :host {
      display: block;
      flex: none;
      padding: 12px 16px 0;
    }
    .focus {
      border: 2px solid var(--mat-sys-primary);
      border-radius: 12px;
      overflow: hidden;
      background: var(--mat-sys-surface);
    }
    .missing {
      margin: 0;
      padding: 12px 16px;
      border-radius: 12px;
      background: var(--mat-sys-surface-container);
    }
    .missing a {
      margin-left: 8px;
    }
  `,
})
export class FocusedRun {
  private readonly client = inject(MonitorClient);

  /** The run's id, from the route. */
  readonly id = input.required<string>();

  protected readonly me = computed(() => this.client.user()?.id ?? null);
  protected readonly run = computed(() => this.client.run(this.id()));
  protected readonly missing = signal(false);

  constructor() {
    // The run may be older than the loaded pages, a foreground run, or (for admins) someone else's.
    effect(() => {
      const id = this.id();
      untracked(() => {
        this.missing.set(false);
        if (this.client.run(id)) return;
        this.client.getRun(id).catch(() => this.missing.set(true));
      });
    });
  }
}
