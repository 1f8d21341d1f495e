import { ApplicationRef } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { HttpTestingController } from '@angular/common/http/testing';
import type { RunView, TaskDefinition } from '@onward/task-domain';

import { ALICE, type FakeSocket, makeRun, nextRequest } from '../../testing/fakes';
import { setupWidget } from '../../testing/setup';
import type { MonitorClient } from '../client/monitor-client';
import { POPOUT_WINDOW_NAME } from './foreground-dialog-memory';
import { RunLauncher } from './run-launcher';

const KEY = 'onward.foreground-dialogs';
const preview: TaskDefinition = {
  id: 'print-preview',
  title: 'Print preview',
  kind: 'report',
  awaitResult: 'yes',
  background: false,
  displayParameters: ['customer'],
  parameters: [{ name: 'customer', label: 'Customer', type: 'string', required: true }],
};

/** A foreground run is never lost: its dialog, or else the monitor, always shows it. */
describe('Foreground runs and their dialogs', () => {
  let client: MonitorClient;
  let http: HttpTestingController;
  let socket: FakeSocket;

  function setup() {
    const widget = setupWidget();
    ({ client, http } = widget);
    socket = widget.sockets.last;
  }

  async function connect(runs: RunView[]) {
    socket.fire('connect');
    (await nextRequest(http, '/api/auth/me')).flush(ALICE);
    (await nextRequest(http, '/api/tasks')).flush([preview]);
    (await nextRequest(http, /\/api\/runs\?limit=200$/)).flush({ items: runs, nextCursor: null });
    for (let i = 0; i < 20 && client.connection() !== 'online'; i++) await Promise.resolve();
    await stable();
  }

  const stable = () => TestBed.inject(ApplicationRef).whenStable();
  const dialog = () => document.querySelector('onward-await-result-dialog');
  const saved = () => JSON.parse(sessionStorage.getItem(KEY) ?? '[]') as string[];
  const listed = () => client.runs().map((r) => r.id);
  const foreground = (overrides: Partial<RunView> = {}) =>
    makeRun({
      task: preview.id,
      title: preview.title,
      display: { customer: 'Acme' },
      mode: 'foreground',
      ...overrides,
    });

  afterEach(() => {
    sessionStorage.clear();
    window.name = '';
    document.querySelectorAll('.cdk-overlay-container').forEach((el) => (el.innerHTML = ''));
  });

  it('leaves the run out of the monitor while its dialog is open, and lists it with its result once closed', async () => {
    setup();
    await connect([]);
    const run = foreground({ status: 'running' });
    const launched = TestBed.inject(RunLauncher).launch(preview, { parameters: { customer: 'Acme' } });
    (await nextRequest(http, '/api/runs', 'POST')).flush(run);
    await launched;
    await stable();
    expect(dialog()).not.toBeNull();
    expect(listed()).toEqual([]);
    expect(saved()).toEqual([run.id]);

    socket.fire('run.updated', { ...run, version: 2, status: 'completed', result: { type: 'value', value: 7 } });
    await stable();
    const close = [...(dialog()?.querySelectorAll('button') ?? [])].find((b) => b.textContent?.includes('Close'));
    close?.click();
    for (let i = 0; i < 10 && dialog(); i++) await stable();
    expect(dialog()).toBeNull();
    expect(listed()).toEqual([run.id]);
    expect(client.runs()[0].status).toBe('completed');
    expect(saved()).toEqual([]);
  });

  it('opens the dialog of a still running run again after a reload of its tab; finished ones show in the monitor', async () => {
    const running = foreground({ status: 'running', progress: { percent: 40, message: 'Page 2 of 5' } });
    const finished = foreground({ status: 'completed' });
    sessionStorage.setItem(KEY, JSON.stringify([running.id, finished.id]));
    setup();
    await connect([running, finished]);
    for (let i = 0; i < 10 && !dialog(); i++) await stable();
    expect(dialog()?.textContent).toContain('Page 2 of 5');
    expect(listed()).toEqual([finished.id]);
    expect(saved()).toEqual([running.id]);
  });

  it('opens no dialog in the pop-out, which lists every foreground run', async () => {
    const running = foreground({ status: 'running' });
    sessionStorage.setItem(KEY, JSON.stringify([running.id]));
    window.name = POPOUT_WINDOW_NAME;
    setup();
    await connect([running]);
    await stable();
    expect(dialog()).toBeNull();
    expect(listed()).toEqual([running.id]);
  });
});
