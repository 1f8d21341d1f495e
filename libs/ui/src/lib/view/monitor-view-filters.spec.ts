import { ApplicationRef } from '@angular/core';
import { TestBed } from '@angular/core/testing';

import { FakeSocket, makeRun } from '../../testing/fakes';
import { setupWidget } from '../../testing/setup';
import type { MonitorClient } from '../client/monitor-client';
import { plural } from '../shared/plural';
import { MonitorView } from './monitor-view';

describe('MonitorView filters, Clear and notifications', () => {
  let client: MonitorClient;
  let socket: FakeSocket;

  beforeEach(() => {
    const setup = setupWidget();
    client = setup.client;
    socket = setup.sockets.last;
  });

  afterEach(() => {
    document.querySelectorAll('.cdk-overlay-container').forEach((el) => (el.innerHTML = ''));
    delete (globalThis as { Notification?: unknown }).Notification;
  });

  async function render() {
    const fixture = TestBed.createComponent(MonitorView);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const toggles = () => [...el.querySelectorAll('mat-button-toggle button')] as HTMLButtonElement[];
    const filter = async (label: string) => {
      toggles()
        .find((b) => b.textContent?.trim().startsWith(label))
        ?.click();
      await fixture.whenStable();
    };
    const clear = () => el.querySelector('button.clear') as HTMLButtonElement | null;
    return { fixture, el, toggles, filter, clear };
  }

  function seed(): void {
    const failed = { message: 'x', details: null };
    socket.fire('run.updated', makeRun({ status: 'running' }));
    socket.fire('run.updated', makeRun({ status: 'queued' }));
    socket.fire('run.updated', makeRun({ status: 'completed' }));
    socket.fire('run.updated', makeRun({ status: 'failed', error: failed }));
    socket.fire('run.updated', makeRun({ status: 'failed', error: failed }));
    socket.fire('run.updated', makeRun({ status: 'cancelled' }));
  }

  it('offers All, Running, Completed, Failed and Cancelled, each with its own count', async () => {
    seed();
    const { toggles } = await render();
    expect(toggles().map((b) => b.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      'All6',
      'Running2',
      'Completed1',
      'Failed2',
      'Cancelled1',
    ]);
  });

  it('clears only what the filter shows, and names it', async () => {
    seed();
    const deleted: string[] = [];
    jest.spyOn(client, 'delete').mockImplementation(async (id: string) => void deleted.push(id));
    const { filter, clear } = await render();
    expect(clear()?.textContent?.trim()).toBe('Clear 4 finished');

    await filter('Running');
    expect(clear()).toBeNull();

    await filter('Failed');
    expect(clear()?.textContent?.trim()).toBe('Clear 2 failed');
    clear()?.click();
    await TestBed.inject(ApplicationRef).whenStable();
    const dialog = document.querySelector('onward-confirm-dialog');
    expect(dialog?.textContent).toContain('Clear 2 failed?');
    expect(dialog?.textContent).toContain('This deletes 2 finished runs and their results.');
    [...(dialog?.querySelectorAll('button') ?? [])].find((b) => b.textContent?.trim() === 'Clear')?.click();
    await TestBed.inject(ApplicationRef).whenStable();
    for (let i = 0; i < 10 && deleted.length < 2; i++) await Promise.resolve();
    const failedIds = client
      .runs()
      .filter((r) => r.status === 'failed')
      .map((r) => r.id);
    expect(deleted.sort()).toEqual(failedIds.sort());
  });

  it('offers no count to clear when nothing finished', async () => {
    socket.fire('run.updated', makeRun({ status: 'running' }));
    const { clear } = await render();
    expect(clear()?.textContent?.trim()).toBe('Clear finished');
    expect(clear()?.disabled).toBe(true);
  });

  it('says one run, not "1 runs"', () => {
    expect(plural(1, { one: '# run', other: '# runs' })).toBe('1 run');
    expect(plural(0, { one: '# run', other: '# runs' })).toBe('0 runs');
    expect(plural(1200, { one: '# run', other: '# runs' }, 'en')).toBe('1,200 runs');
  });

  it('asks for notification permission, and says so when the browser blocks it', async () => {
    const requestPermission = jest.fn(async () => {
      fake.permission = 'denied';
      return 'denied';
    });
    const fake = { permission: 'default', requestPermission };
    (globalThis as { Notification?: unknown }).Notification = fake;
    const { el, fixture } = await render();
    const footer = () => el.querySelector('.footer');
    expect(footer()?.getAttribute('data-permission')).toBe('default');
    const turnOn = [...(footer()?.querySelectorAll('button') ?? [])].find((b) => b.textContent?.trim() === 'Turn on');
    turnOn?.click();
    for (let i = 0; i < 10 && footer()?.getAttribute('data-permission') === 'default'; i++) await fixture.whenStable();
    expect(requestPermission).toHaveBeenCalled();
    expect(footer()?.textContent).toContain('The browser blocks notifications from this site');
    expect(footer()?.textContent).toContain('set Notifications to Allow');

    [...(footer()?.querySelectorAll('button') ?? [])].find((b) => b.textContent?.trim() === 'OK')?.click();
    await fixture.whenStable();
    expect(footer()).toBeNull();
  });

  it('confirms when notifications were turned on', async () => {
    const fake = {
      permission: 'default',
      requestPermission: jest.fn(async () => (fake.permission = 'granted')),
    };
    (globalThis as { Notification?: unknown }).Notification = fake;
    const { el, fixture } = await render();
    (el.querySelector('.footer button') as HTMLButtonElement).click();
    for (let i = 0; i < 10 && !el.querySelector('.footer[data-permission="granted"]'); i++) await fixture.whenStable();
    expect(el.querySelector('.footer')?.textContent).toContain('System notifications are on');
  });
});
