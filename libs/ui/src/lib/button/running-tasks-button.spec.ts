import { TestBed } from '@angular/core/testing';

import { FakeSocket, makeRun } from '../../testing/fakes';
import { setupWidget } from '../../testing/setup';
import { MonitorPanelState } from '../panel/monitor-panel-state';
import { RunningTasksButton } from './running-tasks-button';

describe('RunningTasksButton', () => {
  let socket: FakeSocket;

  beforeEach(() => {
    socket = setupWidget().sockets.last;
  });

  it('counts running runs in its badge and opens the panel', async () => {
    socket.fire('run.updated', makeRun({ status: 'running' }));
    socket.fire('run.updated', makeRun({ status: 'queued' }));
    socket.fire('run.updated', makeRun({ status: 'completed' }));
    const fixture = TestBed.createComponent(RunningTasksButton);
    await fixture.whenStable();
    const button = (fixture.nativeElement as HTMLElement).querySelector('button') as HTMLButtonElement;
    expect(button.querySelector('.badge')?.getAttribute('data-count')).toBe('2');
    expect(button.getAttribute('aria-label')).toBe('Running tasks, 2 running');
    expect(button.getAttribute('aria-expanded')).toBe('false');

    button.click();
    await fixture.whenStable();
    expect(TestBed.inject(MonitorPanelState).open()).toBe(true);
    expect(button.getAttribute('aria-expanded')).toBe('true');
  });

  it('shows a dot for a run that finished while the panel was closed, cleared by opening it', async () => {
    const run = makeRun({ status: 'running' });
    socket.fire('run.updated', run);
    const fixture = TestBed.createComponent(RunningTasksButton);
    await fixture.whenStable();
    socket.fire('run.updated', { ...run, version: 2, status: 'completed' });
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelector('.badge')).toBeNull();
    expect(el.querySelector('.dot')).not.toBeNull();
    expect(el.querySelector('button')?.getAttribute('aria-label')).toContain('1 finished since you last looked');

    (el.querySelector('button') as HTMLButtonElement).click();
    await fixture.whenStable();
    expect(el.querySelector('.dot')).toBeNull();
  });
});
