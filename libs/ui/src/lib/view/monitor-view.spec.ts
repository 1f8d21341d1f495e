import { ApplicationRef } from '@angular/core';
import { TestBed } from '@angular/core/testing';

import type { HttpTestingController } from '@angular/common/http/testing';

import { ALICE, FakeSocket, makeRun, nextRequest } from '../../testing/fakes';
import { setupWidget } from '../../testing/setup';
import type { MonitorClient } from '../client/monitor-client';
import { MonitorView } from './monitor-view';

describe('MonitorView', () => {
  let client: MonitorClient;
  let socket: FakeSocket;
  let http: HttpTestingController;

  beforeEach(() => {
    const setup = setupWidget();
    client = setup.client;
    socket = setup.sockets.last;
    http = setup.http;
  });

  afterEach(() => document.querySelectorAll('.cdk-overlay-container').forEach((el) => (el.innerHTML = '')));

  async function render() {
    const fixture = TestBed.createComponent(MonitorView);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const entries = () => [...el.querySelectorAll('onward-run-entry')].map((e) => e.getAttribute('data-status'));
    const filter = async (label: string) => {
      const toggle = [...el.querySelectorAll('mat-button-toggle button')].find((b) =>
        b.textContent?.trim().startsWith(label),
      );
      (toggle as HTMLButtonElement).click();
      await fixture.whenStable();
    };
    return { fixture, el, entries, filter };
  }

  it('says what the panel is for when there are no runs', async () => {
    const { el } = await render();
    expect(el.querySelector('.empty')?.textContent).toContain('No background tasks yet');
    expect(el.querySelector('.empty')?.textContent).toContain('run here in the background');
  });

  it('lists running runs on top and filters by state', async () => {
    socket.fire('run.updated', makeRun({ status: 'completed', createdAt: '2026-03-01T00:00:00Z' }));
    socket.fire(
      'run.updated',
      makeRun({ status: 'failed', createdAt: '2026-02-01T00:00:00Z', error: { message: 'x', details: null } }),
    );
    socket.fire('run.updated', makeRun({ status: 'running', createdAt: '2026-01-01T00:00:00Z' }));
    socket.fire('run.updated', makeRun({ status: 'cancelled', createdAt: '2025-12-01T00:00:00Z' }));
    const { entries, filter, el, fixture } = await render();
    expect(entries()).toEqual(['running', 'completed', 'failed', 'cancelled']);

    await filter('Running');
    expect(entries()).toEqual(['running']);
    await filter('Completed');
    expect(entries()).toEqual(['completed']);
    await filter('Cancelled');
    expect(entries()).toEqual(['cancelled']);
    await filter('Failed');
    expect(entries()).toEqual(['failed']);

    socket.fire('run.deleted', { id: client.runs().find((r) => r.status === 'failed')?.id ?? '' });
    await fixture.whenStable();
    expect(el.querySelector('.empty')?.textContent).toContain('No failed runs');
  });

  it('updates an entry in place when its progress moves', async () => {
    const run = makeRun({ progress: { percent: 10, message: 'a' } });
    socket.fire('run.updated', run);
    const { el, fixture } = await render();
    const entry = el.querySelector('onward-run-entry');
    socket.fire('run.updated', { ...run, version: 2, progress: { percent: 70, message: 'b' } });
    await fixture.whenStable();
    expect(el.querySelector('onward-run-entry')).toBe(entry);
    expect(entry?.textContent).toContain('70%');
  });

  it('clears finished runs after confirmation', async () => {
    socket.fire('run.updated', makeRun({ status: 'completed' }));
    socket.fire('run.updated', makeRun({ status: 'running' }));
    const clear = jest.spyOn(client, 'clearFinished').mockResolvedValue(1);
    const { el } = await render();
    (el.querySelector('button[aria-label="Clear 1 finished"]') as HTMLButtonElement).click();
    await TestBed.inject(ApplicationRef).whenStable();
    const dialog = document.querySelector('onward-confirm-dialog');
    expect(dialog?.textContent).toContain('This deletes 1 finished run');
    const confirm = [...(dialog?.querySelectorAll('button') ?? [])].find(
      (b) => b.textContent?.trim() === 'Clear',
    ) as HTMLButtonElement;
    confirm.click();
    await TestBed.inject(ApplicationRef).whenStable();
    for (let i = 0; i < 10 && clear.mock.calls.length === 0; i++) await Promise.resolve();
    expect(clear).toHaveBeenCalled();
  });

  it('does not clear when the user keeps the runs', async () => {
    socket.fire('run.updated', makeRun({ status: 'completed' }));
    const clear = jest.spyOn(client, 'clearFinished').mockResolvedValue(1);
    const { el } = await render();
    (el.querySelector('button[aria-label="Clear 1 finished"]') as HTMLButtonElement).click();
    await TestBed.inject(ApplicationRef).whenStable();
    const keep = [...document.querySelectorAll('onward-confirm-dialog button')].find(
      (b) => b.textContent?.trim() === 'Keep',
    ) as HTMLButtonElement;
    keep.click();
    await TestBed.inject(ApplicationRef).whenStable();
    expect(clear).not.toHaveBeenCalled();
  });

  it('tells the user when the connection is lost', async () => {
    const { el, fixture } = await render();
    socket.fire('disconnect', 'transport close');
    await fixture.whenStable();
    expect(el.querySelector('.banner')?.textContent).toContain('Connection lost');
  });

  it('renders only a window of a long list, and tells assistive technology where each entry sits', async () => {
    for (let i = 0; i < 2000; i++) socket.fire('run.updated', makeRun({ status: i < 5 ? 'running' : 'completed' }));
    const { el } = await render();
    const rendered = [...el.querySelectorAll('onward-run-entry')];
    expect(rendered.length).toBeGreaterThan(0);
    expect(rendered.length).toBeLessThan(30);
    expect(el.querySelector('[role="list"]')?.getAttribute('aria-label')).toBe('Background runs');
    expect(rendered[0].getAttribute('data-status')).toBe('running');
    expect(rendered[0].getAttribute('aria-posinset')).toBe('1');
    expect(rendered[0].getAttribute('aria-setsize')).toBe('2000');
    expect(el.querySelector('mat-button-toggle .count')?.textContent).toBe('2000');
  });

  it('keeps an expanded scheduler expanded, in place, while its progress ticks in a long list', async () => {
    for (let i = 0; i < 500; i++) socket.fire('run.updated', makeRun({ status: 'completed' }));
    const parent = makeRun({
      status: 'running',
      display: {},
      scheduler: { total: 2, completed: 0, failed: 0, cancelled: 0, current: null },
    });
    socket.fire('run.updated', parent);
    socket.fire(
      'run.updated',
      makeRun({ parentId: parent.id, status: 'running', display: { customer: 'Stark', year: 2025 } }),
    );
    jest.spyOn(client, 'expand').mockResolvedValue();
    const { el, fixture } = await render();
    const entry = el.querySelector(`onward-run-entry[data-run-id="${parent.id}"]`);
    (entry?.querySelector('button.expand') as HTMLButtonElement).click();
    await fixture.whenStable();
    expect(entry?.querySelector('.children')?.textContent).toContain('Stark 2025');

    socket.fire('run.updated', { ...parent, version: 2, progress: { percent: 60, message: 'tick' } });
    await fixture.whenStable();
    expect(el.querySelector(`onward-run-entry[data-run-id="${parent.id}"]`)).toBe(entry);
    expect(entry?.querySelector('.expand')?.getAttribute('aria-expanded')).toBe('true');
    expect(entry?.textContent).toContain('60%');
  });

  it('reads older runs when the end of the loaded list comes into view', async () => {
    const newest = [makeRun({ status: 'running' }), makeRun({ status: 'completed' })];
    const older = [
      makeRun({ status: 'failed', createdAt: '2025-01-02T00:00:00.000Z', error: { message: 'x', details: null } }),
      makeRun({ status: 'completed', createdAt: '2025-01-01T00:00:00.000Z' }),
    ];
    socket.fire('connect');
    (await nextRequest(http, '/api/auth/me')).flush(ALICE);
    (await nextRequest(http, '/api/tasks')).flush([]);
    (await nextRequest(http, /\/api\/runs\?limit=200$/)).flush({ items: newest, nextCursor: 'c1' });
    (await nextRequest(http, /status=queued,running,cancelling/)).flush({ items: [newest[0]], nextCursor: null });
    for (let i = 0; i < 20 && client.connection() !== 'online'; i++) await Promise.resolve();

    const { el, fixture, entries } = await render();
    const page = await nextRequest(http, /\/api\/runs\?limit=200&cursor=c1$/);
    await fixture.whenStable();
    expect(el.querySelector('.more')?.textContent).toContain('Loading older runs');
    expect(el.querySelector('mat-button-toggle .count')?.textContent).toBe('2+');
    page.flush({ items: older, nextCursor: null });
    for (let i = 0; i < 20 && client.loadingMore(); i++) await Promise.resolve();
    await fixture.whenStable();
    // The viewport renders a new range in a change detection of its own.
    await fixture.whenStable();
    expect(entries()).toEqual(['running', 'completed', 'failed', 'completed']);
    expect(el.querySelector('.more')).toBeNull();
    expect(el.querySelector('mat-button-toggle .count')?.textContent).toBe('4');
  });
});
