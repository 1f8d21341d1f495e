import { tmpdir } from 'node:os';

import { recordingContext } from '../builtin/builtin-tasks.testing';
import { type BenchStubbornParameters, BenchStubbornRetryTask, BenchStubbornTask } from './bench-stubborn.task';
import { ONWARD_TASK } from '../task.decorator';
import type { TaskOptions } from '../task-handler';

describe('bench-stubborn', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('acknowledges its signal at once, and stops with its reason only after holdMs', async () => {
    const { ctx, controller, progress } = recordingContext<BenchStubbornParameters>({ holdMs: 1_000 }, tmpdir());
    let outcome: unknown = 'pending';
    void new BenchStubbornTask().run(ctx).then(
      (value) => (outcome = { value }),
      (error: unknown) => (outcome = error),
    );
    expect(progress.map((p) => p.message)).toEqual(['Holding']);

    const reason = new Error('Cancelled by the user');
    controller.abort(reason);
    await jest.advanceTimersByTimeAsync(999);
    expect(progress.map((p) => p.message)).toEqual(['Holding', 'Stopping late']);
    expect(outcome).toBe('pending');

    await jest.advanceTimersByTimeAsync(1);
    expect(outcome).toBe(reason);
  });

  it('completes by itself when no signal comes', async () => {
    const { ctx } = recordingContext<BenchStubbornParameters>({ holdMs: 1_000 }, tmpdir());
    const run = new BenchStubbornTask().run(ctx);
    await jest.advanceTimersByTimeAsync(600_000);
    await expect(run).resolves.toBeNull();
  });

  it('comes in two declarations, the second retried on crash', () => {
    const options = (type: object): TaskOptions => Reflect.getMetadata(ONWARD_TASK, type) as TaskOptions;
    expect(options(BenchStubbornTask)).toMatchObject({ id: 'bench-stubborn' });
    expect(options(BenchStubbornTask).retryOnCrash).toBeUndefined();
    expect(options(BenchStubbornRetryTask)).toMatchObject({ id: 'bench-stubborn-retry', retryOnCrash: true });
  });
});
