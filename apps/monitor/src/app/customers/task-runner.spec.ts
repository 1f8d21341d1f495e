import { provideZonelessChangeDetection, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import type { TaskDefinition } from '@onward/task-domain';
import { MonitorClient, RunLauncher } from '@onward/ui';

import { TaskRunner } from './task-runner';

const RECALCULATE: TaskDefinition = {
  id: 'recalculate-prices',
  title: 'Recalculate prices',
  kind: 'task',
  awaitResult: 'optional',
  background: true,
  displayParameters: ['category'],
  parameters: [
    {
      name: 'category',
      label: 'Category',
      type: 'string',
      required: true,
      options: [
        { value: 'Hardware', label: 'Hardware' },
        { value: 'Services', label: 'Services' },
        { value: 'Software', label: 'Software' },
      ],
    },
    { name: 'seconds', label: 'Seconds', type: 'number', required: false, default: 10, min: 0.5, max: 3600 },
  ],
};

const IMPORT: TaskDefinition = {
  id: 'import-orders',
  title: 'Import orders',
  kind: 'task',
  awaitResult: 'optional',
  background: true,
  displayParameters: ['file'],
  parameters: [{ name: 'file', label: 'Orders file', type: 'file', required: true }],
};

describe('TaskRunner', () => {
  let launch: jest.Mock;
  let upload: jest.Mock;

  beforeEach(() => {
    launch = jest.fn().mockResolvedValue(null);
    upload = jest.fn();
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
        {
          provide: MonitorClient,
          useValue: { tasks: signal([RECALCULATE, IMPORT]), loadTasks: jest.fn().mockResolvedValue([]) },
        },
        { provide: RunLauncher, useValue: { launch, upload } },
      ],
    });
  });

  afterEach(() => document.querySelectorAll('.cdk-overlay-container').forEach((el) => (el.innerHTML = '')));

  async function render() {
    const fixture = TestBed.createComponent(TaskRunner);
    fixture.componentRef.setInput('selected', []);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const selects = () => [...el.querySelectorAll<HTMLElement>('mat-select')];
    const runButton = () => el.querySelector('button[type=submit]') as HTMLButtonElement;
    /** Opens a select and picks the option with this text. */
    const pick = async (select: HTMLElement, text: string) => {
      select.querySelector<HTMLElement>('.mat-mdc-select-trigger')?.click();
      await fixture.whenStable();
      const option = [...document.querySelectorAll<HTMLElement>('mat-option')].find(
        (o) => o.textContent?.trim() === text,
      );
      if (!option) throw new Error(`no option ${text}`);
      option.click();
      await fixture.whenStable();
    };
    return { fixture, el, selects, runButton, pick };
  }

  it('offers the catalogue options of a parameter as a select list, starting at the first', async () => {
    const { fixture, selects, runButton } = await render();
    const category = selects()[1];
    expect(category.textContent).toContain('Hardware');
    category.querySelector<HTMLElement>('.mat-mdc-select-trigger')?.click();
    await fixture.whenStable();
    expect([...document.querySelectorAll('mat-option')].map((o) => o.textContent?.trim())).toEqual([
      'Hardware',
      'Services',
      'Software',
    ]);
    [...document.querySelectorAll<HTMLElement>('mat-option')][1].click();
    await fixture.whenStable();
    expect(category.textContent).toContain('Services');
    runButton().click();
    expect(launch).toHaveBeenCalledWith(RECALCULATE, { parameters: { category: 'Services', seconds: 10 } });
  });

  it('uploads the file of a file parameter and runs the task with the upload id', async () => {
    let finish: (outcome: { uploadId: string; run: null }) => void = () => undefined;
    upload.mockReturnValue(new Promise((resolve) => (finish = resolve)));
    const { fixture, el, selects, runButton, pick } = await render();
    await pick(selects()[0], 'Import orders');
    expect(runButton().disabled).toBe(true);
    const input = el.querySelector<HTMLInputElement>('input[type=file]');
    if (!input) throw new Error('no file input');
    const file = new File(['customer,product\n'], 'orders.csv', { type: 'text/csv' });
    Object.defineProperty(input, 'files', { value: [file], configurable: true });
    input.dispatchEvent(new Event('change'));
    await fixture.whenStable();
    expect(upload).toHaveBeenCalledWith(file);
    expect(el.textContent).toContain('Uploading orders.csv…');
    expect(runButton().disabled).toBe(true);
    finish({ uploadId: 'up-9', run: null });
    await Promise.resolve();
    await fixture.whenStable();
    expect(el.textContent).toContain('orders.csv uploaded');
    runButton().click();
    expect(launch).toHaveBeenCalledWith(IMPORT, { parameters: { file: 'up-9' } });
  });

  it('forgets a file whose upload failed', async () => {
    upload.mockResolvedValue(null);
    const { fixture, el, selects, runButton, pick } = await render();
    await pick(selects()[0], 'Import orders');
    const input = el.querySelector<HTMLInputElement>('input[type=file]') as HTMLInputElement;
    Object.defineProperty(input, 'files', { value: [new File(['x'], 'big.csv')], configurable: true });
    input.dispatchEvent(new Event('change'));
    await fixture.whenStable();
    await fixture.whenStable();
    expect(el.textContent).toContain('No file chosen');
    expect(runButton().disabled).toBe(true);
  });
});
