import { ChangeDetectionStrategy, Component, computed, effect, inject, signal, untracked } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import type { ParameterOption, Parameters } from '@onward/task-domain';
import { MonitorClient, OnwardFileDrop, OnwardIcon, RunLauncher } from '@onward/ui';

import { CUSTOMERS } from './customers';

/** The catalogue tasks this card starts. */
export const IMPORT_TASK = 'import-orders';
export const EXPORT_TASK = 'export-orders';

/**
 * Orders in and out: "Import orders…" (a file picker and a drop zone; the file is uploaded, then the
 * import task runs on it) and "Export orders" (year, customer, format). Both show up in the monitor.
 */
@Component({
  selector: 'app-order-files',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    FormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    OnwardFileDrop,
    OnwardIcon,
  ],
  template: `
    <section class="half" aria-labelledby="import-title">
      <h2 id="import-title" i18n="@@app.orders.importTitle">Import orders</h2>
      <div
        class="drop-zone"
        onwardFileDrop
        (filesDropped)="importFiles($event)"
        [class.disabled]="!importTask()"
        data-testid="import-drop-zone"
      >
        <onward-icon name="uploadFile" />
        <span i18n="@@app.orders.dropHint">Drop a CSV file here, or</span>
        <input
          #picker
          type="file"
          accept=".csv,text/csv"
          class="file-input"
          aria-label="Orders file to import"
          i18n-aria-label="@@app.orders.importFile"
          (change)="picked(picker)"
        />
        <button
          mat-stroked-button
          type="button"
          [disabled]="!importTask()"
          (click)="picker.click()"
          i18n="@@app.orders.importButton"
        >
          Import orders…
        </button>
      </div>
    </section>
    <section class="half" aria-labelledby="export-title">
      <h2 id="export-title" i18n="@@app.orders.exportTitle">Export orders</h2>
      <form
        class="export"
        (ngSubmit)="exportOrders()"
        aria-label="Export orders"
        i18n-aria-label="@@app.orders.exportTitle"
      >
        <mat-form-field appearance="outline" class="year" subscriptSizing="dynamic">
          <mat-label i18n="@@app.orders.year">Year</mat-label>
          <input matInput name="year" type="number" step="1" [ngModel]="year()" (ngModelChange)="year.set($event)" />
        </mat-form-field>
        <mat-form-field appearance="outline" class="customer" subscriptSizing="dynamic">
          <mat-label i18n="@@app.orders.customer">Customer</mat-label>
          <mat-select name="customer" [value]="customer()" (valueChange)="customer.set($event)">
            <mat-option [value]="null" i18n="@@app.orders.allCustomers">All customers</mat-option>
            @for (c of customers; track c) {
              <mat-option [value]="c">{{ c }}</mat-option>
            }
          </mat-select>
        </mat-form-field>
        <mat-form-field appearance="outline" class="format" subscriptSizing="dynamic">
          <mat-label i18n="@@app.orders.format">Format</mat-label>
          <mat-select name="format" [value]="format()" (valueChange)="format.set($event)">
            @for (o of formats(); track o.value) {
              <mat-option [value]="o.value">{{ o.label }}</mat-option>
            }
          </mat-select>
        </mat-form-field>
        <button
          mat-flat-button
          type="submit"
          class="go"
          [disabled]="!exportTask() || busy()"
          i18n="@@app.orders.exportButton"
        >
          Export orders
        </button>
      </form>
    </section>
  `,
  styles: `
    :host {
      display: flex;
      flex-wrap: wrap;
      gap: 24px;
    }
    .half {
      flex: 1 1 320px;
      min-width: 0;
    }
    h2 {
      margin: 0 0 12px;
      font-size: 16px;
      font-weight: 500;
    }
    .drop-zone {
      display: flex;
      align-items: center;
      flex-wrap: wrap;
      gap: 12px;
      min-height: 56px;
      padding: 8px 16px;
      border: 2px dashed var(--mat-sys-outline-variant);
      border-radius: 12px;
      color: var(--mat-sys-on-surface-variant);
    }
    .drop-zone.onward-drop-active {
      border-color: var(--mat-sys-primary);
      background: var(--mat-sys-primary-container);
      color: var(--mat-sys-on-primary-container);
    }
    .drop-zone.disabled {
      opacity: 0.6;
    }
    .file-input {
      display: none;
    }
    .export {
      display: flex;
      flex-wrap: wrap;
      align-items: flex-start;
      gap: 12px;
    }
    .year {
      width: 110px;
    }
    .customer {
      width: 170px;
    }
    .format {
      width: 110px;
    }
    .go {
      height: 56px;
      border-radius: 12px;
    }
  `,
})
export class OrderFiles {
  private readonly client = inject(MonitorClient);
  private readonly launcher = inject(RunLauncher);

  protected readonly customers = CUSTOMERS.map((c) => c.name);
  protected readonly importTask = computed(() => this.client.tasks().find((t) => t.id === IMPORT_TASK) ?? null);
  protected readonly exportTask = computed(() => this.client.tasks().find((t) => t.id === EXPORT_TASK) ?? null);
  /** The formats the catalogue offers for an export (its `format` parameter's options). */
  protected readonly formats = computed<ParameterOption[]>(
    () => this.exportTask()?.parameters.find((p) => p.name === 'format')?.options ?? [],
  );
  protected readonly year = signal<number | null>(new Date().getFullYear() - 1);
  protected readonly customer = signal<string | null>(null);
  protected readonly format = signal<string | number | null>(null);
  protected readonly busy = signal(false);

  constructor() {
    // The format starts at the catalogue's default, else its first option.
    effect(() => {
      const task = this.exportTask();
      const formats = this.formats();
      untracked(() => {
        if (this.format() !== null || !task) return;
        const declared = task.parameters.find((p) => p.name === 'format')?.default;
        this.format.set(typeof declared === 'string' ? declared : (formats[0]?.value ?? null));
      });
    });
  }

  protected picked(picker: HTMLInputElement): void {
    const files = Array.from(picker.files ?? []);
    // Cleared, so that choosing the same file again (to resume it after a reload) fires a change.
    picker.value = '';
    this.importFiles(files);
  }

  /** Uploads each file; the import runs on it once it is in (the monitor shows both). */
  protected importFiles(files: File[]): void {
    if (!this.importTask()) return;
    for (const file of files) void this.launcher.upload(file, { task: IMPORT_TASK });
  }

  protected async exportOrders(): Promise<void> {
    const task = this.exportTask();
    if (!task) return;
    const parameters: Parameters = {};
    const year = this.year();
    if (year !== null && Number.isInteger(Number(year))) parameters['year'] = Number(year);
    const customer = this.customer();
    if (customer) parameters['customer'] = customer;
    const format = this.format();
    if (format !== null) parameters['format'] = format;
    this.busy.set(true);
    try {
      await this.launcher.launch(task, { parameters });
    } finally {
      this.busy.set(false);
    }
  }
}
