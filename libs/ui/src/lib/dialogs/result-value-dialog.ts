import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import type { RunView } from '@onward/task-domain';

import { runLabel } from '../shared/run-format';

/** Shows a run's value result. */
@Component({
  selector: 'onward-result-value-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatDialogModule, MatButtonModule],
  template: `
    <h2 mat-dialog-title>Result</h2>
    <mat-dialog-content>
      <p class="onward-dialog-sub">{{ label }}</p>
      <pre class="onward-details" tabindex="0" aria-label="Result value">{{ text }}</pre>
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-flat-button type="button" mat-dialog-close cdkFocusInitial>Close</button>
    </mat-dialog-actions>
  `,
  styles: `
    .onward-dialog-sub {
      margin: 0 0 8px;
      color: var(--mat-sys-on-surface-variant, #555);
    }
    .onward-details {
      margin: 0;
      padding: 12px;
      max-height: 360px;
      overflow: auto;
      white-space: pre-wrap;
      word-break: break-word;
      font:
        13px/1.5 ui-monospace,
        SFMono-Regular,
        Menlo,
        Consolas,
        monospace;
      background: var(--mat-sys-surface-container, #f3f3f3);
      border-radius: 8px;
    }
  `,
})
export class ResultValueDialog {
  private readonly run = inject<RunView>(MAT_DIALOG_DATA);
  protected readonly label = runLabel(this.run);
  protected readonly text = formatValue(this.run.result?.type === 'value' ? this.run.result.value : null);
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}
