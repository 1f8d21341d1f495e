import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import type { ParameterDefinition, Parameters, ParameterValue, TaskDefinition } from '@onward/task-domain';
import { MonitorClient, RunLauncher } from '@onward/ui';

/** The row-bound parameter: filled from the selected customers, not from the form. */
const ROW_PARAMETER = 'customer';
const THIS_YEAR_DEFAULT = 2024;

/**
 * Picks a catalogue task, asks for its other parameters and runs it on the selected rows. A little
 * over 250 lines: its template is inline, and the form it renders is the catalogue's parameters.
 */
@Component({
  selector: 'app-task-runner',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule, MatButtonModule, MatCheckboxModule, MatFormFieldModule, MatInputModule, MatSelectModule],
  template: `
    <form class="runner" (ngSubmit)="run()" aria-label="Run a task" i18n-aria-label="@@demo.runner.label">
      <mat-form-field appearance="outline" class="task" subscriptSizing="dynamic">
        <mat-label i18n="@@demo.runner.taskField">Task</mat-label>
        <mat-select name="task" [value]="taskId()" (valueChange)="taskId.set($event)">
          @for (t of tasks(); track t.id) {
            <mat-option [value]="t.id">{{ t.title }}</mat-option>
          }
        </mat-select>
        @if (task(); as t) {
          <mat-hint>{{ hint(t) }}</mat-hint>
        }
      </mat-form-field>
      @for (p of formParameters(); track p.name) {
        @switch (kindOf(p)) {
          @case ('options') {
            <mat-form-field appearance="outline" class="param" subscriptSizing="dynamic">
              <mat-label>{{ p.label }}</mat-label>
              <mat-select [value]="values()[p.name]" [required]="p.required" (valueChange)="set(p.name, $event)">
                @if (!p.required) {
                  <mat-option [value]="undefined">–</mat-option>
                }
                @for (o of p.options; track o.value) {
                  <mat-option [value]="o.value">{{ o.label }}</mat-option>
                }
              </mat-select>
            </mat-form-field>
          }
          @case ('file') {
            <div class="file-param">
              <input
                #picker
                type="file"
                class="file-input"
                [attr.aria-label]="p.label"
                (change)="chooseFile(p, picker)"
              />
              <button mat-stroked-button type="button" class="file-button" (click)="picker.click()">
                {{ p.label }}…
              </button>
              <span class="file-state" aria-live="polite">{{ fileState(p.name) }}</span>
            </div>
          }
          @case ('boolean') {
            <mat-checkbox [name]="p.name" [checked]="values()[p.name] === true" (change)="set(p.name, $event.checked)">
              {{ p.label }}
            </mat-checkbox>
          }
          @default {
            <mat-form-field appearance="outline" class="param" subscriptSizing="dynamic">
              <mat-label>{{ p.label }}</mat-label>
              <input
                matInput
                [name]="p.name"
                [type]="inputType(p)"
                [attr.min]="p.min ?? null"
                [attr.max]="p.max ?? null"
                [attr.step]="p.type === 'integer' ? 1 : p.type === 'number' ? 'any' : null"
                [required]="p.required"
                [value]="values()[p.name] ?? ''"
                (input)="setText(p, $any($event.target).value)"
              />
            </mat-form-field>
          }
        }
      }
      <button mat-flat-button type="submit" class="go" [disabled]="!canRun() || busy()">{{ buttonText() }}</button>
    </form>
  `,
  styles: `
    .runner {
      display: flex;
      flex-wrap: wrap;
      align-items: flex-start;
      gap: 12px;
    }
    .task {
      width: 260px;
    }
    .param {
      width: 180px;
    }
    mat-checkbox {
      margin-top: 10px;
    }
    .file-param {
      display: flex;
      align-items: center;
      gap: 8px;
      height: 56px;
    }
    .file-input {
      display: none;
    }
    .file-state {
      font-size: 13px;
      color: var(--mat-sys-on-surface-variant);
    }
    .go {
      height: 56px;
      border-radius: 12px;
    }
  `,
})
export class TaskRunner {
  private readonly client = inject(MonitorClient);
  private readonly launcher = inject(RunLauncher);

  /** Names of the selected customers. */
  readonly selected = input.required<readonly string[]>();

  protected readonly tasks = this.client.tasks;
  protected readonly taskId = signal<string | null>(null);
  protected readonly task = computed(() => this.tasks().find((t) => t.id === this.taskId()) ?? null);
  protected readonly rowBound = computed(() => this.task()?.parameters.some((p) => p.name === ROW_PARAMETER) ?? false);
  protected readonly formParameters = computed(
    () => this.task()?.parameters.filter((p) => p.name !== ROW_PARAMETER) ?? [],
  );
  protected readonly values = signal<Record<string, ParameterValue | undefined>>({});
  protected readonly busy = signal(false);
  /** The file chosen for each `file` parameter, and whether its upload is still under way. */
  protected readonly files = signal<Record<string, { name: string; uploading: boolean }>>({});
  protected readonly canRun = computed(() => {
    const task = this.task();
    if (!task) return false;
    if (this.rowBound() && this.selected().length === 0) return false;
    const values = this.values();
    return this.formParameters().every((p) => !p.required || (values[p.name] !== undefined && values[p.name] !== ''));
  });
  protected readonly buttonText = computed(() => {
    if (!this.rowBound()) return $localize`:@@demo.runner.run:Run`;
    const n = this.selected().length;
    if (n === 0) return $localize`:@@demo.runner.select:Select customers`;
    return n === 1
      ? $localize`:@@demo.runner.runForOne:Run for ${this.selected()[0]}:customer:`
      : $localize`:@@demo.runner.runForMany:Run for ${n}:count: customers`;
  });

  constructor() {
    void this.client.loadTasks().catch(() => undefined);
    // Pick the first task once the catalogue arrives; reset the form to the new task's defaults.
    effect(() => {
      const tasks = this.tasks();
      untracked(() => {
        if (!this.taskId() && tasks.length > 0) this.taskId.set(tasks[0].id);
      });
    });
    // A fresh form when another task is chosen; not when the catalogue is read again (a reconnect),
    // which would drop what the user entered and the file just uploaded.
    let formOf: string | null = null;
    effect(() => {
      const task = this.task();
      untracked(() => {
        if (!task || task.id === formOf) return;
        formOf = task.id;
        this.values.set(Object.fromEntries(this.formParameters().map((p) => [p.name, initialValue(p)])));
        this.files.set({});
      });
    });
  }

  protected hint(task: TaskDefinition): string {
    const mode =
      task.awaitResult === 'yes'
        ? $localize`:@@demo.runner.modeWait:you wait for it`
        : task.awaitResult === 'optional'
          ? $localize`:@@demo.runner.modeOptional:wait or background`
          : $localize`:@@demo.runner.modeBackground:background`;
    const kind = task.kind === 'report' ? $localize`:@@demo.runner.report:Report` : $localize`:@@demo.runner.task:Task`;
    return `${kind} · ${mode}`;
  }

  protected kindOf(p: ParameterDefinition): 'options' | 'file' | 'boolean' | 'input' {
    if (p.options?.length) return 'options';
    if (p.type === 'file') return 'file';
    return p.type === 'boolean' ? 'boolean' : 'input';
  }

  protected fileState(name: string): string {
    const file = this.files()[name];
    if (!file) return $localize`:@@demo.runner.noFile:No file chosen`;
    return file.uploading
      ? $localize`:@@demo.runner.uploading:Uploading ${file.name}:fileName:…`
      : $localize`:@@demo.runner.uploaded:${file.name}:fileName: uploaded`;
  }

  /** Uploads the chosen file at once (the monitor shows its progress); the parameter is its upload id. */
  protected async chooseFile(p: ParameterDefinition, picker: HTMLInputElement): Promise<void> {
    const file = picker.files?.[0];
    // The same file can be chosen again (e.g. to resume its upload after a reload).
    picker.value = '';
    if (!file) return;
    this.values.update((v) => ({ ...v, [p.name]: undefined }));
    this.files.update((f) => ({ ...f, [p.name]: { name: file.name, uploading: true } }));
    const outcome = await this.launcher.upload(file);
    if (this.files()[p.name]?.name !== file.name) return;
    if (outcome) {
      this.set(p.name, outcome.uploadId);
      this.files.update((f) => ({ ...f, [p.name]: { name: file.name, uploading: false } }));
    } else {
      this.files.update((f) => {
        const rest = { ...f };
        delete rest[p.name];
        return rest;
      });
    }
  }

  protected inputType(p: ParameterDefinition): string {
    return p.type === 'integer' || p.type === 'number' ? 'number' : p.type === 'date' ? 'date' : 'text';
  }

  protected set(name: string, value: ParameterValue): void {
    this.values.update((v) => ({ ...v, [name]: value }));
  }

  protected setText(p: ParameterDefinition, text: string): void {
    if (text === '') {
      this.values.update((v) => ({ ...v, [p.name]: undefined }));
      return;
    }
    const value = p.type === 'integer' || p.type === 'number' ? Number(text) : text;
    this.set(p.name, value);
  }

  protected async run(): Promise<void> {
    const task = this.task();
    if (!task || !this.canRun()) return;
    const common: Parameters = {};
    for (const [name, value] of Object.entries(this.values())) if (value !== undefined) common[name] = value;
    const selected = this.selected();
    this.busy.set(true);
    try {
      if (!this.rowBound()) await this.launcher.launch(task, { parameters: common });
      else if (selected.length === 1)
        await this.launcher.launch(task, { parameters: { ...common, [ROW_PARAMETER]: selected[0] } });
      else await this.launcher.launch(task, { rows: selected.map((c) => ({ ...common, [ROW_PARAMETER]: c })) });
    } finally {
      this.busy.set(false);
    }
  }
}

function initialValue(p: ParameterDefinition): ParameterValue | undefined {
  if (p.default !== undefined) return p.default;
  if (p.name === 'year') return THIS_YEAR_DEFAULT;
  // A required choice starts at its first option; an optional one starts empty.
  if (p.options?.length && p.required) return p.options[0].value;
  if (p.type === 'boolean') return false;
  return undefined;
}
