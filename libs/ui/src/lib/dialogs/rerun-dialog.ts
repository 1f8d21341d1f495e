import { ChangeDetectionStrategy, Component, computed, inject, LOCALE_ID, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import type { ParameterDefinition, Parameters, RunView, TaskDefinition } from '@onward/task-domain';

import { runLabel } from '../shared/run-format';
import { checkRerunForm, type FieldValue, initialValues, parseField } from './rerun-form';

/** What "Change and run again" opens with: the finished run and its task's catalogue entry. */
export interface RerunDialogData {
  run: RunView;
  task: TaskDefinition;
}

/**
 * "Change and run again": the task's parameters as a form, filled with the run's shown values,
 * checked in the browser with the server's own rules. Closes with the changed values only (the
 * server merges them over the run's), or with nothing when the user keeps the run as it was.
 */
@Component({
  selector: 'onward-rerun-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, MatCheckboxModule, MatDialogModule, MatFormFieldModule, MatInputModule, MatSelectModule],
  template: `
    <h2 mat-dialog-title i18n="@@onward.rerun.dialogTitle">Change and run again</h2>
    <form (submit)="$event.preventDefault(); submit()" novalidate>
      <mat-dialog-content>
        <p class="sub">{{ label }}</p>
        @for (p of data.task.parameters; track p.name) {
          @switch (kindOf(p)) {
            @case ('file') {
              <mat-form-field appearance="outline" subscriptSizing="dynamic">
                <mat-label>{{ p.label }}</mat-label>
                <input matInput readonly [name]="p.name" [value]="values()[p.name] ?? ''" />
                <mat-hint i18n="@@onward.rerun.fileKept">The same file is used again.</mat-hint>
              </mat-form-field>
            }
            @case ('select') {
              <mat-form-field appearance="outline" subscriptSizing="dynamic">
                <mat-label>{{ p.label }}</mat-label>
                <mat-select
                  [value]="values()[p.name]"
                  [required]="p.required"
                  [attr.aria-invalid]="!!errorOf(p)"
                  (valueChange)="set(p, $event)"
                >
                  @if (!p.required) {
                    <mat-option [value]="undefined">–</mat-option>
                  }
                  @for (o of p.options; track o.value) {
                    <mat-option [value]="o.value">{{ o.label }}</mat-option>
                  }
                </mat-select>
                @if (errorOf(p); as error) {
                  <mat-hint class="field-error">{{ error }}</mat-hint>
                }
              </mat-form-field>
            }
            @case ('boolean') {
              <div class="check">
                <mat-checkbox [checked]="values()[p.name] === true" (change)="set(p, $event.checked)">{{
                  p.label
                }}</mat-checkbox>
                @if (errorOf(p); as error) {
                  <div class="field-error">{{ error }}</div>
                }
              </div>
            }
            @default {
              <mat-form-field appearance="outline" subscriptSizing="dynamic">
                <mat-label>{{ p.label }}</mat-label>
                <input
                  matInput
                  [name]="p.name"
                  [type]="inputType(p)"
                  [attr.min]="p.min ?? null"
                  [attr.max]="p.max ?? null"
                  [attr.step]="p.type === 'integer' ? 1 : p.type === 'number' ? 'any' : null"
                  [required]="p.required"
                  [attr.aria-invalid]="!!errorOf(p)"
                  [value]="values()[p.name] ?? ''"
                  (input)="setText(p, $any($event.target).value)"
                />
                @if (errorOf(p); as error) {
                  <mat-hint class="field-error">{{ error }}</mat-hint>
                }
              </mat-form-field>
            }
          }
        }
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close i18n="@@onward.rerun.keep">Cancel</button>
        <button mat-flat-button type="submit" i18n="@@onward.rerun.submit">Run again</button>
      </mat-dialog-actions>
    </form>
  `,
  styles: `
    .sub {
      margin: 0 0 12px;
      color: var(--mat-sys-on-surface-variant, #555);
    }
    mat-form-field,
    .check {
      display: block;
      width: 100%;
      margin-bottom: 12px;
    }
    .field-error {
      color: var(--onward-danger, #b3261e);
      font-size: 12px;
    }
  `,
})
export class RerunDialog {
  protected readonly data = inject<RerunDialogData>(MAT_DIALOG_DATA);
  private readonly ref = inject<MatDialogRef<RerunDialog, Parameters>>(MatDialogRef);

  protected readonly label = runLabel(this.data.run);
  private readonly initial = initialValues(this.data.task.parameters, this.data.run.display);
  protected readonly values = signal<Record<string, FieldValue>>({ ...this.initial });
  /** Errors show once the user tried to submit, then follow every change. */
  private readonly tried = signal(false);
  private readonly locale = inject(LOCALE_ID);
  private readonly outcome = computed(() =>
    checkRerunForm(this.data.task.parameters, this.initial, this.values(), this.locale),
  );
  private readonly errors = computed(() => {
    const outcome = this.outcome();
    return this.tried() && !outcome.ok ? outcome.errors : {};
  });

  protected kindOf(p: ParameterDefinition): 'file' | 'select' | 'boolean' | 'input' {
    if (p.type === 'file') return 'file';
    if (p.options?.length) return 'select';
    return p.type === 'boolean' ? 'boolean' : 'input';
  }

  protected inputType(p: ParameterDefinition): string {
    if (p.type === 'integer' || p.type === 'number') return 'number';
    return p.type === 'date' ? 'date' : 'text';
  }

  protected errorOf(p: ParameterDefinition): string | null {
    return this.errors()[p.name] ?? null;
  }

  protected set(p: ParameterDefinition, value: FieldValue): void {
    this.values.update((values) => ({ ...values, [p.name]: value }));
  }

  protected setText(p: ParameterDefinition, text: string): void {
    this.set(p, parseField(p, text));
  }

  protected submit(): void {
    this.tried.set(true);
    const outcome = this.outcome();
    if (outcome.ok) this.ref.close(outcome.changes);
  }
}
