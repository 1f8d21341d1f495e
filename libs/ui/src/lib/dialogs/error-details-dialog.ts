import { Clipboard } from '@angular/cdk/clipboard';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import type { RunView } from '@onward/task-domain';

import { runLabel } from '../shared/run-format';

/** Shows a failed run's error message and details, with a button that copies them. */
@Component({
  selector: 'onward-error-details-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatDialogModule, MatButtonModule],
  template: `
    <h2 mat-dialog-title i18n="@@onward.errorDialog.title">Error details</h2>
    <mat-dialog-content>
      <p class="onward-dialog-sub">{{ label }}</p>
      @if (run.error?.message; as message) {
        <p class="onward-error-message">{{ message }}</p>
      } @else {
        <p class="onward-error-message" i18n="@@onward.errorDialog.noMessage">No message</p>
      }
      @if (run.error?.details; as details) {
        <pre
          class="onward-details"
          tabindex="0"
          aria-label="Error details text"
          i18n-aria-label="@@onward.errorDialog.detailsLabel"
          >{{ details }}</pre>
      } @else {
        <p class="onward-muted" i18n="@@onward.errorDialog.noDetails">The server recorded no further details.</p>
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <span class="onward-copied" aria-live="polite">
        @if (copied()) {
          <ng-container i18n="@@onward.errorDialog.copied">Copied</ng-container>
        }
      </span>
      <button mat-button type="button" (click)="copy()" i18n="@@onward.errorDialog.copy">Copy</button>
      <button mat-flat-button type="button" mat-dialog-close cdkFocusInitial i18n="@@onward.errorDialog.close">
        Close
      </button>
    </mat-dialog-actions>
  `,
  styles: `
    .onward-dialog-sub {
      margin: 0 0 8px;
      color: var(--mat-sys-on-surface-variant, #555);
    }
    .onward-error-message {
      margin: 0 0 12px;
      color: var(--onward-danger, #b3261e);
      font-weight: 500;
    }
    .onward-details {
      margin: 0;
      padding: 12px;
      max-height: 320px;
      overflow: auto;
      white-space: pre-wrap;
      word-break: break-word;
      font:
        12px/1.5 ui-monospace,
        SFMono-Regular,
        Menlo,
        Consolas,
        monospace;
      background: var(--mat-sys-surface-container, #f3f3f3);
      border-radius: 8px;
    }
    .onward-muted {
      color: var(--mat-sys-on-surface-variant, #555);
    }
    .onward-copied {
      margin-right: auto;
      color: var(--mat-sys-on-surface-variant, #555);
      font-size: 13px;
    }
  `,
})
export class ErrorDetailsDialog {
  private readonly clipboard = inject(Clipboard);
  protected readonly run = inject<RunView>(MAT_DIALOG_DATA);
  protected readonly label = runLabel(this.run);
  protected readonly copied = signal(false);

  protected copy(): void {
    const error = this.run.error;
    const text = [this.label, error?.message ?? '', error?.details ?? ''].filter(Boolean).join('\n\n');
    this.copied.set(this.clipboard.copy(text));
  }
}
