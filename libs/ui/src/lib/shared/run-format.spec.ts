import { makeRun } from '../../testing/fakes';
import {
  compareRuns,
  displayText,
  elapsedMs,
  formatBytes,
  formatDuration,
  matchesFilter,
  schedulerLine,
  valueText,
} from './run-format';

describe('run formatting', () => {
  it('joins display values', () => {
    expect(displayText({ customer: 'Globex', year: 2024 })).toBe('Globex 2024');
    expect(displayText({})).toBe('');
  });

  it('names the current subtask of a scheduler by its position', () => {
    const line = schedulerLine({
      total: 10,
      completed: 1,
      failed: 1,
      cancelled: 0,
      current: {
        id: 'c',
        title: 'Sales report',
        display: { customer: 'Globex', year: 2024 },
        progress: { percent: 5, message: null },
      },
    });
    expect(line).toBe('3 of 10 · Globex 2024');
    expect(schedulerLine({ total: 3, completed: 3, failed: 0, cancelled: 0, current: null })).toBeNull();
  });

  it('formats durations, sizes and values', () => {
    expect(formatDuration(7_000)).toBe('0:07');
    expect(formatDuration(12 * 60_000 + 4_000)).toBe('12:04');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
    expect(formatDuration(3 * 86_400_000 + 2 * 3_600_000)).toBe('3d 2h');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(48_213)).toBe('47 KB');
    expect(formatBytes(1_500_000)).toBe('1.4 MB');
    expect(valueText({ updated: 3 })).toBe('{"updated":3}');
    expect(valueText('x'.repeat(100), 10)).toBe('xxxxxxxxx…');
  });

  it('measures elapsed time from start to finish, or to now', () => {
    const run = makeRun({ startedAt: '2026-01-01T00:00:00.000Z', finishedAt: null });
    expect(elapsedMs(run, Date.parse('2026-01-01T00:00:05.000Z'))).toBe(5000);
    expect(elapsedMs({ ...run, finishedAt: '2026-01-01T00:00:02.000Z' }, Date.now())).toBe(2000);
  });

  it('sorts running runs on top, then newest first, and filters', () => {
    const oldRunning = makeRun({ status: 'running', createdAt: '2026-01-01T00:00:00Z' });
    const newDone = makeRun({ status: 'completed', createdAt: '2026-02-01T00:00:00Z' });
    const newerQueued = makeRun({ status: 'queued', createdAt: '2026-03-01T00:00:00Z' });
    expect([oldRunning, newDone, newerQueued].sort(compareRuns)).toEqual([newerQueued, oldRunning, newDone]);
    expect(matchesFilter(newDone, 'completed')).toBe(true);
    expect(matchesFilter(newDone, 'cancelled')).toBe(false);
    expect(matchesFilter(newDone, 'running')).toBe(false);
    expect(matchesFilter(makeRun({ status: 'cancelling' }), 'running')).toBe(true);
    expect(matchesFilter(makeRun({ status: 'cancelled' }), 'failed')).toBe(false);
    expect(matchesFilter(makeRun({ status: 'cancelled' }), 'cancelled')).toBe(true);
  });
});
