import { ApplicationRef } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { HttpTestingController } from '@angular/common/http/testing';
import type { RunView } from '@onward/task-domain';

import { ALICE, type FakeSocket, makeRun, nextRequest } from '../../testing/fakes';
import { setupWidget } from '../../testing/setup';
import type { MonitorClient } from '../client/monitor-client';
import { RunActions, UNDO_DELETE_MS } from './run-actions';

describe('RunActions', () => {
  let client: MonitorClient;
  let http: HttpTestingController;
  let socket: FakeSocket;
  let actions: RunActions;

  beforeEach(async () => {
    const widget = setupWidget();
    ({ client, http } = widget);
    socket = widget.sockets.last;
    actions = TestBed.inject(RunActions);
    socket.fire('connect');
    (await nextRequest(http, '/api/auth/me')).flush(ALICE);
    (await nextRequest(http, '/api/tasks')).flush([]);
    (await nextRequest(http, /\/api\/runs\?limit=200$/)).flush({ items: [], nextCursor: null });
  });

  afterEach(() => {
    jest.useRealTimers();
    document.querySelectorAll('.cdk-overlay-container').forEach((el) => (el.innerHTML = ''));
  });

  const stable = () => TestBed.inject(ApplicationRef).whenStable();
  const text = (selector: string) => document.querySelector(selector)?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
  const buttonIn = (selector: string, label: string) =>
    [...document.querySelectorAll<HTMLButtonElement>(`${selector} button`)].find((b) => b.textContent?.includes(label));
  const listed = () => client.runs().map((r) => r.id);
  const held = (overrides: Partial<RunView>) => {
    const run = makeRun(overrides);
    socket.fire('run.updated', run);
    return run;
  };

  it('asks before deleting a running run, and deletes only once however often it is clicked', async () => {
    const run = held({ status: 'running' });
    const first = actions.delete(run);
    await stable();
    expect(text('onward-confirm-dialog')).toContain('Stop and delete this run?');
    expect(text('onward-confirm-dialog')).toContain('Sales report · Acme 2024 is still running.');
    buttonIn('onward-confirm-dialog', 'Keep')?.click();
    await first;
    expect(http.match((r) => r.method === 'DELETE')).toEqual([]);
    expect(listed()).toEqual([run.id]);

    const again = actions.delete(run);
    await stable();
    void actions.delete(run); // a second click while the question is open
    await stable();
    expect(document.querySelectorAll('onward-confirm-dialog')).toHaveLength(1);
    buttonIn('onward-confirm-dialog', 'Stop and delete')?.click();
    const del = await nextRequest(http, `/api/runs/${run.id}`, 'DELETE');
    void actions.delete(run); // and one while the request is on its way
    del.flush(null, { status: 204, statusText: 'No Content' });
    await again;
    expect(http.match((r) => r.method === 'DELETE')).toEqual([]);
    expect(listed()).toEqual([]);
  });

  it('cancels once however often it is clicked, and says so in words when the run had finished', async () => {
    const run = held({ status: 'running' });
    const first = actions.cancel(run);
    void actions.cancel(run);
    const posts = http.match((r) => r.method === 'POST' && r.url === `/api/runs/${run.id}/cancel`);
    expect(posts).toHaveLength(1);
    posts[0].flush(
      { statusCode: 409, error: 'Conflict', message: `Run ${run.id} is already finished` },
      { status: 409, statusText: 'Conflict' },
    );
    await first;
    await stable();
    expect(text('.onward-toast')).toContain('The run could not be cancelled. The run had already finished.');
    expect(text('.onward-toast')).not.toContain(run.id);
  });

  describe('a finished run', () => {
    it('leaves the list at once and comes back with Undo; nothing is deleted on the server', async () => {
      const run = held({ status: 'completed' });
      jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick'] });
      const done = actions.delete(run);
      expect(listed()).toEqual([]);
      TestBed.tick();
      expect(text('.onward-toast')).toContain('Deleted: Sales report · Acme 2024');
      buttonIn('.onward-toast', 'Undo')?.click();
      await jest.advanceTimersByTimeAsync(UNDO_DELETE_MS * 2);
      await done;
      expect(listed()).toEqual([run.id]);
      expect(http.match((r) => r.method === 'DELETE')).toEqual([]);
    });

    it('is deleted on the server once the Undo time is up; a run already gone counts as deleted', async () => {
      const run = held({ status: 'failed' });
      jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick'] });
      const done = actions.delete(run);
      void actions.delete(run);
      await jest.advanceTimersByTimeAsync(UNDO_DELETE_MS - 100);
      expect(http.match((r) => r.method === 'DELETE')).toEqual([]);
      await jest.advanceTimersByTimeAsync(200);
      const deletes = http.match((r) => r.method === 'DELETE' && r.url === `/api/runs/${run.id}`);
      expect(deletes).toHaveLength(1);
      deletes[0].flush(
        { statusCode: 404, error: 'Not Found', message: `Run ${run.id} not found` },
        { status: 404, statusText: 'Not Found' },
      );
      await done;
      jest.useRealTimers();
      await stable();
      expect(listed()).toEqual([]);
      expect(client.run(run.id)).toBeUndefined();
      expect(text('.onward-toast')).not.toContain('could not');
    });

    it('is still deleted when the user leaves the page within the Undo time', async () => {
      const run = held({ status: 'completed' });
      const onLeave = jest.spyOn(client, 'deleteOnLeave').mockImplementation(() => undefined);
      void actions.delete(run);
      window.dispatchEvent(new Event('pagehide'));
      expect(onLeave).toHaveBeenCalledWith(run.id);
      expect(http.match((r) => r.method === 'DELETE')).toEqual([]);
    });
  });
});
