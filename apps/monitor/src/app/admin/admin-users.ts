import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { FormsModule, type NgForm } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';

import { type AccountView, AccountsApi, errorMessage, fieldErrors } from '../auth/accounts-api';
import { AuthStore } from '../auth/auth-store';

/** The admins' user list: every account, a form for a new one, and disable / enable. */
@Component({
  selector: 'app-admin-users',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, FormsModule, MatButtonModule, MatCheckboxModule, MatFormFieldModule, MatInputModule],
  template: `
    @if (localAccounts()) {
      <section class="card" aria-labelledby="new-user-title">
        <h2 id="new-user-title" i18n="@@demo.users.new">New user</h2>
        <form class="new-user" #form="ngForm" (ngSubmit)="create(form)">
          <mat-form-field appearance="outline" subscriptSizing="dynamic">
            <mat-label i18n="@@demo.users.username">User name</mat-label>
            <input matInput name="username" autocomplete="off" required [(ngModel)]="username" />
            @if (errors()['username']; as message) {
              <mat-hint class="field-error">{{ message }}</mat-hint>
            }
          </mat-form-field>
          <mat-form-field appearance="outline" subscriptSizing="dynamic">
            <mat-label i18n="@@demo.users.displayName">Display name</mat-label>
            <input matInput name="displayName" autocomplete="off" required [(ngModel)]="displayName" />
            @if (errors()['displayName']; as message) {
              <mat-hint class="field-error">{{ message }}</mat-hint>
            }
          </mat-form-field>
          <mat-form-field appearance="outline" subscriptSizing="dynamic">
            <mat-label i18n="@@demo.users.password">Password</mat-label>
            <input
              matInput
              name="password"
              type="password"
              autocomplete="new-password"
              required
              [(ngModel)]="password"
            />
            <mat-hint [class.field-error]="!!errors()['password']">{{
              errors()['password'] ?? words.minLength
            }}</mat-hint>
          </mat-form-field>
          <mat-checkbox name="admin" [(ngModel)]="admin" i18n="@@demo.users.admin">Admin</mat-checkbox>
          <button mat-flat-button type="submit" [disabled]="busy()" i18n="@@demo.users.create">Create</button>
        </form>
      </section>
    }
    @if (error(); as message) {
      <p class="error" role="alert">{{ message }}</p>
    }
    <section class="card list" aria-label="Users" i18n-aria-label="@@demo.users.list">
      <table>
        <thead>
          <tr>
            <th scope="col" i18n="@@demo.users.username">User name</th>
            <th scope="col" i18n="@@demo.users.displayName">Display name</th>
            <th scope="col" i18n="@@demo.users.roles">Roles</th>
            <th scope="col" i18n="@@demo.users.created">Created</th>
            <th scope="col" i18n="@@demo.users.status">Status</th>
            <th scope="col"><span class="visually-hidden" i18n="@@demo.users.actions">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          @for (user of users(); track user.id) {
            <tr [class.disabled]="user.disabled">
              <td class="username">{{ user.username }}</td>
              <td>{{ user.displayName }}</td>
              <td>{{ user.roles.includes('admin') ? words.admin : words.user }}</td>
              <td>{{ user.createdAt | date: 'mediumDate' }}</td>
              <td class="status">{{ user.disabled ? words.disabled : words.active }}</td>
              <td class="actions">
                @if (localAccounts() && user.id !== me()) {
                  <button mat-button type="button" [disabled]="busy()" (click)="setDisabled(user, !user.disabled)">
                    {{ user.disabled ? words.enable : words.disable }}
                  </button>
                }
              </td>
            </tr>
          } @empty {
            <tr>
              <td class="empty" colspan="6">{{ loaded() ? words.none : words.loading }}</td>
            </tr>
          }
        </tbody>
      </table>
    </section>
  `,
  styles: `
    .card {
      background: var(--mat-sys-surface);
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 12px;
      padding: 16px;
      margin-bottom: 16px;
    }
    h2 {
      margin: 0 0 12px;
      font-size: 16px;
      font-weight: 500;
    }
    .new-user {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 12px;
    }
    .list {
      padding: 0;
      overflow-x: auto;
    }
    table {
      width: 100%;
      border-collapse: collapse;
      font-size: 14px;
    }
    th,
    td {
      text-align: left;
      padding: 8px 16px;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    th {
      font-weight: 500;
      color: var(--mat-sys-on-surface-variant);
    }
    tbody tr {
      height: 52px;
    }
    tr.disabled td {
      color: var(--mat-sys-on-surface-variant);
    }
    .actions {
      text-align: right;
    }
    .empty {
      text-align: center;
      color: var(--mat-sys-on-surface-variant);
      padding: 24px;
    }
    .field-error,
    .error {
      color: var(--mat-sys-error);
    }
    .visually-hidden {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
    }
  `,
})
export class AdminUsers {
  protected readonly words = {
    minLength: $localize`:@@demo.users.minLength:At least 8 characters`,
    admin: $localize`:@@demo.users.roleAdmin:Admin`,
    user: $localize`:@@demo.users.roleUser:User`,
    disabled: $localize`:@@demo.users.disabled:Disabled`,
    active: $localize`:@@demo.users.active:Active`,
    enable: $localize`:@@demo.users.enable:Enable`,
    disable: $localize`:@@demo.users.disable:Disable`,
    none: $localize`:@@demo.users.none:No users.`,
    loading: $localize`:@@demo.users.loading:Loading…`,
  };
  private readonly api = inject(AccountsApi);
  private readonly auth = inject(AuthStore);
  protected readonly me = computed(() => this.auth.user()?.id);
  /** With the host application's identity, Onward only lists the users it has seen. */
  protected readonly localAccounts = signal(true);

  protected readonly users = signal<AccountView[]>([]);
  protected readonly loaded = signal(false);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly errors = signal<Partial<Record<string, string>>>({});
  protected username = '';
  protected displayName = '';
  protected password = '';
  protected admin = false;

  constructor() {
    void this.load();
    this.api.options().then(
      (options) => this.localAccounts.set(options.mode === 'local'),
      () => undefined,
    );
  }

  protected async create(form: NgForm): Promise<void> {
    this.errors.set({});
    this.error.set(null);
    this.busy.set(true);
    try {
      const created = await this.api.createUser({
        username: this.username.trim(),
        displayName: this.displayName.trim(),
        password: this.password,
        roles: this.admin ? ['user', 'admin'] : ['user'],
      });
      form.resetForm({ admin: false });
      this.users.update((users) => [...users, created].sort((a, b) => (a.username < b.username ? -1 : 1)));
    } catch (error) {
      const fields = fieldErrors(error);
      if (Object.keys(fields).length > 0) this.errors.set(fields);
      else this.error.set(errorMessage(error, $localize`:@@demo.users.createFailed:The user could not be created.`));
    } finally {
      this.busy.set(false);
    }
  }

  protected async setDisabled(user: AccountView, disabled: boolean): Promise<void> {
    this.error.set(null);
    this.busy.set(true);
    try {
      const updated = await this.api.updateUser(user.id, { disabled });
      this.users.update((users) => users.map((u) => (u.id === updated.id ? updated : u)));
    } catch (error) {
      this.error.set(errorMessage(error, `${user.username} could not be changed.`));
    } finally {
      this.busy.set(false);
    }
  }

  private async load(): Promise<void> {
    try {
      this.users.set(await this.api.listUsers());
    } catch (error) {
      this.error.set(errorMessage(error, $localize`:@@demo.users.loadFailed:The users could not be loaded.`));
    } finally {
      this.loaded.set(true);
    }
  }
}
