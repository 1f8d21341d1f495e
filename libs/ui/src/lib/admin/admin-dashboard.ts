import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  inject,
  input,
  LOCALE_ID,
  type OnInit,
  signal,
} from '@angular/core';
import { takeUntilDestroyed, toObservable } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import type { AdminStats, StatsWindow, TaskError, TaskStats, WorkerInfo } from '@onward/task-domain';
import type { ChartOptions } from 'chart.js';
import { BaseChartDirective, provideCharts } from 'ng2-charts';
import { distinctUntilChanged, filter, map, merge, skip, throttleTime } from 'rxjs';

import { MonitorClient } from '../client/monitor-client';
import {
  DASHBOARD_CHART_PARTS,
  durationsChartData,
  durationsChartOptions,
  runsChartData,
  runsChartOptions,
} from './dashboard-charts';
import { bucketLabel, durationsSummary, formatMs, runsSummary, shortDateTime } from './dashboard-format';

/**
 * The admin dashboard: runs per minute, hour or day, p50 and p95 per task, queued and running now,
 * the server processes and what each runs, and the most frequent errors. Live: a `stats.updated`
 * hint (throttled, and never a second read while one is in flight), the socket coming back online,
 * or the refresh button reads the statistics and the processes again. Each chart has a text
 * alternative told from the numbers it draws, and the same numbers as a table ("Show as table").
 */
@Component({
  selector: 'onward-admin-dashboard',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, MatButtonToggleModule, MatSlideToggleModule, BaseChartDirective],
  providers: [provideCharts({ registerables: DASHBOARD_CHART_PARTS })],
  templateUrl: './admin-dashboard.html',
  styleUrl: './admin-dashboard.scss',
})
export class AdminDashboard implements OnInit {
  private readonly client = inject(MonitorClient);
  private readonly locale = inject(LOCALE_ID);
  private readonly destroyRef = inject(DestroyRef);

  /** Reads after a `stats.updated` hint are at most this often. */
  readonly refreshThrottleMs = input(2_000);

  protected readonly windows: { value: StatsWindow; label: string }[] = [
    { value: '1h', label: $localize`:@@onward.dash.1h:1 hour` },
    { value: '24h', label: $localize`:@@onward.dash.24h:24 hours` },
    { value: '7d', label: $localize`:@@onward.dash.7d:7 days` },
  ];
  protected readonly window = signal<StatsWindow>('1h');
  protected readonly stats = signal<AdminStats | null>(null);
  /**
   * The statistics the durations chart shows: those of `stats`, one animation frame later. A chart
   * redraws in the turn its numbers arrive; one chart a frame keeps each frame short.
   */
  private readonly durationStats = signal<AdminStats | null>(null);
  protected readonly workers = signal<WorkerInfo[]>([]);
  protected readonly failed = signal(false);
  protected readonly loading = signal(false);
  protected readonly asTable = signal(false);

  private readonly runsLabels = {
    started: $localize`:@@onward.dash.started:Started`,
    completed: $localize`:@@onward.dash.completed:Completed`,
    failed: $localize`:@@onward.dash.failed:Failed`,
    cancelled: $localize`:@@onward.dash.cancelled:Cancelled`,
  };
  // Typed here: the library's declarations must name Chart.js's option type (an inferred one is not portable).
  protected readonly runsOptions: ChartOptions<'bar'> = runsChartOptions();
  protected readonly durationsOptions: ChartOptions<'bar'> = durationsChartOptions();
  // A refresh that leaves a chart's numbers as they were does not hand it new data: each new `data`
  // redraws the whole chart.
  protected readonly runsData = computed(
    () => {
      const stats = this.stats();
      return runsChartData(stats, this.runsLabels, (at) => this.bucket(at, stats?.window));
    },
    { equal: sameData },
  );
  protected readonly durationsData = computed(() => durationsChartData(this.durationStats(), 'p50', 'p95'), {
    equal: sameData,
  });
  // The text alternatives are told from the data each chart was handed (not from the statistics beside
  // it), and name the window of the numbers shown, not the one being read after a switch.
  protected readonly runsAlt = computed(() => {
    const window = this.stats()?.window;
    const label = this.windows.find((w) => w.value === window)?.label;
    return label ? runsSummary(this.runsData(), label) : '';
  });
  protected readonly durationsAlt = computed(() =>
    this.durationStats() ? durationsSummary(this.durationsData(), this.locale) : '',
  );
  /** Tasks with failures, most failures first, each with its most frequent error messages. */
  protected readonly failing = computed((): (TaskStats & { errors: TaskError[] })[] => {
    const stats = this.stats();
    if (!stats) return [];
    return stats.tasks
      .filter((t) => t.failed > 0)
      .sort((a, b) => b.failed - a.failed)
      .map((t) => ({ ...t, errors: stats.topErrors.filter((e) => e.task === t.task) }));
  });

  /**
   * The socket back online after it was lost: the hints sent meanwhile were lost with it, so this counts
   * as one. The first time online is no comeback (the first read covers it).
   */
  private readonly backOnline$ = toObservable(this.client.connection).pipe(
    map((state) => state === 'online'),
    distinctUntilChanged(),
    filter(Boolean),
    skip(1),
  );

  private generation = 0;
  /** The read in flight, if any. */
  private reading: Promise<void> | null = null;
  /** A hint came while `reading` was in flight: one more read follows it. */
  private readAgain = false;

  ngOnInit(): void {
    // The hint goes to sockets that watch every run.
    this.client.watchAll();
    this.destroyRef.onDestroy(() => this.client.unwatchAll());
    merge(this.client.statsUpdated$, this.backOnline$)
      .pipe(
        throttleTime(this.refreshThrottleMs(), undefined, { leading: true, trailing: true }),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe(() => this.readOnHint());
    this.destroyRef.onDestroy(() => (this.readAgain = false));
    void this.refresh();
  }

  protected setWindow(window: StatsWindow): void {
    this.window.set(window);
    void this.refresh();
  }

  /** Reads the statistics and the processes again; an older answer never overwrites a newer one. */
  async refresh(): Promise<void> {
    const reading = this.read();
    this.reading = reading;
    await reading;
    if (this.reading !== reading) return;
    this.reading = null;
    if (this.readAgain) {
      this.readAgain = false;
      void this.refresh();
    }
  }

  /**
   * A hint during a read asks for one more read after it (the answer in flight may predate what the
   * hint announces), never for a second read at the same time: a busy server sends hints faster than
   * it answers reads, and parallel reads would only pile up on it.
   */
  private readOnHint(): void {
    if (this.reading) this.readAgain = true;
    else void this.refresh();
  }

  private async read(): Promise<void> {
    const generation = ++this.generation;
    this.loading.set(true);
    try {
      const [stats, workers] = await Promise.all([this.client.adminStats(this.window()), this.client.adminWorkers()]);
      if (generation !== this.generation) return;
      this.stats.set(stats);
      this.workers.set(workers);
      requestAnimationFrame(() => {
        if (generation === this.generation) this.durationStats.set(stats);
      });
      this.failed.set(false);
    } catch {
      if (generation === this.generation) this.failed.set(true);
    } finally {
      if (generation === this.generation) this.loading.set(false);
    }
  }

  /** A bucket's start, read in the window its statistics came from. */
  protected bucket(at: string, window: StatsWindow = this.window()): string {
    return bucketLabel(at, window, this.locale);
  }

  protected ms(value: number | null): string {
    return formatMs(value, this.locale);
  }

  protected since(iso: string): string {
    return shortDateTime(iso, this.locale);
  }
}

/** Chart data with the same numbers and labels (they are plain JSON). */
function sameData(a: object, b: object): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
