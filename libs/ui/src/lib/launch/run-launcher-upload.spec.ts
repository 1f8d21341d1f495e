import { ApplicationRef } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { HttpTestingController } from '@angular/common/http/testing';
import type { TaskDefinition } from '@onward/task-domain';

import { makeRun, nextRequest } from '../../testing/fakes';
import { setupWidget } from '../../testing/setup';
import { FakeTus } from '../../testing/tus';
import { FileUploads } from '../upload/file-uploads';
import { RunLauncher } from './run-launcher';

const IMPORT: TaskDefinition = {
  id: 'import-orders',
  title: 'Import orders',
  kind: 'task',
  awaitResult: 'optional',
  background: true,
  displayParameters: ['file'],
  parameters: [{ name: 'file', label: 'File', type: 'file', required: true }],
};

describe('RunLauncher.upload', () => {
  let http: HttpTestingController;
  let tus: FakeTus;
  let launcher: RunLauncher;

  beforeEach(() => {
    tus = new FakeTus();
    http = setupWidget({ providers: [tus.provider] }).http;
    launcher = TestBed.inject(RunLauncher);
  });

  afterEach(() => {
    document.querySelectorAll('.cdk-overlay-container').forEach((el) => (el.innerHTML = ''));
    document.querySelectorAll('onward-toast-list').forEach((el) => el.remove());
  });

  const stable = () => TestBed.inject(ApplicationRef).whenStable();
  const toast = () => [...document.querySelectorAll('.onward-toast, mat-snack-bar-container')].pop()?.textContent ?? '';
  const csv = () => new File(['line,status\n'], 'orders.csv', { type: 'text/csv' });

  it('only uploads when no task is named', async () => {
    const outcome = launcher.upload(csv());
    const upload = await tus.started();
    upload.created('http://localhost/api/uploads/up-1');
    upload.succeed();
    await expect(outcome).resolves.toEqual({ uploadId: 'up-1', run: null });
    http.expectNone('/api/runs');
  });

  it('starts the task with the upload id in the background once every byte is in, and hands over', async () => {
    const outcome = launcher.upload(csv(), { task: 'import-orders', parameters: { dryRun: false } });
    const upload = await tus.started();
    upload.created('http://localhost/api/uploads/up-1');
    upload.succeed();
    // The catalogue is not loaded yet: the launcher reads it.
    (await nextRequest(http, '/api/tasks')).flush([IMPORT]);
    const post = await nextRequest(http, '/api/runs', 'POST');
    expect(post.request.body).toEqual({
      task: 'import-orders',
      parameters: { dryRun: false, file: 'up-1' },
      mode: 'background',
    });
    const run = makeRun({
      task: 'import-orders',
      title: 'Import orders',
      kind: 'task',
      display: { file: 'orders.csv' },
    });
    post.flush(run);
    await expect(outcome).resolves.toEqual({ uploadId: 'up-1', run });
    expect(TestBed.inject(FileUploads).transfer('up-1')?.handedTo).toEqual({ id: run.id, title: 'Import orders' });
    await stable();
    // No dialog: the user follows the import in the monitor, where the upload was.
    expect(document.querySelector('onward-await-result-dialog')).toBeNull();
  });

  it('names another file parameter when asked', async () => {
    const outcome = launcher.upload(csv(), { task: 'import-orders', parameterName: 'source' });
    const upload = await tus.started();
    upload.created('http://localhost/api/uploads/up-2');
    upload.succeed();
    (await nextRequest(http, '/api/tasks')).flush([IMPORT]);
    const post = await nextRequest(http, '/api/runs', 'POST');
    expect(post.request.body.parameters).toEqual({ source: 'up-2' });
    post.flush(makeRun());
    await outcome;
  });

  it('says in a toast why a file could not be uploaded, and starts nothing', async () => {
    const outcome = launcher.upload(csv(), { task: 'import-orders' });
    (await tus.started()).fail(413);
    await expect(outcome).resolves.toBeNull();
    await stable();
    expect(toast()).toContain('orders.csv could not be uploaded. This is too large to send to the task server.');
    http.expectNone('/api/runs');
  });

  it('stays quiet about an upload the user cancelled', async () => {
    const outcome = launcher.upload(csv(), { task: 'import-orders' });
    const upload = await tus.started();
    upload.created('http://localhost/api/uploads/up-3');
    TestBed.inject(FileUploads).abort('up-3');
    await expect(outcome).resolves.toBeNull();
    await stable();
    expect(toast()).not.toContain('could not be uploaded');
  });
});
