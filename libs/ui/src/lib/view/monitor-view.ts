import { CdkVirtualForOf, CdkVirtualScrollViewport, VIRTUAL_SCROLL_STRATEGY } from '@angular/cdk/scrolling';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  effect,
  inject,
  input,
  linkedSignal,
  OnInit,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { toObservable, toSignal } from '@angular/core/rxjs-interop';
import { isUnfinished, type RunView } from '@onward/task-domain';
import { EMPTY, switchMap } from 'rxjs';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatTooltipModule } from '@angular/material/tooltip';

import { MonitorClient } from '../client/monitor-client';
import { RunEntry } from '../entry/run-entry';
import { MonitorPanelState } from '../panel/monitor-panel-state';
import { OnwardIcon } from '../shared/icon';
import { RunActions } from '../shared/run-actions';
import { matchesFilter } from '../shared/run-format';
import { MeasuredScrollStrategy } from './measured-scroll-strategy';
import {
  clearLabel,
  countRuns,
  emptyTexts,
  filterButtons,
  notificationPermission,
  notificationText,
  type RunFilter,
} from './monitor-view-text';

/**
 * The list of the user's runs (background ones, and foreground ones no dialog in this window shows)
 * with filters and "Clear": the panel's body, or a page of its own.
 */
@Component({
  selector: 'onward-monitor-view',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    CdkVirtualForOf,
    CdkVirtualScrollViewport,
    MatButtonModule,
    MatButtonToggleModule,
    MatTooltipModule,
    OnwardIcon,
    RunEntry,
  ],
  // The list is virtual: only the entries in view (and a screenful around them) are in the DOM.
  providers: [{ provide: VIRTUAL_SCROLL_STRATEGY, useFactory: () => new MeasuredScrollStrategy() }],
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
  private readonly filtered = computed(() => {
    const filter = this.filter();
    const all = this.all();
    return filter === 'all' ? all : all.filter((run) => matchesFilter(run, filter));
  });
  /** True while the pointer is over the list (see `visible`). */
  private readonly pointerInList = signal(false);
  /**
   * The entries in the list. While the pointer is over it, an entry that leaves (deleted, hidden
   * for "Undo") keeps its place as an empty gap, so the next one does not slide under the pointer
   * and take a second click meant for the first; the gaps close when the pointer leaves.
   */
  protected readonly visible = linkedSignal<{ runs: RunView[]; hold: boolean }, RunView[]>({
    source: () => ({ runs: this.filtered(), hold: this.pointerInList() }),
    computation: (source, previous) =>
      source.hold && previous ? keepPlaces(previous.value, source.runs) : source.runs,
  });
  /** Ids of the gaps in `visible`. */
  protected readonly gaps = computed<ReadonlySet<string>>(() => {
    const visible = this.visible();
    const runs = this.filtered();
    if (visible === runs) return NO_GAPS;
    const listed = new Set(runs.map(runId));
    return new Set(visible.filter((run) => !listed.has(run.id)).map(runId));
  });
  protected readonly counts = computed(() => countRuns(this.all()));
  /** Older runs exist on the server than the loaded ones: counts of finished runs are "at least". */
  protected readonly hasMore = this.client.hasMore;
  protected readonly loadingMore = this.client.loadingMore;
  private readonly strategy = inject(VIRTUAL_SCROLL_STRATEGY) as MeasuredScrollStrategy;
  private readonly viewport = viewChild(CdkVirtualScrollViewport);
  /** The rendered range of the list, as the viewport reports it. */
  private readonly renderedRange = toSignal(
    toObservable(this.viewport).pipe(switchMap((viewport) => viewport?.renderedRangeStream ?? EMPTY)),
    { initialValue: { start: 0, end: 0 } },
  );
  protected readonly filters = filterButtons();
  private readonly emptyTexts = emptyTexts();
  protected readonly emptyText = computed(() => this.emptyTexts[this.filter()]);
  /** What "Clear" would delete under the current filter: the finished runs it shows, named. */
  protected readonly clearable = computed(() => {
    const filter = this.filter();
    const counts = this.counts();
    const count = filter === 'all' ? counts.finished : filter === 'running' ? 0 : counts[filter];
    return { count, label: clearLabel(filter, count) };
  });
  /** The browser's notification permission, and whether to explain it (after the user asked). */
  protected readonly notifications = signal(notificationPermission());
  protected readonly notificationsExplained = signal(false);
  protected readonly notificationsText = computed(() => notificationText(this.notifications()));

  constructor() {
    // The strategy needs every change of the list, order included (the viewport reports only lengths).
    effect(() => {
      const runs = this.visible();
      untracked(() => this.strategy.setItems(runs, runId, estimatedHeight));
    });
    // Infinite scroll: near the end of the loaded runs, read the next older page. Not under
    // "Running": every unfinished run is loaded already.
    effect(() => {
      const range = this.renderedRange();
      const length = this.visible().length;
      if (this.filter() === 'running' || !this.hasMore() || this.loadingMore()) return;
      if (range.end >= length - LOAD_AHEAD) untracked(() => this.loadMore());
    });
  }

  ngOnInit(): void {
    this.followPermission();
    if (this.fullWindow()) {
      this.client.setWatching(true);
      this.destroyRef.onDestroy(() => this.client.setWatching(false));
    }
  }

  protected readonly trackById = (_: number, run: RunView): string => run.id;

  protected loadMore(): void {
    this.client.loadMore().catch(() => undefined);
  }

  protected holdPlaces(hold: boolean): void {
    this.pointerInList.set(hold);
  }

  protected setFilter(value: RunFilter): void {
    this.pointerInList.set(false);
    this.filter.set(value);
    const scroller = this.viewport()?.elementRef.nativeElement;
    if (scroller) scroller.scrollTop = 0;
  }

  protected clearFinished(): void {
    const filter = this.filter();
    const { count, label } = this.clearable();
    void this.actions.clearFinished(count, label, (run) => matchesFilter(run, filter));
  }

  /** Asks the browser for permission and then says what came of it (the browser may refuse without asking). */
  protected async enableNotifications(): Promise<void> {
    if (typeof Notification !== 'undefined') {
      try {
        await Notification.requestPermission();
      } catch {
        // Old browsers take a callback instead of returning a promise; the permission is read below anyway.
      }
    }
    this.notifications.set(notificationPermission());
    this.notificationsExplained.set(true);
  }

  protected dismissNotifications(): void {
    this.notificationsExplained.set(false);
  }

  protected reconnect(): void {
    this.client.reconnect();
  }

  /** A user may allow or block notifications in the browser's site settings at any time. */
  private followPermission(): void {
    const permissions = typeof navigator === 'undefined' ? undefined : navigator.permissions;
    permissions
      ?.query({ name: 'notifications' })
      .then((status) => {
        const changed = () => this.notifications.set(notificationPermission());
        status.addEventListener('change', changed);
        this.destroyRef.onDestroy(() => status.removeEventListener('change', changed));
      })
      .catch(() => undefined);
  }
}

const runId = (run: RunView): string => run.id;

const NO_GAPS: ReadonlySet<string> = new Set();

/** `next`, with the runs of `previous` that are not in it put back at their former places. */
export function keepPlaces(previous: readonly RunView[], next: RunView[]): RunView[] {
  const ids = new Set(next.map(runId));
  if (previous.every((run) => ids.has(run.id))) return next;
  const result = next.slice();
  previous.forEach((run, index) => {
    if (!ids.has(run.id)) result.splice(Math.min(index, result.length), 0, run);
  });
  return result;
}

/** Entries before the end of the loaded list at which the next page is read. */
const LOAD_AHEAD = 20;

/**
 * Height of an entry before it was measured (see run-entry.scss): the scroll bar is right from
 * the start, and the measured height replaces it once the entry is rendered.
 */
export function estimatedHeight(run: RunView): number {
  if (run.scheduler) return isUnfinished(run.status) ? 196 : 150;
  if (isUnfinished(run.status)) return 141;
  return run.status === 'completed' && run.result?.type !== 'value' ? 97 : 119;
}
