import { provideZonelessChangeDetection, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import type { TaskDefinition } from '@onward/task-domain';
import { MonitorClient, RunLauncher } from '@onward/ui';

import { OrderFiles } from './order-files';

const IMPORT: TaskDefinition = {
  id: 'import-orders',
  title: 'Import orders',
  kind: 'task',
  awaitResult: 'optional',
  background: true,
  displayParameters: ['file'],
  parameters: [{ name: 'file', label: 'File', type: 'file', required: true }],
};

const EXPORT: TaskDefinition = {
  id: 'export-orders',
  title: 'Export orders',
  kind: 'report',
  awaitResult: 'no',
  background: true,
  displayParameters: ['year', 'customer', 'format'],
  parameters: [
    { name: 'year', label: 'Year', type: 'integer', required: false },
    { name: 'customer', label: 'Customer', type: 'string', required: false },
    {
      name: 'format',
      label: 'Format',
      type: 'string',
      required: false,
      default: 'csv',
      options: [
        { value: 'csv', label: 'CSV' },
        { value: 'xlsx', label: 'Excel (xlsx)' },
      ],
    },
  ],
};

describe('OrderFiles', () => {
  let launch: jest.Mock;
  let upload: jest.Mock;
  let tasks: ReturnType<typeof signal<TaskDefinition[]>>;

  beforeEach(() => {
    launch = jest.fn().mockResolvedValue(null);
    upload = jest.fn().mockResolvedValue(null);
    tasks = signal([IMPORT, EXPORT]);
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
        { provide: MonitorClient, useValue: { tasks } },
        { provide: RunLauncher, useValue: { launch, upload } },
      ],
    });
  });

  afterEach(() => document.querySelectorAll('.cdk-overlay-container').forEach((el) => (el.innerHTML = '')));

  async function render() {
    const fixture = TestBed.createComponent(OrderFiles);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const button = (text: string) =>
      [...el.querySelectorAll<HTMLButtonElement>('button')].find(
        (b) => b.textContent?.trim() === text,
      ) as HTMLButtonElement;
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
    return { fixture, el, button, pick };
  }

  it('imports a picked file: uploads it and hands it to import-orders', async () => {
    const { fixture, el, button } = await render();
    const input = el.querySelector<HTMLInputElement>('input[type=file]') as HTMLInputElement;
    const click = jest.spyOn(input, 'click').mockImplementation(() => undefined);
    button('Import orders…').click();
    expect(click).toHaveBeenCalled();
    const file = new File(['a'], 'orders.csv', { type: 'text/csv' });
    Object.defineProperty(input, 'files', { value: [file], configurable: true });
    input.dispatchEvent(new Event('change'));
    await fixture.whenStable();
    expect(upload).toHaveBeenCalledWith(file, { task: 'import-orders' });
  });

  it('imports files dropped on its drop zone', async () => {
    const { el } = await render();
    const zone = el.querySelector('[data-testid=import-drop-zone]') as HTMLElement;
    const file = new File(['a'], 'orders.csv');
    const drop = new Event('drop', { bubbles: true, cancelable: true });
    Object.defineProperty(drop, 'dataTransfer', { value: { types: ['Files'], files: [file] } });
    zone.dispatchEvent(drop);
    expect(upload).toHaveBeenCalledWith(file, { task: 'import-orders' });
  });

  it('cannot import while the catalogue has no import task', async () => {
    tasks.set([EXPORT]);
    const { button } = await render();
    expect(button('Import orders…').disabled).toBe(true);
  });

  it('exports the orders of a year and customer in the chosen format of the catalogue', async () => {
    const { fixture, el, button, pick } = await render();
    const year = el.querySelector<HTMLInputElement>('input[name=year]') as HTMLInputElement;
    year.value = '2025';
    year.dispatchEvent(new Event('input'));
    const [customer, format] = [...el.querySelectorAll<HTMLElement>('mat-select')];
    expect(format.textContent).toContain('CSV');
    await pick(customer, 'Globex');
    await pick(format, 'Excel (xlsx)');
    await fixture.whenStable();
    button('Export orders').click();
    expect(launch).toHaveBeenCalledWith(EXPORT, { parameters: { year: 2025, customer: 'Globex', format: 'xlsx' } });
  });

  it('exports every customer and year when those are left empty', async () => {
    const { fixture, el, button } = await render();
    const year = el.querySelector<HTMLInputElement>('input[name=year]') as HTMLInputElement;
    year.value = '';
    year.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    button('Export orders').click();
    expect(launch).toHaveBeenCalledWith(EXPORT, { parameters: { format: 'csv' } });
  });
});
