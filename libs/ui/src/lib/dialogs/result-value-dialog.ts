import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import type { RunView } from '@onward/task-domain';

import { displayText, runLabel, statusLook, valueRows, valueText } from '../shared/run-format';

/** A run's value result: its summary, a table per row for a scheduler's value list, else the raw value. */
@Component({
  selector: 'onward-result-value-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatDialogModule, MatButtonModule],
  template: `
    <h2 mat-dialog-title i18n="@@onward.resultDialog.title">Result</h2>
    <mat-dialog-content>
      <p class="onward-dialog-sub">{{ label }}</p>
      @if (summary) {
        <p class="summary">{{ summary }}</p>
      }
      @if (rows; as list) {
        <div class="table-wrap" tabindex="0" [attr.aria-label]="tableLabel">
          <table class="rows">
            <thead>
              <tr>
                <th scope="col" i18n="@@onward.resultDialog.row">Row</th>
                <th scope="col" i18n="@@onward.resultDialog.item">Item</th>
                <th scope="col" i18n="@@onward.resultDialog.status">Status</th>
                <th scope="col" i18n="@@onward.resultDialog.value">Result</th>
                <th scope="col" i18n="@@onward.resultDialog.error">Error</th>
              </tr>
            </thead>
            <tbody>
              @for (row of list; track row.row) {
                <tr [attr.data-status]="row.status">
                  <td class="num">{{ row.row }}</td>
                  <td>{{ row.item }}</td>
                  <td>{{ row.status }}</td>
                  <td>{{ row.result }}</td>
                  <td class="error">{{ row.error }}</td>
                </tr>
              }
            </tbody>
          </table>
        </div>
      } @else {
        <pre class="onward-details" tabindex="0" [attr.aria-label]="valueLabel">{{ text }}</pre>
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-flat-button type="button" mat-dialog-close cdkFocusInitial i18n="@@onward.resultDialog.close">
        Close
      </button>
    </mat-dialog-actions>
  `,
  styles: `
    .onward-dialog-sub {
      margin: 0 0 8px;
      color: var(--mat-sys-on-surface-variant, #555);
    }
    .summary {
      margin: 0 0 12px;
      font-weight: 500;
    }
    .table-wrap {
      max-height: 360px;
      overflow: auto;
    }
    .rows {
      width: 100%;
      border-collapse: collapse;
      font-size: 13px;
    }
    .rows th,
    .rows td {
      padding: 4px 8px;
      text-align: left;
      vertical-align: top;
      border-bottom: 1px solid var(--mat-sys-outline-variant, #ddd);
    }
    .rows .num {
      text-align: right;
    }
    .rows .error {
      color: var(--mat-sys-error, #b3261e);
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
  private readonly result = this.run.result?.type === 'value' ? this.run.result : null;
  protected readonly label = runLabel(this.run);
  protected readonly summary = this.result?.summary ?? null;
  protected readonly rows =
    valueRows(this.result?.value)?.map((row) => ({
      row: row.row,
      item: displayText(row.display),
      status: statusLook(row.status).label,
      result: row.summary ?? (row.value === null || row.value === undefined ? '' : valueText(row.value)),
      error: row.error ?? '',
    })) ?? null;
  protected readonly text = formatValue(this.result?.value ?? null);
  protected readonly tableLabel = $localize`:@@onward.resultDialog.tableLabel:Result of each row`;
  protected readonly valueLabel = $localize`:@@onward.resultDialog.valueLabel:Result value`;
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}
