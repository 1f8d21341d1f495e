import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  effect,
  inject,
  linkedSignal,
  signal,
  untracked,
} from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatAutocompleteModule } from '@angular/material/autocomplete';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatTabsModule } from '@angular/material/tabs';
import { RUN_STATUSES, type RunStatus, type RunView } from '@onward/task-domain';
import { AdminDashboard, AdminRunsTable, MonitorClient, statusLook } from '@onward/ui';

import { AccountsApi } from '../auth/accounts-api';
import { matchesUserPrefix, runCountText, userQueries, usersWithPrefix } from './admin-user-filter';
import { AdminUsers } from './admin-users';

/**
 * Every user's runs, filtered by user and status, shown in the widget's admin table (sorting, days,
 * CSV, cancel and delete), and the users.
 */
@Component({
  selector: 'app-admin-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    AdminDashboard,
    AdminRunsTable,
    AdminUsers,
    FormsModule,
    MatAutocompleteModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    MatTabsModule,
  ],
  template: `
    <mat-tab-group
      mat-stretch-tabs="false"
      animationDuration="0ms"
      [selectedIndex]="tab()"
      (selectedIndexChange)="tab.set($event)"
    >
      <mat-tab label="Runs" i18n-label="@@demo.admin.runsTab">
        <header class="page-head">
          <h1 i18n="@@demo.admin.runsTitle">All runs</h1>
          <p i18n="@@demo.admin.runsIntro">Every user's runs, live. Cancel or delete any of them.</p>
        </header>
        <section class="filters" aria-label="Filters" i18n-aria-label="@@demo.admin.filters">
          <mat-form-field appearance="outline" subscriptSizing="dynamic">
            <mat-label i18n="@@demo.admin.user">User</mat-label>
            <input
              matInput
              name="user"
              placeholder="any user"
              i18n-placeholder="@@demo.admin.anyUser"
              autocomplete="off"
              [matAutocomplete]="userList"
              [ngModel]="user()"
              (ngModelChange)="user.set($event.trim())"
            />
            <mat-hint i18n="@@adminUserHint">Matches the start of a name</mat-hint>
            <mat-autocomplete #userList="matAutocomplete" (optionSelected)="user.set($event.option.value)">
              @for (name of suggestions(); track name) {
                <mat-option [value]="name">{{ name }}</mat-option>
              }
            </mat-autocomplete>
          </mat-form-field>
          <mat-form-field appearance="outline" subscriptSizing="dynamic" class="status">
            <mat-label i18n="@@demo.admin.status">Status</mat-label>
            <mat-select
              multiple
              name="status"
              placeholder="any status"
              i18n-placeholder="@@demo.admin.anyStatus"
              [value]="statuses()"
              (valueChange)="statuses.set($event)"
            >
              @for (s of allStatuses; track s) {
                <mat-option [value]="s">{{ label(s) }}</mat-option>
              }
            </mat-select>
          </mat-form-field>
          <button
            mat-button
            type="button"
            (click)="clear()"
            [disabled]="!user() && statuses().length === 0"
            i18n="@@demo.admin.clear"
          >
            Clear filters
          </button>
          <span class="spacer"></span>
          <span class="count" aria-live="polite">{{ countText() }}</span>
        </section>
        @if (error(); as message) {
          <p class="error" role="alert">{{ message }}</p>
        }
        <onward-admin-runs-table [runs]="shownRuns()" />
      </mat-tab>
      <mat-tab label="Users" i18n-label="@@demo.admin.usersTab">
        <ng-template matTabContent>
          <header class="page-head">
            <h1 i18n="@@demo.admin.usersTitle">Users</h1>
            <p i18n="@@demo.admin.usersIntro">Who may sign in, and who is an admin.</p>
          </header>
          <app-admin-users />
        </ng-template>
      </mat-tab>
      <mat-tab label="Dashboard" i18n-label="@@adminDashboardTab">
        <ng-template matTabContent>
          <!-- Made when the tab is first opened; Chart.js comes with the admin page's lazily loaded chunk. -->
          <onward-admin-dashboard />
        </ng-template>
      </mat-tab>
    </mat-tab-group>
  `,
  styles: `
    .page-head {
      margin-top: 20px;
    }
    .page-head h1 {
      margin: 0 0 4px;
      font-size: 24px;
      font-weight: 500;
    }
    .page-head p {
      margin: 0 0 20px;
      color: var(--mat-sys-on-surface-variant);
    }
    .filters {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 12px;
      margin-bottom: 16px;
    }
    .status {
      width: 240px;
    }
    .spacer {
      flex: 1;
    }
    .count {
      color: var(--mat-sys-on-surface-variant);
      font-size: 13px;
    }
    .error {
      color: var(--mat-sys-error);
    }
  `,
})
export class AdminPage {
  private readonly client = inject(MonitorClient);
  private readonly accounts = inject(AccountsApi);

  protected readonly allStatuses = RUN_STATUSES;
  protected readonly user = signal('');
  protected readonly statuses = signal<RunStatus[]>([]);
  protected readonly error = signal<string | null>(null);
  /** Every username, for the prefix filter's suggestions and reads; null while unknown or unavailable. */
  private readonly usernames = signal<string[] | null>(null);
  protected readonly suggestions = computed(() =>
    this.user() ? usersWithPrefix(this.usernames() ?? [], this.user()).slice(0, 8) : [],
  );
  /** The server's answer for the filters, kept live by the socket (which sends everyone's runs here). */
  protected readonly runs = computed(() => {
    const user = this.user();
    const statuses = this.statuses();
    return this.client
      .allRuns()
      .filter(
        (r) => matchesUserPrefix(r.owner.username, user) && (statuses.length === 0 || statuses.includes(r.status)),
      );
  });
  /** The selected tab: 0 is Runs. */
  protected readonly tab = signal(0);
  /**
   * The runs the Runs tab shows. Its content stays created behind the other tabs (keeping its sort and
   * days), so while another tab is selected it keeps the last list instead of re-rendering the table
   * for every run event (the dashboard beside it would miss frames).
   */
  protected readonly shownRuns = linkedSignal<RunView[] | null, RunView[]>({
    source: () => (this.tab() === 0 ? this.runs() : null),
    computation: (runs, previous) => runs ?? previous?.value ?? [],
  });
  protected readonly countText = computed(() => runCountText(this.shownRuns().length));

  constructor() {
    this.client.watchAll();
    inject(DestroyRef).onDestroy(() => this.client.unwatchAll());
    effect(() => {
      const queries = userQueries(this.user(), this.usernames());
      const status = this.statuses();
      untracked(() => void this.load(queries, status));
    });
    this.accounts
      .listUsers()
      .then((users) => this.usernames.set(users.map((u) => u.username)))
      // With the host's identity Onward has no user list: the prefix then filters the loaded runs.
      .catch(() => undefined);
  }

  protected label(status: RunStatus): string {
    return statusLook(status).label;
  }

  protected clear(): void {
    this.user.set('');
    this.statuses.set([]);
  }

  private async load(users: (string | null)[], status: RunStatus[]): Promise<void> {
    try {
      await Promise.all(
        users.map((user) =>
          this.client.listAdminRuns({ limit: 200, ...(user ? { user } : {}), ...(status.length ? { status } : {}) }),
        ),
      );
      this.error.set(null);
    } catch (error) {
      this.error.set(`The runs could not be loaded: ${this.client.describeError(error)}`);
    }
  }
}
