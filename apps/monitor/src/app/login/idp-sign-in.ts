import { ChangeDetectionStrategy, Component, inject, input, output, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';

import { DemoIdp } from '../auth/demo-idp';

/**
 * The sign-in form when Onward trusts the host application's tokens (ONWARD_AUTH=jwt): a name, sent
 * to the demo identity provider; without one, a note that sign-in happens in the host application.
 */
@Component({
  selector: 'app-idp-sign-in',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule, MatButtonModule, MatFormFieldModule, MatInputModule],
  template: `
    @if (idpUrl(); as url) {
      <form class="idp" (ngSubmit)="submit(url)" aria-describedby="idp-hint">
        <p class="hint" id="idp-hint" i18n="@@demo.idp.hint">
          Onward trusts the demo identity provider at {{ url }}: any name signs in, and "admin" is an admin.
        </p>
        <mat-form-field appearance="outline">
          <mat-label i18n="@@demo.login.username">User name</mat-label>
          <input matInput name="username" autocomplete="username" required [(ngModel)]="username" />
        </mat-form-field>
        @if (error(); as message) {
          <p class="error" role="alert">{{ message }}</p>
        }
        <button mat-flat-button type="submit" [disabled]="busy()" i18n="@@demo.idp.submit">
          Sign in at the identity provider
        </button>
      </form>
    } @else {
      <p class="hint" role="status" i18n="@@demo.idp.external">
        Onward trusts your application's sign-in here: open it from your application, which passes its token on.
      </p>
    }
  `,
  styles: `
    .idp {
      display: flex;
      flex-direction: column;
    }
    .hint {
      margin: 0 0 20px;
      color: var(--mat-sys-on-surface-variant);
      font-size: 13px;
    }
    .error {
      color: var(--mat-sys-error);
      margin: 0 0 12px;
    }
  `,
})
export class IdpSignIn {
  private readonly idp = inject(DemoIdp);

  /** The demo identity provider's address; null when there is none. */
  readonly idpUrl = input.required<string | null>();
  /** Emitted once signed in. */
  readonly signedIn = output<void>();

  protected username = '';
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);

  protected async submit(url: string): Promise<void> {
    if (!this.username.trim()) {
      this.error.set($localize`:@@demo.idp.missing:Enter a user name.`);
      return;
    }
    this.busy.set(true);
    this.error.set(null);
    try {
      await this.idp.signIn(url, this.username.trim());
      this.signedIn.emit();
    } catch {
      this.error.set(
        $localize`:@@demo.idp.failed:The identity provider or the server cannot be reached, or refused the name. Try again.`,
      );
    } finally {
      this.busy.set(false);
    }
  }
}
