import {
  afterNextRender,
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  effect,
  ElementRef,
  inject,
  input,
  OnInit,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatTooltipModule } from '@angular/material/tooltip';

import { MonitorClient } from '../client/monitor-client';
import { RunEntry } from '../entry/run-entry';
import { MonitorPanelState } from '../panel/monitor-panel-state';
import { OnwardIcon } from '../shared/icon';
import { RunActions } from '../shared/run-actions';
import { isActive, matchesFilter, type RunFilter } from '../shared/run-format';

/** The list of the user's background runs with filters and "Clear finished": the panel's body, or a page of its own. */
@Component({
  selector: 'onward-monitor-view',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, MatButtonToggleModule, MatTooltipModule, OnwardIcon, RunEntry],
  templateUrl: './monitor-view.html',
  styleUrl: './monitor-view.scss',
})
export class MonitorView implements OnInit {
  private readonly client = inject(MonitorClient);
  private readonly state = inject(MonitorPanelState);
  private readonly actions = inject(RunActions);
  private readonly destroyRef = inject(DestroyRef);

  /** True when the view fills its own window (the pop-out): it is then always in view. */
  readonly fullWindow = input(false);

  protected readonly filter = this.state.filter;
  protected readonly connection = this.client.connection;
  protected readonly all = this.client.runs;
  protected readonly visible = computed(() => {
    const filter = this.filter();
    return this.all().filter((run) => matchesFilter(run, filter));
  });
  protected readonly counts = computed(() => {
    const runs = this.all();
    const running = runs.filter(isActive).length;
    return {
      all: runs.length,
      running,
      finished: runs.length - running,
      failed: runs.filter((r) => r.status === 'failed').length,
    };
  });
  /** How many entries are rendered: grows as the user scrolls, so 500 runs open as fast as 50. */
  protected readonly renderLimit = signal(PAGE);
  protected readonly rendered = computed(() => this.visible().slice(0, this.renderLimit()));
  protected readonly more = computed(() => this.visible().length - this.rendered().length);
  private readonly sentinel = viewChild<ElementRef<HTMLElement>>('sentinel');
  private readonly list = viewChild<ElementRef<HTMLElement>>('list');
  protected readonly filters: { value: RunFilter; label: string }[] = [
    { value: 'all', label: 'All' },
    { value: 'running', label: 'Running' },
    { value: 'finished', label: 'Finished' },
    { value: 'failed', label: 'Failed' },
  ];
  protected readonly emptyText = computed(() => {
    switch (this.filter()) {
      case 'all':
        return null;
      case 'running':
        return 'Nothing is running right now.';
      case 'finished':
        return 'No finished runs.';
      case 'failed':
        return 'No failed runs. Good.';
    }
  });
  protected readonly notificationsAsk = signal(notificationPermission() === 'default');

  constructor() {
    // A new filter starts again with the first page.
    effect(() => {
      this.filter();
      untracked(() => this.renderLimit.set(PAGE));
    });
    afterNextRender(() => this.observeSentinel());
  }

  ngOnInit(): void {
    if (this.fullWindow()) {
      this.client.setWatching(true);
      this.destroyRef.onDestroy(() => this.client.setWatching(false));
    }
  }

  protected showMore(): void {
    this.renderLimit.update((n) => n + PAGE);
  }

  private observeSentinel(): void {
    const sentinel = this.sentinel()?.nativeElement;
    if (!sentinel || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((e) => e.isIntersecting) || this.more() === 0) return;
        this.showMore();
        // Observing again yields a fresh callback if the sentinel is still in view after the new page.
        requestAnimationFrame(() => {
          observer.unobserve(sentinel);
          observer.observe(sentinel);
        });
      },
      { root: this.list()?.nativeElement ?? null, rootMargin: '400px' },
    );
    observer.observe(sentinel);
    this.destroyRef.onDestroy(() => observer.disconnect());
  }

  protected setFilter(value: RunFilter): void {
    this.filter.set(value);
    this.list()?.nativeElement.scrollTo?.({ top: 0 });
  }

  protected clearFinished(): void {
    void this.actions.clearFinished(this.counts().finished);
  }

  protected async enableNotifications(): Promise<void> {
    if (typeof Notification === 'undefined') return;
    await Notification.requestPermission();
    this.notificationsAsk.set(notificationPermission() === 'default');
  }

  protected reconnect(): void {
    this.client.reconnect();
  }
}

const PAGE = 60;

function notificationPermission(): NotificationPermission | 'unsupported' {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}
