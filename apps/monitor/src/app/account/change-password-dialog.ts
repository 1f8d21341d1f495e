import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';

import { AccountsApi, errorMessage, fieldErrors } from '../auth/accounts-api';

const MIN_LENGTH = 8;

/** The signed-in user changes their password; closes with `true` once the new one is in use. */
@Component({
  selector: 'app-change-password-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule, MatButtonModule, MatDialogModule, MatFormFieldModule, MatInputModule],
  template: `
    <form (ngSubmit)="submit()">
      <h2 mat-dialog-title i18n="@@demo.password.title">Change password</h2>
      <mat-dialog-content class="fields">
        <p class="note" i18n="@@demo.password.note">Your other sessions end within a minute.</p>
        <mat-form-field appearance="outline">
          <mat-label i18n="@@demo.password.current">Current password</mat-label>
          <input
            matInput
            name="currentPassword"
            type="password"
            autocomplete="current-password"
            required
            [(ngModel)]="currentPassword"
          />
          @if (errors()['currentPassword']; as message) {
            <mat-hint class="field-error">{{ message }}</mat-hint>
          }
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label i18n="@@demo.password.new">New password</mat-label>
          <input
            matInput
            name="newPassword"
            type="password"
            autocomplete="new-password"
            required
            [(ngModel)]="newPassword"
          />
          <mat-hint [class.field-error]="!!errors()['newPassword']">{{
            errors()['newPassword'] ?? minLength
          }}</mat-hint>
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label i18n="@@demo.password.again">New password again</mat-label>
          <input
            matInput
            name="confirmation"
            type="password"
            autocomplete="new-password"
            required
            [(ngModel)]="confirmation"
          />
          @if (errors()['confirmation']; as message) {
            <mat-hint class="field-error">{{ message }}</mat-hint>
          }
        </mat-form-field>
        @if (error(); as message) {
          <p class="error" role="alert">{{ message }}</p>
        }
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close i18n="@@demo.password.cancel">Cancel</button>
        <button mat-flat-button type="submit" [disabled]="busy()" i18n="@@demo.password.submit">Change password</button>
      </mat-dialog-actions>
    </form>
  `,
  styles: `
    .fields {
      display: flex;
      flex-direction: column;
      gap: 4px;
      min-width: min(340px, 80vw);
    }
    .note {
      margin: 0 0 12px;
      color: var(--mat-sys-on-surface-variant);
      font-size: 13px;
    }
    .field-error,
    .error {
      color: var(--mat-sys-error);
    }
    .error {
      margin: 0;
    }
  `,
})
export class ChangePasswordDialog {
  protected readonly minLength = $localize`:@@demo.password.minLength:At least 8 characters`;
  private readonly api = inject(AccountsApi);
  private readonly dialog = inject<MatDialogRef<ChangePasswordDialog, boolean>>(MatDialogRef);

  protected currentPassword = '';
  protected newPassword = '';
  protected confirmation = '';
  protected readonly busy = signal(false);
  protected readonly errors = signal<Partial<Record<string, string>>>({});
  protected readonly error = signal<string | null>(null);

  protected async submit(): Promise<void> {
    const errors: Record<string, string> = {};
    if (!this.currentPassword)
      errors['currentPassword'] = $localize`:@@demo.password.enterCurrent:Enter your current password.`;
    if (this.newPassword.length < MIN_LENGTH)
      errors['newPassword'] = $localize`:@@demo.password.tooShort:Use at least 8 characters.`;
    else if (this.confirmation !== this.newPassword)
      errors['confirmation'] = $localize`:@@demo.password.differ:The two new passwords differ.`;
    this.errors.set(errors);
    this.error.set(null);
    if (Object.keys(errors).length > 0) return;
    this.busy.set(true);
    try {
      await this.api.changePassword(this.currentPassword, this.newPassword);
      this.dialog.close(true);
    } catch (error) {
      const fields = fieldErrors(error);
      if (fields['currentPassword'])
        this.errors.set({ currentPassword: $localize`:@@demo.password.wrong:This is not your current password.` });
      else if (fields['newPassword']) this.errors.set({ newPassword: fields['newPassword'] });
      else
        this.error.set(
          errorMessage(
            error,
            $localize`:@@demo.password.failed:The password could not be changed. Try again in a moment.`,
          ),
        );
    } finally {
      this.busy.set(false);
    }
  }
}
