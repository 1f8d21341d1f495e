import { HttpErrorResponse } from '@angular/common/http';
import { ApplicationRef } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { RunView, TaskDefinition } from '@onward/task-domain';

import { ALICE, makeRun } from '../../testing/fakes';
import { setupWidget } from '../../testing/setup';
import type { MonitorClient } from '../client/monitor-client';
import { MonitorStore } from '../client/monitor-store';
import { MonitorNotifier } from '../notify/monitor-notifier';
import { RunEntry } from './run-entry';

const SALES_REPORT: TaskDefinition = {
  id: 'sales-report',
  title: 'Sales report',
  kind: 'report',
  awaitResult: 'optional',
  background: true,
  displayParameters: ['customer', 'year'],
  parameters: [
    { name: 'customer', label: 'Customer', type: 'string', required: true },
    { name: 'year', label: 'Year', type: 'integer', required: true, min: 2000, max: 2100 },
    {
      name: 'format',
      label: 'Format',
      type: 'string',
      required: false,
      default: 'pdf',
      options: [
        { value: 'pdf', label: 'PDF' },
        { value: 'xlsx', label: 'Excel' },
      ],
    },
    { name: 'draft', label: 'Draft', type: 'boolean', required: false },
  ],
};

const IMPORT: TaskDefinition = {
  id: 'import-orders',
  title: 'Import orders',
  kind: 'task',
  awaitResult: 'optional',
  background: true,
  displayParameters: ['file'],
  parameters: [{ name: 'file', label: 'File', type: 'file', required: true }],
};

describe('RunAgain (in an entry)', () => {
  let client: MonitorClient;

  beforeEach(() => {
    ({ client } = setupWidget({ token: null }));
    const store = TestBed.inject(MonitorStore);
    store.user.set(ALICE);
    store.tasks.set([SALES_REPORT, IMPORT]);
  });

  afterEach(() => document.querySelectorAll('.cdk-overlay-container').forEach((el) => (el.innerHTML = '')));

  const finished = (overrides: Partial<RunView> = {}) =>
    makeRun({ status: 'completed', finishedAt: '2026-01-01T12:05:00.000Z', ...overrides });

  async function render(run: RunView) {
    const fixture = TestBed.createComponent(RunEntry);
    fixture.componentRef.setInput('run', run);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const labels = () =>
      [...el.querySelectorAll('button')].map((b) => b.getAttribute('aria-label') ?? b.textContent?.trim());
    const button = (label: string) => {
      const found = [...el.querySelectorAll('button')].find((b) => b.getAttribute('aria-label') === label);
      if (!found) throw new Error(`no button ${label}; have ${labels().join(' | ')}`);
      return found;
    };
    return { fixture, el, labels, button };
  }

  const stable = () => TestBed.inject(ApplicationRef).whenStable();
  const dialog = () => document.querySelector('onward-rerun-dialog') as HTMLElement | null;
  const field = (label: string) => {
    const formField = [...(dialog()?.querySelectorAll('mat-form-field') ?? [])].find(
      (f) => f.querySelector('mat-label')?.textContent?.trim() === label,
    );
    if (!formField) throw new Error(`no field ${label}`);
    return formField as HTMLElement;
  };
  const type = async (label: string, text: string) => {
    const input = field(label).querySelector('input') as HTMLInputElement;
    input.value = text;
    input.dispatchEvent(new Event('input'));
    await stable();
  };
  const submit = async () => {
    (dialog()?.querySelector('button[type="submit"]') as HTMLButtonElement).click();
    await stable();
  };

  it('offers Run again and Change and run again on one’s own finished run, keyboard reachable', async () => {
    const { labels, button } = await render(finished());
    expect(labels()).toEqual([
      'Run again: Sales report · Acme 2024',
      'Change and run again: Sales report · Acme 2024',
      'Delete Sales report · Acme 2024',
    ]);
    expect(button('Run again: Sales report · Acme 2024').tabIndex).toBe(0);
  });

  it.each([
    ['a running run', { status: 'running' as const, finishedAt: null }],
    ['another user’s run (an administrator looking)', { owner: { id: 'u-bob', username: 'bob' } }],
    ['a run of a task not in the catalogue', { task: 'gone' }],
    ['a subtask', { parentId: 'p-1' }],
  ])('offers no rerun on %s', async (_what, overrides) => {
    const { labels } = await render(finished(overrides));
    expect(labels().filter((l) => /run again|Retry/i.test(l ?? ''))).toEqual([]);
  });

  it('runs again as it was with an empty body', async () => {
    const run = finished();
    const rerun = jest.spyOn(client, 'rerun').mockResolvedValue(makeRun({ rerunOf: run.id }));
    const { button } = await render(run);
    button('Run again: Sales report · Acme 2024').click();
    button('Run again: Sales report · Acme 2024').click();
    await stable();
    expect(rerun).toHaveBeenCalledTimes(1);
    expect(rerun).toHaveBeenCalledWith(run.id, {});
  });

  it('offers Retry failed with the count of failed and cancelled rows of a finished selection', async () => {
    const run = finished({
      status: 'failed',
      display: { year: 2024 },
      scheduler: { total: 5, completed: 2, failed: 2, cancelled: 1, current: null },
    });
    const rerun = jest.spyOn(client, 'rerun').mockResolvedValue(makeRun());
    const { el, button } = await render(run);
    expect(el.textContent).toContain('Retry failed (3)');
    button('Retry failed (3): Sales report · 2024').click();
    await stable();
    expect(rerun).toHaveBeenCalledWith(run.id, { only: 'failed' });
  });

  it('tells why a rerun failed in the sentences of the other actions', async () => {
    const run = finished();
    jest.spyOn(client, 'rerun').mockRejectedValue(new HttpErrorResponse({ status: 409, error: { message: 'x' } }));
    const toast = jest.spyOn(TestBed.inject(MonitorNotifier), 'toast').mockResolvedValue(false);
    const { button } = await render(run);
    button('Run again: Sales report · Acme 2024').click();
    await stable();
    expect(toast.mock.calls[0][0]).toBe(
      'The run could not be started again. This run cannot be run again as it is now.',
    );
  });

  it('changes the year in the form and sends only what changed', async () => {
    const run = finished();
    const rerun = jest.spyOn(client, 'rerun').mockResolvedValue(makeRun());
    const { button } = await render(run);
    button('Change and run again: Sales report · Acme 2024').click();
    await stable();
    expect(dialog()?.textContent).toContain('Change and run again');
    expect((field('Customer').querySelector('input') as HTMLInputElement).value).toBe('Acme');
    expect((field('Year').querySelector('input') as HTMLInputElement).value).toBe('2024');
    expect(field('Format').textContent).toContain('PDF');
    expect(dialog()?.querySelector('mat-checkbox')?.textContent).toContain('Draft');

    await type('Year', '2025');
    await submit();
    expect(dialog()).toBeNull();
    expect(rerun).toHaveBeenCalledWith(run.id, { parameters: { year: 2025 } });
  });

  it('shows field errors as the server would, and sends nothing until they are fixed', async () => {
    const run = finished();
    const rerun = jest.spyOn(client, 'rerun').mockResolvedValue(makeRun());
    const { button } = await render(run);
    button('Change and run again: Sales report · Acme 2024').click();
    await stable();
    await type('Year', '1999');
    await type('Customer', '');
    await submit();
    expect(dialog()).not.toBeNull();
    expect(field('Year').textContent).toContain('Year must be at least 2000');
    expect(field('Customer').textContent).toContain('Customer is required');
    expect(field('Year').querySelector('input')?.getAttribute('aria-invalid')).toBe('true');
    expect(rerun).not.toHaveBeenCalled();

    await type('Year', '2026');
    await type('Customer', 'Globex');
    expect(field('Year').textContent).not.toContain('must be');
    await submit();
    expect(rerun).toHaveBeenCalledWith(run.id, { parameters: { customer: 'Globex', year: 2026 } });
  });

  it('keeps an import’s file, shown by name and read-only', async () => {
    const run = finished({
      task: 'import-orders',
      title: 'Import orders',
      kind: 'task',
      display: { file: 'orders.csv' },
    });
    const rerun = jest.spyOn(client, 'rerun').mockResolvedValue(makeRun());
    const { button } = await render(run);
    button('Change and run again: Import orders · orders.csv').click();
    await stable();
    const input = field('File').querySelector('input') as HTMLInputElement;
    expect(input.value).toBe('orders.csv');
    expect(input.readOnly).toBe(true);
    await submit();
    expect(rerun).toHaveBeenCalledWith(run.id, {});
  });

  it('starts nothing when the dialog is cancelled', async () => {
    const rerun = jest.spyOn(client, 'rerun').mockResolvedValue(makeRun());
    const { button } = await render(finished());
    button('Change and run again: Sales report · Acme 2024').click();
    await stable();
    (dialog()?.querySelector('button[mat-dialog-close]') as HTMLButtonElement).click();
    await stable();
    expect(rerun).not.toHaveBeenCalled();
  });
});
