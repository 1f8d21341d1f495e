import { DatePipe, DOCUMENT } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  inject,
  input,
  type OnInit,
  signal,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { provideNativeDateAdapter } from '@angular/material/core';
import { MatDatepickerModule } from '@angular/material/datepicker';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSortModule, type Sort } from '@angular/material/sort';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import { isUnfinished, type RunView } from '@onward/task-domain';

import { MonitorClient } from '../client/monitor-client';
import { OnwardIcon } from '../shared/icon';
import { RunActions } from '../shared/run-actions';
import { cancelledText, elapsedMs, formatDuration, runLabel, statusLook } from '../shared/run-format';
import { adminRunsCsv } from './admin-runs-csv';
import { type AdminSortKey, type SortDirection, sortRuns, withinDays } from './admin-runs-sort';

/**
 * Every user's runs as a table: sortable by task, user, status, start and finish, filtered to a
 * range of days, exported as CSV exactly as shown; admins cancel and delete from it. Given `runs`,
 * it shows those (the host filters and loads them); without, it loads and follows every user's
 * runs itself through `GET /api/admin/runs` and the socket.
 */
@Component({
  selector: 'onward-admin-runs-table',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    DatePipe,
    MatButtonModule,
    MatDatepickerModule,
    MatFormFieldModule,
    MatInputModule,
    MatSortModule,
    MatTableModule,
    MatTooltipModule,
    OnwardIcon,
  ],
  // The date range needs a DateAdapter; the native one keeps hosts free of a date library.
  providers: [provideNativeDateAdapter()],
  templateUrl: './admin-runs-table.html',
  styleUrl: './admin-runs-table.scss',
})
export class AdminRunsTable implements OnInit {
  private readonly client = inject(MonitorClient);
  private readonly document = inject(DOCUMENT);
  private readonly destroyRef = inject(DestroyRef);
  protected readonly actions = inject(RunActions);

  /** The runs to show; leave unset to show every user's runs, loaded and kept live by the table. */
  readonly runs = input<readonly RunView[] | undefined>(undefined);
  /** Name of the exported file, without the date and extension. */
  readonly fileName = input('onward-runs');

  protected readonly columns = ['task', 'user', 'status', 'started', 'finished', 'duration', 'actions'];
  protected readonly from = signal<Date | null>(null);
  protected readonly to = signal<Date | null>(null);
  protected readonly sortKey = signal<AdminSortKey>('started');
  protected readonly sortDirection = signal<SortDirection>('desc');
  protected readonly error = signal<string | null>(null);

  /** The rows as shown: within the date range, in the chosen order. */
  readonly shown = computed(() => {
    const runs = this.runs() ?? this.client.allRuns();
    return sortRuns(withinDays(runs, this.from(), this.to()), this.sortKey(), this.sortDirection());
  });

  ngOnInit(): void {
    if (this.runs() !== undefined) return;
    this.client.watchAll();
    this.destroyRef.onDestroy(() => this.client.unwatchAll());
    this.client.listAdminRuns({ limit: 200 }).then(
      () => this.error.set(null),
      (error: unknown) =>
        this.error.set(
          $localize`:@@onward.admin.loadError:The runs could not be loaded: ${this.client.describeError(error)}`,
        ),
    );
  }

  protected readonly trackById = (_: number, run: RunView): string => run.id;

  protected label(run: RunView): string {
    return runLabel(run);
  }

  protected status(run: RunView): string {
    const label = run.status === 'cancelled' ? cancelledText(run) : statusLook(run.status).label;
    const percent = run.progress.percent;
    return run.status === 'running' && percent !== null ? `${label} · ${Math.round(percent)} %` : label;
  }

  protected duration(run: RunView): string {
    return run.startedAt ? formatDuration(elapsedMs(run, Date.now())) : '';
  }

  protected active(run: RunView): boolean {
    return isUnfinished(run.status) && run.status !== 'cancelling';
  }

  protected cancelLabel(run: RunView): string {
    return $localize`:@@onward.admin.cancel:Cancel ${runLabel(run)}:run: of ${run.owner.username}:user:`;
  }

  protected deleteLabel(run: RunView): string {
    return $localize`:@@onward.admin.delete:Delete ${runLabel(run)}:run: of ${run.owner.username}:user:`;
  }

  protected sortBy(sort: Sort): void {
    // A third click on a header clears Material's sort: fall back to the newest start first.
    if (!sort.direction) {
      this.sortKey.set('started');
      this.sortDirection.set('desc');
      return;
    }
    this.sortKey.set(sort.active as AdminSortKey);
    this.sortDirection.set(sort.direction);
  }

  protected clearDates(): void {
    this.from.set(null);
    this.to.set(null);
  }

  /** Downloads what the table shows as `onward-runs-YYYY-MM-DD.csv`. */
  exportCsv(): void {
    // The byte order mark makes Excel read the file as UTF-8 (names with accents stay right).
    const blob = new Blob(['\uFEFF', adminRunsCsv(this.shown())], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const link = this.document.createElement('a');
    link.href = url;
    link.download = `${this.fileName()}-${new Date().toISOString().slice(0, 10)}.csv`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url));
  }
}
