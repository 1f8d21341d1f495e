import { LiveAnnouncer } from '@angular/cdk/a11y';
import { ApplicationRef } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Title } from '@angular/platform-browser';
import type { RunNotification, RunView } from '@onward/task-domain';

import { FakeSocket, makeRun } from '../../testing/fakes';
import { setupWidget } from '../../testing/setup';
import type { MonitorClient } from '../client/monitor-client';
import { MonitorNotifier } from './monitor-notifier';

describe('MonitorNotifier', () => {
  let client: MonitorClient;
  let socket: FakeSocket;
  let announce: jest.SpyInstance;

  function setup(tabTitle = false) {
    const widget = setupWidget({ tabTitle });
    client = widget.client;
    socket = widget.sockets.last;
    announce = jest.spyOn(TestBed.inject(LiveAnnouncer), 'announce').mockResolvedValue();
  }

  afterEach(() => {
    document.querySelectorAll('.cdk-overlay-container').forEach((el) => (el.innerHTML = ''));
    document.querySelectorAll('onward-toast-list').forEach((el) => el.remove());
  });

  /** The newest toast as a user reads it: its text, then its action. */
  const toast = () => {
    const last = [...document.querySelectorAll('.onward-toast')].pop();
    if (!last) return null;
    return [...last.querySelectorAll('.text, .action')].map((el) => el.textContent?.trim()).join(' ');
  };
  const note = (run: RunView, event: RunNotification['event'], status = run.status): RunNotification => ({
    id: run.id,
    event,
    status,
    title: run.title,
    display: run.display,
  });

  it('toasts and announces a start, and a finish with an action to open the result', async () => {
    setup();
    const run = makeRun({ status: 'running' });
    socket.fire('run.updated', run);
    socket.fire('run.notification', note(run, 'started'));
    await TestBed.inject(ApplicationRef).whenStable();
    expect(toast()).toBe('Started: Sales report · Acme 2024 Show');
    expect(announce).toHaveBeenCalledWith('Started: Sales report · Acme 2024', 'polite');

    socket.fire('run.notification', note(run, 'finished', 'failed'));
    await TestBed.inject(ApplicationRef).whenStable();
    expect(toast()).toBe('Failed: Sales report · Acme 2024 Details');
  });

  it('stacks the toasts of runs that finish together, and groups a fourth', async () => {
    setup();
    const runs = ['Acme', 'Globex', 'Initech', 'Stark'].map((customer) =>
      makeRun({ status: 'completed', display: { customer, year: 2024 } }),
    );
    for (const run of runs.slice(0, 3)) {
      socket.fire('run.updated', run);
      socket.fire('run.notification', note(run, 'finished', 'completed'));
    }
    await TestBed.inject(ApplicationRef).whenStable();
    const shown = () => [...document.querySelectorAll('.onward-toast .text')].map((el) => el.textContent?.trim());
    expect(shown()).toEqual([
      'Completed: Sales report · Acme 2024',
      'Completed: Sales report · Globex 2024',
      'Completed: Sales report · Initech 2024',
    ]);
    socket.fire('run.updated', runs[3]);
    socket.fire('run.notification', note(runs[3], 'finished', 'completed'));
    await TestBed.inject(ApplicationRef).whenStable();
    expect(shown()).toEqual(['4 runs finished']);
  });

  it('opens the run’s own link from its toast', async () => {
    setup();
    const open = jest.spyOn(window, 'open').mockReturnValue({} as Window);
    const run = makeRun({ id: 'r 1', status: 'running' });
    socket.fire('run.updated', run);
    socket.fire('run.notification', note(run, 'started'));
    await TestBed.inject(ApplicationRef).whenStable();
    document.querySelector<HTMLButtonElement>('.onward-toast button.action')?.click();
    expect(open).toHaveBeenCalledWith('/monitor/run/r%201', 'onward-monitor');
    open.mockRestore();
  });

  it('stays silent about a run the user cancelled', async () => {
    setup();
    const run = makeRun({ status: 'running' });
    socket.fire('run.updated', run);
    const cancel = client.cancel(run.id).catch(() => undefined);
    socket.fire('run.notification', note(run, 'finished', 'cancelled'));
    await TestBed.inject(ApplicationRef).whenStable();
    expect(toast()).toBeNull();
    expect(announce).not.toHaveBeenCalled();
    void cancel;
  });

  it('skips the start of a foreground run, and its finish while a dialog here shows it', async () => {
    setup();
    const run = makeRun({ mode: 'foreground' });
    socket.fire('run.updated', run);
    socket.fire('run.notification', note(run, 'started', 'running'));
    await TestBed.inject(ApplicationRef).whenStable();
    expect(toast()).toBeNull();
    const notifier = TestBed.inject(MonitorNotifier);
    notifier.silence(run.id);
    socket.fire('run.notification', note(run, 'finished', 'completed'));
    await TestBed.inject(ApplicationRef).whenStable();
    expect(toast()).toBeNull();
  });

  it('tells about the finish of a foreground run that no dialog here shows (after a reload, in another window)', async () => {
    setup();
    const run = makeRun({ mode: 'foreground' });
    socket.fire('run.updated', run);
    socket.fire('run.notification', note(run, 'finished', 'completed'));
    await TestBed.inject(ApplicationRef).whenStable();
    expect(toast()).toContain('Completed: Sales report');
  });

  it('offers a toast action and tells whether the user took it', async () => {
    setup();
    const notifier = TestBed.inject(MonitorNotifier);
    const taken = notifier.toast('Deleted: Sales report', { action: 'Undo', durationMs: 5000 });
    await TestBed.inject(ApplicationRef).whenStable();
    expect(toast()).toContain('Deleted: Sales report');
    (document.querySelector('.onward-toast button.action') as HTMLButtonElement).click();
    await expect(taken).resolves.toBe(true);
  });

  it('says who cancelled and what a value result came to, and names a selection by its rows', async () => {
    setup();
    const cancelled = makeRun({ status: 'cancelled', cancelledBy: { id: 'u-admin', username: 'admin', admin: true } });
    socket.fire('run.updated', cancelled);
    socket.fire('run.notification', note(cancelled, 'finished'));
    await TestBed.inject(ApplicationRef).whenStable();
    expect(toast()).toBe('Cancelled by an administrator: Sales report · Acme 2024 Show');

    const done = makeRun({
      title: 'Recalculate prices',
      display: { year: 2025 },
      status: 'completed',
      firstRows: [
        { category: 'Hardware', year: 2025 },
        { category: 'Software', year: 2025 },
      ],
      scheduler: { total: 2, completed: 2, failed: 0, cancelled: 0, current: null },
      result: { type: 'value', value: { updated: 32 }, summary: '32 prices updated' },
    });
    socket.fire('run.updated', done);
    socket.fire('run.notification', note(done, 'finished'));
    await TestBed.inject(ApplicationRef).whenStable();
    expect(toast()).toBe('Completed: Recalculate prices · Hardware and Software · 2025 — 32 prices updated Open');
  });

  it('opens a finished PDF in the preview from the toast’s Open', async () => {
    setup();
    URL.createObjectURL = jest.fn(() => 'blob:http://localhost/pdf-2');
    URL.revokeObjectURL = jest.fn();
    jest.spyOn(client, 'fetchResult').mockResolvedValue(new Blob(['%PDF-'], { type: 'application/pdf' }));
    const run = makeRun({
      status: 'completed',
      result: { type: 'file', fileName: 'acme.pdf', contentType: 'application/pdf', size: 5 },
    });
    socket.fire('run.updated', run);
    socket.fire('run.notification', note(run, 'finished'));
    await TestBed.inject(ApplicationRef).whenStable();
    (document.querySelector('.onward-toast button.action') as HTMLButtonElement).click();
    await TestBed.inject(ApplicationRef).whenStable();
    expect(document.querySelector('onward-pdf-preview-dialog')).not.toBeNull();
  });

  it('puts the running count in front of the tab title', async () => {
    setup(true);
    const title = TestBed.inject(Title);
    title.setTitle('Customers');
    const run = makeRun({ status: 'running' });
    socket.fire('run.updated', run);
    await TestBed.inject(ApplicationRef).whenStable();
    expect(title.getTitle()).toBe('(1) Customers');
    socket.fire('run.updated', { ...run, version: 2, status: 'completed' });
    await TestBed.inject(ApplicationRef).whenStable();
    expect(title.getTitle()).toBe('Customers');
  });
});
