import type { RunStatus, RunView } from '@onward/task-domain';

import type { Announcer } from '../engine/announcer.port';
import { type RunEvent, RunEvents } from '../engine/run-events';
import { RunStatsRecorder, STATS_HINT_MS } from './run-stats.recorder';
import type { RunStatsRepository, StatsDelta } from './run-stats.repository';

let sequence = 0;
const view = (status: RunStatus, scheduler: RunView['scheduler'] = null): RunView =>
  ({
    id: `run-${++sequence}`,
    task: 'sales-report',
    kind: 'task',
    status,
    parentId: null,
    scheduler,
    startedAt: status === 'queued' ? null : new Date().toISOString(),
    finishedAt: null,
    error: null,
  }) as RunView;

// The admins' `stats.updated` hint, on a fake clock: which changes lead to it, and how often it goes.
describe('RunStatsRecorder: the dashboard hint', () => {
  let hints: RunEvent[];
  let written: StatsDelta[][];
  let recorder: RunStatsRecorder;

  beforeEach(() => {
    jest.useFakeTimers({ now: Date.parse('2026-03-10T12:00:00.000Z') });
    hints = [];
    written = [];
    const announcer = {
      announce: (event: RunEvent) => {
        if (event.type === 'stats') hints.push(event);
      },
      flushed: () => Promise.resolve(),
    } as Announcer;
    // The rollup's writes, recorded: which of them a hint follows is what is tested here.
    const repository = {
      write: (minutes: StatsDelta[]) => {
        written.push(minutes);
        return Promise.resolve();
      },
    } as unknown as RunStatsRepository;
    recorder = new RunStatsRecorder(new RunEvents(announcer), repository);
  });

  afterEach(() => jest.useRealTimers());

  it('tells every process once a run is queued, without writing to the rollup', async () => {
    recorder.record(view('queued'), 'queued');
    expect(hints).toEqual([]); // never inside the caller's turn
    await jest.advanceTimersByTimeAsync(0);
    expect(hints).toEqual([{ type: 'stats', local: false }]);
    await recorder.flush();
    expect(written).toEqual([]);
  });

  it('tells of a scheduler queued too: its subtasks are queued with it', async () => {
    recorder.record(view('queued', { total: 3 } as RunView['scheduler']), 'queued');
    await jest.advanceTimersByTimeAsync(0);
    expect(hints).toHaveLength(1);
  });

  it('sends at most one hint per STATS_HINT_MS, the changes meanwhile in the next one', async () => {
    recorder.record(view('queued'), 'queued');
    await jest.advanceTimersByTimeAsync(0);
    expect(hints).toHaveLength(1);

    for (let i = 0; i < 5; i++) recorder.record(view('queued'), 'queued');
    await jest.advanceTimersByTimeAsync(STATS_HINT_MS - 1);
    expect(hints).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(hints).toHaveLength(2);

    // Quiet for longer than the interval: the next change is told at once again.
    await jest.advanceTimersByTimeAsync(2 * STATS_HINT_MS);
    recorder.record(view('queued'), 'queued');
    await jest.advanceTimersByTimeAsync(0);
    expect(hints).toHaveLength(3);
  });

  it('tells after a flush has written what changed, and not for a flush with nothing to write', async () => {
    const run = view('running');
    recorder.record(run, 'running');
    await jest.advanceTimersByTimeAsync(STATS_HINT_MS);
    expect(hints).toEqual([]); // counted, not yet written

    await recorder.flush();
    expect(written).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(0);
    expect(hints).toHaveLength(1);

    await recorder.flush();
    await jest.advanceTimersByTimeAsync(2 * STATS_HINT_MS);
    expect(hints).toHaveLength(1);
  });

  it('does not tell of a change that moves no figure of the dashboard (cancelling)', async () => {
    recorder.record(view('cancelling'), 'cancelling');
    await recorder.flush();
    await jest.advanceTimersByTimeAsync(2 * STATS_HINT_MS);
    expect(hints).toEqual([]);
  });
});
