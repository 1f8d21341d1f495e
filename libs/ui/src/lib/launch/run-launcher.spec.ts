import { ApplicationRef } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { HttpTestingController } from '@angular/common/http/testing';
import type { TaskDefinition } from '@onward/task-domain';

import { FakeSocket, makeRun, nextRequest } from '../../testing/fakes';
import { setupWidget } from '../../testing/setup';
import { RunLauncher } from './run-launcher';

const task = (awaitResult: TaskDefinition['awaitResult'], background = true): TaskDefinition => ({
  id: `t-${awaitResult}`,
  title: 'Recalculate prices',
  kind: 'task',
  awaitResult,
  background,
  displayParameters: ['category'],
  parameters: [{ name: 'category', label: 'Category', type: 'string', required: true }],
});

describe('RunLauncher', () => {
  let http: HttpTestingController;
  let socket: FakeSocket;
  let launcher: RunLauncher;

  beforeEach(() => {
    const widget = setupWidget();
    http = widget.http;
    socket = widget.sockets.last;
    launcher = TestBed.inject(RunLauncher);
  });

  afterEach(() => {
    document.querySelectorAll('.cdk-overlay-container').forEach((el) => (el.innerHTML = ''));
    document.querySelectorAll('onward-toast-list').forEach((el) => el.remove());
  });

  const stable = () => TestBed.inject(ApplicationRef).whenStable();
  const dialog = () => document.querySelector('onward-await-result-dialog');
  const dialogButtons = () => [...(dialog()?.querySelectorAll('button') ?? [])].map((b) => b.textContent?.trim());
  const toast = () => [...document.querySelectorAll('.onward-toast, mat-snack-bar-container')].pop()?.textContent ?? '';

  async function start(def: TaskDefinition, mode: 'foreground' | 'background') {
    const run = makeRun({
      task: def.id,
      title: def.title,
      display: { category: 'Hardware' },
      mode,
      status: 'queued',
      progress: { percent: null, message: null },
    });
    const launched = launcher.launch(def, { parameters: { category: 'Hardware' } });
    const post = await nextRequest(http, '/api/runs', 'POST');
    expect(post.request.body).toEqual({ task: def.id, parameters: { category: 'Hardware' } });
    post.flush(run);
    await launched;
    await stable();
    return run;
  }

  it('sends an awaitResult "no" run straight to the monitor with a toast', async () => {
    await start(task('no'), 'background');
    expect(dialog()).toBeNull();
    expect(toast()).toContain('Recalculate prices · Hardware runs in the background');
  });

  it('shows a modal progress dialog for "yes", without "Run in background", and the result when done', async () => {
    const run = await start(task('yes', false), 'foreground');
    expect(dialogButtons()).toEqual(['Cancel']);
    socket.fire('run.updated', {
      ...run,
      version: 2,
      status: 'running',
      progress: { percent: 30, message: 'Chunk 3 of 10' },
    });
    await stable();
    expect(dialog()?.textContent).toContain('Chunk 3 of 10');
    expect(dialog()?.textContent).toContain('30%');
    socket.fire('run.updated', {
      ...run,
      version: 3,
      status: 'completed',
      result: { type: 'value', value: { updated: 7 } },
    });
    await stable();
    expect(dialog()?.textContent).toContain('"updated":7');
    // The raw value is shown (no summary) and also sits behind Details.
    expect(dialogButtons()).toEqual(['Details', 'Close']);
  });

  it('shows a value’s summary when done, the raw value behind Details', async () => {
    const run = await start(task('yes', false), 'foreground');
    socket.fire('run.updated', {
      ...run,
      version: 2,
      status: 'completed',
      result: { type: 'value', value: { updated: 7 }, summary: '7 prices updated' },
    });
    await stable();
    expect(dialog()?.textContent).toContain('7 prices updated');
    expect(dialog()?.textContent).not.toContain('"updated"');
    expect(dialogButtons()).toEqual(['Details', 'Close']);
  });

  it('cancels from inside the dialog', async () => {
    const run = await start(task('yes', false), 'foreground');
    (dialog()?.querySelector('button') as HTMLButtonElement).click();
    const cancel = await nextRequest(http, `/api/runs/${run.id}/cancel`, 'POST');
    cancel.flush({ ...run, status: 'cancelled', version: 2 });
    await stable();
    for (let i = 0; i < 10 && dialog(); i++) await stable();
    expect(dialog()).toBeNull();
  });

  it('moves an "optional" run to the background with PATCH', async () => {
    const run = await start(task('optional'), 'foreground');
    expect(dialogButtons()).toEqual(['Run in background', 'Cancel']);
    (dialog()?.querySelector('button') as HTMLButtonElement).click();
    const patch = await nextRequest(http, `/api/runs/${run.id}`, 'PATCH');
    expect(patch.request.body).toEqual({ mode: 'background' });
    patch.flush({ ...run, mode: 'background', version: 2 });
    for (let i = 0; i < 10 && dialog(); i++) await stable();
    expect(dialog()).toBeNull();
    await stable();
    expect(toast()).toContain('continues in the background');
  });

  it('tells the user when the server refuses the run', async () => {
    const launched = launcher.launch(task('no'), { parameters: { category: '' } });
    (await nextRequest(http, '/api/runs', 'POST')).flush(
      {
        statusCode: 400,
        error: 'Bad Request',
        message: 'Invalid parameters',
        details: [{ field: 'parameters.category', message: 'Category must not be empty' }],
      },
      { status: 400, statusText: 'Bad Request' },
    );
    expect(await launched).toBeNull();
    await stable();
    expect(toast()).toContain(
      'Recalculate prices could not be started. Some values were not accepted: Category must not be empty.',
    );
  });
});
