import type { RunProgress } from '@onward/task-domain';

import { ProgressReporter } from './progress-reporter';

describe('ProgressReporter', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('writes at most once per interval, the latest value winning', async () => {
    const writes: RunProgress[] = [];
    const reporter = new ProgressReporter(100, async (p) => void writes.push(p));
    for (let i = 1; i <= 50; i++) reporter.report(i, `step ${i}`);
    await jest.advanceTimersByTimeAsync(0);
    expect(writes).toEqual([{ percent: 50, message: 'step 50' }]);
    reporter.report(60, null);
    reporter.report(70, null);
    await jest.advanceTimersByTimeAsync(50);
    expect(writes).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(60);
    expect(writes[1]).toEqual({ percent: 70, message: null });
  });

  it('hands back what was not written when closed, and clamps and rounds percent', async () => {
    const writes: RunProgress[] = [];
    const reporter = new ProgressReporter(100, async (p) => void writes.push(p));
    reporter.report(10, null);
    await jest.advanceTimersByTimeAsync(0);
    reporter.report(133.333, 'over');
    expect(await reporter.close()).toEqual({ percent: 100, message: 'over' });
    reporter.report(20, null);
    await jest.advanceTimersByTimeAsync(500);
    expect(writes).toEqual([{ percent: 10, message: null }]);
  });

  it('reports a run silent for the stall time as stalled, and its next write clears that', async () => {
    const writes: [RunProgress, boolean][] = [];
    let stalls = 0;
    const reporter = new ProgressReporter(100, async (p, clears) => void writes.push([p, clears]), {
      afterMs: 2_000,
      onStall: () => stalls++,
    });
    await jest.advanceTimersByTimeAsync(1_500);
    reporter.report(10, 'first');
    await jest.advanceTimersByTimeAsync(1_900);
    expect(stalls).toBe(0); // re-armed by the report at 1.5 s
    await jest.advanceTimersByTimeAsync(200);
    expect(stalls).toBe(1);
    reporter.report(20, 'again');
    await jest.advanceTimersByTimeAsync(0);
    expect(writes).toEqual([
      [{ percent: 10, message: 'first' }, false],
      [{ percent: 20, message: 'again' }, true],
    ]);
    await jest.advanceTimersByTimeAsync(2_100);
    expect(stalls).toBe(2);
    await reporter.close();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(stalls).toBe(2);
  });
});
