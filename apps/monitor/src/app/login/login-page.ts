import { HttpErrorResponse } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { Router } from '@angular/router';

import { AccountsApi } from '../auth/accounts-api';
import { AuthStore } from '../auth/auth-store';
import { DemoIdp } from '../auth/demo-idp';
import { IdpSignIn } from './idp-sign-in';

@Component({
  selector: 'app-login-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule, IdpSignIn, MatButtonModule, MatFormFieldModule, MatInputModule],
  template: `
    <main class="login">
      @if (mode() === 'jwt') {
        <section class="card" aria-labelledby="idp-login-title">
          <div class="brand"><span class="logo" aria-hidden="true">O</span> Onward</div>
          <h1 id="idp-login-title" i18n="@@demo.login.title">Sign in</h1>
          <app-idp-sign-in [idpUrl]="idpUrl()" (signedIn)="goOn()" />
        </section>
      }
      <form class="card" [hidden]="mode() === 'jwt'" (ngSubmit)="submit()" aria-labelledby="login-title">
        <div class="brand"><span class="logo" aria-hidden="true">O</span> Onward</div>
        <h1 id="login-title" i18n="@@demo.login.title">Sign in</h1>
        @if (demoHint(); as hint) {
          <p class="hint">{{ hint }}</p>
        }
        <mat-form-field appearance="outline">
          <mat-label i18n="@@demo.login.username">User name</mat-label>
          <input matInput name="username" autocomplete="username" required [(ngModel)]="username" />
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label i18n="@@demo.login.password">Password</mat-label>
          <input
            matInput
            name="password"
            type="password"
            autocomplete="current-password"
            required
            [(ngModel)]="password"
          />
        </mat-form-field>
        @if (error(); as message) {
          <p class="error" role="alert">{{ message }}</p>
        }
        <button mat-flat-button type="submit" [disabled]="busy()" i18n="@@demo.login.submit">Sign in</button>
      </form>
    </main>
  `,
  styles: `
    .login {
      min-height: 100vh;
      display: grid;
      place-items: center;
      background: var(--mat-sys-surface-container-low);
      padding: 16px;
      box-sizing: border-box;
    }
    .card[hidden] {
      display: none;
    }
    .card {
      width: min(360px, 100%);
      display: flex;
      flex-direction: column;
      padding: 32px;
      border-radius: 16px;
      background: var(--mat-sys-surface);
      box-shadow: 0 8px 24px rgba(16, 24, 40, 0.08);
      box-sizing: border-box;
    }
    .brand {
      display: flex;
      align-items: center;
      gap: 8px;
      font-weight: 600;
      font-size: 18px;
      margin-bottom: 16px;
    }
    .logo {
      width: 28px;
      height: 28px;
      border-radius: 8px;
      display: grid;
      place-items: center;
      color: #fff;
      background: var(--mat-sys-primary);
    }
    h1 {
      margin: 0 0 20px;
      font-size: 24px;
      font-weight: 500;
    }
    .hint {
      margin: -16px 0 20px;
      color: var(--mat-sys-on-surface-variant);
      font-size: 13px;
    }
    .error {
      color: var(--mat-sys-error);
      margin: 0 0 12px;
    }
  `,
})
export class LoginPage {
  private readonly auth = inject(AuthStore);
  private readonly router = inject(Router);

  /** Where to go after signing in (query parameter). */
  readonly returnUrl = input<string>();

  protected username = '';
  protected password = '';
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  /** Demo accounts that still open with their known password (the password is the user name). */
  private readonly demoUsers = signal<string[]>([]);
  protected readonly demoHint = computed(() => {
    const users = this.demoUsers();
    return users.length === 0
      ? null
      : $localize`:@@demo.login.demoUsers:Demo users: ${users.map((u) => `${u} / ${u}`).join(', ')}:users:`;
  });
  /** How this server signs users in (GET /api/auth/options); local until it answers. */
  protected readonly mode = signal<'local' | 'jwt'>('local');
  protected readonly idpUrl = signal<string | null>(null);

  constructor() {
    const idp = inject(DemoIdp);
    // Without the answer (an older server, no network) the page shows the password form and no hint.
    inject(AccountsApi)
      .options()
      .then(
        async (options) => {
          this.demoUsers.set(options.demoUsers);
          if (options.mode === 'jwt') this.idpUrl.set(await idp.url());
          this.mode.set(options.mode);
        },
        () => undefined,
      );
  }

  /** Where the user wanted to go, once signed in. */
  protected async goOn(): Promise<void> {
    const target = this.returnUrl();
    await this.router.navigateByUrl(target && target.startsWith('/') && !target.startsWith('//') ? target : '/');
  }

  protected async submit(): Promise<void> {
    if (!this.username || !this.password) {
      this.error.set($localize`:@@demo.login.missing:Enter a user name and a password.`);
      return;
    }
    this.busy.set(true);
    this.error.set(null);
    try {
      await this.auth.login(this.username, this.password);
      await this.goOn();
    } catch (error) {
      this.error.set(
        error instanceof HttpErrorResponse && error.status === 401
          ? $localize`:@@demo.login.wrong:Wrong user name or password.`
          : $localize`:@@demo.login.unreachable:The server cannot be reached. Try again in a moment.`,
      );
    } finally {
      this.busy.set(false);
    }
  }
}
