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
  displayParameters: [],
  parameters: [],
});

describe('AwaitResultDialog: Escape and Cancel', () => {
  let http: HttpTestingController;
  let socket: FakeSocket;

  beforeEach(() => {
    const widget = setupWidget();
    http = widget.http;
    socket = widget.sockets.last;
  });

  afterEach(() => document.querySelectorAll('.cdk-overlay-container').forEach((el) => (el.innerHTML = '')));

  const stable = () => TestBed.inject(ApplicationRef).whenStable();
  const dialog = () => document.querySelector('onward-await-result-dialog');
  const button = (label: RegExp) =>
    [...(dialog()?.querySelectorAll('button') ?? [])].find((b) => label.test(b.textContent?.trim() ?? '')) as
      HTMLButtonElement | undefined;
  const escape = () => document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));

  async function open(def: TaskDefinition) {
    const run = makeRun({ task: def.id, title: def.title, display: {}, mode: 'foreground', status: 'running' });
    const launched = TestBed.inject(RunLauncher).launch(def, { parameters: {} });
    (await nextRequest(http, '/api/runs', 'POST')).flush(run);
    await launched;
    await stable();
    return run;
  }

  it('sends an "optional" run to the background on Escape', async () => {
    const run = await open(task('optional'));
    escape();
    const patch = await nextRequest(http, `/api/runs/${run.id}`, 'PATCH');
    expect(patch.request.body).toEqual({ mode: 'background' });
    patch.flush({ ...run, mode: 'background', version: 2 });
    for (let i = 0; i < 10 && dialog(); i++) await stable();
    expect(dialog()).toBeNull();
  });

  it('neither closes nor cancels a "yes" run on Escape, and says how to stop it', async () => {
    const run = await open(task('yes', false));
    escape();
    await stable();
    http.expectNone((req) => req.url.includes(`/api/runs/${run.id}`) && req.method !== 'GET');
    expect(dialog()).not.toBeNull();
    expect(dialog()?.querySelector('.hint')?.textContent).toContain('Use Cancel to stop it');
  });

  it('shows "Cancelling…", disabled, from the click until the run is cancelled, then closes', async () => {
    const run = await open(task('optional'));
    button(/^Cancel$/)?.click();
    await stable();
    const cancelling = button(/^Cancelling…$/);
    expect(cancelling?.disabled).toBe(true);
    expect(button(/^Run in background$/)?.disabled).toBe(true);

    (await nextRequest(http, `/api/runs/${run.id}/cancel`, 'POST')).flush({ ...run, status: 'cancelling', version: 2 });
    await stable();
    expect(button(/^Cancelling…$/)?.disabled).toBe(true);

    socket.fire('run.updated', { ...run, status: 'cancelled', version: 3, finishedAt: new Date().toISOString() });
    for (let i = 0; i < 10 && dialog(); i++) await stable();
    expect(dialog()).toBeNull();
  });

  it('shows the outcome when the run finished before the cancel took hold', async () => {
    const run = await open(task('optional'));
    button(/^Cancel$/)?.click();
    const cancel = await nextRequest(http, `/api/runs/${run.id}/cancel`, 'POST');
    socket.fire('run.updated', { ...run, status: 'completed', version: 2, result: { type: 'value', value: 3 } });
    cancel.flush({ statusCode: 409, error: 'Conflict', message: 'finished' }, { status: 409, statusText: 'Conflict' });
    await stable();
    await stable();
    expect(dialog()?.querySelector('.status')?.textContent).toContain('Completed');
    expect(dialog()?.querySelector('.error')).toBeNull();
    expect(button(/^Close$/)).toBeDefined();
  });
});
