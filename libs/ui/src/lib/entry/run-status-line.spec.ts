import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { RunView } from '@onward/task-domain';

import { makeRun } from '../../testing/fakes';
import { setupWidget } from '../../testing/setup';
import type { MonitorClient } from '../client/monitor-client';
import { MonitorStore } from '../client/monitor-store';
import { MonitorClock } from '../shared/clock';
import { RunEntry } from './run-entry';

describe('RunEntry’s lines about time and place', () => {
  let client: MonitorClient;
  const now = signal(Date.parse('2026-01-01T12:10:00.000Z'));

  beforeEach(() => {
    now.set(Date.parse('2026-01-01T12:10:00.000Z'));
    TestBed.overrideProvider(MonitorClock, { useValue: { now } });
    ({ client } = setupWidget({ token: null }));
  });

  async function render(run: RunView) {
    const fixture = TestBed.createComponent(RunEntry);
    fixture.componentRef.setInput('run', run);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const line = () => el.querySelector('onward-run-status-line') as HTMLElement;
    const text = () => el.textContent?.replace(/\s+/g, ' ') ?? '';
    return { fixture, el, line, text };
  }

  it('shows the time left of a running run with an estimate', async () => {
    const { text } = await render(makeRun({ estimate: { remainingMs: 3 * 60_000 + 5_000, basis: 'progress' } }));
    expect(text()).toContain('about 3 min left');
  });

  it('shows the time left and the place of a queued run', async () => {
    const { text } = await render(
      makeRun({
        status: 'queued',
        startedAt: null,
        progress: { percent: null, message: null },
        queue: { position: 3, reason: 'user-limit' },
        estimate: { remainingMs: 30_000, basis: 'history' },
      }),
    );
    expect(text()).toContain('Waiting · 2 ahead of it (your other runs)');
    expect(text()).not.toContain('Waiting for a free worker');
    expect(text()).toContain('less than a minute left');
  });

  it.each([
    [{ position: 1, reason: 'capacity' as const }, 'Next to start'],
    [{ position: 15, reason: 'capacity' as const }, 'Waiting for a free worker · 14 ahead'],
  ])('says where a queued run waits: %p', async (queue, words) => {
    const { text } = await render(
      makeRun({ status: 'queued', startedAt: null, progress: { percent: null, message: null }, queue }),
    );
    expect(text()).toContain(words);
  });

  it('shows no line, and takes no room, when nothing applies', async () => {
    const { line } = await render(
      makeRun({ status: 'completed', estimate: { remainingMs: 60_000, basis: 'progress' } }),
    );
    expect(line().textContent?.trim()).toBe('');
    expect(line().classList).toContain('none');
  });

  it('warns of a stalled run, counting from its start when this window saw no progress change', async () => {
    const { line, fixture } = await render(
      makeRun({ startedAt: '2026-01-01T12:06:00.000Z', stalled: true, progress: { percent: 10, message: 'Step 1' } }),
    );
    expect(line().querySelector('.stalled')?.textContent?.trim()).toBe('No progress for 4 min');
    now.set(Date.parse('2026-01-01T12:11:00.000Z'));
    await fixture.whenStable();
    expect(line().querySelector('.stalled')?.textContent?.trim()).toBe('No progress for 5 min');
  });

  it('counts a stall from the last progress change this window saw', async () => {
    const store = TestBed.inject(MonitorStore);
    const run = makeRun({ startedAt: '2026-01-01T11:00:00.000Z', progress: { percent: 10, message: null } });
    // The store sees the progress move from 10 % to 20 % at 12:10.
    const clockNow = jest.spyOn(Date, 'now').mockReturnValue(now());
    store.merge([run]);
    store.merge([{ ...run, version: 2, progress: { percent: 20, message: null } }]);
    clockNow.mockRestore();
    now.set(Date.parse('2026-01-01T12:12:30.000Z'));
    const { line } = await render({ ...run, version: 3, progress: { percent: 20, message: null }, stalled: true });
    expect(line().querySelector('.stalled')?.textContent?.trim()).toBe('No progress for 2 min');
  });

  it('no longer warns once the run is not stalled', async () => {
    const { line } = await render(makeRun({ stalled: false }));
    expect(line().querySelector('.stalled')).toBeNull();
  });

  it('names the run it repeats by its time when held, else plainly', async () => {
    const original = makeRun({ status: 'completed', startedAt: '2026-01-01T11:02:00.000Z' });
    jest.spyOn(client, 'run').mockImplementation((id) => (id === original.id ? original : undefined));
    const { text } = await render(makeRun({ status: 'completed', rerunOf: original.id }));
    const time = new Intl.DateTimeFormat('en-US', { timeStyle: 'short' }).format(
      new Date(original.startedAt ?? original.createdAt),
    );
    expect(text()).toContain(`Repeats the run of ${time}`);
    const other = await render(makeRun({ status: 'completed', rerunOf: 'gone' }));
    expect(other.text()).toContain('Repeats an earlier run');
  });
});
