import { ApplicationRef } from '@angular/core';
import { TestBed } from '@angular/core/testing';

import { FakeSocket, makeRun } from '../../testing/fakes';
import { setupWidget } from '../../testing/setup';
import type { MonitorClient } from '../client/monitor-client';
import { MonitorView } from './monitor-view';

describe('MonitorView', () => {
  let client: MonitorClient;
  let socket: FakeSocket;

  beforeEach(() => {
    const setup = setupWidget();
    client = setup.client;
    socket = setup.sockets.last;
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
    await filter('Finished');
    expect(entries()).toEqual(['completed', 'failed', 'cancelled']);
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
    (el.querySelector('button[aria-label="Clear finished runs"]') as HTMLButtonElement).click();
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
    (el.querySelector('button[aria-label="Clear finished runs"]') as HTMLButtonElement).click();
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
});
