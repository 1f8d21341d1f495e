import { SelectionModel } from '@angular/cdk/collections';
import { ChangeDetectionStrategy, Component, computed, signal } from '@angular/core';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatTableModule } from '@angular/material/table';

import { type Customer, CUSTOMERS } from './customers';
import { OrderFiles } from './order-files';
import { TaskRunner } from './task-runner';

/** The demo grid: customers with multi-select, and the toolbar that runs tasks on the selection. */
@Component({
  selector: 'app-customers-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatCheckboxModule, MatTableModule, OrderFiles, TaskRunner],
  template: `
    <header class="page-head">
      <h1 i18n="@@demo.customers.title">Customers</h1>
      <p i18n="@@demo.customers.intro">
        Select customers, pick a task or report and run it. Long work goes on in the background: watch it under “Running
        tasks”.
      </p>
    </header>
    <section class="card runner-card">
      <app-task-runner [selected]="selectedNames()" />
    </section>
    <section class="card runner-card">
      <app-order-files />
    </section>
    <section class="card">
      <table mat-table [dataSource]="customers" aria-label="Customers" i18n-aria-label="@@demo.customers.title">
        <ng-container matColumnDef="select">
          <th mat-header-cell *matHeaderCellDef class="check">
            <mat-checkbox
              aria-label="Select all customers"
              i18n-aria-label="@@demo.customers.selectAll"
              [checked]="allSelected()"
              [indeterminate]="selectedNames().length > 0 && !allSelected()"
              (change)="toggleAll()"
            />
          </th>
          <td mat-cell *matCellDef="let c" class="check">
            <mat-checkbox
              [aria-label]="selectLabel(c.name)"
              [checked]="isSelected(c)"
              (change)="toggle(c)"
              (click)="$event.stopPropagation()"
            />
          </td>
        </ng-container>
        <ng-container matColumnDef="name">
          <th mat-header-cell *matHeaderCellDef i18n="@@demo.customers.customer">Customer</th>
          <td mat-cell *matCellDef="let c" class="name">{{ c.name }}</td>
        </ng-container>
        <ng-container matColumnDef="city">
          <th mat-header-cell *matHeaderCellDef i18n="@@demo.customers.city">City</th>
          <td mat-cell *matCellDef="let c">{{ c.city }}, {{ c.country }}</td>
        </ng-container>
        <ng-container matColumnDef="segment">
          <th mat-header-cell *matHeaderCellDef i18n="@@demo.customers.segment">Segment</th>
          <td mat-cell *matCellDef="let c">{{ c.segment }}</td>
        </ng-container>
        <ng-container matColumnDef="since">
          <th mat-header-cell *matHeaderCellDef class="num" i18n="@@demo.customers.since">Customer since</th>
          <td mat-cell *matCellDef="let c" class="num">{{ c.since }}</td>
        </ng-container>
        <tr mat-header-row *matHeaderRowDef="columns"></tr>
        <tr mat-row *matRowDef="let c; columns: columns" [class.selected]="isSelected(c)" (click)="toggle(c)"></tr>
      </table>
      <div class="foot" aria-live="polite" i18n="@@demo.customers.selected">
        {{ selectedNames().length }} of {{ customers.length }} selected
      </div>
    </section>
  `,
  styles: `
    .page-head h1 {
      margin: 0 0 4px;
      font-size: 24px;
      font-weight: 500;
    }
    .page-head p {
      margin: 0 0 20px;
      color: var(--mat-sys-on-surface-variant);
    }
    .card {
      background: var(--mat-sys-surface);
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 12px;
      overflow: hidden;
      margin-bottom: 16px;
    }
    .runner-card {
      padding: 16px 16px 12px;
      overflow: visible;
    }
    table {
      width: 100%;
    }
    .check {
      width: 48px;
    }
    .name {
      font-weight: 500;
    }
    .num {
      text-align: right;
      font-variant-numeric: tabular-nums;
    }
    tr.mat-mdc-row {
      cursor: pointer;
    }
    tr.mat-mdc-row:hover {
      background: var(--mat-sys-surface-container-low);
    }
    tr.selected {
      background: var(--mat-sys-secondary-container) !important;
    }
    .foot {
      padding: 10px 16px;
      font-size: 13px;
      color: var(--mat-sys-on-surface-variant);
      border-top: 1px solid var(--mat-sys-outline-variant);
    }
  `,
})
export class CustomersPage {
  protected readonly customers = CUSTOMERS;
  protected readonly columns = ['select', 'name', 'city', 'segment', 'since'];
  private readonly selection = new SelectionModel<string>(true);
  protected readonly selectedNames = signal<readonly string[]>([]);
  protected readonly allSelected = computed(() => this.selectedNames().length === this.customers.length);

  protected selectLabel(name: string): string {
    return $localize`:@@demo.customers.select:Select ${name}:customer:`;
  }

  protected isSelected(c: Customer): boolean {
    return this.selectedNames().includes(c.name);
  }

  protected toggle(c: Customer): void {
    this.selection.toggle(c.name);
    this.sync();
  }

  protected toggleAll(): void {
    if (this.allSelected()) this.selection.clear();
    else this.selection.select(...this.customers.map((c) => c.name));
    this.sync();
  }

  private sync(): void {
    // Keep the grid's order, not the click order: rows run one after another in this order.
    const chosen = new Set(this.selection.selected);
    this.selectedNames.set(this.customers.filter((c) => chosen.has(c.name)).map((c) => c.name));
  }
}
