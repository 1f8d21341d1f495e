import { makeRun } from '../../testing/fakes';
import {
  cancelledText,
  compareRuns,
  displayText,
  elapsedMs,
  formatBytes,
  formatDuration,
  matchesFilter,
  resultText,
  runLabel,
  schedulerLine,
  selectionText,
  valueRows,
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

describe('selection titles, cancels and value texts', () => {
  const rows = ['Acme', 'Globex', 'Initech'].map((customer) => ({ customer, year: 2025 }));
  const scheduler = (total: number) => ({ total, completed: 0, failed: 0, cancelled: 0, current: null });

  it('names a scheduler by its first rows and the count of the others, its common values after', () => {
    const run = { title: 'Sales report', display: { year: 2025 }, firstRows: rows, scheduler: scheduler(4) };
    expect(selectionText(run)).toBe('Acme, Globex and 2 more');
    expect(runLabel(run)).toBe('Sales report · Acme, Globex and 2 more · 2025');
    expect(selectionText({ ...run, scheduler: scheduler(3) })).toBe('Acme, Globex and Initech');
    expect(selectionText({ ...run, firstRows: rows.slice(0, 2), scheduler: scheduler(2) })).toBe('Acme and Globex');
    expect(selectionText({ ...run, firstRows: rows.slice(0, 1), scheduler: scheduler(1) })).toBe('Acme');
  });

  it('names rows by all their values when every row has the same', () => {
    const same = [
      { customer: 'Acme', year: 2025 },
      { customer: 'Acme', year: 2025 },
    ];
    expect(selectionText({ display: { customer: 'Acme', year: 2025 }, firstRows: same, scheduler: scheduler(2) })).toBe(
      'Acme 2025 and Acme 2025',
    );
  });

  it('leaves a single run’s label as it was', () => {
    expect(runLabel({ title: 'Sales report', display: { customer: 'Acme', year: 2024 } })).toBe(
      'Sales report · Acme 2024',
    );
  });

  it('says when an administrator cancelled', () => {
    expect(cancelledText({ cancelledBy: { id: 'a', username: 'admin', admin: true } })).toBe(
      'Cancelled by an administrator',
    );
    expect(cancelledText({ cancelledBy: { id: 'u', username: 'alice', admin: false } })).toBe('Cancelled');
    expect(cancelledText({ cancelledBy: null })).toBe('Cancelled');
  });

  it('prefers a value’s summary, and reads a scheduler’s value list as rows, not JSON', () => {
    expect(resultText({ type: 'value', value: { updated: 32 }, summary: '32 prices updated' })).toBe(
      '32 prices updated',
    );
    expect(resultText({ type: 'value', value: { updated: 32 } })).toBe('{"updated":32}');
    const list = [
      { row: 1, display: { category: 'Hardware' }, status: 'completed', value: { updated: 3 }, error: null },
    ];
    expect(valueRows(list)).toEqual(list);
    expect(resultText({ type: 'value', value: list })).toBeNull();
    expect(valueRows([1, 2])).toBeNull();
  });
});
