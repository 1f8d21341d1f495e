import { HttpErrorResponse } from '@angular/common/http';
import { ApplicationRef } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { RunView } from '@onward/task-domain';

import { makeRun } from '../../testing/fakes';
import { setupWidget } from '../../testing/setup';
import type { MonitorClient } from '../client/monitor-client';
import { RunEntry } from './run-entry';

describe('RunEntry', () => {
  let client: MonitorClient;

  beforeEach(() => {
    ({ client } = setupWidget({ token: null }));
  });

  afterEach(() => document.querySelectorAll('.cdk-overlay-container').forEach((el) => (el.innerHTML = '')));

  async function render(run: RunView) {
    const fixture = TestBed.createComponent(RunEntry);
    fixture.componentRef.setInput('run', run);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const buttons = () =>
      [...el.querySelectorAll('button')].map((b) => b.textContent?.trim() || b.getAttribute('aria-label'));
    const button = (label: string) => {
      const found = [...el.querySelectorAll('button')].find((b) =>
        (b.textContent?.trim() || b.getAttribute('aria-label') || '').startsWith(label),
      );
      if (!found) throw new Error(`no button ${label}; have ${buttons().join(', ')}`);
      return found;
    };
    return { fixture, el, text: () => el.textContent?.replace(/\s+/g, ' ') ?? '', buttons, button };
  }

  it('shows a running run with title, display values, percent, message and Cancel', async () => {
    const run = makeRun({ status: 'running', progress: { percent: 42.4, message: 'Section 2 of 5' } });
    const { el, text, buttons } = await render(run);
    expect(text()).toContain('Sales report · Acme 2024');
    expect(text()).toContain('Running');
    expect(text()).toContain('42%');
    expect(text()).toContain('Section 2 of 5');
    expect(el.querySelector('mat-progress-bar')?.getAttribute('mode')).toBe('determinate');
    expect(el.querySelector('mat-progress-bar')?.getAttribute('aria-valuenow')).toBe('42.4');
    expect(buttons()).toEqual(['Cancel', 'Delete Sales report · Acme 2024']);
    expect(el.getAttribute('aria-label')).toBe('Sales report · Acme 2024, Running, 42 percent');
    expect(el.classList).toContain('onward-tone-active');
  });

  it('shows an indeterminate bar when the percent is unknown', async () => {
    const { el, text } = await render(makeRun({ progress: { percent: null, message: 'Counting' } }));
    expect(el.querySelector('mat-progress-bar')?.getAttribute('mode')).toBe('indeterminate');
    expect(text()).not.toMatch(/\d+%/);
  });

  it('shows a queued run as waiting, cancellable', async () => {
    const { text, buttons, el } = await render(
      makeRun({ status: 'queued', startedAt: null, progress: { percent: null, message: null } }),
    );
    expect(text()).toContain('Queued');
    expect(text()).toContain('Waiting for a free worker');
    expect(buttons()[0]).toBe('Cancel');
    expect(el.classList).toContain('onward-tone-neutral');
  });

  it('disables Cancel while cancelling', async () => {
    const { button, text } = await render(makeRun({ status: 'cancelling' }));
    expect(text()).toContain('Cancelling');
    expect(button('Cancel').disabled).toBe(true);
  });

  it('offers to open and to download a completed PDF report, and no Cancel', async () => {
    const run = makeRun({
      status: 'completed',
      finishedAt: '2026-01-01T12:01:05.000Z',
      startedAt: '2026-01-01T12:00:00.000Z',
      result: { type: 'file', fileName: 'sales-Acme-2024.pdf', contentType: 'application/pdf', size: 48_213 },
    });
    const { text, buttons, el } = await render(run);
    expect(text()).toContain('Completed');
    expect(text()).toContain('1:05');
    expect(el.querySelector('mat-progress-bar')).toBeNull();
    // A PDF opens in the preview (Open) or downloads as before (Download).
    expect(buttons()).toEqual(['Open', 'Download', 'Delete Sales report · Acme 2024']);
    expect(el.classList).toContain('onward-tone-success');
  });

  it('shows a value without a summary in short, the raw value behind Details', async () => {
    const run = makeRun({
      task: 'recalculate-prices',
      title: 'Recalculate prices',
      kind: 'task',
      display: { category: 'Hardware' },
      status: 'completed',
      result: { type: 'value', value: { updated: 12 } },
    });
    const { text, button } = await render(run);
    expect(text()).toContain('Result: {"updated":12}');
    button('Details').click();
    await TestBed.inject(ApplicationRef).whenStable();
    expect(document.querySelector('onward-result-value-dialog')?.textContent).toContain('"updated": 12');
  });

  it('shows a failed run’s message and its copyable error details', async () => {
    const run = makeRun({
      status: 'failed',
      error: { message: 'Unknown customer "Nobody"', details: 'at SalesReport.run' },
    });
    const { text, button, el } = await render(run);
    expect(text()).toContain('Failed');
    expect(text()).toContain('Unknown customer "Nobody"');
    expect(el.classList).toContain('onward-tone-danger');
    button('Error details').click();
    await TestBed.inject(ApplicationRef).whenStable();
    const dialog = document.querySelector('onward-error-details-dialog');
    expect(dialog?.textContent).toContain('at SalesReport.run');
    expect([...(dialog?.querySelectorAll('button') ?? [])].map((b) => b.textContent?.trim())).toContain('Copy');
  });

  it('marks a cancelled run plainly, with only Delete', async () => {
    const { text, buttons, el } = await render(
      makeRun({
        status: 'cancelled',
        progress: { percent: 40, message: 'Chunk 4 of 10' },
        finishedAt: '2026-01-01T12:02:00.000Z',
      }),
    );
    expect(text()).toContain('Cancelled at: Chunk 4 of 10');
    expect(buttons()).toEqual(['Delete Sales report · Acme 2024']);
    expect(el.classList).toContain('onward-tone-muted');
  });

  it('shows a scheduler’s current subtask, its counts, and expands to its subtasks', async () => {
    const parent = makeRun({
      display: {},
      progress: { percent: 24, message: '3 of 10 · Globex 2024' },
      scheduler: {
        total: 10,
        completed: 1,
        failed: 1,
        cancelled: 0,
        current: {
          id: 'c3',
          title: 'Sales report',
          display: { customer: 'Globex', year: 2024 },
          progress: { percent: 40, message: null },
        },
      },
    });
    const expand = jest.spyOn(client, 'expand').mockResolvedValue();
    const children = [
      makeRun({ parentId: parent.id, status: 'completed', display: { customer: 'Acme', year: 2024 } }),
      makeRun({
        parentId: parent.id,
        status: 'failed',
        display: { customer: 'Umbrella', year: 2024 },
        error: { message: 'x', details: null },
      }),
      makeRun({
        parentId: parent.id,
        status: 'running',
        display: { customer: 'Globex', year: 2024 },
        progress: { percent: 40, message: null },
      }),
    ];
    jest.spyOn(client, 'childrenOf').mockReturnValue(children);
    const { text, button, fixture, el } = await render(parent);
    expect(text()).toContain('3 of 10 · Globex 2024');
    expect(text()).toContain('40%');
    expect(text()).toContain('1 of 10 completed');
    expect(text()).toContain('1 failed');
    const toggle = button('Subtasks');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    toggle.click();
    await fixture.whenStable();
    expect(expand).toHaveBeenCalledWith(parent.id);
    const items = [...el.querySelectorAll('.children li')].map((li) => li.textContent?.replace(/\s+/g, ' ').trim());
    expect(items).toEqual(['Acme 2024 Completed', 'Umbrella 2024 Failed', 'Globex 2024 40%']);
  });

  it('offers the zip of a finished scheduler', async () => {
    const run = makeRun({
      status: 'completed',
      scheduler: { total: 3, completed: 3, failed: 0, cancelled: 0, current: null },
      result: { type: 'file', fileName: 'sales.zip', contentType: 'application/zip', size: 9000 },
    });
    const { buttons } = await render(run);
    expect(buttons()).toContain('Download zip');
  });

  describe('actions', () => {
    it('cancels through the client', async () => {
      const run = makeRun();
      const cancel = jest.spyOn(client, 'cancel').mockResolvedValue({ ...run, status: 'cancelling' });
      const { button } = await render(run);
      button('Cancel').click();
      expect(cancel).toHaveBeenCalledWith(run.id);
    });

    it('deletes a finished run with an Undo toast, not at once on the server', async () => {
      const run = makeRun({ status: 'failed', error: { message: 'x', details: null } });
      const del = jest.spyOn(client, 'delete').mockResolvedValue();
      const { button } = await render(run);
      button('Delete').click();
      await TestBed.inject(ApplicationRef).whenStable();
      const toast = document.querySelector('.onward-toast');
      expect(toast?.textContent).toContain('Deleted: Sales report · Acme 2024');
      expect(toast?.querySelector('button')?.textContent).toContain('Undo');
      expect(del).not.toHaveBeenCalled();
      (toast?.querySelector('button') as HTMLButtonElement).click();
    });

    it('shows that a run was started in the foreground', async () => {
      const { text } = await render(makeRun({ mode: 'foreground' }));
      expect(text()).toContain('Started in the foreground');
    });

    it('downloads a file result through the client', async () => {
      const run = makeRun({
        status: 'completed',
        result: { type: 'file', fileName: 'a.pdf', contentType: 'application/pdf', size: 10 },
      });
      const download = jest.spyOn(client, 'downloadResult').mockResolvedValue();
      const { button } = await render(run);
      button('Download').click();
      expect(download).toHaveBeenCalledWith(run);
    });

    it('shows a toast when the server refuses an action', async () => {
      const run = makeRun();
      jest
        .spyOn(client, 'cancel')
        .mockRejectedValue(
          new HttpErrorResponse({ status: 409, error: { statusCode: 409, message: `Run ${run.id} already finished` } }),
        );
      const { button } = await render(run);
      button('Cancel').click();
      await new Promise<void>((resolve) => queueMicrotask(resolve));
      await Promise.resolve();
      await TestBed.inject(ApplicationRef).whenStable();
      expect(document.querySelector('.onward-toast')?.textContent).toContain(
        'The run could not be cancelled. The run had already finished.',
      );
    });
  });
});
