import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatToolbarModule } from '@angular/material/toolbar';
import { Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { MonitorPanel, RunningTasksButton } from '@onward/ui';

import { ChangePasswordDialog } from '../account/change-password-dialog';
import { AccountsApi } from '../auth/accounts-api';
import { AuthStore } from '../auth/auth-store';
import { LanguageSwitch } from '../i18n/language-switch';

/** The host's frame: toolbar with the Running-tasks button, the page, and the floating monitor panel. */
@Component({
  selector: 'app-shell',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    LanguageSwitch,
    MatButtonModule,
    MatToolbarModule,
    MonitorPanel,
    RouterLink,
    RouterLinkActive,
    RouterOutlet,
    RunningTasksButton,
  ],
  template: `
    <mat-toolbar class="bar">
      <a class="brand" routerLink="/"><span class="logo" aria-hidden="true">O</span><span class="name">Onward</span></a>
      <nav aria-label="Main" i18n-aria-label="@@demo.shell.nav">
        <a
          mat-button
          routerLink="/"
          routerLinkActive="active"
          [routerLinkActiveOptions]="{ exact: true }"
          i18n="@@demo.shell.customers"
          >Customers</a
        >
        @if (auth.isAdmin()) {
          <a mat-button routerLink="/admin" routerLinkActive="active" i18n="@@demo.shell.admin">Admin</a>
        }
      </nav>
      <span class="spacer"></span>
      <onward-running-tasks-button />
      <span class="user" [title]="auth.user()?.username ?? ''">{{
        auth.user()?.displayName ?? auth.user()?.username
      }}</span>
      @if (localAccounts()) {
        <button mat-button type="button" (click)="changePassword()" i18n="@@demo.shell.changePassword">
          Change password
        </button>
      }
      <app-language-switch />
      <button mat-button type="button" (click)="logout()" i18n="@@demo.shell.signOut">Sign out</button>
    </mat-toolbar>
    <main class="content">
      <router-outlet />
    </main>
    <onward-monitor-panel importTask="import-orders" />
  `,
  styles: `
    :host {
      display: flex;
      flex-direction: column;
      min-height: 100vh;
    }
    .bar {
      position: sticky;
      top: 0;
      z-index: 10;
      gap: 8px;
      height: 56px;
      padding: 0 12px;
      background: var(--mat-sys-surface);
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    .brand {
      display: flex;
      align-items: center;
      gap: 8px;
      font-weight: 600;
      font-size: 17px;
      color: inherit;
      text-decoration: none;
      margin-right: 12px;
    }
    .logo {
      width: 28px;
      height: 28px;
      border-radius: 8px;
      display: grid;
      place-items: center;
      color: #fff;
      background: var(--mat-sys-primary);
      font-size: 15px;
    }
    nav {
      display: flex;
      gap: 2px;
    }
    nav a.active {
      background: var(--mat-sys-secondary-container);
    }
    .spacer {
      flex: 1;
    }
    .user {
      font-size: 14px;
      color: var(--mat-sys-on-surface-variant);
      margin-left: 8px;
    }
    .content {
      flex: 1;
      padding: 24px;
      box-sizing: border-box;
      width: 100%;
      max-width: 1200px;
      margin: 0 auto;
    }
    @media (max-width: 640px) {
      .user,
      .name {
        display: none;
      }
      .content {
        padding: 12px;
      }
    }
  `,
})
export class Shell {
  protected readonly auth = inject(AuthStore);
  private readonly router = inject(Router);
  private readonly dialog = inject(MatDialog);
  private readonly snackBar = inject(MatSnackBar);
  /** Onward's own accounts (not the host application's tokens): users have a password to change. */
  protected readonly localAccounts = signal(false);

  constructor() {
    inject(AccountsApi)
      .options()
      .then(
        (options) => this.localAccounts.set(options.mode === 'local'),
        () => undefined,
      );
  }

  protected changePassword(): void {
    this.dialog
      .open<ChangePasswordDialog, void, boolean>(ChangePasswordDialog, { autoFocus: 'first-tabbable' })
      .afterClosed()
      .subscribe((changed) => {
        if (changed)
          this.snackBar.open($localize`:@@demo.shell.passwordChanged:Your password was changed.`, undefined, {
            duration: 4000,
          });
      });
  }

  protected logout(): void {
    this.auth.logout();
    void this.router.navigate(['/login']);
  }
}
